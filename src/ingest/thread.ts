// An import thread: prepares the batches the writer sends (./prepare.ts), one at a time, in the order received.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareBatch, type PrepareOptions } from './prepare.js';
import type { FromThread, ToThread } from './protocol.js';

const port = parentPort!;
const o = workerData as PrepareOptions;

port.on('message', (m: ToThread) => {
  let reply: FromThread;
  try {
    reply = { type: 'prepared', seq: m.seq, batch: prepareBatch(m.batch, o) };
  } catch (err) {
    reply = { type: 'error', seq: m.seq, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
