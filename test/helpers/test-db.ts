// Which database the tests run on: SQLite in memory (default) or PostgreSQL when CALLRECORDS_TEST_DB=postgres.
// On PostgreSQL every store a test opens is a database of its own, cloned from a template database (migrated, and
// seeded with the demo tenant when asked) and dropped when the store closes: files still run in parallel and never
// share data, and a clone costs a fraction of a second where migrating and seeding cost seconds.
//
// Templates are named after a hash of the code (as demo-template.ts does for SQLite images): any change to the
// code makes new ones, never stale ones; those of other code versions are dropped after an hour unused.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { seedDemoTenant } from '../../src/demo/seed.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { DemoDataset } from './demo-template.js';

export type TestBackend = 'sqlite' | 'postgres';

export const TEST_BACKEND: TestBackend =
  process.env.CALLRECORDS_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/** The server the test databases live on (a maintenance database on it: templates and clones are made from it). */
export const TEST_PG_URL =
  process.env.CALLRECORDS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Names of test databases start with this (lower case letters, digits and _). */
const PREFIX = (process.env.CALLRECORDS_TEST_PG_PREFIX ?? 'callrecords_test').replace(/[^a-z0-9_]/g, '_');

const ROOT = path.resolve(import.meta.dirname, '../..');
const UNUSED_MS = 60 * 60_000;

let hash: string | undefined;
function codeHash(): string {
  if (hash) return hash;
  const h = createHash('sha256');
  const files = readdirSync(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const file of [...files, path.join(ROOT, 'package-lock.json'), import.meta.filename])
    h.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return (hash = h.digest('hex').slice(0, 12));
}

export function urlOf(database: string): string {
  const u = new URL(TEST_PG_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function exists(c: pg.Client, name: string): Promise<boolean> {
  return (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
}

/** Drops the templates of other code versions that no run has used for an hour (their comment holds the time). */
async function prune(c: pg.Client, keep: string): Promise<void> {
  const { rows } = await c.query<{ datname: string; used: string | null }>(
    `select datname, shobj_description(oid, 'pg_database') as used from pg_database where datname like $1`,
    [`${PREFIX}_tpl_%`],
  );
  for (const r of rows) {
    if (r.datname.includes(keep) || Date.now() - Number(r.used ?? 0) < UNUSED_MS) continue;
    await c.query(`drop database if exists ${ident(r.datname)}`).catch(() => {});
  }
}

/** The template database for `dataset` (migrated only when undefined), built once under an advisory lock. */
async function template(dataset: DemoDataset | undefined): Promise<string> {
  const code = codeHash();
  const kind = dataset ? `d${dataset.seed}_${dataset.users}_${dataset.days}_${dataset.now}` : 'empty';
  const name = `${PREFIX}_tpl_${code}_${createHash('sha256').update(kind).digest('hex').slice(0, 10)}`;
  return admin(async (c) => {
    if (!(await exists(c, name))) {
      await c.query('select pg_advisory_lock(hashtextextended($1, 0))', [name]);
      try {
        if (!(await exists(c, name))) {
          await prune(c, code);
          const scratch = `${name}_b${process.pid}`;
          await c.query(`drop database if exists ${ident(scratch)}`);
          await c.query(`create database ${ident(scratch)}`);
          const store = await openStore({ db: urlOf(scratch), json: STORED_JSON });
          try {
            if (dataset) await seedDemoTenant(store, dataset);
          } finally {
            await store.close();
          }
          // A rename is atomic: others see no template or a whole one.
          await c.query(`alter database ${ident(scratch)} rename to ${ident(name)}`);
        }
      } finally {
        await c.query('select pg_advisory_unlock(hashtextextended($1, 0))', [name]);
      }
    }
    await c.query(`comment on database ${ident(name)} is '${Date.now()}'`);
    return name;
  });
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let serial = 0;

/** A new PostgreSQL database for one test store: migrated, with the demo tenant of `dataset` if given. */
export async function freshPostgres(dataset?: DemoDataset): Promise<TestDatabase> {
  const from = await template(dataset);
  const name = `${PREFIX}_${process.pid}_${++serial}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`create database ${ident(name)} template ${ident(from)}`));
  let dropped: Promise<void> | undefined;
  return {
    url: urlOf(name),
    drop: () =>
      (dropped ??= admin(async (c) => {
        await c.query(`drop database if exists ${ident(name)} with (force)`);
      })),
  };
}

/** Closes the store, then drops its database. */
export function droppingOnClose(store: Store, database: TestDatabase): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'close') {
        return async () => {
          try {
            await target.close();
          } finally {
            await database.drop();
          }
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A store for one test on the backend under test: SQLite in memory (from `image` when given) or a fresh
 * PostgreSQL database (with the demo tenant of `dataset` when given). Closing it drops the database.
 */
export async function openTestStore(o: { dataset?: DemoDataset; image?: Buffer } = {}): Promise<Store> {
  if (TEST_BACKEND === 'sqlite')
    return openStore({ db: ':memory:', json: STORED_JSON, ...(o.image ? { image: o.image } : {}) });
  const database = await freshPostgres(o.dataset);
  try {
    return droppingOnClose(await openStore({ db: database.url, json: STORED_JSON }), database);
  } catch (err) {
    await database.drop();
    throw err;
  }
}
