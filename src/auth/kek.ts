// The key-encryption key that protects signing keys at rest: from CALLRECORDS_KEK (base64, 32 bytes), else a
// file beside the database created with mode 0600, else (in-memory database) a random key for this process.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class KeyEncryptionKey {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the key-encryption key must be 32 bytes');
    this.#key = key;
  }

  static load(options: { dbFile: string; fromEnv?: string }): KeyEncryptionKey {
    if (options.fromEnv) return new KeyEncryptionKey(Buffer.from(options.fromEnv, 'base64'));
    if (options.dbFile === ':memory:') return new KeyEncryptionKey(randomBytes(32));
    const file = path.join(path.dirname(path.resolve(options.dbFile)), 'callrecords.kek');
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    return new KeyEncryptionKey(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }

  /** AES-256-GCM; the output is iv.tag.ciphertext in base64url. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  }

  decrypt(sealed: string): string {
    const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !tag || !data) throw new Error('malformed sealed key');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }
}
