// Issues app-only access tokens shaped like the v1 tokens Microsoft's identity platform issues for Graph.
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../clock.js';
import type { AppRecord } from '../store/index.js';
import { SIGNING_ALG, type KeyRing } from './keys.js';
import { GRAPH_RESOURCE } from './roles.js';

export const stsIssuer = (tenantId: string) => `https://sts.windows.net/${tenantId}/`;

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export interface TokenIssuerOptions {
  keys: KeyRing;
  clock: Clock;
  lifetimeSeconds: number;
}

export class TokenIssuer {
  readonly #o: TokenIssuerOptions;

  constructor(options: TokenIssuerOptions) {
    this.#o = options;
  }

  /** `credential`: 1 for a client secret, 2 for a certificate (the appidacr claim). */
  async issue(app: AppRecord, credential: 1 | 2): Promise<IssuedToken> {
    const key = this.#o.keys.current();
    const now = Math.floor(this.#o.clock.now() / 1000);
    const exp = now + this.#o.lifetimeSeconds;
    const accessToken = await new SignJWT({
      aio: randomBytes(24).toString('base64url'),
      app_displayname: app.displayName,
      appid: app.appId,
      appidacr: String(credential),
      idp: stsIssuer(app.tenantId),
      idtyp: 'app',
      oid: app.objectId,
      rh: `1.${randomBytes(24).toString('base64url')}.`,
      roles: app.roles,
      sub: app.objectId,
      tenant_region_scope: 'EU',
      tid: app.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      xms_idrel: '7 20',
      xms_tcdt: now,
    })
      .setProtectedHeader({ typ: 'JWT', alg: SIGNING_ALG, kid: key.kid, x5t: key.kid })
      .setAudience(GRAPH_RESOURCE)
      .setIssuer(stsIssuer(app.tenantId))
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(exp)
      .sign(key.privateKey);
    return { accessToken, expiresIn: exp - now };
  }
}
