// Two NDJSON imports of overlapping records, sent at once to two instances on one database: whatever order their
// transactions interleave in, every record ends at the highest version either import held (the version-guarded
// upsert), and a third instance serves exactly that.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { Rng } from '../../src/generate/prng.js';
import {
  ADMIN_KEY,
  Cluster,
  freshDatabase,
  record,
  tokenFrom,
  type Database,
  type Instance,
} from './cluster.js';

let database: Database;
let cluster: Cluster;
let nodes: Instance[];

before(async () => {
  database = await freshDatabase();
  cluster = new Cluster({ db: database.db });
  nodes = await cluster.startAll(3);
});

after(async () => {
  await cluster?.stop();
  await database?.drop();
});

test('two concurrent imports of overlapping records end with every record at its highest version', async () => {
  const rng = new Rng(20261203);
  const now = Date.now();
  const ids = Array.from({ length: 600 }, () => randomUUID());
  const highest = new Map<string, number>();
  // Each import holds one to three versions of most records, in shuffled order (a lower version may come last).
  const lines = (): string[] => {
    const out: string[] = [];
    ids.forEach((id, i) => {
      if (rng.next() < 0.15) return;
      const versions = new Set<number>();
      const n = 1 + Math.floor(rng.next() * 3);
      while (versions.size < n) versions.add(1 + Math.floor(rng.next() * 6));
      for (const v of versions) {
        highest.set(id, Math.max(highest.get(id) ?? 0, v));
        out.push(JSON.stringify(record(id, v, 3_600_000 + i * 1000, now)));
      }
    });
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  const imports = [lines(), lines()];
  const send = (url: string, body: string[]) =>
    fetch(`${url}/admin/tenants/${DEMO_TENANT_ID}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/x-ndjson' },
      body: body.join('\n'),
    });
  const answers = await Promise.all([send(nodes[0]!.url, imports[0]!), send(nodes[1]!.url, imports[1]!)]);
  for (const a of answers) assert.equal(a.status, 200, await a.clone().text());
  const summaries = (await Promise.all(answers.map((a) => a.json()))) as { failed?: number }[];
  for (const s of summaries) assert.ok(!s.failed, JSON.stringify(s));

  const token = await tokenFrom(nodes[2]!.url);
  const stored = new Map<string, number>();
  let next: string | undefined = `${nodes[2]!.url}/v1.0/communications/callRecords?$select=id,version`;
  while (next) {
    const res = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const page = (await res.json()) as {
      value: { id: string; version: number }[];
      '@odata.nextLink'?: string;
    };
    for (const r of page.value) stored.set(r.id, r.version);
    next = page['@odata.nextLink'];
  }
  assert.equal(stored.size, highest.size);
  const wrong = [...highest].filter(([id, v]) => stored.get(id) !== v);
  assert.deepEqual(wrong, [], 'records not at their highest version');
});
