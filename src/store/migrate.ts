import { Migrator, type Kysely, type Migration } from 'kysely';
import * as m001 from './migrations/001_call_records.js';
import * as m002 from './migrations/002_identity.js';

const MIGRATIONS: Record<string, Migration> = {
  '001_call_records': m001,
  '002_identity': m002,
};

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
