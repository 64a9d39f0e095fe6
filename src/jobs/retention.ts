// Deletes call records that fell out of the retention window, in bounded batches, on an unref'd timer, so a
// large purge never holds the database for long and never keeps the process alive. `stop` waits for a run.
import type { Clock } from '../clock.js';
import { exclusively, type DocumentStore, type JobLeases } from '../store/index.js';

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
  /** With several instances on one database: the purge runs where this lease is held (one instance at a time). */
  lease?: { leases: JobLeases; holder: string };
}

const LEASE_MS = 120_000;

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
    const lease = this.#o.lease;
    const total = lease
      ? await exclusively(lease.leases, 'retention-purge', lease.holder, LEASE_MS, (renew) =>
          this.#batches(renew),
        )
      : await this.#batches(() => Promise.resolve(true));
    if (total) this.#o.onPurged?.(total);
    return total ?? 0;
  }

  async #batches(renew: () => Promise<boolean>): Promise<number> {
    const { documents, clock, batch } = this.#o;
    const now = clock.now();
    const before = now - this.#o.retentionDays * 86_400_000;
    await documents.upkeep(now);
    let total = 0;
    for (let n = batch; n >= batch && !this.#stopped; total += n) {
      n = await documents.purgeOlderThan(undefined, before, batch);
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
      if (n === batch && !(await renew())) return total + n;
    }
    return total;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running.catch(() => 0);
  }
}
