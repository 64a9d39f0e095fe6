// Joining a gzip or zlib body from stored raw-deflate fragments and request text: the checksums combined from the
// pieces' equal zlib's over the whole, and the joined stream decodes, with zlib's own decoder, to the plain bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gunzipSync, inflateSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import {
  adler32Combine,
  crc32Combine,
  DeflatedBody,
  joinDeflated,
  joinedLength,
  plainBytes,
  type JoinPart,
} from '../../src/api/http/deflate-join.js';
import {
  adler32,
  crc32,
  crc32Portable,
  listFragments,
  readListFragments,
} from '../../src/store/list-deflate.js';

const zlibCrc = (b: Buffer) => {
  const z = zlib.gzipSync(b, { level: 0 });
  return z.readUInt32LE(z.length - 8);
};

test('CRC-32 and Adler-32 (table, native and JS) equal zlib', () => {
  for (const n of [0, 1, 7, 100, 4096, 70_000]) {
    const b = randomBytes(n);
    assert.equal(crc32(b), zlibCrc(b), `crc32 ${n}`);
    assert.equal(crc32Portable(b), zlibCrc(b), `crc32Portable ${n}`);
    assert.equal(crc32Portable(b.subarray(n >> 1), crc32Portable(b.subarray(0, n >> 1))), zlibCrc(b));
    const z = zlib.deflateSync(b, { level: 1 });
    assert.equal(adler32(b), z.readUInt32BE(z.length - 4), `adler32 ${n}`);
    assert.equal(adler32(b.subarray(n >> 1), adler32(b.subarray(0, n >> 1))), adler32(b));
  }
  // Adler-32's sums reduced over a long run of 0xff.
  const ff = Buffer.alloc(3_000_000, 0xff);
  const z = zlib.deflateSync(ff, { level: 1 });
  assert.equal(adler32(ff), z.readUInt32BE(z.length - 4));
});

test('checksums combine: f(A·B) from f(A), f(B) and |B|', () => {
  for (const [a, b] of [
    [0, 0],
    [0, 5],
    [5, 0],
    [1, 1],
    [2000, 600],
    [70_000, 3],
    [123, 100_000],
  ] as const) {
    const A = randomBytes(a);
    const B = randomBytes(b);
    const AB = Buffer.concat([A, B]);
    assert.equal(crc32Combine(crc32(A), crc32(B), b), crc32(AB), `crc ${a}+${b}`);
    assert.equal(adler32Combine(adler32(A), adler32(B), b), adler32(AB), `adler ${a}+${b}`);
  }
});

/** JSON-like text with repetition, as records are. */
function text(seed: number, n: number): string {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `"key${(seed * 31 + i) % 17}":"value ${seed}-${i % 9} é ✓",`;
  return s.slice(0, n);
}

function fragmentOf(body: string) {
  const f = readListFragments(listFragments(`{${body}}`, null));
  assert.ok(f);
  return f.members;
}

test('a joined body decodes to the concatenation of its parts, gzip and deflate', () => {
  const cases: JoinPart[][] = [
    [],
    ['{"value":[]}'],
    [fragmentOf(text(1, 3000))],
    ['{"a":[', fragmentOf(text(2, 2500)), ',', fragmentOf(text(3, 10)), ']}'],
    // A long run of text (deflated here), then one over 65535 bytes in a row (stored blocks split if short: not).
    [fragmentOf(text(4, 900)), text(5, 5000), Buffer.from(text(6, 70_000)), fragmentOf(text(7, 40_000)), 'x'],
    // Short runs between fragments (stored), bytes among them.
    Array.from({ length: 60 }, (_, i) => [
      i ? ',{' : '[{',
      fragmentOf(text(i, 1500 + i)),
      `,"ctx":"http://h/${i}"`,
      Buffer.from(',"b":'),
      fragmentOf(text(i + 100, 400)),
      '}',
    ]).flat(),
  ];
  for (const [i, parts] of cases.entries()) {
    const body = new DeflatedBody(parts);
    const plain = plainBytes(body);
    assert.equal(joinedLength(body), plain.length, `case ${i}`);
    const g = joinDeflated(body, 'gzip');
    assert.ok(gunzipSync(g).equals(plain), `gzip case ${i}`);
    const d = joinDeflated(body, 'deflate');
    assert.ok(inflateSync(d).equals(plain), `deflate case ${i}`);
  }
});

test('a stored text of 65535 bytes or more is split into stored blocks', () => {
  // Runs are deflated from 1 KB on; fragments in between keep each run short, so only bytes in a row make a long
  // stored run: check the splitting on its own through a run of incompressible text under the deflate threshold
  // repeated between fragments, and a plain page far above 64 KiB in one run.
  const f = fragmentOf(text(9, 100));
  const parts: JoinPart[] = [];
  for (let i = 0; i < 200; i++) parts.push(randomBytes(700).toString('latin1'), f);
  const body = new DeflatedBody(parts);
  assert.ok(gunzipSync(joinDeflated(body, 'gzip')).equals(plainBytes(body)));
});

test('fragments: an unknown format is not read; an organizer-less record has none', () => {
  const value = listFragments('{"id":"a"}', null);
  assert.equal(readListFragments(value)?.organizer, undefined);
  assert.equal(readListFragments(Buffer.concat([Buffer.of(2), value.subarray(1)])), undefined);
  const both = readListFragments(listFragments('{"id":"a","x":1}', '{"id":"o"}'));
  assert.ok(both?.organizer);
  assert.equal(both.members.length, '"id":"a","x":1'.length);
  assert.equal(both.organizer.length, '{"id":"o"}'.length);
});
