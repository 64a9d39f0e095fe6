// The official JavaScript Graph clients from npm, unchanged, against this server over TLS (issue 6, part 2):
// @microsoft/microsoft-graph-client (test/fixtures/graph-client-conformance.ts) and the Kiota-based
// @microsoft/msgraph-sdk (test/fixtures/kiota-client.ts), each with a token from @azure/identity's
// ClientSecretCredential. They run in child processes that trust the server's self-signed certificate through
// NODE_EXTRA_CA_CERTS, exactly as a user's app would; the graph client only follows https:// next links.
// backends: sqlite — client libraries over TLS; the responses are compared across backends in backend-parity.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { parseFaultRules } from '../../src/resilience/index.js';
import { findTownHall } from '../api/helpers.js';
import { runClientFixture } from '../helpers/client-fixture.js';
import { startTestServer, TEST_NOW } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-conformance-tls-'));
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer;
let townHall: { id: string; sessions: number; participants: number };
let participantId: string;
let visible: { id: string; startMs: number }[];

before(async () => {
  server = await startTestServer({ demoUsers: 50, demoDays: 2, tlsDir: dir });
  townHall = await findTownHall(server);
  const rows = await server.store.listParticipants(DEMO_TENANT_ID, townHall.id, { limit: 1 });
  participantId = rows[0]!.id;
  visible = (
    await server.store.listCallRecords(DEMO_TENANT_ID, { minStartMs: TEST_NOW - 30 * DAY, limit: 1_000_000 })
  ).map((r) => ({ id: r.id, startMs: r.startMs }));
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const child = (script: string, args: string[]) => runClientFixture(dir, script, args);

const [app, noRoles] = DEMO_APPS;

test('@microsoft/microsoft-graph-client: Client.init, PageIterator, filter, select, expand and GraphError', async () => {
  const from = TEST_NOW - 2 * DAY + 6 * 3_600_000;
  const to = from + 12 * 3_600_000;
  const out = await child('graph-client-conformance.ts', [
    server.url,
    DEMO_TENANT_ID,
    app.appId,
    app.secret,
    noRoles.appId,
    noRoles.secret,
    townHall.id,
    participantId,
    iso(from),
    iso(to),
  ]);
  const all = visible.map((r) => r.id);
  assert.equal((out.list as string[]).length, all.length, 'PageIterator reaches every record');
  assert.deepEqual([...(out.list as string[])].sort(), [...all].sort());
  assert.deepEqual(out.top, { count: 5, next: true });

  const inRange = visible.filter((r) => r.startMs >= from && r.startMs < to).map((r) => r.id);
  assert.ok(inRange.length > 0);
  assert.deepEqual((out.ranged as [string, string][]).map(([id]) => id).sort(), inRange.sort());
  for (const id of out.byParticipant as string[]) {
    assert.ok(
      await server.store.getParticipant(DEMO_TENANT_ID, id, participantId),
      `${id} has ${participantId}`,
    );
  }
  assert.ok((out.byParticipant as string[]).includes(townHall.id));
  assert.deepEqual(out.selectedKeys, ['id', 'startDateTime']);

  const expanded = out.expanded as { sessions: number; segmentsOnEvery: boolean; next: string | null };
  assert.equal(expanded.sessions, 60);
  assert.ok(expanded.segmentsOnEvery);
  assert.ok(expanded.next?.startsWith(`${server.url}/v1.0/`), String(expanded.next));
  const ep = out.expandedParticipants as { keys: string[]; participants: number; next: string | null };
  assert.deepEqual(ep.keys, ['id', 'participants_v2', 'type']);
  assert.equal(ep.participants, 130);
  assert.ok(ep.next?.startsWith('https://'), String(ep.next));
  assert.equal((out.sessions as string[]).length, townHall.sessions);
  assert.ok((out.segmentsPerSession as number[]).every((n) => n > 0));
  assert.equal((out.participants as string[]).length, townHall.participants);
  assert.equal(new Set(out.participants as string[]).size, townHall.participants);
  assert.match(
    String(out.betaOrganizer),
    /\/beta\/\$metadata#communications\/callRecords\('[^']+'\)\/organizer_v2\/\$entity$/,
  );
  assert.equal(out.betaCount, String(all.length), '$count is text/plain: the client hands back the text');

  const errors = out.errors as Record<string, Record<string, unknown>>;
  const expected: Record<string, [number, string]> = {
    badRequest: [400, 'BadRequest'],
    forbidden: [403, 'Forbidden'],
    notFound: [404, 'NotFound'],
  };
  for (const [name, [status, code]] of Object.entries(expected)) {
    const e = errors[name]!;
    assert.equal(e.thrown, true, name);
    assert.equal(e.statusCode, status, name);
    assert.equal(e.code, code, name);
    assert.equal(typeof e.message, 'string', name);
    assert.match(String(e.requestId), GUID, `${name}: requestId`);
    assert.equal(e.requestId, e.headerRequestId, `${name}: requestId is the request-id header`);
    assert.equal(typeof e.date, 'string', `${name}: date parses`);
    const date = e.date as string;
    assert.ok(Math.abs(Date.parse(date) - Date.now()) < 26 * 3_600_000, `${name}: date ${date}`);
    const body = JSON.parse(String(e.body)) as { code: string; innerError: { date: string } };
    assert.equal(body.code, code);
    assert.match(body.innerError.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  }
  assert.equal(errors.forbidden!.message, '', 'Graph sends an empty message with a 403');
  assert.match(String(errors.notFound!.message), /^Could not find the requested call record/);
});

test('@microsoft/msgraph-sdk: Azure Identity provider, request adapter with a custom base URL, PageIterator', async () => {
  const out = await child('kiota-client.ts', [
    server.url,
    DEMO_TENANT_ID,
    app.appId,
    app.secret,
    noRoles.appId,
    noRoles.secret,
    townHall.id,
  ]);
  assert.equal(out.firstPage, 40);
  assert.deepEqual([...(out.ids as string[])].sort(), visible.map((r) => r.id).sort());
  const record = out.record as Record<string, unknown>;
  assert.equal(record.id, townHall.id);
  assert.equal(record.type, 'groupCall');
  assert.equal(record.sessions, 60);
  assert.equal(record.segments, true);
  assert.equal(record.participants, 130);
  assert.match(String(record.organizer), /./);
  const forbidden = out.forbidden as { status: number; code: string; requestId: string };
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.code, 'Forbidden');
  assert.match(forbidden.requestId, GUID);
});

// Issue 6 asked for the client's RetryHandler honouring Retry-After on a 429 once throttling existed (issue 8);
// test/resilience/graph-client-retry.test.ts also drives it through real throttling.
test('the graph client retry handler honours Retry-After on a 429', async () => {
  const faults = server.app.resilience.faults;
  const [rule] = faults.add(
    parseFaultRules([{ resource: 'records', everyNth: 2, status: 429, retryAfterSeconds: 1 }]),
  );
  try {
    const out = await child('graph-client-retry.ts', [server.url, DEMO_TENANT_ID, app.appId, app.secret]);
    assert.deepEqual([out.first, out.second, out.error], [1, 1, null]);
    assert.ok((out.elapsedMs as number) >= 1000, `the client waited ${String(out.elapsedMs)} ms`);
    assert.equal(faults.list()[0]?.injected, 1);
  } finally {
    faults.remove(rule!.id);
  }
});
