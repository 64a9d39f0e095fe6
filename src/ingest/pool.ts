// Import threads: each prepares the batches it is given (./thread.ts) while this thread reads the input and writes
// prepared batches to the store, so decoding, validation, serialization and compression leave the writer's thread.
// Batches go to the thread with the least work queued; the caller bounds how many are out at once.
import type { Worker } from 'node:worker_threads';
import { reviveRows, startModuleThread } from '../module-thread.js';
import type { LineBatch } from './lines.js';
import type { PreparedBatch, PrepareOptions } from './prepare.js';
import type { FromThread, ToThread } from './protocol.js';

interface Waiting {
  thread: Thread;
  resolve: (b: PreparedBatch) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  queued: number;
}

export class PreparePool {
  readonly #threads: Thread[];
  readonly #waiting = new Map<number, Waiting>();
  #seq = 0;
  #failure: Error | undefined;

  constructor(size: number, o: PrepareOptions) {
    this.#threads = Array.from({ length: size }, () => {
      const thread: Thread = {
        worker: startModuleThread(new URL('./thread.js', import.meta.url), o),
        queued: 0,
      };
      thread.worker.on('message', (m: FromThread) => this.#settle(m));
      thread.worker.on('error', (err) => this.#fail(thread, err));
      thread.worker.on('exit', (code) =>
        this.#fail(thread, new Error(`import thread exited with code ${code}`)),
      );
      return thread;
    });
  }

  get size(): number {
    return this.#threads.length;
  }

  /** Prepares a batch on a thread; its bytes move to that thread (the batch's data is unusable here after). */
  prepare(batch: LineBatch): Promise<PreparedBatch> {
    if (this.#failure) return Promise.reject(this.#failure);
    const thread = this.#threads.reduce((a, b) => (b.queued < a.queued ? b : a));
    const seq = this.#seq++;
    thread.queued += 1;
    const done = new Promise<PreparedBatch>((resolve, reject) =>
      this.#waiting.set(seq, { thread, resolve, reject }),
    );
    const message: ToThread = { seq, batch };
    thread.worker.postMessage(message, [batch.data.buffer as ArrayBuffer]);
    return done;
  }

  async close(): Promise<void> {
    this.#failure ??= new Error('import threads closed');
    await Promise.all(this.#threads.map((t) => t.worker.terminate()));
  }

  #settle(m: FromThread): void {
    const w = this.#waiting.get(m.seq);
    if (!w) return;
    this.#waiting.delete(m.seq);
    w.thread.queued -= 1;
    if (m.type === 'prepared') {
      reviveRows(m.batch.rows);
      w.resolve(m.batch);
    } else w.reject(new Error(`import failed: ${m.message}`));
  }

  /** A thread that fails or ends fails what it had queued, and every later batch. */
  #fail(thread: Thread, err: Error): void {
    this.#failure ??= err;
    for (const [seq, w] of this.#waiting) {
      if (w.thread !== thread) continue;
      this.#waiting.delete(seq);
      w.reject(err);
    }
  }
}
