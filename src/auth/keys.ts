// Token signing keys: RS256 key pairs made on first start, private halves sealed with the key-encryption key.
// Rotation makes a new key current; an old key stays published until every token it signed has expired.
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { IdentityStore } from '../store/index.js';
import type { KeyEncryptionKey } from './kek.js';

export const SIGNING_ALG = 'RS256';

export interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof importPKCS8>>;
}

export interface KeyRingOptions {
  store: IdentityStore;
  kek: KeyEncryptionKey;
  clock: Clock;
  /** How long tokens live; a retired key is published this long (plus skew) after retirement. */
  tokenLifetimeSeconds: number;
}

/** A kid in the style Entra uses (base64url of 20 random bytes, like an x5t). */
const newKid = () => randomBytes(20).toString('base64url');

export class KeyRing {
  readonly #o: KeyRingOptions;
  #current: SigningKey | undefined;
  #published: JWK[] = [];
  /** The published keys as a verification key set, built once per reload (importing keys is not free). */
  #keySet: ReturnType<typeof createLocalJWKSet> = createLocalJWKSet({ keys: [] });
  #lastReload = 0;

  constructor(options: KeyRingOptions) {
    this.#o = options;
  }

  /** Loads the keys, creating the first one when there is none. */
  async init(): Promise<void> {
    const keys = await this.#o.store.listSigningKeys();
    if (!keys.some((k) => k.retired_ms === null)) await this.rotate();
    else await this.reload();
  }

  /** Makes a new current key and retires the others. Returns the new kid. */
  async rotate(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, {
      modulusLength: 2048,
      extractable: true,
    });
    const kid = newKid();
    const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: SIGNING_ALG, x5t: kid };
    const now = this.#o.clock.now();
    await this.#o.store.addSigningKey({
      kid,
      public_jwk: JSON.stringify(jwk),
      private_key: this.#o.kek.encrypt(await exportPKCS8(privateKey)),
      created_ms: now,
      retired_ms: null,
    });
    await this.#o.store.retireSigningKeys(kid, now);
    await this.reload();
    return kid;
  }

  /** Re-reads the keys (another process may have rotated them) and drops keys no token can still use. */
  async reload(): Promise<void> {
    const now = this.#o.clock.now();
    const graceMs = (this.#o.tokenLifetimeSeconds + 300) * 1000;
    await this.#o.store.deleteSigningKeysRetiredBefore(now - graceMs);
    const keys = await this.#o.store.listSigningKeys();
    const current = keys.filter((k) => k.retired_ms === null).at(-1);
    if (!current) throw new Error('no current signing key');
    if (this.#current?.kid !== current.kid) {
      const pem = this.#o.kek.decrypt(current.private_key);
      this.#current = { kid: current.kid, privateKey: await importPKCS8(pem, SIGNING_ALG) };
    }
    this.#published = keys.map((k) => JSON.parse(k.public_jwk) as JWK);
    this.#keySet = createLocalJWKSet({ keys: this.#published.map((k) => ({ ...k })) });
    // Real time, as reloadForUnknownKid compares: the virtual clock (which may be set anywhere) used to disable the
    // 5 s throttle when behind real time and every later reload when ahead of it.
    this.#lastReload = Date.now();
  }

  /** Whether tokens signed with `kid` verify against the published keys (without reloading). */
  publishes(kid: string): boolean {
    return this.#published.some((k) => k.kid === kid);
  }

  /** Reloads at most every 5 s, when a token names a kid this process does not know. */
  async reloadForUnknownKid(kid: string): Promise<boolean> {
    if (this.#published.some((k) => k.kid === kid)) return true;
    if (Date.now() - this.#lastReload < 5000) return false;
    this.#lastReload = Date.now();
    await this.reload();
    return this.#published.some((k) => k.kid === kid);
  }

  current(): SigningKey {
    if (!this.#current) throw new Error('key ring not initialised');
    return this.#current;
  }

  /** The published keys, for verifying this server's tokens. */
  keySet(): ReturnType<typeof createLocalJWKSet> {
    return this.#keySet;
  }

  /** Public keys only: what /discovery/v2.0/keys serves. */
  jwks(): { keys: JWK[] } {
    return { keys: this.#published.map((k) => ({ ...k })) };
  }
}
