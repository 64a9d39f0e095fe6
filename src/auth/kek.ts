// The key-encryption key that protects signing keys at rest: from CALLRECORDS_KEK (base64, 32 bytes), else a
// file in the data directory (beside a SQLite database, --data-dir for PostgreSQL) created with mode 0600, else
// (in-memory database) a random key for this process.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class KeyEncryptionKey {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the key-encryption key must be 32 bytes');
    this.#key = key;
  }

  /** `dir`: the data directory (config/index.ts, dataDirOf); undefined keeps nothing on disk. */
  static load(options: { dir: string | undefined; fromEnv?: string }): KeyEncryptionKey {
    if (options.fromEnv) return new KeyEncryptionKey(Buffer.from(options.fromEnv, 'base64'));
    if (options.dir === undefined) return new KeyEncryptionKey(randomBytes(32));
    const file = path.join(path.resolve(options.dir), 'callrecords.kek');
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
