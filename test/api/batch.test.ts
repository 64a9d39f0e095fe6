// JSON batching over HTTP (POST /v1.0/$batch and /beta/$batch): the response shape, each entry equal to what the
// request alone answers, records fetched 20 at a time, dependsOn ordering and 424, concurrency, the batch's token
// and request ids in every entry, and Graph's 400s for a malformed batch.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { parseFaultRules } from '../../src/resilience/index.js';
import { assertValidResponse } from '../helpers/openapi.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertGraphError,
  call,
  GUID,
  NOT_FOUND_MESSAGE,
  RECORDS,
  T,
  VERSIONS,
  walk,
  type Json,
  type Reply,
} from './helpers.js';

interface Entry {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

let server: TestServer;
let recordIds: string[];

before(async () => {
  server = await startTestServer({ demoUsers: 20, demoDays: 3 });
  const all = await walk(server, 'v1.0', T.records, `${RECORDS}?$select=id&$top=100`);
  recordIds = all.items.map((r) => r.id as string);
  assert.ok(recordIds.length > 45, `enough records for three batches (${recordIds.length})`);
});
after(async () => {
  await server?.close();
});

function postBatch(
  version: string,
  body: unknown,
  o: { token?: string | null; headers?: Record<string, string>; raw?: string } = {},
): Promise<Reply> {
  const token = o.token === undefined ? server.token : o.token;
  return call(server, `/${version}/$batch`, {
    method: 'POST',
    auth: false,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(o.headers ?? {}),
    },
    body: o.raw ?? JSON.stringify(body),
  });
}

async function batchOk(version: string, requests: unknown[], headers: Record<string, string> = {}) {
  const r = await postBatch(version, { requests }, { headers });
  assert.equal(r.status, 200, r.text.slice(0, 500));
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.deepEqual(Object.keys(r.json!), ['responses']);
  const responses = r.json!.responses as Entry[];
  assert.equal(responses.length, requests.length);
  const byId = new Map(responses.map((e) => [e.id, e]));
  return { reply: r, responses, byId, entry: (id: string) => byId.get(id)! };
}

const get = (id: string, url: string, extra: Json = {}) => ({ id, method: 'GET', url, ...extra });

for (const version of VERSIONS) {
  describe(`${version} $batch`, () => {
    test('records fetched 20 at a time: every entry is what GET answers alone, in request order', async () => {
      const fetched: string[] = [];
      for (let i = 0; i < recordIds.length; i += 20) {
        const chunk = recordIds.slice(i, i + 20);
        const { responses } = await batchOk(
          version,
          chunk.map((id, n) => get(String(n + 1), `/communications/callRecords/${id}`)),
        );
        assert.deepEqual(
          responses.map((e) => e.id),
          chunk.map((_, n) => String(n + 1)),
        );
        for (const [n, e] of responses.entries()) {
          assert.equal(e.status, 200, JSON.stringify(e).slice(0, 300));
          assert.deepEqual(Object.keys(e), ['id', 'status', 'headers', 'body']);
          assert.equal(
            e.headers['Content-Type'],
            'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
          );
          assert.equal(e.headers['OData-Version'], '4.0');
          assert.equal(e.headers['Cache-Control'], 'no-cache');
          const alone = await server.json(`/${version}${RECORDS}/${chunk[n]}`);
          assert.deepEqual(e.body, alone);
          assertValidResponse(version, T.record, e.body);
          fetched.push((e.body as Json).id as string);
        }
      }
      assert.deepEqual(fetched, recordIds, 'every record, once');
    });

    test('relative URLs with or without a leading slash, query options, $count as text and a list nextLink', async () => {
      const id = recordIds[0]!;
      const { entry } = await batchOk(version, [
        get('a', `communications/callRecords/${id}?$select=id,type`),
        get('b', `/communications/callRecords('${id}')/sessions?$top=1`),
        get('c', '/communications/callRecords/$count'),
        get('d', '/communications/callRecords?$top=2&$select=id'),
        get('e', `${RECORDS.slice(1)}?$filter=startDateTime ge 2026-11-19T00:00:00Z&$top=3&$select=id`),
      ]);
      assert.deepEqual(entry('a').body, await server.json(`/${version}${RECORDS}/${id}?$select=id,type`));
      assert.equal(
        (entry('b').body as Json)['@odata.context'],
        `${server.url}/${version}/$metadata#communications/callRecords('${id}')/sessions`,
      );
      assert.match(entry('c').headers['Content-Type']!, /^text\/plain/);
      assert.equal(
        entry('c').body,
        String(recordIds.length),
        '$count is a string body, as OData says for text',
      );
      const list = entry('d').body as Json;
      assert.equal((list.value as Json[]).length, 2);
      const next = list['@odata.nextLink'] as string;
      assert.ok(next.startsWith(`${server.url}/${version}${RECORDS}?`), next);
      const page2 = await server.json<Json>(next.slice(server.url.length));
      assert.equal((page2.value as Json[]).length, 2, 'an inner nextLink is followed outside the batch');
      // Spaces in the URL (Graph's own example has them): encoded as a client library would, same answer.
      assert.deepEqual(
        entry('e').body,
        await server.json(
          `/${version}${RECORDS}?$filter=startDateTime%20ge%202026-11-19T00:00:00Z&$top=3&$select=id`,
        ),
      );
    });

    test("an inner error is the request's own error, with the batch's request-id and client-request-id", async () => {
      const { reply, entry } = await batchOk(
        version,
        [
          get('1', '/communications/callRecords/00000000-0000-4000-8000-000000000000'),
          get('2', '/nothing/here'),
        ],
        { 'client-request-id': 'batch-client-id-1' },
      );
      const requestId = reply.headers.get('request-id');
      assert.match(requestId ?? '', GUID);
      assert.equal(reply.headers.get('client-request-id'), 'batch-client-id-1');
      const notFound = entry('1');
      assert.equal(notFound.status, 404);
      assert.deepEqual(notFound.headers, { 'Content-Type': 'application/json' });
      const error = (notFound.body as { error: Json }).error;
      assert.equal(error.code, 'NotFound');
      assert.equal(error.message, NOT_FOUND_MESSAGE);
      assert.deepEqual(
        {
          id: (error.innerError as Json)['request-id'],
          client: (error.innerError as Json)['client-request-id'],
        },
        { id: requestId, client: 'batch-client-id-1' },
      );
      assert.equal(entry('2').status, 404);
      assert.equal((entry('2').body as { error: Json }).error.code, 'UnknownError');
    });

    test('a URL that repeats the version is a 400 for that request only', async () => {
      const { entry } = await batchOk(version, [
        get('1', `/${version}/communications/callRecords?$top=1`),
        get('2', '/communications/callRecords?$top=1&$select=id'),
      ]);
      assert.equal(entry('1').status, 400);
      const error = (entry('1').body as { error: Json }).error;
      assert.equal(error.code, 'BadRequest');
      assert.equal(error.message, `Resource not found for the segment '${version}'.`);
      assert.equal(entry('2').status, 200);
    });

    test('a nested $batch is refused inside the batch; the other requests still run', async () => {
      const { entry } = await batchOk(version, [
        {
          id: 'inner',
          method: 'POST',
          url: '/$batch',
          headers: { 'Content-Type': 'application/json' },
          body: { requests: [get('x', '/communications/callRecords?$top=1')] },
        },
        get('plain', '/communications/callRecords?$top=1&$select=id'),
      ]);
      assert.equal(entry('inner').status, 400);
      assert.deepEqual(
        (entry('inner').body as { error: Json }).error.message,
        'A batch request cannot contain another batch request.',
      );
      assert.equal(entry('plain').status, 200);
    });

    test('a write to the read-only call records API is its 405, with Allow, inside the batch', async () => {
      const { entry } = await batchOk(version, [
        {
          id: '1',
          method: 'PATCH',
          url: `/communications/callRecords/${recordIds[0]}`,
          headers: { 'Content-Type': 'application/json' },
          body: {},
        },
      ]);
      assert.equal(entry('1').status, 405);
      assert.equal(entry('1').headers.Allow, 'GET, HEAD');
      assert.equal((entry('1').body as { error: Json }).error.code, 'MethodNotAllowed');
    });
  });
}

describe('dependsOn', () => {
  test('a chain runs in order; a failed request makes its dependants 424, which fail theirs in turn', async () => {
    const { entry } = await batchOk('v1.0', [
      get('1', '/communications/callRecords?$top=1&$select=id'),
      get('2', '/communications/callRecords/00000000-0000-4000-8000-000000000000', { dependsOn: ['1'] }),
      get('3', '/communications/callRecords?$top=1&$select=id', { dependsOn: ['2'] }),
      get('4', '/communications/callRecords?$top=1&$select=id', { dependsOn: ['3'] }),
      get('5', '/communications/callRecords?$top=1&$select=id', { dependsOn: ['1'] }),
    ]);
    assert.deepEqual(
      ['1', '2', '3', '4', '5'].map((id) => entry(id).status),
      [200, 404, 424, 424, 200],
    );
    for (const [id, dep] of [
      ['3', '2'],
      ['4', '3'],
    ] as const) {
      const failed = entry(id);
      assert.deepEqual(failed.headers, { 'Content-Type': 'application/json' });
      const error = (failed.body as { error: Json }).error;
      assert.equal(error.code, 'FailedDependency');
      assert.equal(
        error.message,
        `The request was not run because request Id ${dep}, which it depends on, failed.`,
      );
      assert.ok((error.innerError as Json)['request-id']);
    }
  });

  test('ids and dependsOn are compared without case', async () => {
    const { entry } = await batchOk('v1.0', [
      get('First', '/communications/callRecords?$top=1&$select=id'),
      get('second', '/communications/callRecords?$top=1&$select=id', { dependsOn: ['FIRST'] }),
    ]);
    assert.equal(entry('second').status, 200);
  });

  test('requests without dependencies run concurrently; a chain runs one after the other', async () => {
    const rule = server.app.resilience.faults.add(
      parseFaultRules([{ id: 'batch-latency', route: '/v1.0/communications/callRecords', latencyMs: 500 }]),
    );
    try {
      const urls = [1, 2, 3, 4].map((n) =>
        get(String(n), `/communications/callRecords?$top=${n}&$select=id`),
      );
      let t = performance.now();
      const parallel = await batchOk('v1.0', urls);
      const parallelMs = performance.now() - t;
      assert.ok(parallel.responses.every((e) => e.status === 200 && e.headers['x-callrecords-fault']));
      t = performance.now();
      await batchOk(
        'v1.0',
        urls.map((u, n) => (n === 0 ? u : { ...u, dependsOn: [String(n)] })),
      );
      const chainMs = performance.now() - t;
      assert.ok(parallelMs < 1_500, `four 500 ms requests side by side took ${parallelMs} ms`);
      assert.ok(chainMs >= 2_000, `four 500 ms requests in a chain took ${chainMs} ms`);
    } finally {
      for (const r of rule) server.app.resilience.faults.remove(r.id);
    }
  });
});

describe('authorization: the batch token authorizes every request', () => {
  test('no token, or a bad one: a 401 for the whole batch, before its body is even read', async () => {
    for (const token of [null, 'not-a-token']) {
      const r = await postBatch('v1.0', undefined, { token, raw: 'this is not json' });
      assertGraphError('v1.0', r, { status: 401, code: 'InvalidAuthenticationToken' }, `token ${token}`);
      assert.ok(r.headers.get('www-authenticate'));
    }
  });

  test("a token without the roles: each request is that token's 403; Authorization inside an entry is ignored", async () => {
    const [app, noRoles] = DEMO_APPS;
    const weak = await server.tokenFor(noRoles.appId, noRoles.secret);
    const strong = await server.tokenFor(app.appId, app.secret);
    const r = await postBatch(
      'v1.0',
      {
        requests: [
          get('1', '/communications/callRecords?$top=1'),
          get('2', '/communications/callRecords?$top=1', { headers: { Authorization: `Bearer ${strong}` } }),
        ],
      },
      { token: weak },
    );
    assert.equal(r.status, 200);
    const responses = r.json!.responses as Entry[];
    assert.deepEqual(
      responses.map((e) => [e.status, (e.body as { error: Json }).error.code]),
      [
        [403, 'Forbidden'],
        [403, 'Forbidden'],
      ],
    );
  });
});

describe("Graph's 400 for a malformed batch", () => {
  const expect400 = async (body: unknown, message: string, raw?: string) => {
    const r = await postBatch('v1.0', body, raw === undefined ? {} : { raw });
    assertGraphError('v1.0', r, { status: 400, code: 'BadRequest', message }, JSON.stringify(body) ?? raw);
  };
  const invalid = 'Invalid batch payload format.';
  const one = get('1', '/communications/callRecords');

  test('not JSON, empty, or without a requests array', async () => {
    await expect400(undefined, invalid, 'this is not json');
    await expect400(undefined, invalid, '');
    await expect400(undefined, invalid, '[]');
    await expect400({}, invalid);
    await expect400({ requests: {} }, invalid);
    await expect400({ requests: [] }, invalid);
    await expect400({ requests: [1] }, invalid);
    const text = await postBatch('v1.0', undefined, { raw: 'x', headers: { 'content-type': 'text/plain' } });
    assertGraphError('v1.0', text, { status: 400, code: 'BadRequest', message: invalid });
  });

  test('a request without an id, a known method or a relative URL', async () => {
    await expect400({ requests: [{ method: 'GET', url: '/communications/callRecords' }] }, invalid);
    await expect400({ requests: [{ ...one, id: '' }] }, invalid);
    await expect400({ requests: [{ ...one, id: { a: 1 } }] }, invalid);
    await expect400({ requests: [{ id: '1', url: '/communications/callRecords' }] }, invalid);
    await expect400({ requests: [{ ...one, method: 'FETCH' }] }, invalid);
    await expect400({ requests: [{ id: '1', method: 'GET' }] }, invalid);
    await expect400({ requests: [{ ...one, url: '' }] }, invalid);
    await expect400(
      { requests: [{ ...one, url: 'https://graph.microsoft.com/v1.0/communications/callRecords' }] },
      invalid,
    );
    await expect400(
      { requests: [{ ...one, url: `${server.url}/v1.0/communications/callRecords` }] },
      invalid,
    );
    await expect400(
      { requests: [{ ...one, url: '//evil.example/v1.0/communications/callRecords' }] },
      invalid,
    );
    await expect400({ requests: [{ ...one, headers: ['a'] }] }, invalid);
    await expect400({ requests: [{ ...one, headers: { 'bad name': 'x' } }] }, invalid);
    await expect400({ requests: [{ ...one, headers: { prefer: 'a\r\nx-injected: 1' } }] }, invalid);
    await expect400({ requests: [{ ...one, headers: { prefer: { nested: true } } }] }, invalid);
    await expect400({ requests: [{ ...one, dependsOn: '1' }] }, invalid);
  });

  test('a URL that climbs out of the version (to the admin API, the token endpoint or the other version)', async () => {
    for (const url of [
      '/../admin/tenants',
      '/../beta/communications/callRecords',
      '/%2e%2e/healthz',
      '/communications/../../common/oauth2/v2.0/token',
      '\\..\\admin',
    ]) {
      await expect400({ requests: [{ ...one, url }] }, invalid);
    }
  });

  test('over 20 requests', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ ...one, id: String(i) }));
    await expect400({ requests }, 'Number of requests inside batch exceeds the limit.');
    const twenty = await postBatch('v1.0', { requests: requests.slice(0, 20) });
    assert.equal(twenty.status, 200, '20 is allowed');
  });

  test('duplicate ids, compared without case', async () => {
    await expect400({ requests: [one, { ...one }] }, 'Request Id 1 has to be unique in a batch.');
    await expect400(
      {
        requests: [
          { ...one, id: 'AAMk-1' },
          { ...one, id: 'aamk-1' },
        ],
      },
      'Request Id aamk-1 has to be unique in a batch.',
    );
  });

  test('an unknown dependency, a request depending on itself, a later request, a cycle', async () => {
    const a = (deps: string[]) => ({ ...one, id: 'a', dependsOn: deps });
    const b = (deps: string[]) => ({ ...one, id: 'b', dependsOn: deps });
    await expect400({ requests: [a(['zz'])] }, 'Invalid dependency for request Id a.');
    await expect400({ requests: [a(['a'])] }, 'Invalid dependency for request Id a.');
    await expect400({ requests: [a(['b']), b([])] }, 'Invalid dependency for request Id a.');
    await expect400({ requests: [a(['b']), b(['a'])] }, 'Invalid dependency for request Id a.');
    await expect400(
      { requests: [{ ...one, id: 'c' }, a(['b']), b(['a'])] },
      'Invalid dependency for request Id a.',
    );
  });

  test('a write without body or Content-Type, or a body without Content-Type', async () => {
    const message = (id: string) => `Write request id : ${id} does not contain Content-Type header or body.`;
    const post = { id: 'w', method: 'POST', url: '/subscriptions' };
    await expect400({ requests: [post] }, message('w'));
    await expect400(
      { requests: [{ ...post, headers: { 'Content-Type': 'application/json' } }] },
      message('w'),
    );
    await expect400({ requests: [{ ...post, body: {} }] }, message('w'));
    await expect400({ requests: [{ ...one, body: {} }] }, message('1'));
  });

  test('$batch takes POST only', async () => {
    const r = await call(server, '/v1.0/$batch');
    assertGraphError('v1.0', r, { status: 405, code: 'MethodNotAllowed' });
    assert.equal(r.headers.get('allow'), 'POST');
  });
});
