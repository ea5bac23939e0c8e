import type {
  ConversationView,
  InboxMessageView,
  MarkConversationReadRequest,
  MarkConversationReadResult,
  NumberUnreadView,
  OutboundMessageView,
  Page,
  SendMessageRequest,
} from '@switchboard/contracts';
import { request } from './http';

// The inbox API (`/api/conversations`): a conversation is one contact on one number.

export interface ConversationsQuery {
  /** One number's conversations (its uuid); all numbers when absent. */
  session?: string;
  /** Name or phone. */
  search?: string;
  cursor?: string;
  limit?: number;
}

/** Conversations, newest activity first. */
export function listConversations(
  query: ConversationsQuery = {},
  signal?: AbortSignal,
): Promise<Page<ConversationView>> {
  return request<Page<ConversationView>>('/conversations', { query: { ...query }, signal });
}

/** Unread inbound messages per number, every active number listed. */
export function listUnreadCounts(signal?: AbortSignal): Promise<NumberUnreadView[]> {
  return request<NumberUnreadView[]>('/conversations/unread', { signal });
}

export interface MessagesQuery {
  /** The conversation's number; every number's messages of the contact when absent. */
  session?: string;
  cursor?: string;
  limit?: number;
}

/** A thread, newest first. */
export function listConversationMessages(
  contactUuid: string,
  query: MessagesQuery = {},
  signal?: AbortSignal,
): Promise<Page<InboxMessageView>> {
  return request<Page<InboxMessageView>>(
    `/conversations/${encodeURIComponent(contactUuid)}/messages`,
    { query: { ...query }, signal },
  );
}

/** Marks the customer's messages read (on one number, or on all); idempotent. */
export function markConversationRead(
  contactUuid: string,
  sessionUuid?: string,
): Promise<MarkConversationReadResult> {
  const body: MarkConversationReadRequest = sessionUuid ? { session_uuid: sessionUuid } : {};
  return request<MarkConversationReadResult>(
    `/conversations/${encodeURIComponent(contactUuid)}/read`,
    { method: 'POST', body },
  );
}

/** A reply; the same `idempotency_key` again answers the message made the first time. */
export function sendMessage(
  contactUuid: string,
  body: SendMessageRequest,
): Promise<OutboundMessageView> {
  return request<OutboundMessageView>(
    `/conversations/${encodeURIComponent(contactUuid)}/messages`,
    { method: 'POST', body },
  );
}

/** One message with its delivery: every number tried, and why it failed. */
export function getMessage(contactUuid: string, messageUuid: string): Promise<OutboundMessageView> {
  return request<OutboundMessageView>(
    `/conversations/${encodeURIComponent(contactUuid)}/messages/${encodeURIComponent(messageUuid)}`,
  );
}

/** Sends a failed message again. */
export function retryMessage(
  contactUuid: string,
  messageUuid: string,
): Promise<OutboundMessageView> {
  return request<OutboundMessageView>(
    `/conversations/${encodeURIComponent(contactUuid)}/messages/${encodeURIComponent(messageUuid)}/retry`,
    { method: 'POST' },
  );
}
