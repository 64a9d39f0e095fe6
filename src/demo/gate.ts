// While the demo tenant is being seeded, the server already answers: the seeder writes records in start order, so
// every record that starts before the frontier (the start of the last record written) is in the store. A read of
// the seeded tenant is answered at once when its answer can no longer change: a list page whose rows and next-page
// probe all start before the frontier (or whose range ends before it), or a record (with its sessions, segments and
// participants, written in the same transaction) that is found. Any other read of that tenant (counts, a record
// not found yet, the telephony logs, the dashboard, export) waits until the seeding is done, and so does creating a
// subscription there, so that no notification is sent for the seeded records. A client never sees a partial page,
// count or 404; it may wait a few seconds.
import type { RecordQuery, RecordRow, Store } from '../store/index.js';
import { StoreUnavailableError } from '../store/index.js';

/** Reads of one record and its children: a result found is whole, since a record is written in one transaction. */
const RECORD_READS = new Set([
  'getCallRecord',
  'listSessions',
  'getSession',
  'countSessions',
  'listSegments',
  'getSegment',
  'listParticipants',
  'getParticipant',
  'countParticipants',
]);
/** Reads that span the tenant: they wait for the end of the seeding. */
const TENANT_READS = new Set(['countCallRecords', 'countAllCallRecords']);
/** Parts of the store every call of which, for the seeded tenant, waits for the end of the seeding. */
const WAITING_PARTS = new Set(['documents', 'logs', 'dashboard']);

type Method = (...args: unknown[]) => Promise<unknown>;
type ListQuery = RecordQuery & { limit: number };

const found = (r: unknown) =>
  Array.isArray(r) ? r.length > 0 : typeof r === 'number' ? r > 0 : r !== undefined;

export class SeedGate {
  readonly #tenantId: string;
  #frontierMs = -Infinity;
  #state: 'seeding' | 'done' | 'failed' = 'seeding';
  #error: Error | undefined;
  #waiters: (() => void)[] = [];

  constructor(tenantId: string) {
    this.#tenantId = tenantId;
  }

  /** Whether the seeding stopped short. */
  get failed(): boolean {
    return this.#state === 'failed';
  }

  /** Every record starting before `ms` is written. */
  advance(ms: number): void {
    if (ms > this.#frontierMs) this.#frontierMs = ms;
  }

  /** The seeding is over: every read goes through. */
  open(): void {
    this.#settle('done');
  }

  /** The seeding stopped short: reads that would wait for it fail as the database unavailable (503). */
  fail(err: Error): void {
    this.#error = err;
    this.#settle('failed');
  }

  #settle(state: 'done' | 'failed'): void {
    if (this.#state !== 'seeding') return;
    this.#state = state;
    for (const w of this.#waiters.splice(0)) w();
  }

  #gates(tenantId: unknown): boolean {
    return this.#state !== 'done' && (tenantId === this.#tenantId || typeof tenantId !== 'string');
  }

  async #settled(): Promise<void> {
    if (this.#state === 'seeding') await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#state === 'failed') throw new StoreUnavailableError(this.#error);
  }

  /** `call` once if its answer is final, else again once the seeding is over. */
  async #read<T>(tenantId: unknown, call: () => Promise<T>, final: (r: T, frontierMs: number) => boolean) {
    if (!this.#gates(tenantId)) return call();
    // The frontier is read before the query, so everything before it was committed when the query began.
    const frontierMs = this.#frontierMs;
    if (this.#state === 'seeding') {
      const r = await call();
      if (final(r, frontierMs)) return r;
    }
    await this.#settled();
    return call();
  }

  #waitAll<T extends object>(part: T): T {
    return new Proxy(part, {
      get: (target, prop) => {
        const v = Reflect.get(target, prop, target) as unknown;
        if (typeof v !== 'function') return v;
        const method = (v as Method).bind(target);
        return async (...args: unknown[]) => {
          if (this.#gates(args[0])) await this.#settled();
          return method(...args);
        };
      },
    });
  }

  /** The store as the server's readers see it while this gate stands (the seeder writes to `store` itself). */
  wrap(store: Store): Store {
    const parts = new Map<string | symbol, unknown>();
    return new Proxy(store, {
      get: (target, prop) => {
        const v = Reflect.get(target, prop, target) as unknown;
        if (WAITING_PARTS.has(String(prop)) && typeof v === 'object' && v !== null) {
          if (!parts.has(prop)) parts.set(prop, this.#waitAll(v));
          return parts.get(prop);
        }
        if (prop === 'subscriptions' && typeof v === 'object' && v !== null) {
          if (!parts.has(prop)) parts.set(prop, this.#subscriptions(v as Store['subscriptions']));
          return parts.get(prop);
        }
        if (typeof v !== 'function') return v;
        const method = (v as Method).bind(target);
        const name = String(prop);
        // Both list reads (the deflated one serves compressed pages) return rows with startMs.
        if (name === 'listCallRecords' || name === 'listCallRecordsDeflated')
          return (tenantId: string, q: ListQuery) =>
            this.#read(
              tenantId,
              () => method(tenantId, q) as Promise<Pick<RecordRow, 'startMs'>[]>,
              (rows, frontierMs) => {
                const end = q.startBefore ? q.startBefore.ms - (q.startBefore.inclusive ? 0 : 1) : Infinity;
                if (end < frontierMs) return true;
                return rows.length >= q.limit && rows[rows.length - 1]!.startMs < frontierMs;
              },
            );
        if (RECORD_READS.has(name))
          return (...args: unknown[]) => this.#read(args[0], () => method(...args), found);
        if (TENANT_READS.has(name))
          return (...args: unknown[]) =>
            this.#read(
              args[0],
              () => method(...args),
              () => false,
            );
        return method;
      },
    });
  }

  #subscriptions(part: Store['subscriptions']): Store['subscriptions'] {
    return new Proxy(part, {
      get: (target, prop) => {
        const v = Reflect.get(target, prop, target) as unknown;
        if (typeof v !== 'function') return v;
        const method = (v as Method).bind(target);
        if (prop !== 'create') return method;
        return async (s: { tenantId: string }) => {
          if (this.#gates(s.tenantId)) await this.#settled();
          return method(s);
        };
      },
    });
  }
}
