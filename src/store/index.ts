import { isPostgresUrl } from './dialect.js';
import { KyselyStore } from './kysely-store.js';
import type { PostgresOptions } from './postgres.js';
import { openSqlite, type SqliteOptions } from './sqlite.js';
import type { Store, StoredJson } from './types.js';

export type * from './types.js';
export type * from './identity-store.js';
export type * from './document-store.js';
export type * from './dashboard-store.js';
export type * from './log-store.js';
export type * from './pending-store.js';
export type * from './mirror-store.js';
export type * from './job-leases.js';
export { exclusively } from './job-leases.js';
export type * from './notifications/subscriptions.js';
export type * from './notifications/queue.js';
export type { LogKind, LogRows } from './log-rows.js';
export type { DatabaseHealth } from './dialect.js';
export { isPostgresUrl, describeDatabase } from './dialect.js';
export { StoreBusyError, StoreUnavailableError } from './errors.js';

export type StoreOptions = { db: string; json: StoredJson } & SqliteOptions & PostgresOptions;

/**
 * Opens the store and applies migrations: PostgreSQL when `db` is a postgres:// URL, else the embedded SQLite file
 * (or ':memory:'). `json` is graph/shape/stored.ts's STORED_JSON.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (isPostgresUrl(options.db)) {
    // Loaded on use: the PostgreSQL driver is a tenth of a SQLite start's module loading.
    const { openPostgres } = await import('./postgres.js');
    const { db, dialect } = openPostgres(options.db, options);
    const store = new KyselyStore({ db, dialect, json: options.json });
    try {
      await store.migrate();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }
  const { db, raw, dialect } = openSqlite(options.db, options);
  const store = new KyselyStore({ db, dialect, json: options.json, onClose: () => raw.close() });
  await store.migrate();
  return store;
}
