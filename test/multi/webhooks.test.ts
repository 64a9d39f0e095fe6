// Three instances deliver change notifications from one queue: each notification goes out from one instance per
// attempt, and when the instance delivering is killed (SIGKILL) in the middle of a delivery, its claims lapse after
// the lease and another instance sends those notifications: the receiver gets every one, at least once, and the
// only repeats are the notifications the killed instance held.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { startReceiver, type Receiver } from '../notify/helpers.js';
import {
  ADMIN_KEY,
  Cluster,
  freshDatabase,
  liveClaims,
  record,
  tokenFrom,
  waitFor,
  type Claim,
  type Database,
  type Instance,
} from './cluster.js';

let database: Database;
let cluster: Cluster;
let nodes: Instance[];
let receiver: Receiver;

before(async () => {
  database = await freshDatabase();
  receiver = await startReceiver();
  // The shortest lease (the delivery timeout plus 2 s): a dead instance's notifications come back after ~5 s.
  cluster = new Cluster({ db: database.db, env: { CALLRECORDS_WEBHOOK_LEASE_SECONDS: '1' } });
  nodes = await cluster.startAll(3);
});

after(async () => {
  await cluster?.stop();
  await receiver?.close();
  await database?.drop();
});

async function push(url: string, doc: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/admin/tenants/${DEMO_TENANT_ID}/callRecords`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(doc),
  });
  assert.ok(res.status === 201 || res.status === 200, `push: ${res.status} ${await res.text()}`);
}

test('SIGKILL of the instance delivering loses no notification; only its claimed ones are sent twice', async () => {
  const token = await tokenFrom(nodes[0]!.url);
  const paths = ['/s0', '/s1', '/s2'];
  const subscriptionPath = new Map<string, string>();
  for (const p of paths) {
    const res = await fetch(`${nodes[0]!.url}/v1.0/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        changeType: 'created,updated',
        notificationUrl: receiver.url + p,
        resource: 'communications/callRecords',
        expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    });
    assert.equal(res.status, 201);
    subscriptionPath.set(((await res.json()) as { id: string }).id, p);
  }
  // Every notification is held for a while before it is acknowledged: deliveries are in flight when the kill comes.
  receiver.behaviour = (r, res) => {
    if (r.validationToken !== null) return false;
    setTimeout(() => res.writeHead(202).end(), 700);
    return true;
  };

  // Records keep coming through every live instance, so that each has deliveries to make all along.
  const ids = Array.from({ length: 90 }, () => randomUUID());
  let victim: Instance | undefined;
  let held: Claim[] = [];
  for (let i = 0; i < ids.length; i++) {
    const live = nodes.filter((n) => n !== victim);
    await push(live[i % live.length]!.url, record(ids[i]!));
    await new Promise((r) => setTimeout(r, 25));
    if (i !== 30) continue;
    // The victim: an instance holding a live claim right now (read from the database).
    let claims: Claim[] = [];
    await waitFor(
      async () => (claims = await liveClaims(database)).length > 0,
      10_000,
      'a delivery holds a claim',
    );
    victim = nodes.find((n) => n.id === claims[0]!.claimedBy)!;
    await cluster.kill(victim, 'SIGKILL');
    held = (await liveClaims(database)).filter((c) => c.claimedBy === victim!.id);
    assert.ok(held.length > 0, 'the killed instance held claims');
  }

  const received = () => {
    const seen = new Map<string, number>();
    for (const r of receiver.notifications()) {
      for (const v of (JSON.parse(r.body) as { value: { resourceData: { id: string } }[] }).value) {
        const key = `${r.path} ${v.resourceData.id}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    return seen;
  };
  await waitFor(() => received().size === ids.length * paths.length, 60_000, 'every notification arrived');
  const seen = received();
  for (const p of paths) for (const id of ids) assert.ok(seen.get(`${p} ${id}`)! >= 1, `${p} ${id}`);
  // Repeats come only from the killed instance's claims: no notification was sent by two live instances.
  const mayRepeat = new Set(
    held.map((c) => `${subscriptionPath.get(c.subscriptionId)} ${c.itemId.split('@')[0]}`),
  );
  const repeated = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  for (const k of repeated)
    assert.ok(mayRepeat.has(k), `${k} was sent twice but was not the killed instance's`);
});
