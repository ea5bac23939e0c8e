import {
  statusFromWebJsAck,
  type EngineMessage,
  type MessageStatus,
  type WhatsAppIdKind,
  type WhatsAppParty,
} from '@switchboard/contracts';
import type { WebJsMessage } from './whatsapp-client.port';

/** Message types that are protocol or system records, not something a person wrote. */
const SYSTEM_TYPES = new Set([
  'notification_template',
  'notification',
  'e2e_notification',
  'gp2',
  'group_notification',
  'broadcast_notification',
  'call_log',
  'ciphertext',
  'protocol',
  'debug',
  'revoked',
]);

export const STATUS_BROADCAST = 'status@broadcast';

/** Classifies a WhatsApp id; a `@lid` never counts as a phone number. */
export function describeParty(id: string): WhatsAppParty {
  const at = id.lastIndexOf('@');
  const user = at >= 0 ? id.slice(0, at) : id;
  const server = at >= 0 ? id.slice(at + 1) : '';
  const kind: WhatsAppIdKind =
    server === 'c.us' || server === 's.whatsapp.net'
      ? 'phone'
      : server === 'lid'
        ? 'lid'
        : server === 'g.us'
          ? 'group'
          : server === 'broadcast'
            ? 'broadcast'
            : server === 'newsletter'
              ? 'newsletter'
              : 'other';
  // A multi-device suffix (`62812:3@c.us`) is not part of the number.
  const phone = kind === 'phone' ? user.split(':')[0]!.replace(/\D/g, '') || null : null;
  return { id, kind, phone };
}

export function chatIdOf(message: WebJsMessage): string {
  return message.fromMe ? message.to : message.from;
}

/** Status updates (stories) are not chat messages and never leave the engine. */
export function isStatusBroadcast(message: WebJsMessage): boolean {
  return (
    message.isStatus === true ||
    message.from === STATUS_BROADCAST ||
    message.to === STATUS_BROADCAST ||
    remoteOf(message) === STATUS_BROADCAST
  );
}

/** Library message → contract message; null for status updates and system records. */
export function toEngineMessage(message: WebJsMessage): EngineMessage | null {
  if (isStatusBroadcast(message) || SYSTEM_TYPES.has(message.type)) return null;
  const chatId = chatIdOf(message);
  const chat = describeParty(chatId);
  const isGroup = chat.kind === 'group';
  const raw = message._data ?? {};
  return {
    provider_message_id: message.id._serialized,
    chat_id: chatId,
    chat_kind: chat.kind,
    from: describeParty(message.from),
    to: describeParty(message.to),
    from_me: message.fromMe,
    is_group: isGroup,
    author: isGroup && message.author ? describeParty(message.author) : null,
    type: message.type,
    body: message.body ?? '',
    timestamp: message.timestamp,
    media: message.hasMedia
      ? {
          mimetype: raw.mimetype ?? null,
          filename: raw.filename ?? null,
          size: typeof raw.size === 'number' ? raw.size : null,
        }
      : null,
    quoted_message_id: message.hasQuotedMsg ? (raw.quotedStanzaID ?? null) : null,
    status: ackStatus(message.ack) ?? (message.fromMe ? 'pending' : 'delivered'),
  };
}

/** The contract status of a library ack; null for a value the library does not define. */
export function ackStatus(ack: number | undefined): MessageStatus | null {
  if (typeof ack !== 'number') return null;
  try {
    return statusFromWebJsAck(ack);
  } catch {
    return null;
  }
}

function remoteOf(message: WebJsMessage): string {
  const remote = message.id.remote;
  return typeof remote === 'string' ? remote : remote._serialized;
}
