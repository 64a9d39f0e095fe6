// Several real server processes (`callrecords serve`) on one database and one Redis, for the multi-instance tests.
// The database is a SQLite file in a temporary directory (several processes share it through WAL); each cluster
// gets its own Redis key prefix, so test files running at once never see each other's counters.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Registry } from '../../src/auth/registry.js';
import { ROLE_READ_ALL } from '../../src/auth/roles.js';
import { systemClock } from '../../src/clock.js';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { DEMO_APPS, ensureDemoApps } from '../../src/demo/apps.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { openStore } from '../../src/store/index.js';
import { adminRequest } from '../helpers/admin.js';
import { freshPostgres, TEST_BACKEND } from '../helpers/test-db.js';

/** Instances on PostgreSQL share one key-encryption key (on SQLite it is a file beside the database). */
const KEK = randomBytes(32).toString('base64');

/** What a CLI command run on the cluster's database needs in its environment (the key-encryption key). */
export const CLI_ENV: Record<string, string> = TEST_BACKEND === 'postgres' ? { CALLRECORDS_KEK: KEK } : {};

export const ADMIN_KEY = 'multi-instance-admin-key-0123456789';

/** Apps of their own for tests that spend a budget or lock a client out, so other tests keep theirs. */
export const EXTRA_APPS = [
  { appId: 'c0ffee00-ca11-4000-8000-0000000000a1', secret: 'multi-budget-secret-0123456789' },
  { appId: 'c0ffee00-ca11-4000-8000-0000000000a2', secret: 'multi-lockout-secret-0123456789' },
] as const;
export const REDIS_URL = process.env.CALLRECORDS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Instance {
  id: string;
  url: string;
  child: ChildProcess;
  /** Every log line so far (JSON). */
  logs: Record<string, unknown>[];
  stderr: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

export interface Database {
  /** What `--db` gets. */
  db: string;
  /** A SQLite file's path (for reading claims directly), or undefined. */
  file: string | undefined;
  drop(): Promise<void>;
}

/** A fresh database (of the backend under test) with the demo tenant and its apps. */
export async function freshDatabase(): Promise<Database> {
  let database: Database;
  if (TEST_BACKEND === 'postgres') {
    const pgDb = await freshPostgres();
    database = { db: pgDb.url, file: undefined, drop: () => pgDb.drop() };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-multi-'));
    const file = path.join(dir, 'callrecords.db');
    database = { db: file, file, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
  }
  const store = await openStore({ db: database.db, json: STORED_JSON });
  await store.createTenant({ id: DEMO_TENANT_ID, displayName: 'Contoso', createdMs: Date.now() });
  const registry = new Registry(store, systemClock);
  await ensureDemoApps(store, registry);
  for (const a of EXTRA_APPS) {
    await registry.createApp({
      tenantId: DEMO_TENANT_ID,
      appId: a.appId,
      displayName: `multi ${a.appId}`,
      roles: [ROLE_READ_ALL],
      secret: a.secret,
    });
  }
  await store.close();
  return database;
}

export interface ClusterOptions {
  db: string;
  /** Extra environment of every instance (CALLRECORDS_*). */
  env?: Record<string, string>;
  /** Share state through Redis (default true). */
  redis?: boolean;
  /** Key prefix in Redis (default: a fresh one). */
  prefix?: string;
  args?: string[];
}

export class Cluster {
  readonly instances: Instance[] = [];
  readonly prefix: string;

  constructor(readonly o: ClusterOptions) {
    this.prefix = o.prefix ?? `callrecords-test-${randomBytes(6).toString('hex')}:`;
  }

  /** Starts one more instance; resolves once it logged `ready`. */
  async start(id = `i${this.instances.length}`): Promise<Instance> {
    const cli = path.resolve('src/cli/index.ts');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, 'serve', '--db', this.o.db, '--port', '0', ...(this.o.args ?? [])],
      {
        env: {
          ...process.env,
          CALLRECORDS_ADMIN_KEY: ADMIN_KEY,
          CALLRECORDS_LOG_LEVEL: 'info',
          CALLRECORDS_INSTANCE_ID: id,
          CALLRECORDS_WEBHOOK_ALLOW_HTTP: '1',
          CALLRECORDS_NOTIFICATION_DELAY: '0',
          CALLRECORDS_REDIS_PREFIX: this.prefix,
          ...CLI_ENV,
          ...(this.o.redis === false ? {} : { CALLRECORDS_REDIS_URL: REDIS_URL }),
          ...this.o.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const logs: Record<string, unknown>[] = [];
    const lines = createInterface({ input: child.stdout });
    const url = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        logs.push(entry);
        if (entry.msg === 'ready' && typeof entry.url === 'string') resolve(entry.url);
      });
      void exited.then(() => reject(new Error(`instance ${id} exited before it was ready:\n${stderr}`)));
    });
    const instance: Instance = { id, url, child, logs, stderr: () => stderr, exited };
    this.instances.push(instance);
    return instance;
  }

  async startAll(n: number): Promise<Instance[]> {
    // One at a time: the first creates the signing key and the shared settings the others then read.
    for (let i = 0; i < n; i++) await this.start();
    return this.instances;
  }

  async kill(instance: Instance, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill(signal);
    await instance.exited;
  }

  /** Stops every instance (SIGTERM: graceful), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    await Promise.all(
      this.instances.map(async (i) => {
        if (i.child.exitCode !== null || i.child.signalCode !== null) return;
        i.child.kill('SIGTERM');
        const timer = setTimeout(() => i.child.kill('SIGKILL'), 10_000);
        await i.exited;
        clearTimeout(timer);
      }),
    );
  }
}

export async function tokenFrom(
  url: string,
  app: { appId: string; secret: string } = DEMO_APPS[0],
): Promise<string> {
  const res = await fetch(`${url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: app.secret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token)
    throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function admin(
  url: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await adminRequest(url + p, ADMIN_KEY, method, body);
  return { status: r.status, body: r.json };
}

/** A minimal call record that started `agoMs` before now (inside the retention window). */
export function record(
  id: string,
  version = 1,
  agoMs = 3_600_000,
  nowMs = Date.now(),
): Record<string, unknown> {
  const start = new Date(Math.floor((nowMs - agoMs) / 1000) * 1000);
  return {
    id,
    version,
    type: 'peerToPeer',
    modalities: ['audio'],
    startDateTime: start.toISOString(),
    endDateTime: new Date(start.getTime() + 300_000).toISOString(),
    lastModifiedDateTime: new Date(start.getTime() + 600_000 + version * 1000).toISOString(),
    sessions: [],
    participants_v2: [],
  };
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`not met in ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Claim {
  subscriptionId: string;
  itemId: string;
  claimedBy: string;
}

/** Queue items under a live claim (read straight from the database, as an operator would). */
export async function liveClaims(database: Database): Promise<Claim[]> {
  const sql =
    'select subscription_id, item_id, claimed_by from notification_queue where lease_until > $1 order by item_id';
  type Row = { subscription_id: string; item_id: string; claimed_by: string };
  const toClaims = (rows: Row[]) =>
    rows.map((r) => ({ subscriptionId: r.subscription_id, itemId: r.item_id, claimedBy: r.claimed_by }));
  if (!database.file) {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: database.db });
    await client.connect();
    try {
      return toClaims((await client.query<Row>(sql, [Date.now()])).rows);
    } finally {
      await client.end();
    }
  }
  const BetterSqlite3 = (await import('better-sqlite3')).default;
  const raw = new BetterSqlite3(database.file, { readonly: true, fileMustExist: true });
  raw.pragma('busy_timeout = 5000');
  try {
    const rows = raw
      .prepare(
        'select subscription_id, item_id, claimed_by from notification_queue where lease_until > ? order by item_id',
      )
      .all(Date.now()) as { subscription_id: string; item_id: string; claimed_by: string }[];
    return rows.map((r) => ({
      subscriptionId: r.subscription_id,
      itemId: r.item_id,
      claimedBy: r.claimed_by,
    }));
  } finally {
    raw.close();
  }
}
