// Deletes call records that fell out of the retention window, in bounded batches, on an unref'd timer, so a
// large purge never holds the database for long and never keeps the process alive. `stop` waits for a run.
import type { Clock } from '../clock.js';
import type { DocumentStore } from '../store/index.js';

export interface RetentionOptions {
  documents: DocumentStore;
  clock: Clock;
  retentionDays: number;
  /** Records deleted per transaction. */
  batch: number;
  /** Real milliseconds between purges (default ten minutes). */
  intervalMs?: number;
  onPurged?: (records: number) => void;
  onError?: (err: unknown) => void;
}

export class RetentionPurge {
  readonly #o: RetentionOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> = Promise.resolve(0);
  #stopped = false;

  constructor(o: RetentionOptions) {
    this.#o = o;
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => {
      this.purge().catch((err: unknown) => this.#o.onError?.(err));
    }, this.#o.intervalMs ?? 600_000);
    this.#timer.unref();
  }

  /** Deletes every record older than the window; resolves with how many went. Runs never overlap. */
  purge(): Promise<number> {
    const run = this.#running.catch(() => 0).then(() => this.#purge());
    this.#running = run;
    return run;
  }

  async #purge(): Promise<number> {
    const { documents, clock, batch } = this.#o;
    const now = clock.now();
    const before = now - this.#o.retentionDays * 86_400_000;
    await documents.upkeep(now);
    let total = 0;
    for (let n = batch; n >= batch && !this.#stopped; total += n) {
      n = await documents.purgeOlderThan(undefined, before, batch);
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) this.#o.onPurged?.(total);
    return total;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running.catch(() => 0);
  }
}
