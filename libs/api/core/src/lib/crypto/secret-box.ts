import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../errors/domain-error';

/**
 * AES-256-GCM for secrets kept in the database. Stored as `v1:<iv>:<tag>:<ciphertext>` (base64url), so a future
 * key rotation can tell formats apart. The key comes from SECRETS_KEY (config), never from the database.
 */
export class SecretBox {
  constructor(private readonly key: Buffer | undefined) {}

  get enabled(): boolean {
    return this.key !== undefined;
  }

  seal(plain: string): string {
    if (!this.key) {
      throw DomainError.unprocessable(
        'SECRETS_KEY_MISSING',
        'This server cannot store secrets: set SECRETS_KEY (openssl rand -base64 32) and restart.',
      );
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join(':');
  }

  open(sealed: string): string {
    if (!this.key) throw new Error('SECRETS_KEY is not set: stored secrets cannot be read.');
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unknown secret format.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
