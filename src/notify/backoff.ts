// Retry schedule of undelivered notifications: exponential from 10 s, capped at 30 min, with ±25 % jitter so that
// the subscriptions of one failing receiver do not retry in lockstep. Graph retries for about 4 hours.
const BASE_MS = 10_000;
const MAX_MS = 30 * 60_000;

/** Milliseconds to wait before attempt `attempt + 1`, after `attempt` failures (1, 2, …). */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(BASE_MS * 2 ** Math.max(0, attempt - 1), MAX_MS);
  return Math.round(exponential * (0.75 + 0.5 * random()));
}
