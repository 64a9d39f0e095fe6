// Moves pending call records into the store once the server's (virtual) clock reaches their arrival time. It
// checks on a timer (unref'd, so it never keeps the process alive) and whenever told to (`runDue`: after a hang-up,
// after the clock was moved). Runs never overlap; `stop` waits for the one in flight.
import type { Clock } from '../clock.js';
import { Periodic } from '../periodic.js';
import { exclusively, type DeliveredRecord, type JobLeases, type PendingStore } from '../store/index.js';

export interface DispatcherOptions {
  clock: Clock;
  pending: PendingStore;
  /** Real milliseconds between checks of a running clock (default 1000). */
  intervalMs?: number;
  /** Records moved per transaction (default 100). */
  batch?: number;
  /** Called after records were delivered (e.g. to wake the change-notification dispatcher). */
  onDelivered?: (records: DeliveredRecord[]) => void;
  onError?: (err: unknown) => void;
  /** With several instances on one database: the job runs where this lease is held (one instance at a time). */
  lease?: { leases: JobLeases; holder: string };
}

const LEASE_MS = 30_000;

export class RecordDispatcher {
  readonly #o: DispatcherOptions;
  readonly #loop: Periodic<number>;
  /** Earliest due time known; undefined when nothing is pending, null when not read yet. */
  #nextDue: number | undefined | null = null;

  constructor(o: DispatcherOptions) {
    this.#o = o;
    this.#loop = new Periodic(() => this.#deliver(), {
      intervalMs: o.intervalMs ?? 1000,
      onError: o.onError,
      due: () => this.#nextDue !== undefined && (this.#nextDue === null || this.#nextDue <= o.clock.now()),
    });
  }

  start(): void {
    this.#loop.start();
  }

  /** Delivers every record due now; resolves with how many were delivered. */
  runDue(): Promise<number> {
    return this.#loop.run();
  }

  async #deliver(): Promise<number> {
    if (this.#loop.stopped) return 0;
    const lease = this.#o.lease;
    const total = lease
      ? await exclusively(lease.leases, 'pending-records', lease.holder, LEASE_MS, (renew) =>
          this.#batches(renew),
        )
      : await this.#batches(() => Promise.resolve(true));
    this.#nextDue = await this.#o.pending.nextDueMs();
    return total ?? 0;
  }

  async #batches(renew: () => Promise<boolean>): Promise<number> {
    const batch = this.#o.batch ?? 100;
    let total = 0;
    for (;;) {
      const delivered = await this.#o.pending.deliverDue(this.#o.clock.now(), batch);
      total += delivered.length;
      if (delivered.length > 0) this.#o.onDelivered?.(delivered);
      if (delivered.length < batch || this.#loop.stopped || !(await renew())) break;
    }
    return total;
  }

  /** Stops the timer and waits for a run in flight. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
