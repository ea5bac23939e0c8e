import type { MessageStatus } from './acks';
import type { MessageDirection } from './messages';
import type { MessageDeliveryView } from './outbound';
import type { ProviderType, SessionStatus } from './session-status';

/**
 * The inbox API (`/api/conversations`). A conversation is one contact on one number (a
 * `contact_sessions` row): agents answer from the number the customer wrote to, so the number is
 * part of the conversation, and a customer who wrote to two numbers has two conversations.
 */
export const CONVERSATIONS_API_PATH = '/api/conversations';

/** The customer side of a conversation. */
export interface ConversationContactView {
  uuid: string;
  /** First and last name, else Blazz's `full_name`; null when nobody named the contact. */
  name: string | null;
  /** E.164 with `+`; null for groups and privacy (`@lid`) ids. */
  phone: string | null;
  /** The WhatsApp id of a contact without a phone number (`…@g.us`, `…@lid`). */
  whatsapp_id: string | null;
  type: 'individual' | 'group';
}

/** The business number of a conversation. */
export interface ConversationNumberView {
  uuid: string;
  phone_number: string | null;
  provider_type: ProviderType;
  status: SessionStatus;
}

export interface ConversationLastMessageView {
  uuid: string;
  direction: MessageDirection;
  /** `text`, `image`, … (see `MESSAGE_TYPES`); null on rows from before Switchboard. */
  type: string | null;
  /** The start of the text or caption, at most `MESSAGE_PREVIEW_LENGTH` characters. */
  body_preview: string;
  status: MessageStatus | null;
  created_at: string;
}

export const MESSAGE_PREVIEW_LENGTH = 120;

/** One row of `GET /api/conversations`, newest activity first. */
export interface ConversationView {
  contact: ConversationContactView;
  session: ConversationNumberView;
  last_message: ConversationLastMessageView | null;
  /** Inbound messages of this contact on this number not yet marked read. */
  unread_count: number;
  /** The time of the conversation's newest message. */
  last_activity_at: string;
}

/** `GET /api/conversations/unread`: unread inbound messages per number, every active number listed. */
export interface NumberUnreadView {
  session_uuid: string;
  unread: number;
}

/**
 * Where a message's media bytes are served (`GET`, signed-in agents of its workspace): images,
 * video and audio inline, anything else as a download.
 */
export function messageMediaPath(contactUuid: string, messageUuid: string): string {
  return `/api/conversations/${encodeURIComponent(contactUuid)}/messages/${encodeURIComponent(messageUuid)}/media`;
}

export interface InboxMediaView {
  mimetype: string | null;
  filename: string | null;
  size: number | null;
  /** Meta's media id; null for WhatsApp Web media (fetched by message id through the engine). */
  provider_media_id: string | null;
  voice: boolean;
}

/** One message of `GET /api/conversations/{contact uuid}/messages`, newest first. */
export interface InboxMessageView {
  id: number;
  uuid: string;
  direction: MessageDirection;
  type: string | null;
  body: string;
  media: InboxMediaView | null;
  status: MessageStatus | null;
  /** Read by an agent (inbound messages); outbound messages are always read. */
  is_read: boolean;
  provider_message_id: string | null;
  /** The number it went through; null on rows from before Switchboard. */
  session_uuid: string | null;
  /** The profile name of a group participant or customer, when the provider gave one. */
  sender_name: string | null;
  edited: boolean;
  revoked: boolean;
  created_at: string;
  /** How a message sent from Switchboard went (numbers tried, failover, error); else null. */
  delivery: MessageDeliveryView | null;
}

/** `POST /api/conversations/{contact uuid}/read`; without `session_uuid` every number's messages. */
export interface MarkConversationReadRequest {
  session_uuid?: string;
}

export interface MarkConversationReadResult {
  /** Messages this call marked read: 0 when they already were. */
  marked_read: number;
  /** The contact's unread messages left on all its numbers (`contacts.unread_messages`). */
  unread_messages: number;
}

/** One row of `GET /api/contacts/{uuid}/sessions`, most recent interaction first. */
export interface ContactNumberView {
  session_uuid: string;
  phone_number: string | null;
  provider_type: ProviderType;
  status: SessionStatus;
  first_interaction_at: string | null;
  last_interaction_at: string | null;
  total_messages: number;
}
