// List pages served gzip or deflate are joined from the fragments stored with each record (migration 013): after
// decompression they are the uncompressed page byte for byte, over several pages and filters, with rows written
// before the fragments (none stored), rows whose fragments are of an unknown format, rows the shaper rewrites, and
// records without an organizer mixed in; every other shape of request keeps compressing the whole body.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { toRows } from '../../src/store/rows.js';
import { rawRequest, type RawReply } from './helpers.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';
import { makeRecord } from './fixtures.js';

let server: TestServer;
/** The ids of the records this file writes, and of those without an organizer. */
const written: string[] = [];
const noOrganizer: string[] = [];

function raw(path: string, headers: Record<string, string> = {}): Promise<RawReply> {
  return rawRequest(server, path, headers);
}

/**
 * Whether a gzip answer was joined rather than compressed whole: a joined member's header has XFL 0, zlib's
 * level-1 output has XFL 4 ("fastest"). Only this tells the two paths apart from outside.
 */
const joined = (gz: Buffer) => gz[8] === 0;

const H = 3_600_000;
/** The window of the records this file writes (the demo tenant's own are earlier). */
const FROM = new Date(TEST_NOW - 2 * H).toISOString();

before(async () => {
  server = await startTestServer({ demoUsers: 12, demoDays: 3 });
  // Rows as written before migration 013 (no fragments), rows with fragments of a later format, a record whose
  // text the shaper rewrites (it holds an opt-in enum member's name), records without an organizer, and new ones.
  const rows = [];
  for (let i = 0; i < 24; i++) {
    const doc = makeRecord(`joined-${i}`, {
      startMs: TEST_NOW - 2 * H + i * 60_000,
      participants: 2 + (i % 3),
    });
    written.push(doc.id);
    if (i % 6 === 1) {
      delete (doc as { organizer_v2?: unknown }).organizer_v2;
      noOrganizer.push(doc.id);
    }
    if (i === 9) {
      (
        doc.organizer_v2 as unknown as { identity: { user: { displayName: string } } }
      ).identity.user.displayName = 'azureCommunicationServices';
    }
    const r = toRows(STORED_JSON, DEMO_TENANT_ID, doc);
    if (i % 4 === 2) r.record.list_deflate = null;
    if (i === 7) r.record.list_deflate = Buffer.concat([Buffer.of(2), r.record.list_deflate!.subarray(1)]);
    rows.push(r);
  }
  await server.store.upsertRecordRows(DEMO_TENANT_ID, rows);
});

after(() => server?.close());

/** The URLs of a collection from `first`, following nextLinks (at most `max` pages). */
async function pages(first: string, headers: Record<string, string> = {}, max = 6): Promise<string[]> {
  const out: string[] = [];
  let next: string | undefined = first;
  while (next && out.length < max) {
    out.push(next);
    const page = JSON.parse(
      (await raw(next, { ...headers, 'accept-encoding': 'identity' })).body.toString(),
    ) as {
      '@odata.nextLink'?: string;
    };
    const link = page['@odata.nextLink'];
    next = link ? link.slice(new URL(link).origin.length) : undefined;
  }
  return out;
}

/** Compares every coding of `path` with its identity answer; returns how many gzip answers were joined. */
async function compare(path: string, headers: Record<string, string> = {}): Promise<number> {
  const plain = await raw(path, { ...headers, 'accept-encoding': 'identity' });
  assert.equal(plain.status, 200, path);
  assert.equal(plain.headers['content-encoding'], undefined, path);
  let n = 0;
  for (const coding of ['gzip', 'deflate'] as const) {
    const r = await raw(path, { ...headers, 'accept-encoding': coding });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], plain.headers['content-type'], path);
    assert.match(String(r.headers.vary), /Accept-Encoding/i, path);
    assert.equal(r.headers['content-encoding'], coding, path);
    assert.equal(Number(r.headers['content-length']), r.body.length, path);
    const decoded = coding === 'gzip' ? gunzipSync(r.body) : inflateSync(r.body);
    assert.ok(decoded.equals(plain.body), `${path} (${coding}): decoded body differs`);
    if (coding === 'gzip' && joined(r.body)) n++;
  }
  return n;
}

test('list pages joined from fragments decode to the plain pages, byte for byte', async () => {
  const urls = [
    ...(await pages('/v1.0/communications/callRecords?$top=7')),
    ...(await pages('/beta/communications/callRecords', {}, 2)),
    ...(await pages(`/v1.0/communications/callRecords?$filter=startDateTime ge ${FROM}&$top=5`, {}, 8)),
  ];
  let n = 0;
  for (const url of urls) n += await compare(url);
  assert.equal(n, urls.length, 'every default-shape page is joined');
  assert.ok(urls.length >= 14, `${urls.length} pages`);
});

test('the records written here: without fragments, of an unknown format, rewritten, without organizer', async () => {
  const path = `/v1.0/communications/callRecords?$filter=startDateTime ge ${FROM}`;
  assert.equal(await compare(path), 1);
  const page = JSON.parse((await raw(path)).body.toString()) as {
    value: { id: string; organizer_v2: unknown }[];
  };
  const ids = new Set(page.value.map((r) => r.id));
  assert.ok(
    written.every((id) => ids.has(id)),
    'every record written here is on the page',
  );
  const nulls = page.value.filter((r) => r.organizer_v2 === null).map((r) => r.id);
  assert.deepEqual(nulls.filter((id) => noOrganizer.includes(id)).sort(), [...noOrganizer].sort());
  // One page of rows none of which has fragments is joined too (its text deflated in one run).
  const none = toRows(STORED_JSON, DEMO_TENANT_ID, makeRecord('joined-none', { startMs: TEST_NOW - 3 * H }));
  none.record.list_deflate = null;
  await server.store.upsertRecordRows(DEMO_TENANT_ID, [none]);
  const [t0, t1] = [TEST_NOW - 3 * H, TEST_NOW - 3 * H + 1000].map((t) => new Date(t).toISOString());
  const one = `/v1.0/communications/callRecords?$filter=startDateTime ge ${t0} and startDateTime lt ${t1}`;
  assert.equal(await compare(one), 1);
  const single = JSON.parse((await raw(one)).body.toString()) as { value: { id: string }[] };
  assert.deepEqual(
    single.value.map((r) => r.id),
    [none.record.id],
  );
});

test('Prefer: max page size and include-unknown-enum-members keep joined pages', async () => {
  for (const prefer of ['odata.maxpagesize=3', 'include-unknown-enum-members']) {
    const url = `/beta/communications/callRecords?$filter=startDateTime ge ${FROM}`;
    assert.equal(await compare(url, { prefer }), 1, prefer);
  }
});

test('a participant filter reads through the participant index, joined as well', async () => {
  const list = JSON.parse((await raw('/v1.0/communications/callRecords?$top=3')).body.toString()) as {
    value: { participants: { user?: { id: string } | null }[] }[];
  };
  const id = list.value
    .flatMap((r) => r.participants)
    .map((p) => p.user?.id)
    .find(Boolean);
  assert.ok(id);
  const url = `/v1.0/communications/callRecords?$filter=participants_v2/any(p:p/id eq '${id}')&$top=4`;
  let n = 0;
  const urls = await pages(url, {}, 3);
  for (const u of urls) n += await compare(u);
  assert.equal(n, urls.length);
});

test('other shapes compress the whole body: $select, omit-values=nulls, other metadata levels', async () => {
  const cases: [string, Record<string, string>][] = [
    ['/v1.0/communications/callRecords?$select=id,type,organizer_v2', {}],
    ['/v1.0/communications/callRecords', { prefer: 'omit-values=nulls' }],
    ['/v1.0/communications/callRecords', { accept: 'application/json;odata.metadata=none' }],
    ['/v1.0/communications/callRecords', { accept: 'application/json;odata.metadata=full' }],
  ];
  for (const [url, headers] of cases)
    assert.equal(await compare(url, headers), 0, `${url} ${JSON.stringify(headers)}`);
});

test('a page below the threshold goes uncompressed; HEAD matches GET', async () => {
  const empty = '/v1.0/communications/callRecords?$filter=startDateTime ge 2099-01-01T00:00:00Z';
  const r = await raw(empty, { 'accept-encoding': 'gzip' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], undefined);
  assert.match(String(r.headers.vary), /Accept-Encoding/i);
  assert.deepEqual(r.body, (await raw(empty, { 'accept-encoding': 'identity' })).body);
  const get = await raw('/v1.0/communications/callRecords', { 'accept-encoding': 'gzip' });
  const head = await new Promise<RawReply>((resolve, reject) => {
    const req = request(
      server.url + '/v1.0/communications/callRecords',
      { method: 'HEAD', headers: { authorization: `Bearer ${server.token}`, 'accept-encoding': 'gzip' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.equal(head.headers['content-length'], get.headers['content-length']);
});

test('joined pages stay a fraction of the plain page', async () => {
  const plain = await raw('/v1.0/communications/callRecords', { 'accept-encoding': 'identity' });
  const gz = await raw('/v1.0/communications/callRecords', { 'accept-encoding': 'gzip' });
  assert.ok(joined(gz.body));
  assert.ok(gz.body.length * 2 < plain.body.length, `${gz.body.length} of ${plain.body.length}`);
});
