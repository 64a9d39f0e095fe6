// Opaque, signed continuation tokens. The payload names the collection, the query it continues and the tenant;
// the HMAC makes a modified or foreign token detectable, so it becomes a 400 and never reaches the store.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GraphError } from '../../errors.js';

export interface TokenScope {
  tenantId: string;
  /** e.g. 'records', 'sessions:<recordId>'. */
  collection: string;
  /** A digest of the query options the page belongs to. */
  query: string;
}

export class SkipTokenCodec {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('skiptoken key must have at least 32 bytes');
    this.#key = key;
  }

  #mac(scope: TokenScope, payload: string): Buffer {
    return createHmac('sha256', this.#key)
      .update(scope.tenantId)
      .update('\0')
      .update(scope.collection)
      .update('\0')
      .update(scope.query)
      .update('\0')
      .update(payload)
      .digest()
      .subarray(0, 16);
  }

  encode(scope: TokenScope, position: unknown): string {
    const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `${payload}.${this.#mac(scope, payload).toString('base64url')}`;
  }

  /** Returns the position, or throws a 400 for anything that is not a token this server issued for `scope`. */
  decode(scope: TokenScope, token: string): unknown {
    const invalid = () => new GraphError('invalidSkipToken');
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 2048) throw invalid();
    const payload = token.slice(0, dot);
    // Compare the MAC as text: base64url decoding ignores the spare bits of the last character, so comparing the
    // decoded bytes would accept a token whose last character was changed.
    const mac = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.#mac(scope, payload).toString('base64url'));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw invalid();
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    } catch {
      throw invalid();
    }
  }
}
