// Sliding-window request counters. The throttler asks a CounterStore to admit one request against several buckets
// at once (per app, per tenant, per record…); the request counts in every bucket or in none. The in-process store
// below keeps one timestamp per admitted request, so windows are exact to the millisecond; a store shared by several
// instances (Redis sorted sets and a script, say) implements the same interface.

/** One budget applied to one key: at most `limit` admitted requests in any `windowMs`. */
export interface Bucket {
  key: string;
  limit: number;
  windowMs: number;
  /** The budget's name, for logs and tests. */
  name?: string;
}

export interface BucketState {
  bucket: Bucket;
  /** Requests left in the window after this one (0 when refused). */
  remaining: number;
  /** Ms until the window admits one more request (0 when it has room now). */
  resetMs: number;
}

export interface Decision {
  allowed: boolean;
  /** The refusing bucket that frees up last, or (when allowed) the bucket with the fewest requests left. */
  tightest: BucketState;
  /** Ms until every refusing bucket admits the request (0 when allowed). */
  retryAfterMs: number;
}

export interface CounterStore {
  /** Admits a request at `nowMs` if every bucket has room, counting it in all of them; otherwise counts nothing. */
  acquire(buckets: readonly Bucket[], nowMs: number): Promise<Decision>;
  /** Forgets every count (tests, and a budget change). */
  clear(): Promise<void>;
}

interface Log {
  windowMs: number;
  /** Admission times, oldest first; `head` is the first still in the window. */
  times: number[];
  head: number;
}

const SWEEP_EVERY = 10_000;

/** A request admitted at t counts until t + windowMs (exclusive): at t + windowMs it has left the window. */
export class MemoryCounterStore implements CounterStore {
  readonly #logs = new Map<string, Log>();
  #sinceSweep = 0;

  acquire(buckets: readonly Bucket[], nowMs: number): Promise<Decision> {
    if (++this.#sinceSweep >= SWEEP_EVERY) this.#sweep(nowMs);
    const states = buckets.map((bucket) => {
      const log = this.#log(bucket);
      this.#prune(log, nowMs);
      const count = log.times.length - log.head;
      // With `count` requests in the window, room comes when the (count - limit + 1)th oldest leaves it.
      const over = count - bucket.limit;
      const resetMs = over < 0 ? 0 : log.times[log.head + over]! + bucket.windowMs - nowMs;
      return { bucket, log, count, resetMs };
    });
    const refused = states.filter((s) => s.count >= s.bucket.limit);
    if (refused.length > 0) {
      const worst = refused.reduce((a, b) => (b.resetMs > a.resetMs ? b : a));
      return Promise.resolve({
        allowed: false,
        tightest: { bucket: worst.bucket, remaining: 0, resetMs: worst.resetMs },
        retryAfterMs: worst.resetMs,
      });
    }
    let tightest: BucketState | undefined;
    for (const s of states) {
      s.log.times.push(nowMs);
      const remaining = s.bucket.limit - s.count - 1;
      const resetMs = remaining > 0 ? 0 : s.log.times[s.log.head]! + s.bucket.windowMs - nowMs;
      if (!tightest || remaining < tightest.remaining) tightest = { bucket: s.bucket, remaining, resetMs };
    }
    return Promise.resolve({
      allowed: true,
      tightest: tightest ?? { bucket: { key: '', limit: 0, windowMs: 0 }, remaining: 0, resetMs: 0 },
      retryAfterMs: 0,
    });
  }

  clear(): Promise<void> {
    this.#logs.clear();
    return Promise.resolve();
  }

  /** Keys tracked (for tests of the sweep). */
  get size(): number {
    return this.#logs.size;
  }

  #log(bucket: Bucket): Log {
    let log = this.#logs.get(bucket.key);
    if (!log || log.windowMs !== bucket.windowMs) {
      log = { windowMs: bucket.windowMs, times: [], head: 0 };
      this.#logs.set(bucket.key, log);
    }
    return log;
  }

  #prune(log: Log, nowMs: number): void {
    const from = nowMs - log.windowMs;
    while (log.head < log.times.length && log.times[log.head]! <= from) log.head++;
    // Compact now and then, so the array does not grow with every request ever admitted.
    if (log.head > 1024 && log.head * 2 > log.times.length) {
      log.times = log.times.slice(log.head);
      log.head = 0;
    }
  }

  #sweep(nowMs: number): void {
    this.#sinceSweep = 0;
    for (const [key, log] of this.#logs) {
      this.#prune(log, nowMs);
      if (log.head === log.times.length) this.#logs.delete(key);
    }
  }
}
