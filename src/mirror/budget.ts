// Client-side pacing inside Graph's published call-record budgets, so that a backfill rarely meets a 429: a sliding
// window per budget, and a request waits until every budget it counts against has room. The limits are Graph's
// with a margin (our clock and the server's windows do not line up exactly).

export class SlidingWindow {
  readonly #times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** How long until one more request fits (0: now). */
  waitMs(now: number): number {
    while (this.#times.length > 0 && this.#times[0]! <= now - this.windowMs) this.#times.shift();
    if (this.#times.length < this.limit) return 0;
    return this.#times[this.#times.length - this.limit]! + this.windowMs - now + 1;
  }

  take(now: number): void {
    this.#times.push(now);
  }
}

export type RequestClass = 'list' | 'record' | 'log';

/** Graph's call-record budgets (docs/resilience.md), with a tenth kept in reserve. */
export const GRAPH_BUDGETS = {
  /** Per app per tenant, all call-record requests: 1,500 / 20 s. */
  callRecords: { limit: 1350, windowMs: 20_000 },
  /** The list: 40 / 20 s. */
  list: { limit: 36, windowMs: 20_000 },
  /** One record and everything below it: 40 / 20 s. */
  record: { limit: 36, windowMs: 20_000 },
  /** Log functions per app per tenant: 200 / 60 s. */
  logs: { limit: 180, windowMs: 60_000 },
  /** One log function: 50 / 60 s. */
  logFunction: { limit: 45, windowMs: 60_000 },
} as const;

export class Pacer {
  readonly #callRecords = new SlidingWindow(
    GRAPH_BUDGETS.callRecords.limit,
    GRAPH_BUDGETS.callRecords.windowMs,
  );
  readonly #list = new SlidingWindow(GRAPH_BUDGETS.list.limit, GRAPH_BUDGETS.list.windowMs);
  readonly #logs = new SlidingWindow(GRAPH_BUDGETS.logs.limit, GRAPH_BUDGETS.logs.windowMs);
  readonly #records = new Map<string, SlidingWindow>();
  readonly #functions = new Map<string, SlidingWindow>();
  readonly #sleep: (ms: number) => Promise<void>;
  /** Milliseconds spent waiting for a budget. */
  waitedMs = 0;

  constructor(sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {
    this.#sleep = sleep;
  }

  #windows(kind: RequestClass, key: string): SlidingWindow[] {
    if (kind === 'log') {
      let f = this.#functions.get(key);
      if (!f)
        this.#functions.set(
          key,
          (f = new SlidingWindow(GRAPH_BUDGETS.logFunction.limit, GRAPH_BUDGETS.logFunction.windowMs)),
        );
      return [this.#logs, f];
    }
    if (kind === 'list') return [this.#callRecords, this.#list];
    let r = this.#records.get(key);
    if (!r)
      this.#records.set(
        key,
        (r = new SlidingWindow(GRAPH_BUDGETS.record.limit, GRAPH_BUDGETS.record.windowMs)),
      );
    return [this.#callRecords, r];
  }

  /** Waits until the request fits every budget it counts against, then counts it. */
  async acquire(kind: RequestClass, key = ''): Promise<void> {
    const windows = this.#windows(kind, key);
    for (;;) {
      const now = Date.now();
      const wait = Math.max(...windows.map((w) => w.waitMs(now)));
      if (wait <= 0) {
        for (const w of windows) w.take(now);
        return;
      }
      this.waitedMs += wait;
      await this.#sleep(wait);
    }
  }

  /** Forgets a record's window once the record is copied. */
  done(recordId: string): void {
    this.#records.delete(recordId);
  }
}
