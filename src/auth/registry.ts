// Tenants and app registrations: what `callrecords tenant …` and `callrecords app …` manage.
import { X509Certificate, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AppRecord, Store } from '../store/index.js';
import { KNOWN_ROLES } from './roles.js';
import { generateSecret, hashSecret } from './secrets.js';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

export interface CreatedSecret {
  keyId: string;
  /** Shown once; only a salted hash is stored. */
  value: string;
  hint: string;
  expiresMs: number;
}

export interface CreatedApp {
  app: AppRecord;
  secret: CreatedSecret;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = 86_400_000;

export class Registry {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async createTenant(o: { id?: string; displayName: string }): Promise<string> {
    const id = (o.id ?? randomUUID()).toLowerCase();
    if (!GUID.test(id)) throw new RegistryError(`tenant id must be a GUID: ${id}`);
    if (await this.#store.getTenant(id)) throw new RegistryError(`tenant ${id} already exists`);
    await this.#store.createTenant({ id, displayName: o.displayName, createdMs: this.#clock.now() });
    return id;
  }

  async deleteTenant(id: string): Promise<void> {
    await this.#requireTenant(id);
    await this.#store.identity.deleteTenantApps(id);
    await this.#store.deleteTenant(id);
  }

  async #requireTenant(id: string): Promise<void> {
    if (!(await this.#store.getTenant(id))) throw new RegistryError(`no tenant ${id}`);
  }

  async #requireApp(tenantId: string, appId: string): Promise<AppRecord> {
    await this.#requireTenant(tenantId);
    const app = await this.#store.identity.getApp(tenantId, appId);
    if (!app) throw new RegistryError(`no app ${appId} in tenant ${tenantId}`);
    return app;
  }

  #checkRoles(roles: string[]): void {
    for (const r of roles) {
      if (!KNOWN_ROLES.includes(r))
        throw new RegistryError(`unknown role '${r}' (known: ${KNOWN_ROLES.join(', ')})`);
    }
  }

  async createApp(o: {
    tenantId: string;
    displayName: string;
    roles: string[];
    appId?: string;
    secret?: string;
    secretDays?: number;
  }): Promise<CreatedApp> {
    await this.#requireTenant(o.tenantId);
    this.#checkRoles(o.roles);
    const appId = (o.appId ?? randomUUID()).toLowerCase();
    if (!GUID.test(appId)) throw new RegistryError(`client id must be a GUID: ${appId}`);
    if (await this.#store.identity.getApp(o.tenantId, appId))
      throw new RegistryError(`app ${appId} already exists`);
    const app: AppRecord = {
      tenantId: o.tenantId,
      appId,
      objectId: randomUUID(),
      displayName: o.displayName,
      roles: [...new Set(o.roles)],
      createdMs: this.#clock.now(),
    };
    await this.#store.identity.createApp(app);
    const secret = await this.addSecret(o.tenantId, appId, { value: o.secret, days: o.secretDays });
    return { app, secret };
  }

  async addSecret(
    tenantId: string,
    appId: string,
    o: { value?: string | undefined; days?: number | undefined } = {},
  ): Promise<CreatedSecret> {
    await this.#requireApp(tenantId, appId);
    const value = o.value ?? generateSecret();
    const { salt, hash } = await hashSecret(value);
    const now = this.#clock.now();
    const secret = {
      keyId: randomUUID(),
      value,
      hint: value.slice(0, 3),
      expiresMs: now + (o.days ?? 730) * DAY,
    };
    await this.#store.identity.addSecret({
      tenant_id: tenantId,
      app_id: appId,
      key_id: secret.keyId,
      hint: secret.hint,
      salt,
      hash,
      created_ms: now,
      expires_ms: secret.expiresMs,
    });
    return secret;
  }

  async removeSecret(tenantId: string, appId: string, keyId: string): Promise<void> {
    await this.#requireApp(tenantId, appId);
    if (!(await this.#store.identity.removeSecret(tenantId, appId, keyId))) {
      throw new RegistryError(`no secret ${keyId} on app ${appId}`);
    }
  }

  async addCertificate(
    tenantId: string,
    appId: string,
    pem: string,
  ): Promise<{ keyId: string; thumbprint: string }> {
    await this.#requireApp(tenantId, appId);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch (err) {
      throw new RegistryError(
        `not a PEM X.509 certificate: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const fingerprint = (hex: string) => Buffer.from(hex.replace(/:/g, ''), 'hex').toString('base64url');
    const keyId = randomUUID();
    const thumbprint = fingerprint(cert.fingerprint);
    await this.#store.identity.addCertificate({
      tenant_id: tenantId,
      app_id: appId,
      key_id: keyId,
      thumbprint,
      thumbprint_sha256: fingerprint(cert.fingerprint256),
      public_key: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      not_after_ms: Date.parse(cert.validTo),
      created_ms: this.#clock.now(),
    });
    return { keyId, thumbprint };
  }

  async removeCertificate(tenantId: string, appId: string, keyId: string): Promise<void> {
    await this.#requireApp(tenantId, appId);
    if (!(await this.#store.identity.removeCertificate(tenantId, appId, keyId))) {
      throw new RegistryError(`no certificate ${keyId} on app ${appId}`);
    }
  }

  async grant(tenantId: string, appId: string, roles: string[]): Promise<string[]> {
    const app = await this.#requireApp(tenantId, appId);
    this.#checkRoles(roles);
    const next = [...new Set([...app.roles, ...roles])];
    await this.#store.identity.setRoles(tenantId, appId, next);
    return next;
  }

  async revoke(tenantId: string, appId: string, roles: string[]): Promise<string[]> {
    const app = await this.#requireApp(tenantId, appId);
    const next = app.roles.filter((r) => !roles.includes(r));
    await this.#store.identity.setRoles(tenantId, appId, next);
    return next;
  }

  async deleteApp(tenantId: string, appId: string): Promise<void> {
    await this.#requireApp(tenantId, appId);
    await this.#store.identity.deleteApp(tenantId, appId);
  }
}
