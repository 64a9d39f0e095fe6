// The requests of a JSON batch go through the same pipeline as top-level requests: Graph's throttling budgets count
// each of them (a throttled one is a 429 entry with its own Retry-After), injected faults hit them one by one (a
// dropped one drops the batch's connection), and /subscriptions works inside a batch, bodies and content types
// included.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseFaultRules } from '../../src/resilience/index.js';
import { assertValidResponse } from '../helpers/openapi.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { inMinutes, withWebhooks, type Receiver } from '../notify/helpers.js';

interface Entry {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: Record<string, unknown> & { error?: { code: string; message: string } };
}

async function batch(server: TestServer, requests: unknown[], version = 'v1.0'): Promise<Map<string, Entry>> {
  const res = await fetch(`${server.url}/${version}/$batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ requests }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 400));
  const { responses } = JSON.parse(text) as { responses: Entry[] };
  return new Map(responses.map((e) => [e.id, e]));
}

const RECORD = '/communications/callRecords/00000000-0000-4000-8000-000000000001';
const gets = (n: number, url = RECORD) =>
  Array.from({ length: n }, (_, i) => ({ id: String(i + 1), method: 'GET', url }));

describe('throttling: every request of a batch is counted and refused on its own', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { throttling: 'graph', rateLimitHeaders: true } });
  });
  after(async () => {
    await server?.close();
  });

  test("40 per record per 20 s: two batches of 20 pass, the third is twenty 429s with Graph's Retry-After", async () => {
    for (const round of [1, 2]) {
      const entries = await batch(server, gets(20));
      assert.deepEqual(
        [...entries.values()].map((e) => e.status),
        Array<number>(20).fill(404),
        `batch ${round}`,
      );
    }
    const refused = await batch(server, gets(20));
    for (const e of refused.values()) {
      assert.equal(e.status, 429);
      assert.equal(e.headers['Retry-After'], '20');
      assert.equal(e.headers['RateLimit-Limit'], '40');
      assert.equal(e.headers['RateLimit-Remaining'], '0');
      assert.equal(e.body?.error?.code, 'TooManyRequests');
    }
    server.clock.advance(20_000);
    const again = await batch(server, gets(1));
    assert.equal(again.get('1')!.status, 404, 'the window moved on');
    server.clock.advance(60_000);
  });

  test('a batch that crosses the budget: the requests within it pass, the rest are 429', async () => {
    const pre = await batch(server, gets(20));
    const first = await batch(server, gets(10));
    assert.ok([...pre.values(), ...first.values()].every((e) => e.status === 404));
    const crossing = [...(await batch(server, gets(20))).values()];
    assert.equal(crossing.filter((e) => e.status === 404).length, 10);
    assert.equal(crossing.filter((e) => e.status === 429).length, 10);
    // Another record has its own budget, in the same batch.
    const other = await batch(server, [
      ...gets(1),
      { id: 'x', method: 'GET', url: RECORD.replace(/1$/, '2') },
    ]);
    assert.equal(other.get('1')!.status, 429);
    assert.equal(other.get('x')!.status, 404);
    server.clock.advance(60_000);
  });
});

describe('faults and subscriptions inside a batch', () => {
  let server: TestServer;
  let receiver: Receiver;
  withWebhooks((s, r) => ([server, receiver] = [s, r]));

  const withRules = async (rules: unknown[], body: () => Promise<void>) => {
    const added = server.app.resilience.faults.add(parseFaultRules(rules));
    try {
      await body();
    } finally {
      for (const r of added) server.app.resilience.faults.remove(r.id);
    }
  };

  test('an injected status hits the requests it matches, one by one, with its Retry-After', async () => {
    await withRules(
      [{ id: 'every-2nd', resource: 'record', everyNth: 2, status: 503, retryAfterSeconds: 3 }],
      async () => {
        const entries = [
          ...(
            await batch(
              server,
              gets(4).map((g) => ({ ...g, dependsOn: [] })),
            )
          ).values(),
        ];
        const faulted = entries.filter((e) => e.status === 503);
        assert.equal(faulted.length, 2);
        for (const e of faulted) {
          assert.equal(e.headers['Retry-After'], '3');
          assert.match(e.headers['x-callrecords-fault'] ?? '', /^every-2nd; /);
          assert.equal(e.body?.error?.code, 'ServiceUnavailable');
        }
        assert.equal(entries.filter((e) => e.status === 404).length, 2);
      },
    );
  });

  test('an injected 429 is a 429 entry with its own Retry-After; a failed dependency makes a 424', async () => {
    await withRules(
      [{ id: 'list-429', resource: 'records', status: 429, retryAfterSeconds: 7 }],
      async () => {
        const entries = await batch(server, [
          { id: 'list', method: 'GET', url: '/communications/callRecords' },
          { id: 'after', method: 'GET', url: RECORD, dependsOn: ['list'] },
          { id: 'alone', method: 'GET', url: RECORD },
        ]);
        assert.equal(entries.get('list')!.status, 429);
        assert.equal(entries.get('list')!.headers['Retry-After'], '7');
        assert.equal(entries.get('after')!.status, 424);
        assert.equal(entries.get('alone')!.status, 404);
      },
    );
  });

  test(
    "a dropped request drops the batch's connection; the server answers the next batch",
    { timeout: 15_000 },
    async () => {
      await withRules([{ id: 'drop', route: '/v1.0/communications/callRecords/*', drop: true }], async () => {
        await assert.rejects(
          fetch(`${server.url}/v1.0/$batch`, {
            method: 'POST',
            headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ requests: gets(3) }),
          }).then((r) => r.text()),
          'the connection is destroyed without an answer',
        );
      });
      const entries = await batch(server, gets(2));
      assert.deepEqual(
        [...entries.values()].map((e) => e.status),
        [404, 404],
      );
    },
  );

  test('create, list, renew, reauthorize and delete a subscription in two batches, as the Teams SDK sends them', async () => {
    const json = { 'Content-Type': 'application/json' };
    const created = await batch(server, [
      {
        id: 'create',
        method: 'POST',
        url: '/subscriptions',
        headers: json,
        body: {
          changeType: 'created',
          notificationUrl: `${receiver.url}/batch-hook`,
          resource: '/communications/callRecords',
          expirationDateTime: inMinutes(server, 60),
          clientState: 'batch-state',
        },
      },
      { id: 'list', method: 'GET', url: '/subscriptions', dependsOn: ['create'] },
    ]);
    const create = created.get('create')!;
    assert.equal(create.status, 201, JSON.stringify(create));
    const id = create.body!.id as string;
    assert.equal(create.headers.Location, `${server.url}/v1.0/subscriptions/${id}`);
    assert.equal(create.body!['@odata.context'], `${server.url}/v1.0/$metadata#subscriptions/$entity`);
    const { '@odata.context': _context, ...entity } = create.body!;
    assertValidResponse('v1.0', '/subscriptions/{subscription-id}', entity);
    assert.equal(entity.clientState, 'batch-state');
    assert.ok(receiver.requests.some((r) => r.path === '/batch-hook' && r.validationToken !== null));
    const list = created.get('list')!;
    assert.equal(list.status, 200);
    assert.ok((list.body!.value as { id: string }[]).some((s) => s.id === id));

    const renewed = inMinutes(server, 120);
    const changed = await batch(server, [
      {
        id: 'renew',
        method: 'PATCH',
        url: `/subscriptions/${id}`,
        headers: json,
        body: { expirationDateTime: renewed },
      },
      {
        id: 'reauthorize',
        method: 'POST',
        url: `subscriptions/${id}/reauthorize`,
        headers: json,
        body: {},
        dependsOn: ['renew'],
      },
      // The Teams SDK sets Content-Type on every request, a bodiless DELETE included.
      {
        id: 'delete',
        method: 'DELETE',
        url: `/subscriptions/${id}`,
        headers: json,
        dependsOn: ['reauthorize'],
      },
      { id: 'gone', method: 'GET', url: `/subscriptions/${id}`, dependsOn: ['delete'] },
    ]);
    assert.equal(changed.get('renew')!.status, 200, JSON.stringify(changed.get('renew')));
    assert.equal(
      new Date(changed.get('renew')!.body!.expirationDateTime as string).getTime(),
      new Date(renewed).getTime(),
    );
    assert.equal(changed.get('reauthorize')!.status, 204, JSON.stringify(changed.get('reauthorize')));
    const deleted = changed.get('delete')!;
    assert.equal(deleted.status, 204, JSON.stringify(deleted));
    assert.ok(!('body' in deleted), 'a 204 entry has no body');
    assert.equal(changed.get('gone')!.status, 404);
    assert.equal(changed.get('gone')!.body?.error?.code, 'ResourceNotFound');
    const top = await fetch(`${server.url}/v1.0/subscriptions/${id}`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.equal(top.status, 404, 'deleted for good');
  });

  test('a subscription body that is not valid is its own 400 entry; a text body is read as the top level reads it', async () => {
    const entries = await batch(
      server,
      [
        {
          id: 'bad',
          method: 'POST',
          url: '/subscriptions',
          headers: { 'content-type': 'application/json' },
          body: { changeType: 'created' },
        },
        {
          id: 'text',
          method: 'POST',
          url: '/subscriptions',
          headers: { 'content-type': 'text/plain' },
          body: 'hello',
        },
      ],
      'beta',
    );
    assert.equal(entries.get('bad')!.status, 400);
    assert.equal(entries.get('bad')!.body?.error?.code, 'InvalidRequest');
    // Each content type is read as it is at the top level: the same answer.
    const alone = await fetch(`${server.url}/beta/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    const aloneBody = (await alone.json()) as { error: { code: string; message: string } };
    assert.equal(entries.get('text')!.status, alone.status);
    assert.equal(entries.get('text')!.body?.error?.code, aloneBody.error.code);
    assert.equal(entries.get('text')!.body?.error?.message, aloneBody.error.message);
  });
});
