// The mirror against our own server as the upstream, with Graph's throttling on and faults injected: after a
// backfill, the mirrored tenant exports byte for byte what the upstream exports for the window.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { admin, assertSameLines, exported, mirror, TENANT, withUpstream, type Upstream } from './helpers.js';

let up: Upstream;
const dir = withUpstream('mirror', {}, (u) => (up = u));

interface Summary {
  complete: boolean;
  from: string;
  created: number;
  listed: number;
  logRows: number;
  throttled: number;
  serverErrors: number;
  dropped: number;
  retries: number;
}

test('a backfill through 429s, 503s, dropped connections and latency exports what the upstream exports', async () => {
  await admin(up, 'POST', '/faults', { resource: 'record', everyNth: 23, status: 429, retryAfterSeconds: 1 });
  await admin(up, 'POST', '/faults', { resource: 'participants', everyNth: 19, status: 503 });
  await admin(up, 'POST', '/faults', { resource: 'records', everyNth: 4, drop: true });
  await admin(up, 'POST', '/faults', {
    route: '/v1.0/communications/callRecords/*',
    probability: 0.2,
    latencyMs: [5, 40],
  });
  const until = new Date(up.server.clock.now()).toISOString();
  const db = path.join(dir, 'mirror.db');
  const r = await mirror(up, db, 7, '--beta-logs', '--json');
  await admin(up, 'DELETE', '/faults');
  const report = (await admin(up, 'GET', `/tenants/${TENANT}/throttling-report`)) as {
    earlyRetries: { count: number; throttled: number }[];
  };
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  assert.equal(s.complete, true);
  assert.ok(s.created > 100, `created ${s.created}`);
  assert.ok(s.logRows > 10, `log rows ${s.logRows}`);
  assert.ok(s.throttled > 0 && s.serverErrors > 0 && s.dropped > 0, JSON.stringify(s));
  assert.match(r.stderr, /records .*\/s/);
  // After a 429 nothing new is sent before its Retry-After: only requests already in flight when it arrived (at
  // most the workers, the lister and the log copier) reach the server early.
  const early = report.earlyRetries[0];
  assert.ok(!early || early.count <= (4 + 1) * early.throttled, JSON.stringify(report));
  const mine = await exported(db, s.from, until);
  const theirs = await exported(up.db, s.from, until);
  assert.ok(theirs.split('\n').length > s.created);
  assertSameLines(mine, theirs);
});
