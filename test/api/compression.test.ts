// Response compression: gzip, deflate and br when Accept-Encoding asks, none below 1 KB, Vary on every answer that
// could be compressed, HEAD and errors and $batch handled as Graph does, and a decompressed body equal to the
// uncompressed one byte for byte over many routes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { chooseCoding, MIN_BYTES } from '../../src/api/http/compression.js';
import { rawRequest, type RawReply } from './helpers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
const ROUTES: string[] = [];

function raw(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<RawReply> {
  return rawRequest(server, path, headers, method, body);
}

const DECODE = { gzip: gunzipSync, deflate: inflateSync, br: brotliDecompressSync } as const;

before(async () => {
  server = await startTestServer({ demoUsers: 12, demoDays: 3 });
  const list = await server.json<{ value: { id: string }[] }>('/v1.0/communications/callRecords');
  const id = list.value[0]!.id;
  const record = await server.json<{ sessions: { id: string }[] }>(
    `/v1.0/communications/callRecords/${id}?$expand=sessions`,
  );
  const session = record.sessions[0]!.id;
  ROUTES.push(
    '/v1.0/communications/callRecords',
    '/beta/communications/callRecords?$top=3',
    `/v1.0/communications/callRecords/${id}`,
    `/v1.0/communications/callRecords/${id}?$expand=sessions($expand=segments)`,
    `/beta/communications/callRecords/${id}?$expand=participants_v2`,
    `/v1.0/communications/callRecords/${id}/sessions?$expand=segments`,
    `/v1.0/communications/callRecords/${id}/sessions/${session}/segments`,
    `/beta/communications/callRecords/${id}/participants_v2`,
    `/v1.0/communications/callRecords/${id}/organizer_v2`,
    `/v1.0/communications/callRecords?$select=id,type`,
    `/beta/communications/callRecords?$filter=startDateTime ge 2026-11-19T00:00:00Z`,
    `/v1.0/communications/callRecords/$count`,
    `/beta/communications/callRecords/getPstnCalls(fromDateTime=2026-11-17,toDateTime=2026-11-20)`,
    `/v1.0/communications/callRecords/${id}/sessions/$count`,
    '/v1.0/communications/callRecords/00000000-0000-0000-0000-000000000000',
    '/v1.0/$metadata',
  );
});

after(() => server?.close());

test('Accept-Encoding is negotiated by quality, gzip first on ties, q=0 refusing', () => {
  assert.equal(chooseCoding(undefined), undefined);
  assert.equal(chooseCoding('identity'), undefined);
  assert.equal(chooseCoding('gzip, deflate, br'), 'gzip');
  assert.equal(chooseCoding('br;q=1, gzip;q=0.5'), 'br');
  assert.equal(chooseCoding('deflate'), 'deflate');
  assert.equal(chooseCoding('gzip;q=0, *'), 'br');
  assert.equal(chooseCoding('GZIP'), 'gzip');
  assert.equal(chooseCoding('x-gzip'), 'gzip');
  assert.equal(chooseCoding('gzip;q=0, br;q=0, deflate;q=0'), undefined);
});

test('every route: the decompressed body equals the uncompressed body byte for byte', async () => {
  let compressed = 0;
  for (const path of ROUTES) {
    const plain = await raw(path, { 'accept-encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined, path);
    for (const coding of ['gzip', 'deflate', 'br'] as const) {
      const r = await raw(path, { 'accept-encoding': coding });
      assert.equal(r.status, plain.status, path);
      assert.equal(r.headers['content-type'], plain.headers['content-type'], path);
      if (plain.status === 200 || plain.body.length >= MIN_BYTES)
        assert.match(String(r.headers.vary), /Accept-Encoding/i, path);
      if (plain.body.length < MIN_BYTES) {
        assert.equal(r.headers['content-encoding'], undefined, `${path}: ${plain.body.length} bytes`);
        // Errors carry their own request id and date: equal bodies are checked on the 2xx answers.
        if (plain.status < 400) assert.deepEqual(r.body, plain.body, path);
        continue;
      }
      assert.equal(r.headers['content-encoding'], coding, path);
      assert.equal(Number(r.headers['content-length']), r.body.length, path);
      assert.ok(r.body.length < plain.body.length, path);
      const decoded = DECODE[coding](r.body);
      // Everything but the per-request ids is the same: the bodies are equal byte for byte.
      assert.ok(decoded.equals(plain.body), `${path} (${coding})`);
      compressed++;
    }
  }
  assert.ok(compressed >= 18, `${compressed} compressed responses`);
});

test('HEAD answers the headers a compressed GET has, without a body', async () => {
  const path = ROUTES[0]!;
  const get = await raw(path, { 'accept-encoding': 'gzip' });
  const head = await raw(path, { 'accept-encoding': 'gzip' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.equal(head.headers['content-length'], get.headers['content-length']);
  assert.equal(head.body.length, 0);
});

test('errors keep Graph envelope; small ones go uncompressed', async () => {
  const r = await raw('/v1.0/communications/callRecords/not-a-record', { 'accept-encoding': 'gzip' });
  assert.equal(r.status, 404);
  assert.equal(r.headers['content-encoding'], undefined);
  const error = (JSON.parse(r.body.toString('utf8')) as { error: { code: string } }).error;
  assert.equal(error.code, 'NotFound');
});

test('$batch: the batch response is compressed once, its inner bodies are plain JSON', async () => {
  const requests = ROUTES.slice(0, 5).map((url, i) => ({
    id: String(i + 1),
    method: 'GET',
    url: url.replace(/^\/(v1\.0|beta)/, ''),
  }));
  const body = JSON.stringify({ requests });
  const headers = { 'content-type': 'application/json' };
  const plain = await raw('/v1.0/$batch', { ...headers, 'accept-encoding': 'identity' }, 'POST', body);
  const r = await raw('/v1.0/$batch', { ...headers, 'accept-encoding': 'gzip' }, 'POST', body);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.match(String(r.headers.vary), /Accept-Encoding/i);
  const batch = JSON.parse(gunzipSync(r.body).toString('utf8')) as {
    responses: { id: string; status: number; headers: Record<string, string>; body: { value?: unknown[] } }[];
  };
  assert.equal(batch.responses.length, 5);
  for (const inner of batch.responses) {
    assert.equal(inner.status, 200);
    assert.equal(inner.headers['content-encoding'], undefined);
    assert.equal(typeof inner.body, 'object');
  }
  const plainBatch = JSON.parse(plain.body.toString('utf8')) as {
    responses: { id: string; body: unknown }[];
  };
  const byId = (b: { responses: { id: string; body: unknown }[] }) =>
    Object.fromEntries(b.responses.map((x) => [x.id, x.body]));
  assert.deepEqual(byId(batch), byId(plainBatch));
});

// The official Graph client and Kiota read through fetch too, with its default Accept-Encoding: their own tests
// (test/conformance/official-clients.test.ts, kiota-sdk.test.ts) run against compressed answers.
test('undici fetch reads compressed answers unchanged', async () => {
  // fetch sends Accept-Encoding: gzip, deflate, br and decodes what it gets.
  const res = await fetch(server.url + ROUTES[0]!, { headers: { authorization: `Bearer ${server.token}` } });
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  const viaFetch = (await res.json()) as { value: unknown[] };
  const plain = JSON.parse(
    (await raw(ROUTES[0]!, { 'accept-encoding': 'identity' })).body.toString('utf8'),
  ) as unknown;
  assert.deepEqual(viaFetch, plain);
});
