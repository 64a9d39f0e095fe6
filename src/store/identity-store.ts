// App registrations, credentials and signing keys: the identity half of the store.
import type { Kysely } from 'kysely';
import type { AppCertificatesTable, AppSecretsTable, Database, SigningKeysTable } from './schema.js';

export interface AppRecord {
  tenantId: string;
  appId: string;
  objectId: string;
  displayName: string;
  roles: string[];
  createdMs: number;
}

export type SecretRecord = AppSecretsTable;
export type CertificateRecord = AppCertificatesTable;
export type SigningKeyRecord = SigningKeysTable;

export interface IdentityStore {
  createApp(app: AppRecord): Promise<void>;
  getApp(tenantId: string, appId: string): Promise<AppRecord | undefined>;
  listApps(tenantId: string): Promise<AppRecord[]>;
  setRoles(tenantId: string, appId: string, roles: string[]): Promise<boolean>;
  deleteApp(tenantId: string, appId: string): Promise<boolean>;
  /** Removes every app of a tenant with its credentials. */
  deleteTenantApps(tenantId: string): Promise<void>;

  addSecret(s: SecretRecord): Promise<void>;
  listSecrets(tenantId: string, appId: string): Promise<SecretRecord[]>;
  removeSecret(tenantId: string, appId: string, keyId: string): Promise<boolean>;

  addCertificate(c: CertificateRecord): Promise<void>;
  listCertificates(tenantId: string, appId: string): Promise<CertificateRecord[]>;
  removeCertificate(tenantId: string, appId: string, keyId: string): Promise<boolean>;

  addSigningKey(k: SigningKeyRecord): Promise<void>;
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  retireSigningKeys(exceptKid: string, retiredMs: number): Promise<void>;
  deleteSigningKeysRetiredBefore(ms: number): Promise<void>;
}

const toApp = (r: Database['apps']): AppRecord => ({
  tenantId: r.tenant_id,
  appId: r.app_id,
  objectId: r.object_id,
  displayName: r.display_name,
  roles: JSON.parse(r.roles) as string[],
  createdMs: Number(r.created_ms),
});

const num = <T extends { created_ms: number }>(r: T): T => ({ ...r, created_ms: Number(r.created_ms) });

export class KyselyIdentityStore implements IdentityStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async createApp(app: AppRecord): Promise<void> {
    await this.#db
      .insertInto('apps')
      .values({
        tenant_id: app.tenantId,
        app_id: app.appId,
        object_id: app.objectId,
        display_name: app.displayName,
        roles: JSON.stringify(app.roles),
        created_ms: app.createdMs,
      })
      .execute();
  }

  async getApp(tenantId: string, appId: string): Promise<AppRecord | undefined> {
    const r = await this.#db
      .selectFrom('apps')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .executeTakeFirst();
    return r && toApp(r);
  }

  async listApps(tenantId: string): Promise<AppRecord[]> {
    const rows = await this.#db
      .selectFrom('apps')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_ms')
      .orderBy('app_id')
      .execute();
    return rows.map(toApp);
  }

  async setRoles(tenantId: string, appId: string, roles: string[]): Promise<boolean> {
    const r = await this.#db
      .updateTable('apps')
      .set({ roles: JSON.stringify(roles) })
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async deleteApp(tenantId: string, appId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      for (const table of ['app_secrets', 'app_certificates'] as const) {
        await trx.deleteFrom(table).where('tenant_id', '=', tenantId).where('app_id', '=', appId).execute();
      }
      const r = await trx
        .deleteFrom('apps')
        .where('tenant_id', '=', tenantId)
        .where('app_id', '=', appId)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  async deleteTenantApps(tenantId: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (const table of ['app_secrets', 'app_certificates', 'apps'] as const) {
        await trx.deleteFrom(table).where('tenant_id', '=', tenantId).execute();
      }
    });
  }

  async addSecret(s: SecretRecord): Promise<void> {
    await this.#db.insertInto('app_secrets').values(s).execute();
  }

  async listSecrets(tenantId: string, appId: string): Promise<SecretRecord[]> {
    const rows = await this.#db
      .selectFrom('app_secrets')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .orderBy('created_ms')
      .execute();
    return rows.map((r) => ({ ...num(r), expires_ms: Number(r.expires_ms) }));
  }

  async removeSecret(tenantId: string, appId: string, keyId: string): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('app_secrets')
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async addCertificate(c: CertificateRecord): Promise<void> {
    await this.#db.insertInto('app_certificates').values(c).execute();
  }

  async listCertificates(tenantId: string, appId: string): Promise<CertificateRecord[]> {
    const rows = await this.#db
      .selectFrom('app_certificates')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .orderBy('created_ms')
      .execute();
    return rows.map((r) => ({ ...num(r), not_after_ms: Number(r.not_after_ms) }));
  }

  async removeCertificate(tenantId: string, appId: string, keyId: string): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('app_certificates')
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async addSigningKey(k: SigningKeyRecord): Promise<void> {
    await this.#db.insertInto('signing_keys').values(k).execute();
  }

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    const rows = await this.#db.selectFrom('signing_keys').selectAll().orderBy('created_ms').execute();
    return rows.map((r) => ({ ...num(r), retired_ms: r.retired_ms === null ? null : Number(r.retired_ms) }));
  }

  async retireSigningKeys(exceptKid: string, retiredMs: number): Promise<void> {
    await this.#db
      .updateTable('signing_keys')
      .set({ retired_ms: retiredMs })
      .where('kid', '!=', exceptKid)
      .where('retired_ms', 'is', null)
      .execute();
  }

  async deleteSigningKeysRetiredBefore(ms: number): Promise<void> {
    await this.#db.deleteFrom('signing_keys').where('retired_ms', '<', ms).execute();
  }
}
