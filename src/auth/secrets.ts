// Client secrets: generated with a CSPRNG, stored only as salted scrypt hashes, compared in constant time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEYLEN, PARAMS, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A secret in the shape Entra issues them: 40 characters from a URL-safe alphabet with a '~' marker. */
export function generateSecret(): string {
  const body = randomBytes(30).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36);
  return `${body.slice(0, 3)}8Q~${body.slice(3)}`;
}

export interface SecretHash {
  salt: string;
  hash: string;
}

export async function hashSecret(secret: string): Promise<SecretHash> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt);
  return { salt: salt.toString('base64'), hash: hash.toString('base64') };
}

export async function verifySecret(secret: string, stored: SecretHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await scryptAsync(secret, Buffer.from(stored.salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
