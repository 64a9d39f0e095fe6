// A mirror killed with SIGKILL in the middle of its backfill and started again ends with the same tenant as one that
// was never interrupted, and fetches no record twice beyond the ones in flight when it died.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { cli } from '../cli/run.js';
import { admin, assertSameLines, exported, mirrorArgs, withUpstream, type Upstream } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let up: Upstream;
const dir = withUpstream('mirror-resume', {}, (u) => (up = u));

const RECORD_GET = /^\/v1\.0\/communications\/callRecords\/([0-9a-f-]{36})\?\$expand=/;

function recordFetches(): Map<string, number> {
  const byId = new Map<string, number>();
  for (const r of up.requests) {
    const m = RECORD_GET.exec(r.url);
    if (m && r.status === 200) byId.set(m[1]!, (byId.get(m[1]!) ?? 0) + 1);
  }
  return byId;
}

test('SIGKILL mid-backfill, then a restart: the same export, and no record fetched twice but those in flight', async () => {
  // Slow enough to be caught in the middle.
  await admin(up, 'POST', '/faults', { resource: 'record', latencyMs: 40 });
  const db = path.join(dir, 'mirror.db');
  const until = new Date(up.server.clock.now()).toISOString();
  const args = mirrorArgs(up, db, 7, '--beta-logs', '--concurrency', '2');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/index.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit');
  const deadline = Date.now() + 60_000;
  while (recordFetches().size < 40) {
    assert.ok(
      Date.now() < deadline,
      `the mirror fetched ${recordFetches().size} records in a minute: ${stderr}`,
    );
    assert.equal(child.exitCode, null, `the mirror ended before it was killed: ${stderr}`);
    await sleep(20);
  }
  child.kill('SIGKILL');
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  assert.equal(signal, 'SIGKILL', `exit ${String(code)}`);
  const before = recordFetches();
  assert.ok(before.size < 150, `killed too late (${before.size} records fetched)`);

  // The restart, told the same "now" as the first run.
  const r = await cli(...args, '--json');
  await admin(up, 'DELETE', '/faults');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { complete: boolean; from: string; created: number };
  assert.equal(s.complete, true);

  const fetches = recordFetches();
  const twice = [...fetches].filter(([, n]) => n > 1);
  assert.ok(twice.length <= 2, `records fetched twice: ${twice.length} (${JSON.stringify(twice)})`);
  assert.ok(s.created < fetches.size, 'the restart copied only what the first run had not');

  // Identical to a mirror that was never interrupted, and to the upstream.
  const clean = path.join(dir, 'clean.db');
  const c = await cli(...mirrorArgs(up, clean, 7, '--beta-logs'));
  assert.equal(c.code, 0, c.stderr);
  const mine = await exported(db, s.from, until);
  assertSameLines(mine, await exported(clean, s.from, until));
  assertSameLines(mine, await exported(up.db, s.from, until));
});
