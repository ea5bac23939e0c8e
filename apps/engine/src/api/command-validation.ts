import {
  ENGINE_SESSION_ID_PATTERN,
  type MarkReadRequest,
  type SendMediaRequest,
  type SendMediaSource,
  type SendTextRequest,
  type StartSessionRequest,
} from '@switchboard/contracts';
import { EngineException } from '../common/engine.exception';

/** Chat ids look like `<user>@<server>`; the engine passes them to WhatsApp Web unchanged. */
const CHAT_ID = /^[\w.:+-]{1,128}@[a-z.]{1,32}$/;
const IDEMPOTENCY_KEY = /^[\w.:-]{1,128}$/;
const PHONE_DIGITS = /^\d{6,15}$/;
const MESSAGE_ID = /^[\w.@:+-]{1,256}$/;
const MIMETYPE = /^[\w.+-]+\/[\w.+-]+$/;
const MAX_TEXT = 65_536;

type Body = Record<string, unknown>;

export function parseSessionId(value: string): string {
  if (!ENGINE_SESSION_ID_PATTERN.test(value))
    throw EngineException.invalid('session id may only hold letters, digits, "_" and "-"');
  return value;
}

export function parseMessageId(value: string): string {
  if (!MESSAGE_ID.test(value)) throw EngineException.invalid('message id is malformed');
  return value;
}

export function parseStart(body: unknown): StartSessionRequest {
  const input = object(body, true);
  const phone = optionalString(input, 'pairing_phone_number');
  if (phone !== undefined && !PHONE_DIGITS.test(phone))
    throw EngineException.invalid('pairing_phone_number must be 6 to 15 digits, without "+"');
  return phone ? { pairing_phone_number: phone } : {};
}

export function parseSendText(body: unknown): SendTextRequest {
  const input = object(body);
  const text = requiredString(input, 'text');
  if (text.length === 0 || text.length > MAX_TEXT)
    throw EngineException.invalid(`text must hold 1 to ${MAX_TEXT} characters`);
  return { ...sendBase(input), text };
}

export function parseSendMedia(body: unknown): SendMediaRequest {
  const input = object(body);
  const media = object(input.media, false, 'media');
  const filename = optionalString(media, 'filename', 'media.');
  const mimetype = optionalString(media, 'mimetype', 'media.');
  if (mimetype !== undefined && !MIMETYPE.test(mimetype))
    throw EngineException.invalid('media.mimetype must look like "type/subtype"');
  const url = optionalString(media, 'url', 'media.');
  const base64 = optionalString(media, 'base64', 'media.');
  let source: SendMediaSource;
  if ((url === undefined) === (base64 === undefined)) {
    throw EngineException.invalid('media needs exactly one of url or base64');
  } else if (url !== undefined) {
    if (!/^https?:\/\//.test(url)) throw EngineException.invalid('media.url must be http(s)');
    source = { url, ...(mimetype ? { mimetype } : {}), ...(filename ? { filename } : {}) };
  } else {
    if (!mimetype) throw EngineException.invalid('media.mimetype is required with base64');
    if (!/^[A-Za-z0-9+/=\s]+$/.test(base64!))
      throw EngineException.invalid('media.base64 is not base64');
    source = { base64: base64!, mimetype, ...(filename ? { filename } : {}) };
  }
  const caption = optionalString(input, 'caption');
  return { ...sendBase(input), media: source, ...(caption ? { caption } : {}) };
}

export function parseMarkRead(body: unknown): MarkReadRequest {
  return { chat_id: chatId(object(body)) };
}

function sendBase(input: Body): Omit<SendTextRequest, 'text'> {
  const key = requiredString(input, 'idempotency_key');
  if (!IDEMPOTENCY_KEY.test(key))
    throw EngineException.invalid('idempotency_key must be 1 to 128 of [A-Za-z0-9_.:-]');
  const quoted = optionalString(input, 'quoted_message_id');
  if (quoted !== undefined) parseMessageId(quoted);
  return {
    chat_id: chatId(input),
    idempotency_key: key,
    ...(quoted ? { quoted_message_id: quoted } : {}),
  };
}

function chatId(input: Body): string {
  const value = requiredString(input, 'chat_id');
  if (!CHAT_ID.test(value)) throw EngineException.invalid('chat_id must look like "<id>@<server>"');
  return value;
}

function object(value: unknown, allowMissing = false, name = 'the request body'): Body {
  if (allowMissing && (value === undefined || value === null)) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw EngineException.invalid(`${name} must be a JSON object`);
  return value as Body;
}

function requiredString(input: Body, field: string): string {
  const value = input[field];
  if (typeof value !== 'string') throw EngineException.invalid(`${field} must be a string`);
  return value;
}

function optionalString(input: Body, field: string, prefix = ''): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw EngineException.invalid(`${prefix}${field} must be a string`);
  return value;
}
