// The throttler: counts a request against every budget of the profile that applies to it, on the server's clock
// (so tests move windows by moving the virtual clock), and says whether it may pass and what to tell the client.
import type { Clock } from '../clock.js';
import type { ResourcePath } from '../graph/path/index.js';
import { bucketsFor, type Caller, type Profile } from './budgets.js';
import type { CounterStore } from './counters.js';

export interface ThrottleOutcome {
  allowed: boolean;
  /** Whole seconds until the window admits the request (rounded up, at least 1); 0 when allowed. */
  retryAfterSeconds: number;
  /** The budget that refused, or the one closest to refusing. */
  budget: string;
  /** `RateLimit-*` header values, from that budget. */
  headers: Record<string, string>;
}

export class Throttler {
  constructor(
    readonly profile: Profile,
    private readonly counters: CounterStore,
    private readonly clock: Clock,
  ) {}

  async admit(caller: Caller, target: ResourcePath): Promise<ThrottleOutcome | undefined> {
    const buckets = bucketsFor(this.profile, caller, target);
    if (buckets.length === 0) return undefined;
    const d = await this.counters.acquire(buckets, this.clock.now());
    const { bucket, remaining, resetMs } = d.tightest;
    const retryAfterSeconds = d.allowed ? 0 : Math.max(1, Math.ceil(d.retryAfterMs / 1000));
    return {
      allowed: d.allowed,
      retryAfterSeconds,
      budget: bucket.name ?? bucket.key,
      headers: {
        'ratelimit-limit': String(bucket.limit),
        'ratelimit-remaining': String(remaining),
        'ratelimit-reset': String(Math.ceil(resetMs / 1000)),
      },
    };
  }

  reset(): Promise<void> {
    return this.counters.clear();
  }
}
