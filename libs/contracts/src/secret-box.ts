import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest (Meta access tokens, WhatsApp Web auth archives).
 * Sealed text: `sbx1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id lets
 * old values be opened after a rotation while new values use the current key.
 */
const PREFIX = 'sbx1';
const IV_BYTES = 12;

export class SecretBoxError extends Error {}

export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed.replace(/^base64:/, ''), 'base64');
  if (key.length !== 32) {
    throw new SecretBoxError('must be 32 bytes, given as 64 hex characters or base64');
  }
  return key;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string;

  /** `current` seals; `previous` keys only open values sealed before a rotation. */
  constructor(current: Buffer, previous: Buffer[] = []) {
    this.currentId = keyId(current);
    this.keys.set(this.currentId, current);
    for (const key of previous) this.keys.set(keyId(key), key);
  }

  seal(plain: string | Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return [PREFIX, this.currentId, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
  }

  open(sealed: string): Buffer {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== PREFIX) throw new SecretBoxError('not a sealed value');
    const [, id, iv, tag, body] = parts as [string, string, string, string, string];
    const key = this.keys.get(id);
    if (!key) throw new SecretBoxError(`sealed with unknown key ${id}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    } catch {
      throw new SecretBoxError('sealed value failed authentication');
    }
  }

  openText(sealed: string): string {
    return this.open(sealed).toString('utf8');
  }

  /** True when the value was sealed under an older key and should be sealed again. */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentId;
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${PREFIX}.`) && value.split('.').length === 5;
  }
}

function b64(buf: Buffer): string {
  return buf.toString('base64url');
}
