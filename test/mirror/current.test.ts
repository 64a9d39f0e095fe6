// Keeping current by polling: a mirror left running copies a record that arrives after its backfill, then the
// version 2 that arrives later still (the call simulator on the upstream's virtual clock), and stops on SIGTERM.
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { openStore, type Store } from '../../src/store/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { cli } from '../cli/run.js';
import {
  admin,
  assertSameLines,
  exported,
  mirrorArgs,
  TENANT,
  withUpstream,
  type Upstream,
} from './helpers.js';

let up: Upstream;
const dir = withUpstream('mirror-current', { days: 3, recordDelaySeconds: 0 }, (u) => (up = u));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('polling copies a late record and its version 2, and a SIGTERM ends the mirror with exit 0', async () => {
  const db = path.join(dir, 'mirror.db');
  const args = mirrorArgs(
    up,
    db,
    2,
    '--beta-logs',
    '--poll-interval',
    '1',
    '--lookback',
    '24',
    '--json',
  ).filter((a) => a !== '--once');
  const running = cli(...args);
  let store: Store | undefined;
  try {
    await until('the backfill', async () => {
      const s = await cli('mirror', 'status', '--db', db, '--json');
      if (s.code !== 0) return undefined;
      const [row] = JSON.parse(s.stdout) as { phase: string }[];
      return row?.phase === 'current' ? true : undefined;
    });
    store = await openStore({ db, json: STORED_JSON });
    const version = async (id: string) => {
      const row = await store!.getCallRecord(TENANT, id, -8.64e15);
      return row ? (JSON.parse(row.body) as { version: number }).version : undefined;
    };

    const call = (await admin(up, 'POST', `/tenants/${TENANT}/calls`, {
      source: {
        identity: { user: { id: '5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e01', displayName: 'Alice Adams' } },
      },
      targets: [
        { identity: { user: { id: '5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e02', displayName: 'Bob Brown' } } },
      ],
      requestedModalities: ['audio'],
      simulation: { lateUpdateAfterSeconds: 600, seed: 7 },
    })) as { id: string; callChainId: string };
    await admin(up, 'POST', '/clock', { action: 'advance', by: 'PT1M' });
    await admin(up, 'DELETE', `/tenants/${TENANT}/calls/${call.id}`);
    await admin(up, 'POST', '/clock', { action: 'advance', by: 'PT1S' });
    assert.equal(
      await until('version 1', () => version(call.callChainId).then((v) => (v === 1 ? v : undefined))),
      1,
    );
    await admin(up, 'POST', '/clock', { action: 'advance', by: 'PT11M' });
    assert.equal(
      await until('version 2', () => version(call.callChainId).then((v) => (v === 2 ? v : undefined))),
      2,
    );
  } finally {
    await store?.close();
    process.emit('SIGTERM');
  }
  const r = await running;
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { phase: string; from: string; updated: number; backlog: number };
  assert.equal(s.phase, 'stopped');
  assert.equal(s.backlog, 0);
  assert.ok(s.updated >= 1, 'version 2 replaced version 1');
  assert.match(r.stderr, /mirror [0-9a-f-]+: current, backlog \d+, lag \d+s, last success/);
  const end = new Date(up.server.clock.now()).toISOString();
  assertSameLines(await exported(db, s.from, end), await exported(up.db, s.from, end));
});
