// Authenticates the client of a client-credentials request: a secret (form or HTTP Basic) or a certificate-signed
// client assertion (private_key_jwt). Failures are OAuthErrors with the identity platform's codes.
import { createPublicKey } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Clock } from '../clock.js';
import type { AppRecord, IdentityStore } from '../store/index.js';
import { MemoryReplayGuard } from '../coord/memory.js';
import type { ReplayGuard } from '../coord/types.js';
import { OAUTH_ERRORS, OAuthError } from './oauth-errors.js';
import { verifySecret } from './secrets.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_ALGS = ['RS256', 'PS256'];

export interface ClientCredentials {
  clientId: string | undefined;
  secret?: string | undefined;
  assertion?: string | undefined;
  assertionType?: string | undefined;
}

/** Reads client_id/client_secret from the form or an HTTP Basic header (RFC 6749 §2.3.1). */
export function credentialsOf(
  form: Record<string, string>,
  authorization: string | undefined,
): ClientCredentials {
  const creds: ClientCredentials = {
    clientId: form.client_id,
    secret: form.client_secret,
    assertion: form.client_assertion,
    assertionType: form.client_assertion_type,
  };
  const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      const decode = (s: string) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      creds.clientId ??= decode(decoded.slice(0, colon));
      creds.secret ??= decode(decoded.slice(colon + 1));
    }
  }
  return creds;
}

export interface ClientAuthOptions {
  store: IdentityStore;
  clock: Clock;
  /** Assertion ids seen, until their assertion expires (default: this process's; Redis for several instances). */
  replay?: ReplayGuard;
}

export class ClientAuthenticator {
  readonly #o: ClientAuthOptions;
  readonly #replay: ReplayGuard;

  constructor(options: ClientAuthOptions) {
    this.#o = options;
    this.#replay = options.replay ?? new MemoryReplayGuard();
  }

  /** Returns the app and the credential kind (1 secret, 2 certificate) for the token's appidacr. */
  async authenticate(
    tenantId: string,
    creds: ClientCredentials,
    audiences: string[],
  ): Promise<{ app: AppRecord; credential: 1 | 2 }> {
    const clientId = creds.clientId;
    if (!clientId) throw new OAuthError(OAUTH_ERRORS.missingParameter('client_id'));
    const app = await this.#o.store.getApp(tenantId, clientId.toLowerCase());
    if (!app) throw new OAuthError(OAUTH_ERRORS.unknownClient(clientId, tenantId));
    if (creds.assertion !== undefined) {
      if (creds.assertionType !== ASSERTION_TYPE) {
        throw new OAuthError(OAUTH_ERRORS.missingParameter('client_assertion_type'));
      }
      await this.#checkAssertion(app, creds.assertion, audiences);
      return { app, credential: 2 };
    }
    if (!creds.secret) throw new OAuthError(OAUTH_ERRORS.missingCredential());
    const now = this.#o.clock.now();
    let expiredMatch = false;
    // Every secret is tried (no early exit) so timing does not tell which one matched.
    let matched = false;
    for (const s of await this.#o.store.listSecrets(tenantId, app.appId)) {
      const ok = await verifySecret(creds.secret, { salt: s.salt, hash: s.hash });
      if (ok && s.expires_ms > now) matched = true;
      else if (ok) expiredMatch = true;
    }
    if (matched) return { app, credential: 1 };
    throw new OAuthError(
      expiredMatch ? OAUTH_ERRORS.expiredSecret(app.appId) : OAUTH_ERRORS.badSecret(app.appId),
    );
  }

  async #checkAssertion(app: AppRecord, assertion: string, audiences: string[]): Promise<void> {
    let thumbprint: string | undefined;
    try {
      const header = decodeProtectedHeader(assertion);
      thumbprint = header.x5t ?? (header['x5t#S256'] as string | undefined);
    } catch {
      throw new OAuthError(OAUTH_ERRORS.badAssertion('The assertion is not a signed JWT.'));
    }
    const certs = await this.#o.store.listCertificates(app.tenantId, app.appId);
    const cert = certs.find((c) => c.thumbprint === thumbprint || c.thumbprint_sha256 === thumbprint);
    if (!cert) {
      throw new OAuthError(
        OAUTH_ERRORS.badAssertion(
          `The certificate with identifier '${thumbprint ?? ''}' is not registered on the app.`,
        ),
      );
    }
    const now = this.#o.clock.now();
    if (cert.not_after_ms < now)
      throw new OAuthError(OAUTH_ERRORS.badAssertion('The certificate has expired.'));
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, createPublicKey(cert.public_key), {
        algorithms: ASSERTION_ALGS,
        audience: audiences,
        currentDate: new Date(now),
        clockTolerance: 300,
        maxTokenAge: '1h',
        requiredClaims: ['exp', 'iss', 'sub', 'aud'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new OAuthError(OAUTH_ERRORS.assertionTime());
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        if (err.claim === 'nbf' || err.claim === 'iat') throw new OAuthError(OAUTH_ERRORS.assertionTime());
        throw new OAuthError(OAUTH_ERRORS.assertionClaims(`Invalid '${err.claim}' claim.`));
      }
      throw new OAuthError(
        OAUTH_ERRORS.badAssertion('The signature does not match the registered certificate.'),
      );
    }
    const id = app.appId.toLowerCase();
    if (String(payload.iss).toLowerCase() !== id || String(payload.sub).toLowerCase() !== id) {
      throw new OAuthError(OAUTH_ERRORS.assertionClaims("The 'iss' and 'sub' claims must be the client id."));
    }
    // Without a jti an assertion could be replayed until it expires, so one is required.
    const jti = typeof payload.jti === 'string' ? payload.jti : undefined;
    if (!jti) throw new OAuthError(OAUTH_ERRORS.assertionClaims("The 'jti' claim is required."));
    // Remembered until the assertion can no longer be accepted (its expiry plus the clock tolerance).
    const ttlMs = (payload.exp ?? 0) * 1000 + 300_000 - now;
    if (!(await this.#replay.use(`${app.tenantId}:${app.appId}:${jti}`, Math.max(1000, ttlMs)))) {
      throw new OAuthError(OAUTH_ERRORS.assertionReplay());
    }
  }
}
