// A PostgreSQL restart under load, with two instances on the database: while it is down clients get Graph's 503
// with Retry-After (never a 500, never a dropped connection), the instances stay up and recover by themselves when
// it is back, and every write they acknowledged is in the database. Restarting the server cuts every session on it,
// so the test runs only when asked: CALLRECORDS_TEST_DB=postgres and CALLRECORDS_TEST_PG_RESTART=1 (.ci/run sets
// both).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { TEST_BACKEND } from '../helpers/test-db.js';
import {
  ADMIN_KEY,
  Cluster,
  freshDatabase,
  record,
  tokenFrom,
  type Database,
  type Instance,
} from './cluster.js';

const enabled = TEST_BACKEND === 'postgres' && process.env.CALLRECORDS_TEST_PG_RESTART === '1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: Database;
let cluster: Cluster;
let nodes: Instance[];

before(async () => {
  if (!enabled) return;
  database = await freshDatabase();
  // Throttling off: the readers would spend Graph's list budget in a second.
  cluster = new Cluster({ db: database.db, env: { CALLRECORDS_THROTTLING: 'off' } });
  nodes = await cluster.startAll(2);
});

after(async () => {
  await cluster?.stop();
  await database?.drop();
});

interface Outcome {
  status: number;
  retryAfter: string | null;
  code?: string;
  atMs: number;
}

test(
  'a PostgreSQL restart under load: 503s with Retry-After, then recovery; no 500, no lost acknowledged write',
  { skip: !enabled && 'needs CALLRECORDS_TEST_DB=postgres and CALLRECORDS_TEST_PG_RESTART=1' },
  async (t) => {
    const token = await tokenFrom(nodes[0]!.url);
    const outcomes: Outcome[] = [];
    const acknowledged: string[] = [];
    let stop = false;
    // A request that got no answer at all (a crashed instance, a reset connection) is an outcome too: status 0.
    const attempt = async (run: () => Promise<Response>): Promise<Outcome> => {
      try {
        return await observe(await run());
      } catch (err) {
        const o: Outcome = {
          status: 0,
          retryAfter: null,
          code: String((err as Error).cause ?? err),
          atMs: Date.now(),
        };
        outcomes.push(o);
        await sleep(100);
        return o;
      }
    };
    const observe = async (res: Response): Promise<Outcome> => {
      const o: Outcome = { status: res.status, retryAfter: res.headers.get('retry-after'), atMs: Date.now() };
      const text = await res.text();
      if (res.status >= 400) o.code = (JSON.parse(text) as { error: { code: string } }).error.code;
      outcomes.push(o);
      return o;
    };
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const id = randomUUID();
        const o = await attempt(() =>
          fetch(`${nodes[(w + i) % 2]!.url}/admin/tenants/${DEMO_TENANT_ID}/callRecords`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify(record(id)),
          }),
        );
        if (o.status === 200 || o.status === 201) acknowledged.push(id);
        if (o.status === 503) await sleep(100);
      }
    };
    const reader = async (r: number) => {
      for (let i = 0; !stop; i++) {
        const o = await attempt(() =>
          fetch(`${nodes[(r + i) % 2]!.url}/v1.0/communications/callRecords?$top=5`, {
            headers: { authorization: `Bearer ${token}` },
          }),
        );
        if (o.status === 503) await sleep(100);
      }
    };
    const load = Promise.all([writer(0), writer(1), writer(2), reader(0), reader(1)]);
    await sleep(1500);

    const version = readdirSync('/etc/postgresql')[0]!;
    const restartedAt = Date.now();
    await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
      timeout: 60_000,
    });
    const backAt = Date.now();
    // Load goes on until both instances have served a run of requests after the restart.
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const recent = outcomes.filter((o) => o.atMs > backAt);
      if (recent.length >= 40 && recent.slice(-20).every((o) => o.status < 300)) break;
      await sleep(200);
    }
    stop = true;
    await load;

    const unexpected = outcomes.filter((o) => ![200, 201, 503].includes(o.status));
    const logs = nodes
      .map((n) => `${n.id} (exit ${n.child.exitCode}): ${n.stderr().slice(-3000)}`)
      .join('\n');
    assert.deepEqual(unexpected.slice(0, 5), [], `only 2xx and 503\n${logs}`);
    const unavailable = outcomes.filter((o) => o.status === 503);
    assert.ok(unavailable.length > 0, `the restart (${backAt - restartedAt} ms) was seen by clients`);
    for (const o of unavailable) {
      assert.equal(o.code, 'ServiceUnavailable');
      assert.ok(Number(o.retryAfter) >= 1, 'Retry-After on every 503');
    }
    assert.ok(
      outcomes.slice(-20).every((o) => o.status < 300),
      'recovered by itself',
    );
    for (const node of nodes) {
      assert.equal(node.child.exitCode, null, `instance ${node.id} is still running`);
      const health = await fetch(`${node.url}/healthz`);
      assert.equal(health.status, 200);
      const body = (await health.json()) as { database: { status: string } };
      assert.equal(body.database.status, 'ok');
    }

    // Every acknowledged write is in the database.
    const client = new pg.Client({ connectionString: database.db });
    await client.connect();
    try {
      const found = await client.query<{ id: string }>(
        'select id from call_records where tenant_id = $1 and id = any($2)',
        [DEMO_TENANT_ID, acknowledged],
      );
      const missing = new Set(acknowledged);
      for (const r of found.rows) missing.delete(r.id);
      assert.deepEqual([...missing], [], 'acknowledged writes lost');
    } finally {
      await client.end();
    }
    assert.ok(acknowledged.length > 0);
    const firstBad = unavailable[0]!.atMs;
    const lastBad = unavailable.at(-1)!.atMs;
    t.diagnostic(
      `restart took ${backAt - restartedAt} ms; ${outcomes.length} requests, ${unavailable.length} answered 503 ` +
        `over ${lastBad - firstBad} ms; ${acknowledged.length} acknowledged writes, all stored`,
    );
  },
);
