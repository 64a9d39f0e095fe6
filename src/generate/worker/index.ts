// Bulk generation on two cores: a worker thread runs the generator and serializes and compresses its records into
// store rows (thread.ts), while this thread writes the previous batch to the store. The thread works at most two
// batches ahead of the writer, so memory stays flat whatever the total (numbers in docs/performance.md).
import { Worker } from 'node:worker_threads';
import type { RecordRows } from '../../store/rows.js';
import type { BatchOptions, FromThread, GeneratedBatch } from './protocol.js';

export type { BatchCounts, BatchOptions, GeneratedBatch } from './protocol.js';

/** Batches the thread may have ready before the writer takes them. */
const AHEAD = 2;

function startThread(o: BatchOptions): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./thread.js', import.meta.url), { workerData: o });
  // Under tsx (tests, benchmarks) this module and its sibling are TypeScript, and a worker does not inherit tsx's
  // loader: register it in the thread first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const thread = new URL('./thread.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(thread)}); });`;
  return new Worker(code, { eval: true, workerData: o });
}

/** Row buffers arrive as plain Uint8Arrays after the structured clone; the SQLite driver binds Buffers. */
function revive(rows: RecordRows[]): RecordRows[] {
  for (const r of rows) {
    const d = r.parts.data as Uint8Array;
    if (!Buffer.isBuffer(d)) r.parts.data = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  }
  return rows;
}

export async function* generateBatches(o: BatchOptions): AsyncGenerator<GeneratedBatch> {
  const worker = startThread(o);
  const queue: FromThread[] = [];
  let wake: (() => void) | undefined;
  let exited: Error | undefined;
  worker.on('message', (m: FromThread) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    exited = err;
    wake?.();
  });
  worker.on('exit', (code) => {
    exited ??= code === 0 ? undefined : new Error(`generation thread exited with code ${code}`);
    queue.push({ type: 'done' });
    wake?.();
  });
  for (let i = 0; i < AHEAD; i++) worker.postMessage({ type: 'more' });
  try {
    for (;;) {
      while (queue.length === 0 && !exited) await new Promise<void>((resolve) => (wake = resolve));
      if (exited) throw exited;
      const m = queue.shift()!;
      if (m.type === 'error') throw new Error(`generation failed: ${m.message}`);
      if (m.type === 'done') return;
      worker.postMessage({ type: 'more' });
      m.batch.rows = revive(m.batch.rows);
      yield m.batch;
    }
  } finally {
    await worker.terminate();
  }
}
