// Retry-After compliance: after a 429 (throttling or an injected fault) told an app to wait, a request from the same
// app in the same tenant before that time is an early retry. Measured on the wall clock, because clients wait in
// real time whatever the server's virtual clock says.

export interface EarlyRetries {
  appId: string;
  /** Requests sent before the Retry-After of an earlier 429 had passed. */
  count: number;
  firstAt: string;
  lastAt: string;
  /** How early, in ms: the worst case and the mean. */
  maxEarlyMs: number;
  meanEarlyMs: number;
  /** 429s this app received in the tenant. */
  throttled: number;
}

interface Entry {
  retryAtMs: number | undefined;
  throttled: number;
  count: number;
  firstMs: number;
  lastMs: number;
  maxEarlyMs: number;
  totalEarlyMs: number;
}

export class ComplianceTracker {
  readonly #byTenant = new Map<string, Map<string, Entry>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #entry(tenantId: string, appId: string): Entry {
    let apps = this.#byTenant.get(tenantId);
    if (!apps) this.#byTenant.set(tenantId, (apps = new Map<string, Entry>()));
    let e = apps.get(appId);
    if (!e) {
      e = {
        retryAtMs: undefined,
        throttled: 0,
        count: 0,
        firstMs: 0,
        lastMs: 0,
        maxEarlyMs: 0,
        totalEarlyMs: 0,
      };
      apps.set(appId, e);
    }
    return e;
  }

  /** Every request from an app, before it is answered. */
  observe(tenantId: string, appId: string): void {
    const e = this.#byTenant.get(tenantId)?.get(appId);
    if (e?.retryAtMs === undefined) return;
    const now = this.#now();
    if (now >= e.retryAtMs) {
      e.retryAtMs = undefined;
      return;
    }
    const early = e.retryAtMs - now;
    if (e.count === 0) e.firstMs = now;
    e.count += 1;
    e.lastMs = now;
    e.maxEarlyMs = Math.max(e.maxEarlyMs, early);
    e.totalEarlyMs += early;
  }

  /** A 429 told the app to wait this many seconds. */
  refused(tenantId: string, appId: string, retryAfterSeconds: number): void {
    const e = this.#entry(tenantId, appId);
    e.throttled += 1;
    e.retryAtMs = Math.max(e.retryAtMs ?? 0, this.#now() + retryAfterSeconds * 1000);
  }

  /** Apps of a tenant that retried early, worst first. */
  report(tenantId: string): EarlyRetries[] {
    const iso = (ms: number) => new Date(ms).toISOString();
    return [...(this.#byTenant.get(tenantId) ?? new Map<string, Entry>())]
      .filter(([, e]) => e.count > 0)
      .map(([appId, e]) => ({
        appId,
        count: e.count,
        firstAt: iso(e.firstMs),
        lastAt: iso(e.lastMs),
        maxEarlyMs: e.maxEarlyMs,
        meanEarlyMs: Math.round(e.totalEarlyMs / e.count),
        throttled: e.throttled,
      }))
      .sort((a, b) => b.count - a.count || a.appId.localeCompare(b.appId));
  }

  /** Apps that were sent a 429 in the tenant (compliant or not). */
  throttledApps(tenantId: string): number {
    return [...(this.#byTenant.get(tenantId)?.values() ?? [])].filter((e) => e.throttled > 0).length;
  }

  clear(): void {
    this.#byTenant.clear();
  }
}
