// The background jobs' timer loop: runs never overlap whoever asks for them, a failed run does not end the loop,
// a tick is skipped when nothing is due, and stop waits for the run in flight and ends the ticks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Periodic } from '../../src/periodic.js';

test('runs asked for while one is in flight wait for it: never two at once', async () => {
  let active = 0;
  let most = 0;
  const order: number[] = [];
  let n = 0;
  const loop = new Periodic(
    async () => {
      const me = ++n;
      active++;
      most = Math.max(most, active);
      await sleep(20);
      order.push(me);
      active--;
      return me;
    },
    { intervalMs: 5 },
  );
  loop.start();
  const asked = await Promise.all([loop.run(), loop.run(), loop.run()]);
  await loop.stop();
  assert.equal(most, 1);
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
  assert.equal(new Set(asked).size, 3, 'each caller gets its own run');
});

test('a failed run is reported and the loop goes on', async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const loop = new Periodic(
    () => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve();
    },
    { intervalMs: 5, onError: (err) => errors.push(err) },
  );
  loop.start();
  while (calls < 3) await sleep(5);
  await loop.stop();
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /boom/);
  await assert.rejects(
    new Periodic(() => Promise.reject(new Error('direct')), { intervalMs: 1000 }).run(),
    /direct/,
    'a caller of run() sees its own error',
  );
});

test('a tick is skipped while nothing is due', async () => {
  let due = false;
  let calls = 0;
  const loop = new Periodic(
    () => {
      calls++;
      return Promise.resolve();
    },
    { intervalMs: 5, due: () => due },
  );
  loop.start();
  await sleep(40);
  assert.equal(calls, 0);
  due = true;
  while (calls === 0) await sleep(5);
  await loop.stop();
});

test('stop waits for the run in flight, and no tick runs after it', async () => {
  let finished = false;
  let calls = 0;
  const loop = new Periodic(
    async () => {
      calls++;
      await sleep(30);
      finished = true;
    },
    { intervalMs: 5 },
  );
  loop.start();
  while (calls === 0) await sleep(1);
  assert.equal(loop.stopped, false);
  await loop.stop();
  assert.equal(finished, true, 'stop resolved before the run ended');
  assert.equal(loop.stopped, true);
  const after = calls;
  await sleep(30);
  assert.equal(calls, after);
  loop.start();
  await sleep(30);
  assert.equal(calls, after, 'a stopped loop does not start again');
});
