// What several instances of the server share besides the database: request counters, failed sign-ins, used
// client-assertion ids, active simulated calls and a change bus. Each has an in-process implementation (one
// instance: nothing to share) and a Redis one (CALLRECORDS_REDIS_URL), chosen once in the composition root.
import type { CounterStore } from '../resilience/counters.js';
import type { SimCall } from '../simulate/types.js';

/** A key and how many failures within the window it may have before it is locked. */
export type LockoutCheck = readonly [key: string, limit: number];

/** Failed credential attempts over a sliding window (real time), per key. */
export interface FailureLog {
  /** Seconds until every key is below its limit again, or 0 when the attempt may proceed. */
  retryAfter(checks: readonly LockoutCheck[]): Promise<number>;
  /** Counts one failure against each key. */
  fail(keys: readonly string[]): Promise<void>;
}

/** Values that may be used once until they expire (client-assertion `jti`s). */
export interface ReplayGuard {
  /** True the first time `key` is used within `ttlMs`, false for every later use. */
  use(key: string, ttlMs: number): Promise<boolean>;
}

/** Tells every instance (this one included) that something kept in the store changed. */
export interface ChangeBus {
  publish(topic: string): Promise<void>;
  subscribe(topic: string, listener: () => void): void;
}

/** A stored call with the token that `replace` and `remove` compare against (what was read). */
export interface StoredCall {
  call: SimCall;
  token: string;
}

/** The call simulator's active calls, per tenant. Writes compare-and-set, so two instances never lose a change. */
export interface ActiveCallStore {
  get(tenantId: string, id: string): Promise<StoredCall | undefined>;
  list(tenantId: string): Promise<SimCall[]>;
  /** Adds the call unless the tenant already has `max` active calls. */
  add(call: SimCall, max: number): Promise<boolean>;
  /** Writes `call` if the stored one is still the one read (`token`); false when another change came first. */
  replace(token: string, call: SimCall): Promise<boolean>;
  /** Removes the call if it is still the one read; false when another change came first. */
  remove(token: string, call: SimCall): Promise<boolean>;
}

/** Shaped like the database's health (store/dialect.ts), for /healthz. */
export interface DependencyHealth {
  ok: boolean;
  latencyMs?: number;
  /** Why Redis did not answer (never the URL or its password). */
  error?: string;
}

export interface Coordination {
  /** `memory`: one process; `redis`: shared through Redis. */
  readonly kind: 'memory' | 'redis';
  readonly counters: CounterStore;
  /** A failure log for one purpose (`token`, `admin`) with its window. */
  failures(name: string, windowMs: number): FailureLog;
  readonly replay: ReplayGuard;
  readonly bus: ChangeBus;
  readonly calls: ActiveCallStore;
  /** Redis's health for /healthz; undefined without Redis. */
  health(): Promise<DependencyHealth | undefined>;
  close(): Promise<void>;
}

/** Redis (the shared state of several instances) did not answer; the request was not served. */
export class SharedStateUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the shared state (Redis) is unavailable', { cause });
    this.name = 'SharedStateUnavailableError';
  }
}
