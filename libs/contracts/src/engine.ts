import type { MessageStatus } from './acks';
import type { DisconnectReason, SessionStatus } from './session-status';

/**
 * The engine's HTTP contract: the signed command API the server calls (`ENGINE_ROUTES`) and the
 * signed events the engine posts back to the server (`ENGINE_EVENTS_PATH`). Both directions are
 * signed with `signRequest` from `@switchboard/contracts/node`.
 */

/** A session id is used as the LocalAuth client id, so only these characters are allowed. */
export const ENGINE_SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Route patterns of the engine command API (Nest style, no leading slash). */
export const ENGINE_ROUTES = {
  startSession: { method: 'POST', path: 'sessions/:sessionId/start' },
  stopSession: { method: 'POST', path: 'sessions/:sessionId/stop' },
  logoutSession: { method: 'POST', path: 'sessions/:sessionId/logout' },
  restartSession: { method: 'POST', path: 'sessions/:sessionId/restart' },
  regenerateQr: { method: 'POST', path: 'sessions/:sessionId/qr/regenerate' },
  sessionStatus: { method: 'GET', path: 'sessions/:sessionId' },
  sendText: { method: 'POST', path: 'sessions/:sessionId/messages/text' },
  sendMedia: { method: 'POST', path: 'sessions/:sessionId/messages/media' },
  markRead: { method: 'POST', path: 'sessions/:sessionId/chats/read' },
  messageMedia: { method: 'GET', path: 'sessions/:sessionId/messages/:messageId/media' },
} as const;
export type EngineRouteName = keyof typeof ENGINE_ROUTES;

/** The concrete path of a route, e.g. `/sessions/abc/start`; parameters are URI-encoded. */
export function engineRoutePath(
  name: EngineRouteName,
  params: { sessionId: string; messageId?: string },
): string {
  const path = ENGINE_ROUTES[name].path.replace(/:(\w+)/g, (_match, key: string) => {
    const value = (params as Record<string, string | undefined>)[key];
    if (value === undefined) throw new Error(`engine route ${name} needs ${key}`);
    return encodeURIComponent(value);
  });
  return `/${path}`;
}

/** Where the engine posts its events on the server. */
export const ENGINE_EVENTS_PATH = '/api/engine/events';

// ---------------------------------------------------------------------------------------------
// Commands

export interface StartSessionRequest {
  /** Link by pairing code instead of QR: the phone number in international digits, no `+`. */
  pairing_phone_number?: string;
}

/** The current QR (or pairing code) while the session waits to be linked. */
export interface EngineQrView {
  qr: string;
  qr_data_url: string;
  expires_at: string;
  window_ends_at: string;
}

/** Answer of every lifecycle command and of the status query. */
export interface EngineSessionView {
  session_id: string;
  engine_id: string;
  status: SessionStatus;
  /** Why the session is not running; null while it runs. */
  reason: DisconnectReason | null;
  /** The linked account's phone in international digits (no `+`); null until known. */
  phone: string | null;
  /** The linked account's own WhatsApp id (`…@c.us`, or `…@lid` when only a LID is known). */
  wid: string | null;
  qr: EngineQrView | null;
  pairing_code: string | null;
}

interface SendBase {
  /** WhatsApp chat id: `<digits>@c.us`, `<id>@g.us` or `<id>@lid`. */
  chat_id: string;
  /** The same key never sends twice on a session; a repeat returns the first result. */
  idempotency_key: string;
  /** Provider id of the message to quote. */
  quoted_message_id?: string;
}

export interface SendTextRequest extends SendBase {
  text: string;
}

export type SendMediaSource =
  | { url: string; mimetype?: string; filename?: string }
  | { base64: string; mimetype: string; filename?: string };

export interface SendMediaRequest extends SendBase {
  media: SendMediaSource;
  caption?: string;
}

export interface SendResult {
  idempotency_key: string;
  provider_message_id: string;
  chat_id: string;
  /** Unix seconds of the message as WhatsApp recorded it. */
  timestamp: number;
  status: MessageStatus;
}

export interface MarkReadRequest {
  chat_id: string;
}

export interface MarkReadResult {
  chat_id: string;
  ok: boolean;
}

/** Answer of `GET …/messages/:messageId/media`: the bytes fetched on demand, base64. */
export interface EngineMediaView {
  provider_message_id: string;
  mimetype: string;
  filename: string | null;
  size: number | null;
  base64: string;
}

// ---------------------------------------------------------------------------------------------
// Errors

export enum EngineErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  SESSION_NOT_FOUND = 'SESSION_NOT_FOUND',
  /** The command needs a connected session; `details.status` carries the current status. */
  SESSION_NOT_CONNECTED = 'SESSION_NOT_CONNECTED',
  /** The command does not fit the session's status (e.g. a new QR for a linked session). */
  INVALID_SESSION_STATE = 'INVALID_SESSION_STATE',
  /** This engine already runs its maximum number of sessions. */
  ENGINE_FULL = 'ENGINE_FULL',
  /** Another engine holds the session's lease; it runs there. */
  SESSION_OWNED_ELSEWHERE = 'SESSION_OWNED_ELSEWHERE',
  /** The server (the lease authority) could not be reached, so the session cannot be taken. */
  SERVER_UNAVAILABLE = 'SERVER_UNAVAILABLE',
  /** The engine is shutting down and starts nothing new. */
  ENGINE_STOPPING = 'ENGINE_STOPPING',
  /** The idempotency key was already used with a different request. */
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  MESSAGE_NOT_FOUND = 'MESSAGE_NOT_FOUND',
  /** No such route on the engine. */
  NOT_FOUND = 'NOT_FOUND',
  /** The engine does not support this operation (422). */
  NOT_SUPPORTED = 'NOT_SUPPORTED',
  /** WhatsApp Web refused or failed the operation. */
  PROVIDER_ERROR = 'PROVIDER_ERROR',
  INTERNAL = 'INTERNAL',
}

/** HTTP status that goes with each engine error code. */
export const ENGINE_ERROR_STATUS: Record<EngineErrorCode, number> = {
  [EngineErrorCode.UNAUTHENTICATED]: 401,
  [EngineErrorCode.VALIDATION_FAILED]: 400,
  [EngineErrorCode.SESSION_NOT_FOUND]: 404,
  [EngineErrorCode.SESSION_NOT_CONNECTED]: 409,
  [EngineErrorCode.INVALID_SESSION_STATE]: 409,
  [EngineErrorCode.ENGINE_FULL]: 429,
  [EngineErrorCode.SESSION_OWNED_ELSEWHERE]: 409,
  [EngineErrorCode.SERVER_UNAVAILABLE]: 503,
  [EngineErrorCode.ENGINE_STOPPING]: 503,
  [EngineErrorCode.IDEMPOTENCY_KEY_REUSED]: 409,
  [EngineErrorCode.MESSAGE_NOT_FOUND]: 404,
  [EngineErrorCode.NOT_FOUND]: 404,
  [EngineErrorCode.NOT_SUPPORTED]: 422,
  [EngineErrorCode.PROVIDER_ERROR]: 502,
  [EngineErrorCode.INTERNAL]: 500,
};

/** An engine's `GET /health` (unsigned): what it runs and what it costs. */
export interface EngineHealth {
  status: 'ok';
  engine_id: string;
  uptime_s: number;
  sessions: { total: number; running: number; max: number };
  /** Clients starting now, and waiting for a start slot. */
  starts: { starting: number; queued: number; concurrency: number };
  memory: { rss_mb: number; heap_used_mb: number };
}

export interface EngineErrorBody {
  error: { code: EngineErrorCode; message: string; details?: Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------
// Events (engine → server)

/** What a WhatsApp id names. A `lid` is a privacy id: its digits are not a phone number. */
export type WhatsAppIdKind = 'phone' | 'lid' | 'group' | 'broadcast' | 'newsletter' | 'other';

export interface WhatsAppParty {
  /** The full id as WhatsApp gives it, e.g. `6281234@c.us` or `1234567@lid`. */
  id: string;
  kind: WhatsAppIdKind;
  /** International digits without `+`, only when `kind` is `phone`. */
  phone: string | null;
}

export interface EngineMediaMeta {
  mimetype: string | null;
  filename: string | null;
  size: number | null;
}

/** One message as the engine reports it, the same shape for inbound and own messages. */
export interface EngineMessage {
  /** Serialized provider id (`<fromMe>_<chat>_<id>`); unique per session. */
  provider_message_id: string;
  chat_id: string;
  chat_kind: WhatsAppIdKind;
  from: WhatsAppParty;
  to: WhatsAppParty;
  from_me: boolean;
  is_group: boolean;
  /** The sender inside a group; null outside groups. */
  author: WhatsAppParty | null;
  /** whatsapp-web.js message type (`chat`, `image`, `ptt`, `document`, …). */
  type: string;
  /** Text, or the caption of a media message. */
  body: string;
  /** Unix seconds. */
  timestamp: number;
  /** Metadata only; the bytes are fetched on demand through `messageMedia`. */
  media: EngineMediaMeta | null;
  /** Stanza id of the quoted message, when this one is a reply. */
  quoted_message_id: string | null;
  status: MessageStatus;
}

export const ENGINE_EVENT_TYPES = [
  'session.qr',
  'session.pairing_code',
  'session.status',
  'session.recovery',
  'message.received',
  'message.sent_from_phone',
  'message.ack',
  'message.edited',
  'message.revoked',
] as const;
export type EngineEventType = (typeof ENGINE_EVENT_TYPES)[number];

export interface QrEventData {
  qr: string;
  qr_data_url: string;
  /** When this QR is replaced by WhatsApp Web (about 20 s after it appeared). */
  expires_at: string;
  /** When the engine gives up waiting for a scan and stops with `qr_expired`. */
  window_ends_at: string;
}

export interface PairingCodeEventData {
  code: string;
  expires_at: string;
  window_ends_at: string;
}

export interface StatusEventData {
  status: SessionStatus;
  reason: DisconnectReason | null;
  phone: string | null;
  wid: string | null;
}

export const RECOVERY_REASONS = [
  'connection_lost',
  'initialize_failed',
  /** The watchdog's probe got no answer: connected on paper, dead in fact. */
  'unresponsive',
  /** The page crashed or the browser went away under a connected session. */
  'page_crashed',
  /** The session's Chromium grew past ENGINE_SESSION_MEMORY_LIMIT_MB. */
  'memory_limit',
] as const;
export type RecoveryReason = (typeof RECOVERY_REASONS)[number];

export interface RecoveryEventData {
  reason: RecoveryReason;
  attempt: number;
  /** WhatsApp Web's own reason (e.g. `CONFLICT`) or the error message; never message content. */
  detail: string | null;
}

export interface AckEventData {
  provider_message_id: string;
  chat_id: string;
  status: MessageStatus;
}

export interface EditedEventData {
  provider_message_id: string;
  chat_id: string;
  body: string;
}

export interface RevokedEventData {
  provider_message_id: string;
  chat_id: string;
}

interface EngineEventDataMap {
  'session.qr': QrEventData;
  'session.pairing_code': PairingCodeEventData;
  'session.status': StatusEventData;
  'session.recovery': RecoveryEventData;
  'message.received': { message: EngineMessage };
  'message.sent_from_phone': { message: EngineMessage };
  'message.ack': AckEventData;
  'message.edited': EditedEventData;
  'message.revoked': RevokedEventData;
}

export type EngineEventOf<T extends EngineEventType> = {
  type: T;
  /** Unique per event; the server de-duplicates retried deliveries on it. */
  event_id: string;
  session_id: string;
  engine_id: string;
  /** Per session and engine process, increasing by one: the order events happened in. */
  sequence: number;
  occurred_at: string;
  data: EngineEventDataMap[T];
};

/** The body of one `POST ENGINE_EVENTS_PATH`. */
export type EngineEvent = { [T in EngineEventType]: EngineEventOf<T> }[EngineEventType];
