import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How far `auth_timestamp` may drift from the server clock, as Pusher enforces it. */
export const AUTH_TIMESTAMP_GRACE_SECONDS = 600;

export function hmacSha256Hex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

export function md5Hex(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

export function secureEquals(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Pusher's string to sign for the HTTP API: method, path and the query without
 * `auth_signature`, keys lower-cased and sorted, values not URL-escaped.
 */
export function requestStringToSign(method: string, path: string, query: URLSearchParams): string {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of query) {
    if (key !== 'auth_signature') pairs.push([key.toLowerCase(), value]);
  }
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const queryString = pairs.map(([key, value]) => `${key}=${value}`).join('&');
  return `${method.toUpperCase()}\n${path}\n${queryString}`;
}

export interface RequestToVerify {
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: string;
  nowMs: number;
}

/** Returns Pusher's 401 message for a badly signed request, or null when the request is genuine. */
export function verifyRequestSignature(
  request: RequestToVerify,
  credentials: { key: string; secret: string },
): string | null {
  const { query } = request;
  const authKey = query.get('auth_key');
  const timestamp = query.get('auth_timestamp');
  const version = query.get('auth_version');
  const signature = query.get('auth_signature');
  if (authKey === null) return 'Missing auth_key';
  if (timestamp === null) return 'Missing auth_timestamp';
  if (signature === null) return 'Missing auth_signature';
  if (authKey !== credentials.key) return `Unknown auth_key: ${authKey}`;
  if (version !== '1.0') return `Invalid auth_version: expected 1.0, got ${version ?? 'nothing'}`;

  const nowSeconds = Math.floor(request.nowMs / 1000);
  const givenSeconds = Number(timestamp);
  if (
    !/^\d+$/.test(timestamp) ||
    Math.abs(nowSeconds - givenSeconds) > AUTH_TIMESTAMP_GRACE_SECONDS
  ) {
    return (
      `Timestamp expired: Given timestamp (${describeTimestamp(givenSeconds)}) not within ` +
      `${AUTH_TIMESTAMP_GRACE_SECONDS}s of server time (${new Date(nowSeconds * 1000).toISOString()})`
    );
  }

  if (request.rawBody.length > 0) {
    const bodyMd5 = query.get('body_md5');
    if (bodyMd5 === null) return 'Missing body_md5';
    if (!secureEquals(bodyMd5, md5Hex(request.rawBody))) {
      return 'The body_md5 parameter does not match the MD5 hex digest of the request body';
    }
  }

  const stringToSign = requestStringToSign(request.method, request.path, query);
  if (!secureEquals(signature, hmacSha256Hex(credentials.secret, stringToSign))) {
    return (
      `Invalid signature: you should have sent HmacSHA256Hex(${JSON.stringify(stringToSign)}, ` +
      `your_secret_key), but you sent "${signature}"`
    );
  }
  return null;
}

function describeTimestamp(seconds: number): string {
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : 'invalid';
}
