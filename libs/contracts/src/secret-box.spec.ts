import { randomBytes } from 'node:crypto';
import { parseEncryptionKey, SecretBox, SecretBoxError } from './secret-box';

describe('SecretBox (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips text and never leaves the plaintext in the sealed value', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('EAAG-access-token');
    expect(sealed).not.toContain('EAAG');
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(box.openText(sealed)).toBe('EAAG-access-token');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('rejects a tampered value', () => {
    const box = new SecretBox(key);
    const parts = box.seal('secret').split('.');
    parts[4] = Buffer.from('other!').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(SecretBoxError);
  });

  it('opens values sealed under a previous key after rotation and marks them stale', () => {
    const oldBox = new SecretBox(key);
    const sealed = oldBox.seal('token');
    const rotated = new SecretBox(randomBytes(32), [key]);
    expect(rotated.openText(sealed)).toBe('token');
    expect(rotated.isStale(sealed)).toBe(true);
    expect(rotated.isStale(rotated.seal('token'))).toBe(false);
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/unknown key/);
  });

  it('parses hex and base64 keys and refuses a key of the wrong length', () => {
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(`base64:${key.toString('base64')}`)).toEqual(key);
    expect(() => parseEncryptionKey('short')).toThrow(/32 bytes/);
  });
});
