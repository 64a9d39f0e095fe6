// Failed token requests per client and per address, over a sliding window: past the limit, requests from that
// client or address get a 429 with Retry-After until old failures leave the window. Counters live in memory.
export interface FailureLimiterOptions {
  windowMs: number;
  perClient: number;
  perAddress: number;
  now: () => number;
}

export class FailureLimiter {
  readonly #o: FailureLimiterOptions;
  readonly #failures = new Map<string, number[]>();

  constructor(options: FailureLimiterOptions) {
    this.#o = options;
  }

  #recent(key: string): number[] {
    const cutoff = this.#o.now() - this.#o.windowMs;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, list);
    return list;
  }

  /** Seconds to wait, or 0 when the request may proceed. */
  retryAfter(clientId: string | undefined, address: string): number {
    const checks: [string, number][] = [[`ip:${address}`, this.#o.perAddress]];
    if (clientId) checks.push([`client:${clientId.toLowerCase()}`, this.#o.perClient]);
    let wait = 0;
    for (const [key, limit] of checks) {
      const list = this.#recent(key);
      if (list.length >= limit) {
        const oldest = list[list.length - limit]!;
        wait = Math.max(wait, Math.ceil((oldest + this.#o.windowMs - this.#o.now()) / 1000));
      }
    }
    return wait;
  }

  recordFailure(clientId: string | undefined, address: string): void {
    const now = this.#o.now();
    const keys = [`ip:${address}`];
    if (clientId) keys.push(`client:${clientId.toLowerCase()}`);
    for (const key of keys) {
      const list = this.#recent(key);
      list.push(now);
      // Bound memory per key: only the newest entries matter for the limit.
      if (list.length > 1000) list.splice(0, list.length - 1000);
      this.#failures.set(key, list);
    }
    if (this.#failures.size > 100_000) this.#failures.clear();
  }
}
