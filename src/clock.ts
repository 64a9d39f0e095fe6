// The server's notion of "now". Retention and, later, arrival delays and token expiry read it, so that a virtual
// clock can replace real time without touching callers.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
