import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one signing scheme between server and engine:
 * hex HMAC-SHA256 over `"<unix seconds>.<raw body>"`, with the timestamp in seconds.
 */
export const SIGNATURE_HEADERS = {
  TIMESTAMP: 'x-timestamp',
  SIGNATURE: 'x-signature',
  REQUEST_ID: 'x-request-id',
} as const;

export const SIGNATURE_WINDOW_SECONDS = 300;

export function computeSignature(
  secret: string,
  timestamp: number,
  rawBody: string | Buffer,
): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export function signRequest(
  secret: string,
  rawBody: string,
  requestId: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    [SIGNATURE_HEADERS.TIMESTAMP]: String(nowSeconds),
    [SIGNATURE_HEADERS.SIGNATURE]: computeSignature(secret, nowSeconds, rawBody),
    [SIGNATURE_HEADERS.REQUEST_ID]: requestId,
  };
}

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';
    };

export function verifySignature(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  rawBody: string | Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const ts = Number(timestamp);
  if (Math.abs(nowSeconds - ts) > SIGNATURE_WINDOW_SECONDS) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const expected = Buffer.from(computeSignature(secret, ts, rawBody), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true };
}

/** What a request id may look like: long enough to be unique, short enough to key a cache. */
const REQUEST_ID_PATTERN = /^[\w.:-]{8,128}$/;

export type SignedRequestCheck =
  | { ok: true; requestId: string }
  | { ok: false; reason: Exclude<SignatureCheck, { ok: true }>['reason'] | 'bad_request_id' };

/**
 * Checks a signed request as it arrived: its signature over the raw body, its freshness, and a
 * well-formed request id. The caller then claims the id in its replay cache.
 */
export function verifySignedRequest(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string | Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignedRequestCheck {
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const check = verifySignature(
    secret,
    {
      timestamp: header(SIGNATURE_HEADERS.TIMESTAMP),
      signature: header(SIGNATURE_HEADERS.SIGNATURE),
    },
    rawBody,
    nowSeconds,
  );
  if (!check.ok) return check;
  const requestId = header(SIGNATURE_HEADERS.REQUEST_ID);
  if (!requestId || !REQUEST_ID_PATTERN.test(requestId))
    return { ok: false, reason: 'bad_request_id' };
  return { ok: true, requestId };
}
