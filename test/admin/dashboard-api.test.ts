// The dashboard's admin JSON over HTTP: behind the admin key, Graph-shaped errors for bad periods, unknown tenants
// and calls; the explorer's paging and filters; apps created with a secret shown once and roles set; a generation
// job that reports progress; the page and its assets served without traversal.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const KEY = 'dashboard-admin-key-0123456789';
let server: TestServer;

const admin = async <B = ErrorBody>(
  path: string,
  init: { method?: string; body?: unknown; key?: string | null } = {},
) => {
  const res = await fetch(`${server.url}/admin${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.key === null ? {} : { authorization: `Bearer ${init.key ?? KEY}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as B };
};
const T = `/tenants/${DEMO_TENANT_ID}`;

interface ErrorBody {
  error: { code: string };
}
interface Quality {
  targets: Record<string, number>;
  totals: { calls: number; poorStreams: number; classifiedStreams: number; poorStreamRate: number };
  daily: { calls: number }[];
  breakdowns: Record<string, unknown[]>;
}
interface Calls {
  value: { id: string; startDateTime: string; poorStreams: number; worst: string }[];
  next: string | null;
}
interface Call {
  participants: { id: string }[];
  sessions: { segments: { streams: { breaches: string[] }[] }[] }[];
}
interface Job {
  id: string;
  state: string;
  progress: number;
  records: number;
}

before(async () => {
  server = await startTestServer({ demoUsers: 12, demoDays: 10, config: { adminKey: KEY } });
});
after(() => server.close());

describe('dashboard JSON', () => {
  test('every dashboard route needs the admin key', async () => {
    for (const path of [
      '/dashboard/quality',
      '/dashboard/calls',
      '/dashboard/telephony',
      '/dashboard/operations',
      '/apps',
    ]) {
      const r = await admin(`${T}${path}`, { key: null });
      assert.equal(r.status, 401, path);
      assert.equal(r.body.error.code, 'Unauthorized');
    }
  });

  test('bad periods and unknown tenants answer Graph errors', async () => {
    for (const q of [
      'from=2026-13-01',
      'from=yesterday',
      'from=2026-11-10&to=2026-11-01',
      'from=2020-01-01&to=2026-01-01',
    ]) {
      const r = await admin(`${T}/dashboard/quality?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'BadRequest');
    }
    const r = await admin('/tenants/00000000-0000-4000-8000-000000000000/dashboard/quality');
    assert.equal(r.status, 404);
    assert.equal((await admin(`${T}/dashboard/calls?quality=awful`)).status, 400);
    assert.equal((await admin(`${T}/dashboard/calls/not-a-call`)).status, 404);
  });

  test('quality: totals equal the sum of the days, rates against the CQD targets', async () => {
    const q = (await admin<Quality>(`${T}/dashboard/quality?from=2026-11-10&to=2026-11-20`)).body;
    assert.deepEqual(q.targets, { poorStreamRate: 0.03, setupFailureRate: 0.01, dropRate: 0.03 });
    const days = q.daily;
    assert.equal(
      days.reduce((a, d) => a + d.calls, 0),
      q.totals.calls,
    );
    assert.equal(q.totals.poorStreamRate, q.totals.poorStreams / q.totals.classifiedStreams);
    assert.ok((q.breakdowns.networkType ?? []).length > 0);
  });

  test('calls: pages newest first without overlap; the poor filter finds only poor calls', async () => {
    const seen = new Set<string>();
    let before: string | null = null;
    let last = Infinity;
    for (let i = 0; i < 3; i++) {
      const r: Calls = (
        await admin<Calls>(
          `${T}/dashboard/calls?from=2026-11-01&to=2026-11-20&limit=20${before ? `&before=${before}` : ''}`,
        )
      ).body;
      for (const c of r.value) {
        assert.ok(!seen.has(c.id));
        seen.add(c.id);
        assert.ok(Date.parse(c.startDateTime) <= last);
        last = Date.parse(c.startDateTime);
      }
      before = r.next;
    }
    assert.equal(seen.size, 60);
    const poor = (
      await admin<Calls>(`${T}/dashboard/calls?from=2026-11-01&to=2026-11-20&quality=poor&limit=200`)
    ).body;
    assert.ok(poor.value.length > 0);
    for (const c of poor.value) assert.ok(c.poorStreams > 0 && /> /.test(c.worst));
    const first = poor.value[0]!;
    const one = (await admin<Call>(`${T}/dashboard/calls/${first.id}`)).body;
    const breaches = one.sessions.flatMap((s) =>
      s.segments.flatMap((g) => g.streams.flatMap((st) => st.breaches)),
    );
    assert.ok(breaches.includes(first.worst));
    // One participant's calls: each of them has that participant.
    const user = one.participants[0]!.id;
    const theirs = (
      await admin<Calls>(`${T}/dashboard/calls?from=2026-11-01&to=2026-11-20&user=${user}&limit=200`)
    ).body;
    assert.ok(theirs.value.some((c) => c.id === first.id));
    for (const c of theirs.value.slice(0, 10)) {
      const d = (await admin<Call>(`${T}/dashboard/calls/${c.id}`)).body;
      assert.ok(d.participants.some((p) => p.id === user));
    }
  });

  test('apps: created with a secret shown once that gets a token; roles set; unknown roles refused; deleted', async () => {
    const created = await admin<{ clientId: string; secret: { value: string } }>(`${T}/apps`, {
      method: 'POST',
      body: { displayName: 'api test app', roles: [] },
    });
    assert.equal(created.status, 201);
    const { clientId, secret } = created.body;
    const listed = (await admin<{ value: { clientId: string }[] }>(`${T}/apps`)).body.value.find(
      (a) => a.clientId === clientId,
    );
    assert.ok(listed);
    assert.equal(JSON.stringify(listed).includes(secret.value), false, 'the list never shows the secret');
    assert.equal(
      (await admin(`${T}/apps/${clientId}/roles`, { method: 'PUT', body: { roles: ['Nope.Read'] } })).status,
      400,
    );
    const roles = await admin<{ roles: string[] }>(`${T}/apps/${clientId}/roles`, {
      method: 'PUT',
      body: { roles: ['CallRecords.Read.All'] },
    });
    assert.deepEqual(roles.body.roles, ['CallRecords.Read.All']);
    const token = await server.tokenFor(clientId, secret.value);
    const res = await fetch(`${server.url}/v1.0/communications/callRecords?$top=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    assert.equal((await admin(`${T}/apps/${clientId}`, { method: 'DELETE' })).status, 204);
    assert.equal((await admin(`${T}/apps/${clientId}`, { method: 'DELETE' })).status, 404);
  });

  test('generate: a job writes records into a tenant and reports its progress', async () => {
    const tenant = (
      await admin<{ id: string }>('/tenants', { method: 'POST', body: { displayName: 'generated' } })
    ).body;
    const started = await admin<Job>(`/tenants/${tenant.id}/generate`, {
      method: 'POST',
      body: { users: 3, days: 2 },
    });
    assert.equal(started.status, 202);
    let job = started.body;
    while (job.state === 'running') {
      await new Promise((r) => setTimeout(r, 100));
      job = (await admin<Job>(`/jobs/${job.id}`)).body;
    }
    assert.equal(job.state, 'succeeded');
    assert.equal(job.progress, 1);
    assert.equal(await server.store.countAllCallRecords(tenant.id), job.records);
    const q = (await admin<Quality>(`/tenants/${tenant.id}/dashboard/quality`)).body;
    assert.equal(q.totals.calls, job.records);
  });

  test('the page and its assets are served; nothing outside the build folder is', async () => {
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, 'the page names its script');
    const js = await fetch(`${server.url}${asset}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    for (const path of ['/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/assets/none.js']) {
      const r = await fetch(`${server.url}${path}`);
      assert.equal(r.status, 404, path);
    }
  });
});
