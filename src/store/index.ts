import { KyselyStore } from './kysely-store.js';
import { openSqlite, type SqliteOptions } from './sqlite.js';
import type { Store } from './types.js';

export type * from './types.js';
export type * from './identity-store.js';
export type * from './document-store.js';
export type * from './log-store.js';
export type * from './pending-store.js';
export type * from './subscription-store.js';
export type * from './notification-queue.js';
export type { LogRows } from './log-rows.js';
export { StoreBusyError } from './errors.js';

/** Opens the embedded store (SQLite) and applies migrations. */
export async function openStore(options: { db: string } & SqliteOptions): Promise<Store> {
  const { db, raw } = openSqlite(options.db, options);
  const store = new KyselyStore({ db, onClose: () => raw.close() });
  await store.migrate();
  return store;
}
