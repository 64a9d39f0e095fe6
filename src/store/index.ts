import { KyselyStore } from './kysely-store.js';
import { openSqlite, type SqliteOptions } from './sqlite.js';
import type { Store, StoredJson } from './types.js';

export type * from './types.js';
export type * from './identity-store.js';
export type * from './document-store.js';
export type * from './log-store.js';
export type * from './pending-store.js';
export type * from './job-leases.js';
export { exclusively } from './job-leases.js';
export type * from './notifications/subscriptions.js';
export type * from './notifications/queue.js';
export type { LogKind, LogRows } from './log-rows.js';
export { StoreBusyError } from './errors.js';

/** Opens the embedded store (SQLite) and applies migrations; `json` is graph/shape/stored.ts's STORED_JSON. */
export async function openStore(options: { db: string; json: StoredJson } & SqliteOptions): Promise<Store> {
  const { db, raw } = openSqlite(options.db, options);
  const store = new KyselyStore({ db, json: options.json, onClose: () => raw.close() });
  await store.migrate();
  return store;
}
