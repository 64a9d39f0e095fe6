// Progress lines: the expected total can be corrected as the work learns it, and never reads below what is done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { progress } from '../../src/cli/progress.js';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => out };
}

test('a corrected total replaces the first estimate', () => {
  const c = capture();
  const bar = progress('records', 100, c.stream);
  bar.update(50, 400);
  bar.finish();
  assert.match(c.text(), /records {2}50 \/ ~400 {2}[\d,]+\/s {2}ETA \d+s\n$/);
});

test('the total shown is never below the work done, and without a total there is no ETA', () => {
  const over = capture();
  const bar = progress('records', 100, over.stream);
  bar.update(150);
  bar.finish();
  assert.match(over.text(), /records {2}150 \/ ~150 {2}[\d,]+\/s {2}ETA 0s\n$/);
  const unknown = capture();
  const open = progress('rows', undefined, unknown.stream);
  open.update(7);
  open.finish();
  assert.match(unknown.text(), /^rows {2}7 {2}[\d,]+\/s\n$/m);
  assert.doesNotMatch(unknown.text(), /ETA/);
});
