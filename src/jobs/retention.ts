// Deletes call records that fell out of the retention window, in bounded batches, on an unref'd timer, so a
// large purge never holds the database for long and never keeps the process alive. `stop` waits for a run.
import type { Clock } from '../clock.js';
import { Periodic } from '../periodic.js';
import { exclusively, type DocumentStore, type JobLeases, type MirrorStore } from '../store/index.js';

const DAY = 86_400_000;

/**
 * Each tenant's retention: the server's days, or the tenant's own (a mirrored tenant keeps everything unless told
 * otherwise). Read on every Graph request, so kept in memory and reloaded from the store every `intervalMs` and
 * after a change made through this process.
 */
export class TenantRetention {
  readonly #store: Pick<MirrorStore, 'listRetention'>;
  readonly #defaultDays: number;
  #own = new Map<string, number | null>();
  #loop: Periodic<void> | undefined;

  constructor(store: Pick<MirrorStore, 'listRetention'>, defaultDays: number) {
    this.#store = store;
    this.#defaultDays = defaultDays;
  }

  get defaultDays(): number {
    return this.#defaultDays;
  }

  /** The tenant's retention in days, or null for unlimited. */
  daysFor(tenantId: string): number | null {
    const own = this.#own.get(tenantId);
    return own === undefined ? this.#defaultDays : own;
  }

  /** The earliest start a tenant's records may have to be served (epoch ms). */
  floor(tenantId: string, now: number): number {
    const days = this.daysFor(tenantId);
    return days === null ? -8.64e15 : now - days * DAY;
  }

  /** The tenants with a retention of their own. */
  overrides(): ReadonlyMap<string, number | null> {
    return this.#own;
  }

  async reload(): Promise<void> {
    this.#own = new Map((await this.#store.listRetention()).map((r) => [r.tenantId, r.days]));
  }

  start(intervalMs = 30_000, onError?: (err: unknown) => void): void {
    if (this.#loop) return;
    this.#loop = new Periodic(() => this.reload(), { intervalMs, onError });
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
    this.#loop = undefined;
  }
}

export interface RetentionOptions {
  documents: DocumentStore;
  clock: Clock;
  retentionDays: number;
  /** Tenants with a retention of their own (purged by theirs, or never when unlimited). */
  tenants?: { retention: TenantRetention; list: () => Promise<string[]> };
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
  readonly #loop: Periodic<number>;

  constructor(o: RetentionOptions) {
    this.#o = o;
    this.#loop = new Periodic(() => this.#purge(), {
      intervalMs: o.intervalMs ?? 600_000,
      onError: o.onError,
    });
  }

  start(): void {
    this.#loop.start();
  }

  /** Deletes every record older than the window; resolves with how many went. Runs never overlap. */
  purge(): Promise<number> {
    return this.#loop.run();
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
    await documents.upkeep(now);
    let total = 0;
    let leaseLost = false;
    const purge = async (tenantId: string | undefined, before: number) => {
      // A purge that drops whole partitions may report more than one batch.
      for (let n = batch; n >= batch && !this.#loop.stopped && !leaseLost; total += n) {
        n = await documents.purgeOlderThan(tenantId, before, batch);
        // Let requests in between batches.
        await new Promise((resolve) => setImmediate(resolve));
        if (n >= batch && !(await renew())) leaseLost = true;
      }
    };
    const tenants = this.#o.tenants;
    if (!tenants || tenants.retention.overrides().size === 0) {
      await purge(undefined, now - this.#o.retentionDays * DAY);
    } else {
      // Some tenants keep their own: every tenant is purged by its retention.
      for (const tenantId of await tenants.list()) {
        const days = tenants.retention.daysFor(tenantId);
        if (days !== null && !leaseLost) await purge(tenantId, now - days * DAY);
      }
    }
    return total;
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
