// App-only tokens for the upstream, from its authority's token endpoint (client credentials): with a client secret,
// or with a certificate as a signed client assertion (private_key_jwt, RS256, `x5t` naming the certificate). A
// token is reused until five minutes before it expires, and dropped when the upstream refuses it.
import { createHash, createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { HttpClient } from './http.js';

export type Credential = { kind: 'secret'; secret: string } | { kind: 'certificate'; pem: string };

export interface Certificate {
  key: KeyObject;
  /** base64url SHA-1 of the DER certificate (the identity platform's `x5t`). */
  x5t: string;
}

/** Reads a PEM holding a certificate and its private key (PKCS#8 or PKCS#1), in either order. */
export function readCertificate(pem: string): Certificate {
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
    pem,
  )?.[0];
  if (!cert) throw new Error('--certificate: the PEM holds no CERTIFICATE block');
  if (!key) throw new Error('--certificate: the PEM holds no PRIVATE KEY block (unencrypted)');
  const x509 = new X509Certificate(cert);
  const privateKey = createPrivateKey(key);
  if (!x509.checkPrivateKey(privateKey))
    throw new Error('--certificate: the private key does not match the certificate');
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('--certificate: an RSA key is needed (RS256)');
  return { key: privateKey, x5t: createHash('sha1').update(x509.raw).digest('base64url') };
}

export interface TokenSourceOptions {
  http: HttpClient;
  tokenUrl: string;
  clientId: string;
  credential: Credential;
  scope: string;
  now?: () => number;
}

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

export class TokenSource {
  readonly #o: TokenSourceOptions;
  readonly #cert: Certificate | undefined;
  #token: { value: string; refreshAtMs: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(o: TokenSourceOptions) {
    this.#o = o;
    this.#cert = o.credential.kind === 'certificate' ? readCertificate(o.credential.pem) : undefined;
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  /** A valid token; concurrent callers share one request. */
  async token(): Promise<string> {
    if (this.#token && this.#now() < this.#token.refreshAtMs) return this.#token.value;
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forgets the token (the upstream answered 401 with it). */
  invalidate(): void {
    this.#token = undefined;
  }

  async #fetch(): Promise<string> {
    const o = this.#o;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: o.clientId,
      scope: o.scope,
    });
    if (o.credential.kind === 'secret') form.set('client_secret', o.credential.secret);
    else form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    if (this.#cert) form.set('client_assertion', await this.#assertion(this.#cert));
    const res = await o.http.request(o.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(res.text) as Record<string, unknown>;
    } catch {
      // Reported below with the status.
    }
    if (res.status !== 200 || typeof body.access_token !== 'string') {
      // The identity platform's error and description; never the request, which holds the credential.
      const description = typeof body.error_description === 'string' ? body.error_description : '';
      const why = typeof body.error === 'string' ? `${body.error}: ${description}` : '';
      throw new TokenError(`token request refused (HTTP ${res.status}) ${why}`.trim());
    }
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600);
    this.#token = {
      value: body.access_token,
      refreshAtMs: this.#now() + Math.max(60, (Number.isFinite(lifetime) ? lifetime : 3600) - 300) * 1000,
    };
    return body.access_token;
  }

  #assertion(cert: Certificate): Promise<string> {
    const nowS = Math.floor(this.#now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: cert.x5t })
      .setIssuer(this.#o.clientId)
      .setSubject(this.#o.clientId)
      .setAudience(this.#o.tokenUrl)
      .setJti(randomUUID())
      .setNotBefore(nowS - 60)
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + 600)
      .sign(cert.key);
  }
}
