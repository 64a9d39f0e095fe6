// Threads started from a module's built name run its TypeScript source under tsx, and row buffers cloned back
// from a thread become Buffers again.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { reviveRows, startModuleThread } from '../src/module-thread.js';
import type { RecordRows } from '../src/store/rows.js';

test('a thread named by its .js file runs the .ts source beside it and receives its workerData', async () => {
  const worker = startModuleThread(new URL('./fixtures/echo-thread.js', import.meta.url), { n: 7, s: 'x' });
  try {
    const [message] = (await once(worker, 'message')) as [unknown];
    assert.deepEqual(message, { given: { n: 7, s: 'x' }, typescript: true });
  } finally {
    await worker.terminate();
  }
});

test('reviveRows turns cloned Uint8Arrays into Buffers over the same bytes and leaves Buffers as they are', () => {
  const bytes = new Uint8Array([9, 1, 2, 3, 4]).subarray(1, 4);
  const fragments = new Uint8Array([7, 8, 9]);
  const already = Buffer.from([5, 6]);
  const rows = [
    { parts: { data: bytes }, record: { list_deflate: fragments } },
    { parts: { data: already }, record: { list_deflate: null } },
  ] as unknown as RecordRows[];
  const out = reviveRows(rows);
  assert.equal(out, rows);
  const first = out[0]!.parts.data;
  assert.ok(Buffer.isBuffer(first));
  assert.deepEqual([...first], [1, 2, 3]);
  assert.equal(first.buffer, bytes.buffer, 'no copy');
  const deflated = out[0]!.record.list_deflate;
  assert.ok(Buffer.isBuffer(deflated));
  assert.equal(deflated.buffer, fragments.buffer, 'no copy');
  assert.equal(out[1]!.parts.data, already);
  assert.equal(out[1]!.record.list_deflate, null);
});
