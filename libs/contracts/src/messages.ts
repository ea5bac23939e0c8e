import type { MessageStatus } from './acks';
import type { EngineMediaMeta, EngineMessage, WhatsAppParty } from './engine';
import type { ProviderType } from './session-status';

/**
 * One message as the inbound pipeline takes it, whichever provider it came from: both the
 * WhatsApp Web engine's events and Meta's webhook are mapped into these shapes, and nothing
 * after the mapping knows a provider's payload.
 */

/** As seen from the business number: written by the customer, or by the number itself. */
export type MessageDirection = 'inbound' | 'outbound';

/**
 * Where the message was written: by the customer, on the linked phone itself (WhatsApp Web
 * reports what the owner types there), or through Switchboard.
 */
export type MessageSource = 'customer' | 'phone' | 'switchboard';

/** Message types after mapping (Meta's vocabulary; WhatsApp Web's `chat` is `text`, `ptt` is `audio`). */
export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'interactive',
  'unsupported',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Media metadata only; the bytes stay with the provider until fetched. */
export interface NormalizedMedia extends EngineMediaMeta {
  /** Meta's media id; null for WhatsApp Web (fetched by message id through the engine). */
  provider_media_id: string | null;
  sha256: string | null;
  /** A voice note recorded in WhatsApp (Meta `audio.voice`, WhatsApp Web `ptt`). */
  voice: boolean;
}

export interface NormalizedMessage extends Pick<
  EngineMessage,
  'provider_message_id' | 'body' | 'timestamp' | 'quoted_message_id' | 'status'
> {
  provider: ProviderType;
  direction: MessageDirection;
  source: MessageSource;
  /** The conversation: the customer's own id (phone or `@lid`) or the group (`@g.us`). */
  conversation: WhatsAppParty;
  /** Who wrote it: the customer, a group participant, or the business number. */
  sender: WhatsAppParty;
  /** The profile name the provider reported for the sender, if any. */
  sender_name: string | null;
  type: MessageType;
  /** The provider's own type name (`chat`, `ptt`, `button`, …), kept in the stored metadata. */
  provider_type: string;
  media: NormalizedMedia | null;
  /** Type-specific details worth keeping (location coordinates, shared contacts, reactions). */
  extra: Record<string, unknown> | null;
}

export interface NormalizedStatusError {
  code: number | null;
  title: string;
  message: string | null;
}

/** A delivery status reported for a message the business number sent. */
export interface NormalizedStatusUpdate {
  provider_message_id: string;
  status: MessageStatus;
  /** Unix seconds; null when the provider does not say. */
  timestamp: number | null;
  /** Why it failed, for `failed`. */
  error: NormalizedStatusError | null;
}

export interface NormalizedEdit {
  provider_message_id: string;
  body: string;
}

export interface NormalizedRevoke {
  provider_message_id: string;
}

/** What the pipeline did with one message. */
export type MessageIngestOutcome =
  | { outcome: 'stored'; chat_id: number; contact_id: number }
  /** Stored before (same number, same provider id): nothing changed. */
  | { outcome: 'duplicate'; chat_id: number; contact_id: number }
  /** Not a conversation Switchboard keeps (status updates, channels, broadcasts). */
  | { outcome: 'ignored'; reason: string };
