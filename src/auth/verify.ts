// Verifies bearer tokens as Graph does. Algorithms, audiences and key sets are fixed when the verifier is built;
// the token's header only selects which of those key sets to try.
import type { createLocalJWKSet } from 'jose';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import type { Clock } from '../clock.js';
import { SIGNING_ALG, type KeyRing } from './keys.js';
import { GRAPH_AUDIENCES } from './roles.js';
import { stsIssuer } from './tokens.js';

export interface Principal {
  tenantId: string;
  appId: string;
  roles: string[];
  /** A token issued to a signed-in user (it has `scp`): Graph refuses those here with a 403. */
  delegated: boolean;
}

export type AuthFailure =
  'empty' | 'malformed' | 'expired' | 'notYetValid' | 'audience' | 'issuer' | 'signature';

/** A named verification failure that keeps its cause (a 401 with Graph's message for that case). */
export class TokenRejected extends Error {
  readonly failure: AuthFailure;
  constructor(failure: AuthFailure, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TokenRejected';
    this.failure = failure;
  }
}

export const MESSAGES: Record<AuthFailure, string> = {
  empty: 'Access token is empty.',
  malformed:
    "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.",
  expired: 'Lifetime validation failed, the token is expired.',
  notYetValid: 'Lifetime validation failed, the token is not yet valid.',
  audience: 'Access token validation failure. Invalid audience.',
  issuer: 'Access token validation failure. Invalid issuer.',
  signature: 'Access token validation failure. Invalid signature.',
};

const reject = (failure: AuthFailure, cause?: unknown) =>
  new TokenRejected(failure, MESSAGES[failure], cause);

/** An external issuer whose tokens are accepted, e.g. a real Entra tenant. `{tenantid}` matches the tid claim. */
export interface TrustedIssuer {
  issuer: string;
  jwksUri: string;
}

export interface VerifierOptions {
  keys: KeyRing;
  clock: Clock;
  trustedIssuers?: readonly TrustedIssuer[];
  /** Allowed clock skew, in seconds. */
  clockToleranceSeconds?: number;
}

type KeySet = ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>;

/** A token this server signed that passed every check, with the claims its later checks depend on. */
interface Verified {
  /** The whole token: the cache is keyed by its signature part, and a hit must be this exact text. */
  token: string;
  principal: Principal;
  kid: string;
  /** NumericDate claims (seconds), as jose checks them against the clock. */
  exp: number;
  nbf: number | undefined;
}

/** Verified tokens remembered; the oldest entry leaves first when full. */
const VERIFIED_MAX = 1000;

/**
 * The key a verified token is remembered under: its signature part, a fifth of its length, so that a lookup hashes
 * less text. A hit still compares the whole token, so another header or payload with a reused signature misses.
 */
const cacheKey = (token: string) => token.slice(token.lastIndexOf('.') + 1);

export class TokenVerifier {
  readonly #keys: KeyRing;
  readonly #clock: Clock;
  readonly #tolerance: number;
  readonly #trusted: { issuer: string; keys: KeySet }[];
  /**
   * Checking an RS256 signature is most of what a small request costs, and clients send the same token for an hour.
   * A token that passed is remembered until its exp; a hit still checks its lifetime against the (virtual) clock
   * as jose does, and that its key is still published (rotation retires keys).
   */
  readonly #verified = new Map<string, Verified>();

  constructor(options: VerifierOptions) {
    this.#keys = options.keys;
    this.#clock = options.clock;
    this.#tolerance = options.clockToleranceSeconds ?? 300;
    this.#trusted = (options.trustedIssuers ?? []).map((t) => ({
      issuer: t.issuer,
      keys: createRemoteJWKSet(new URL(t.jwksUri), { cooldownDuration: 30_000, timeoutDuration: 5_000 }),
    }));
  }

  /**
   * The principal of a token verified before, without any asynchronous step (most requests end here): undefined
   * when the token is not remembered or its key is no longer published; throws when its lifetime has ended.
   */
  remembered(token: string): Principal | undefined {
    const key = cacheKey(token);
    const hit = this.#verified.get(key);
    if (!hit || hit.token !== token) return undefined;
    if (!this.#keys.publishes(hit.kid)) {
      this.#verified.delete(key);
      return undefined;
    }
    const now = Math.floor(this.#clock.now() / 1000);
    if (hit.nbf !== undefined && hit.nbf > now + this.#tolerance) throw reject('notYetValid');
    if (hit.exp <= now - this.#tolerance) {
      this.#verified.delete(key);
      throw reject('expired');
    }
    return hit.principal;
  }

  async verify(token: string | undefined): Promise<Principal> {
    const known = token ? this.remembered(token) : undefined;
    if (known) return known;
    if (!token) throw reject('empty');
    if (token.split('.').length !== 3) throw reject('malformed');
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== SIGNING_ALG) throw reject('signature');
      kid = header.kid;
    } catch (err) {
      if (err instanceof TokenRejected) throw err;
      throw reject('malformed', err);
    }
    if (!kid) throw reject('signature');
    if (await this.#keys.reloadForUnknownKid(kid)) {
      const payload = await this.#check(token, this.#keys.keySet());
      if (payload.iss !== stsIssuer(String(payload.tid))) throw reject('issuer');
      const principal = principalOf(payload);
      this.#remember({ token, principal, kid, exp: payload.exp!, nbf: payload.nbf });
      return principal;
    }
    let lastError: unknown;
    for (const t of this.#trusted) {
      try {
        const payload = await this.#check(token, t.keys);
        const expected = t.issuer.replace('{tenantid}', String(payload.tid));
        if (payload.iss !== expected) throw reject('issuer');
        return principalOf(payload);
      } catch (err) {
        if (err instanceof TokenRejected && err.failure !== 'signature') throw err;
        lastError = err;
      }
    }
    throw reject('signature', lastError);
  }

  #remember(v: Verified): void {
    const key = cacheKey(v.token);
    if (this.#verified.size >= VERIFIED_MAX && !this.#verified.has(key)) {
      const oldest = this.#verified.keys().next();
      if (!oldest.done) this.#verified.delete(oldest.value);
    }
    this.#verified.set(key, v);
  }

  async #check(token: string, keys: KeySet): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: [SIGNING_ALG],
        audience: [...GRAPH_AUDIENCES],
        currentDate: new Date(this.#clock.now()),
        clockTolerance: this.#tolerance,
        requiredClaims: ['exp', 'tid', 'iss'],
      });
      return payload;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw reject('expired', err);
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        if (err.claim === 'aud') throw reject('audience', err);
        if (err.claim === 'nbf' || err.claim === 'iat') throw reject('notYetValid', err);
        throw reject('signature', err);
      }
      throw reject('signature', err);
    }
  }
}

function principalOf(payload: JWTPayload): Principal {
  const roles = Array.isArray(payload.roles)
    ? payload.roles.filter((r): r is string => typeof r === 'string')
    : [];
  const appId =
    typeof payload.appid === 'string' ? payload.appid : typeof payload.azp === 'string' ? payload.azp : '';
  return {
    tenantId: String(payload.tid),
    appId,
    roles,
    delegated: typeof payload.scp === 'string' || payload.idtyp === 'user',
  };
}
