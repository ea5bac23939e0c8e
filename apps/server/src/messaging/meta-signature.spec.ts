import { createHmac } from 'node:crypto';
import { verifyMetaSignature } from './meta-signature';

describe('verifyMetaSignature', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
  const sign = (secret: string, raw: Buffer) =>
    `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

  it('accepts the HMAC-SHA256 of the exact bytes under the app secret', () => {
    expect(verifyMetaSignature('secret', body, sign('secret', body))).toBe(true);
    expect(
      verifyMetaSignature(
        'secret',
        body,
        sign('secret', body).toUpperCase().replace('SHA256', 'sha256'),
      ),
    ).toBe(true);
  });

  it.each([
    ['another secret', sign('other', body)],
    ['other bytes', sign('secret', Buffer.concat([body, Buffer.from(' ')]))],
    ['no header', undefined],
    ['the SHA-1 header', `sha1=${createHmac('sha1', 'secret').update(body).digest('hex')}`],
    ['a truncated digest', sign('secret', body).slice(0, 40)],
    ['non-hex characters', `sha256=${'z'.repeat(64)}`],
  ])('refuses %s', (_what, header) => {
    expect(verifyMetaSignature('secret', body, header)).toBe(false);
  });
});
