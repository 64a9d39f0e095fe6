// Failed credential attempts, counted over a sliding window per key, in the spirit of Entra's smart lockout: the
// token endpoint counts per client *and* source address (and per address over all clients), so an attacker who
// knows a client id locks out only their own address, never the app's real callers; the admin API counts per
// address. Time is the process's monotonic clock: the virtual clock that tests and the admin API move or freeze
// must neither lift nor prolong a lockout. `Lockout` keeps the counts in this process; with several instances the
// Redis failure log (src/coord/redis.ts) counts them for all.
import type { FailureLog, LockoutCheck } from '../coord/types.js';

export type { FailureLog, LockoutCheck } from '../coord/types.js';

export interface LockoutOptions {
  windowMs: number;
  /** Monotonic milliseconds (default performance.now). */
  now?: () => number;
  /** Keys kept at most; the least recently failed are forgotten first. */
  maxKeys?: number;
}

export class Lockout implements FailureLog {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #failures = new Map<string, number[]>();

  constructor(o: LockoutOptions) {
    this.#windowMs = o.windowMs;
    this.#now = o.now ?? (() => performance.now());
    this.#maxKeys = o.maxKeys ?? 100_000;
  }

  #recent(key: string, now: number): number[] {
    const cutoff = now - this.#windowMs;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.#failures.delete(key);
    return list;
  }

  /** Seconds until every key is below its limit again, or 0 when the attempt may proceed. */
  retryAfter(checks: readonly LockoutCheck[]): Promise<number> {
    const now = this.#now();
    let wait = 0;
    for (const [key, limit] of checks) {
      const list = this.#recent(key, now);
      if (list.length >= limit) {
        const oldest = list[list.length - limit]!;
        wait = Math.max(wait, Math.ceil((oldest + this.#windowMs - now) / 1000));
      }
    }
    return Promise.resolve(wait);
  }

  /** Counts one failure against each key. */
  fail(keys: readonly string[]): Promise<void> {
    const now = this.#now();
    for (const key of keys) {
      const list = this.#recent(key, now);
      list.push(now);
      // Only the newest entries matter for any limit; the key moves to the end of the eviction order.
      if (list.length > 1000) list.splice(0, list.length - 1000);
      this.#failures.delete(key);
      this.#failures.set(key, list);
    }
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= this.#maxKeys) break;
      this.#failures.delete(key);
    }
    return Promise.resolve();
  }
}

/** The token endpoint's lockout: a client at one address, and one address over all clients. */
export class TokenLimiter {
  readonly #lockout: FailureLog;
  readonly #perClient: number;
  readonly #perAddress: number;

  /** `log`: where failures are counted (default: this process, over `windowMs`). */
  constructor(o: LockoutOptions & { perClient: number; perAddress: number; log?: FailureLog }) {
    this.#lockout = o.log ?? new Lockout(o);
    this.#perClient = o.perClient;
    this.#perAddress = o.perAddress;
  }

  #checks(clientId: string | undefined, address: string): LockoutCheck[] {
    const checks: LockoutCheck[] = [[`ip:${address}`, this.#perAddress]];
    if (clientId) checks.push([`client:${clientId.toLowerCase()}@${address}`, this.#perClient]);
    return checks;
  }

  /** Seconds to wait, or 0 when the request may proceed. */
  retryAfter(clientId: string | undefined, address: string): Promise<number> {
    return this.#lockout.retryAfter(this.#checks(clientId, address));
  }

  recordFailure(clientId: string | undefined, address: string): Promise<void> {
    return this.#lockout.fail(this.#checks(clientId, address).map(([key]) => key));
  }
}
