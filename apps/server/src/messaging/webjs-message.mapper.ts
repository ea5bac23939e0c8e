import {
  MESSAGE_STATUSES,
  type AckEventData,
  type EditedEventData,
  type EngineMessage,
  type MessageSource,
  type MessageStatus,
  type MessageType,
  type NormalizedEdit,
  type NormalizedMessage,
  type NormalizedRevoke,
  type NormalizedStatusUpdate,
  type RevokedEventData,
  type WhatsAppIdKind,
  type WhatsAppParty,
} from '@switchboard/contracts';

/** An engine event whose data does not have the documented shape. */
export class MalformedEngineMessageError extends Error {
  constructor(readonly field: string) {
    super(`engine message event: ${field} is missing or malformed`);
  }
}

/** whatsapp-web.js message types → the pipeline's types (Meta's vocabulary). */
const WEBJS_TYPES: Record<string, MessageType> = {
  chat: 'text',
  image: 'image',
  video: 'video',
  gif: 'video',
  audio: 'audio',
  ptt: 'audio',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  vcard: 'contacts',
  multi_vcard: 'contacts',
  reaction: 'reaction',
  buttons_response: 'interactive',
  list_response: 'interactive',
  template_button_reply: 'interactive',
  interactive: 'interactive',
};

const ID_KINDS: readonly WhatsAppIdKind[] = [
  'phone',
  'lid',
  'group',
  'broadcast',
  'newsletter',
  'other',
];

/**
 * A WhatsApp Web message as the engine reports it → the pipeline's message. `source` says which
 * event carried it: `customer` for `message.received`, `phone` for `message.sent_from_phone`.
 */
export function fromEngineMessage(
  value: unknown,
  source: Extract<MessageSource, 'customer' | 'phone'>,
): NormalizedMessage {
  const message = assertEngineMessage(value);
  const outbound = source === 'phone';
  const conversation: WhatsAppParty = message.is_group
    ? { id: message.chat_id, kind: 'group', phone: null }
    : outbound
      ? message.to
      : message.from;
  const sender = message.is_group && message.author ? message.author : message.from;
  return {
    provider: 'webjs',
    provider_message_id: message.provider_message_id,
    direction: outbound ? 'outbound' : 'inbound',
    source,
    conversation,
    sender,
    sender_name: null,
    type: WEBJS_TYPES[message.type] ?? 'unsupported',
    provider_type: message.type,
    body: message.body,
    timestamp: message.timestamp,
    media: message.media
      ? {
          mimetype: message.media.mimetype,
          filename: message.media.filename,
          size: message.media.size,
          provider_media_id: null,
          sha256: null,
          voice: message.type === 'ptt',
        }
      : null,
    quoted_message_id: message.quoted_message_id,
    status: message.status,
    extra: null,
  };
}

export function fromAck(data: unknown): NormalizedStatusUpdate {
  const ack = record(data, 'data') as Partial<AckEventData>;
  return {
    provider_message_id: text(ack.provider_message_id, 'data.provider_message_id'),
    status: status(ack.status, 'data.status'),
    timestamp: null,
    error: null,
  };
}

export function fromEdit(data: unknown): NormalizedEdit {
  const edit = record(data, 'data') as Partial<EditedEventData>;
  if (typeof edit.body !== 'string') throw new MalformedEngineMessageError('data.body');
  return {
    provider_message_id: text(edit.provider_message_id, 'data.provider_message_id'),
    body: edit.body,
  };
}

export function fromRevoke(data: unknown): NormalizedRevoke {
  const revoke = record(data, 'data') as Partial<RevokedEventData>;
  return { provider_message_id: text(revoke.provider_message_id, 'data.provider_message_id') };
}

function assertEngineMessage(value: unknown): EngineMessage {
  const m = record(value, 'message') as Partial<EngineMessage>;
  text(m.provider_message_id, 'message.provider_message_id');
  text(m.chat_id, 'message.chat_id');
  party(m.from, 'message.from');
  party(m.to, 'message.to');
  if (m.author !== null && m.author !== undefined) party(m.author, 'message.author');
  if (typeof m.is_group !== 'boolean') throw new MalformedEngineMessageError('message.is_group');
  text(m.type, 'message.type');
  if (typeof m.body !== 'string') throw new MalformedEngineMessageError('message.body');
  if (typeof m.timestamp !== 'number' || !Number.isFinite(m.timestamp)) {
    throw new MalformedEngineMessageError('message.timestamp');
  }
  status(m.status, 'message.status');
  if (m.media !== null && m.media !== undefined) record(m.media, 'message.media');
  return {
    ...(m as EngineMessage),
    author: m.author ?? null,
    media: m.media ?? null,
    quoted_message_id: typeof m.quoted_message_id === 'string' ? m.quoted_message_id : null,
  };
}

function party(value: unknown, field: string): WhatsAppParty {
  const p = record(value, field) as Partial<WhatsAppParty>;
  text(p.id, `${field}.id`);
  if (!ID_KINDS.includes(p.kind as WhatsAppIdKind))
    throw new MalformedEngineMessageError(`${field}.kind`);
  if (p.phone !== null && typeof p.phone !== 'string')
    throw new MalformedEngineMessageError(`${field}.phone`);
  return p as WhatsAppParty;
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedEngineMessageError(field);
  }
  return value as Record<string, unknown>;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
    throw new MalformedEngineMessageError(field);
  }
  return value;
}

function status(value: unknown, field: string): MessageStatus {
  if (!MESSAGE_STATUSES.includes(value as MessageStatus))
    throw new MalformedEngineMessageError(field);
  return value as MessageStatus;
}
