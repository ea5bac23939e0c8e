import { computeSignature, signRequest, verifySignature } from './hmac-signature';

describe('HMAC request signing', () => {
  const secret = 'engine-shared-secret';
  const body = JSON.stringify({ event: 'qr', data: { n: 1 } });
  const now = 1_764_000_000;

  it('accepts what signRequest produced', () => {
    const headers = signRequest(secret, body, 'req-1', now);
    expect(
      verifySignature(
        secret,
        { timestamp: headers['x-timestamp'], signature: headers['x-signature'] },
        body,
        now + 10,
      ),
    ).toEqual({ ok: true });
  });

  it('signs "<seconds>.<raw body>" so another implementation can reproduce it', () => {
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const manual = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(computeSignature(secret, now, body)).toBe(manual);
  });

  it('rejects a changed body, a wrong secret and a stale or malformed timestamp', () => {
    const sig = computeSignature(secret, now, body);
    const ts = String(now);
    expect(verifySignature(secret, { timestamp: ts, signature: sig }, body + ' ', now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifySignature('other', { timestamp: ts, signature: sig }, body, now).ok).toBe(false);
    expect(verifySignature(secret, { timestamp: ts, signature: sig }, body, now + 301)).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    // A millisecond timestamp (Blazz's old bug) is far outside the window, not silently accepted.
    expect(
      verifySignature(secret, { timestamp: String(now * 1000), signature: sig }, body, now).ok,
    ).toBe(false);
    expect(verifySignature(secret, { timestamp: 'abc', signature: sig }, body, now)).toEqual({
      ok: false,
      reason: 'bad_timestamp',
    });
    expect(verifySignature(secret, { timestamp: ts, signature: 'zz' }, body, now).ok).toBe(false);
    expect(verifySignature(secret, {}, body, now)).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
  });
});
