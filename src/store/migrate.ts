import { Migrator, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from './dialect.js';
import * as m001 from './migrations/001_call_records.js';
import * as m002 from './migrations/002_identity.js';
import * as m003 from './migrations/003_log_rows.js';
import * as m004 from './migrations/004_pending_records.js';
import * as m005 from './migrations/005_notifications.js';
import * as m006 from './migrations/006_record_parts.js';
import * as m007 from './migrations/007_opt_in_mark.js';
import * as m008 from './migrations/008_postgres_scale.js';
import * as m009 from './migrations/009_claims.js';
import * as m010 from './migrations/010_dashboard_rollups.js';
import * as m011 from './migrations/011_mirror.js';
import * as m012 from './migrations/012_clustered_records.js';
import * as m013 from './migrations/013_list_deflate.js';

/** Migrations that differ by database take the dialect's capabilities; the others are the same everywhere. */
export const migrations = (dialect: StoreDialect): Record<string, Migration> => ({
  '001_call_records': m001,
  '002_identity': m002,
  '003_log_rows': m003,
  '004_pending_records': m004,
  '005_notifications': m005,
  '006_record_parts': { up: (db) => m006.up(db, dialect) },
  '007_opt_in_mark': m007,
  '008_postgres_scale': { up: (db) => m008.up(db, dialect) },
  '009_claims': m009,
  '010_dashboard_rollups': m010,
  '011_mirror': m011,
  '012_clustered_records': { up: (db) => m012.up(db, dialect) },
  '013_list_deflate': { up: (db) => m013.up(db, dialect) },
});

export async function migrateToLatest(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const all = migrations(dialect);
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(all) } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
