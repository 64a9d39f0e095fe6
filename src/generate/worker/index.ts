// Bulk generation on several cores: worker threads run the generator and serialize and compress its records into
// store rows (thread.ts), while this thread writes the batches to the store in order. Batch b comes from thread
// b % count; each thread works at most two batches ahead of the writer, so memory stays flat whatever the total
// (numbers in docs/performance.md).
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { reviveRows, startModuleThread } from '../../module-thread.js';
import type { BatchOptions, FromThread, GeneratedBatch, ThreadData } from './protocol.js';

export type { BatchCounts, BatchOptions, GeneratedBatch } from './protocol.js';

/** Batches a thread may have ready before the writer takes them. */
const AHEAD = 2;
/**
 * Default generation threads: two fill two cores beside the writer (it is busy about a third of the time), and
 * more would each hold another copy of the tenant's directory for little gain: the writer comes next.
 */
const DEFAULT_THREADS = Math.max(1, Math.min(2, availableParallelism()));

/** One generation thread and the messages it has sent that the writer has not taken yet. */
class Feed {
  readonly worker: Worker;
  readonly #queue: FromThread[] = [];
  #wake: (() => void) | undefined;
  #failed: Error | undefined;

  constructor(o: ThreadData) {
    this.worker = startModuleThread(new URL('./thread.js', import.meta.url), o);
    this.worker.on('message', (m: FromThread) => this.#push(m));
    this.worker.on('error', (err) => {
      this.#failed = err;
      this.#wake?.();
    });
    this.worker.on('exit', (code) => {
      this.#failed ??= code === 0 ? undefined : new Error(`generation thread exited with code ${code}`);
      this.#push({ type: 'done' });
    });
    for (let i = 0; i < AHEAD; i++) this.worker.postMessage({ type: 'more' });
  }

  #push(m: FromThread): void {
    this.#queue.push(m);
    this.#wake?.();
  }

  async next(): Promise<FromThread> {
    while (this.#queue.length === 0 && !this.#failed)
      await new Promise<void>((resolve) => (this.#wake = resolve));
    if (this.#failed) throw this.#failed;
    const m = this.#queue.shift()!;
    if (m.type === 'batch') this.worker.postMessage({ type: 'more' });
    return m;
  }
}

export async function* generateBatches(o: BatchOptions): AsyncGenerator<GeneratedBatch> {
  const count = Math.max(1, Math.floor(o.threads ?? DEFAULT_THREADS));
  const feed = (index: number) => new Feed({ ...o, share: { index, count } });
  const feeds = o.firstAlone ? [feed(0)] : Array.from({ length: count }, (_, index) => feed(index));
  try {
    // The batch after the last is the turn of a thread that has none: it says done, and so is the whole.
    for (let b = 0; ; b++) {
      // With firstAlone, the other threads start when the reader asks for the batch after the first.
      while (b > 0 && feeds.length < count) feeds.push(feed(feeds.length));
      const m = await feeds[b % count]!.next();
      if (m.type === 'error') throw new Error(`generation failed: ${m.message}`);
      if (m.type === 'done') return;
      m.batch.rows = reviveRows(m.batch.rows);
      yield m.batch;
    }
  } finally {
    await Promise.all(feeds.map((f) => f.worker.terminate()));
  }
}
