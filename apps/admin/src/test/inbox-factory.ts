import type {
  ConversationView,
  InboxMessageView,
  MessageDeliveryView,
  MessageReceivedPayload,
  MessageStatus,
  MessageStatusUpdatedPayload,
  OutboundMessageView,
  RealtimeMessage,
} from '@switchboard/contracts';

let seq = 0;
export const uuid = (n: number, prefix = '0000') =>
  `${prefix}0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A conversation as `GET /api/conversations` answers it; every field can be overridden. */
export function aConversation(
  overrides: {
    contact?: Partial<ConversationView['contact']>;
    session?: Partial<ConversationView['session']>;
  } & Partial<Omit<ConversationView, 'contact' | 'session'>> = {},
): ConversationView {
  seq += 1;
  const { contact, session, ...rest } = overrides;
  return {
    contact: {
      uuid: uuid(seq, 'c0c0'),
      name: `Customer ${seq}`,
      phone: `+62811000${String(seq).padStart(5, '0')}`,
      whatsapp_id: null,
      type: 'individual',
      ...contact,
    },
    session: {
      uuid: uuid(1, '5e55'),
      phone_number: '+6281234567890',
      provider_type: 'webjs',
      status: 'connected',
      ...session,
    },
    last_message: {
      uuid: uuid(seq, 'ee00'),
      direction: 'inbound',
      type: 'text',
      body_preview: 'Hello',
      status: 'read',
      created_at: new Date(Date.UTC(2026, 10, 1, 8, seq)).toISOString(),
    },
    unread_count: 0,
    last_activity_at: new Date(Date.UTC(2026, 10, 1, 8, seq)).toISOString(),
    ...rest,
  };
}

/** A thread message as `GET /api/conversations/{uuid}/messages` answers it. */
export function aMessage(overrides: Partial<InboxMessageView> = {}): InboxMessageView {
  seq += 1;
  return {
    id: 1000 + seq,
    uuid: uuid(seq, 'a55a'),
    direction: 'inbound',
    type: 'text',
    body: `Message ${seq}`,
    media: null,
    status: 'delivered',
    is_read: true,
    provider_message_id: `wamid.${seq}`,
    session_uuid: uuid(1, '5e55'),
    sender_name: null,
    edited: false,
    revoked: false,
    created_at: new Date(Date.UTC(2026, 10, 1, 9, 0, seq)).toISOString(),
    delivery: null,
    ...overrides,
  };
}

export function anOutbound(
  overrides: Partial<InboxMessageView> & { delivery?: MessageDeliveryView | null } = {},
): OutboundMessageView {
  const { delivery, ...rest } = overrides;
  return {
    ...aMessage({ direction: 'outbound', status: 'pending', ...rest }),
    delivery: delivery ?? {
      idempotency_key: 'key',
      error: null,
      attempts: [],
      failed_over_from: null,
      retries: 0,
    },
  };
}

/** `message.received` of a contact (`contactId`) on a number. */
export function receivedEvent(
  workspaceId: number,
  contact: { id: number; phone: string | null; name?: string; uuid?: string },
  message: Partial<RealtimeMessage> = {},
): MessageReceivedPayload {
  seq += 1;
  return {
    workspace_id: workspaceId,
    contact: {
      id: contact.id,
      uuid: contact.uuid ?? uuid(contact.id, 'c0c0'),
      name: contact.name ?? 'Customer',
      phone: contact.phone,
      avatar: null,
      unread_messages: 1,
    },
    message: {
      id: 5000 + seq,
      uuid: uuid(5000 + seq, 'a55a'),
      contact_id: contact.id,
      session_uuid: uuid(1, '5e55'),
      provider_message_id: `wamid.live.${seq}`,
      direction: 'inbound',
      type: 'text',
      status: 'delivered',
      body: `Live ${seq}`,
      from_me: false,
      media: null,
      user_id: null,
      created_at: new Date(Date.UTC(2026, 10, 1, 10, 0, seq)).toISOString(),
      ...message,
    },
    at: new Date().toISOString(),
  };
}

export function statusUpdatedEvent(
  workspaceId: number,
  contactId: number,
  messageId: number,
  status: MessageStatus,
): MessageStatusUpdatedPayload {
  return {
    workspace_id: workspaceId,
    contact_id: contactId,
    message_id: messageId,
    provider_message_id: null,
    status,
    at: new Date().toISOString(),
  };
}

/** The default number of the factories' conversations and messages. */
export const NUMBER_UUID = uuid(1, '5e55');
