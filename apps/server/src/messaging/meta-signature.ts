import { createHmac, timingSafeEqual } from 'node:crypto';

/** Meta's `X-Hub-Signature-256` header. */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

/**
 * True when `header` is `sha256=<hex HMAC-SHA256 of the raw body keyed by the app secret>`,
 * compared in constant time.
 */
export function verifyMetaSignature(
  appSecret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(given, expected);
}
