// The mirror: copies one tenant's call records and telephony logs from an upstream into the tenant of the same id,
// then keeps it current. Its place lives in the database (src/store/mirror-store.ts): day windows are marked done
// once listed (records) or copied (logs), and every listed record whose version is above the stored one waits in the
// queue until it is stored. A killed mirror resumes from there: it lists again only the windows not done and fetches
// only what the queue still holds.
import {
  IngestError,
  normalizeCallRecord,
  normalizeLogRow,
  type LogRowKind,
} from '../graph/ingest/normalize.js';
import type { QueuedRecord, Store } from '../store/index.js';
import type { HttpCounters } from './http.js';
import type { Pseudonymizer } from './pseudonymize.js';
import type { Upstream } from './upstream.js';
import { statusLine, type MirrorStatus } from './status.js';
import type { KeptMirror, WebhookKeeper } from './webhook.js';

const DAY = 86_400_000;

export interface LogSource {
  kind: LogRowKind;
  version: 'v1.0' | 'beta';
  fn: string;
}

/** The logs copied: v1.0's two functions, or with the beta logs all four from beta (which has the more properties). */
export function logSources(beta: boolean): LogSource[] {
  if (!beta) {
    return [
      { kind: 'pstnCalls', version: 'v1.0', fn: 'getPstnCalls' },
      { kind: 'directRoutingCalls', version: 'v1.0', fn: 'getDirectRoutingCalls' },
    ];
  }
  return [
    { kind: 'pstnCalls', version: 'beta', fn: 'getPstnCalls' },
    { kind: 'directRoutingCalls', version: 'beta', fn: 'getDirectRoutingCalls' },
    { kind: 'sms', version: 'beta', fn: 'getSmsLog' },
    { kind: 'blockedUsers', version: 'beta', fn: 'getPstnBlockedUsersLog' },
  ];
}

export interface MirrorOptions {
  store: Store;
  upstream: Upstream;
  counters: HttpCounters;
  /** Budget waits so far (ms), for the summary. */
  budgetWaitMs: () => number;
  tenantId: string;
  days: number;
  /** The upstream's "now" (real time unless told otherwise). */
  now: () => number;
  once: boolean;
  betaLogs: boolean;
  pseudonymizer?: Pseudonymizer;
  concurrency: number;
  pollIntervalMs: number;
  lookbackMs: number;
  /** Keeping current through change notifications instead of polling (after the backfill). */
  webhook?: WebhookKeeper;
  signal: AbortSignal;
  /** A status line (stderr). */
  log: (line: string) => void;
  onProgress?: (done: number, total: number) => void;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Sleeps, or resolves early when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** Wakes waiters when new work is queued; `rings` lets a waiter see a ring it was not yet waiting for. */
class Bell {
  #waiters: (() => void)[] = [];
  rings = 0;
  ring(): void {
    this.rings += 1;
    for (const w of this.#waiters.splice(0)) w();
  }
  /** Resolves at the next ring, or at once if it has rung since `seen`. */
  wait(seen = this.rings): Promise<void> {
    if (seen !== this.rings) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export class Mirror {
  readonly #o: MirrorOptions;
  readonly #startedReal = Date.now();
  #status: MirrorStatus;
  #lastSuccessMs: number | null = null;
  #syncedThroughMs: number | null = null;

  constructor(o: MirrorOptions) {
    this.#o = o;
    this.#status = {
      tenantId: o.tenantId,
      upstream: o.upstream.base,
      phase: 'backfill',
      mode: o.webhook ? 'webhook' : 'polling',
      startedAt: new Date(o.now()).toISOString(),
      from: '',
      windows: { total: 0, done: 0 },
      listed: 0,
      created: 0,
      updated: 0,
      ignored: 0,
      gone: 0,
      failed: 0,
      logRows: 0,
      backlog: 0,
      lastSuccessAt: null,
      syncedThrough: null,
      lagSeconds: null,
      lastError: null,
      requests: 0,
      retries: 0,
      throttled: 0,
      lastThrottledAt: null,
      serverErrors: 0,
      dropped: 0,
      budgetWaitMs: 0,
      seconds: 0,
      recordsPerSecond: 0,
      complete: false,
    };
  }

  /** Backfills, then (without `once`) keeps current until the signal aborts; resolves with the final status. */
  async run(): Promise<MirrorStatus> {
    const { store, tenantId, signal } = this.#o;
    if (!(await store.getTenant(tenantId))) {
      await store.createTenant({
        id: tenantId,
        displayName: `Mirror of ${new URL(this.#o.upstream.base).host}`,
        createdMs: Date.now(),
      });
    }
    // A mirrored tenant keeps what it copied until told otherwise (a deviation from Graph's 30 days).
    if ((await store.mirror.getRetention(tenantId)) === undefined)
      await store.mirror.setRetention(tenantId, null);
    // Where an earlier run left off: a gap since then is listed again once the backfill is done.
    const previous = await store.mirror.getState(tenantId);
    const prevSynced = previous ? (JSON.parse(previous.status) as MirrorStatus).syncedThrough : null;
    const timer = setInterval(() => void this.#save().catch(() => undefined), 5_000);
    timer.unref();
    const hook = this.#o.once ? undefined : this.#o.webhook;
    try {
      // Subscribed before the backfill lists anything: what arrives meanwhile is notified, so no gap opens.
      if (hook) await hook.open(this.#kept());
      await this.#backfill();
      if (!this.#o.once) {
        this.#status.phase = 'current';
        if (prevSynced !== null && !signal.aborted) {
          const first = Date.parse(this.#status.from);
          await this.#pass(
            Math.max(first, Math.min(Date.parse(prevSynced), this.#o.now()) - this.#o.lookbackMs),
          );
        }
        if (hook) {
          await this.#save();
          this.#o.log(this.#line());
          await hook.run(this.#kept(), signal);
        }
        while (!hook && !signal.aborted) {
          await this.#save();
          this.#o.log(this.#line());
          await pause(this.#o.pollIntervalMs, signal);
          if (signal.aborted) break;
          await this.#poll();
        }
        this.#status.phase = 'stopped';
      }
    } finally {
      clearInterval(timer);
      await hook?.close();
    }
    await this.#save();
    return this.snapshot();
  }

  /** The mirror as the webhook keeper drives it. */
  #kept(): KeptMirror {
    return {
      now: () => this.#o.now(),
      catchUp: (fromMs) => this.#pass(fromMs),
      copy: (id) => this.#copyNotified(id),
      synced: (ms) => {
        this.#syncedThroughMs = Math.max(this.#syncedThroughMs ?? ms, ms);
      },
      lastSeenMs: () => this.#syncedThroughMs ?? Date.parse(this.#status.from),
      onPass: async () => {
        await this.#save();
        this.#o.log(this.#line());
      },
      log: this.#o.log,
    };
  }

  /** A notified record, fetched whole and stored; false when that failed (a catch-up pass will list it). */
  async #copyNotified(id: string): Promise<boolean> {
    const failed = this.#status.failed;
    await this.#copyRecord({ id, version: 0, startMs: 0, attempts: 0 });
    return this.#status.failed === failed;
  }

  async #backfill(): Promise<void> {
    const { store, tenantId } = this.#o;
    const now = this.#o.now();
    const passStart = now;
    const first = Math.floor((now - this.#o.days * DAY) / DAY) * DAY;
    this.#status.from = new Date(first).toISOString();
    const kinds = ['records', ...logSources(this.#o.betaLogs).map((s) => `log:${s.kind}`)];
    const wanted = [];
    for (let d = first; d < now; d += DAY)
      for (const kind of kinds) wanted.push({ kind, startMs: d, endMs: d + DAY });
    await store.mirror.addWindows(tenantId, wanted);
    const all = (await store.mirror.windows(tenantId)).filter((w) => w.startMs >= first && w.startMs < now);
    this.#status.windows = { total: all.length, done: all.filter((w) => w.doneMs !== null).length };
    const open = all.filter((w) => w.doneMs === null);
    const ranges = open
      .filter((w) => w.kind === 'records')
      .map((w) => ({
        fromMs: w.startMs,
        toMs: Math.min(w.endMs, now),
        window: w.endMs <= now ? w.startMs : undefined,
      }));
    const logs = open
      .filter((w) => w.kind.startsWith('log:'))
      .map((w) => ({
        source: logSources(this.#o.betaLogs).find((s) => `log:${s.kind}` === w.kind)!,
        fromMs: w.startMs,
        toMs: Math.min(w.endMs, now),
        window: w.endMs <= now ? w.startMs : undefined,
      }));
    const [recordsOk, logsOk] = await Promise.all([this.#copyRecords(ranges), this.#copyLogs(logs)]);
    this.#status.backlog = await store.mirror.countQueued(tenantId);
    this.#status.complete = recordsOk && logsOk && this.#status.failed === 0 && this.#status.backlog === 0;
    if (this.#status.complete) this.#syncedThroughMs = passStart;
  }

  /** One keep-current pass: the look-back window listed again, its logs copied again. */
  #poll(): Promise<boolean> {
    return this.#pass(this.#o.now() - this.#o.lookbackMs);
  }

  /** Lists [from, now) again and copies its logs again; true when everything in it was copied. */
  async #pass(from: number): Promise<boolean> {
    const now = this.#o.now();
    const failedBefore = this.#status.failed;
    const logs = [];
    for (const source of logSources(this.#o.betaLogs)) {
      for (let d = Math.floor(from / DAY) * DAY; d < now; d += DAY) {
        logs.push({ source, fromMs: Math.max(d, from), toMs: Math.min(d + DAY, now), window: undefined });
      }
    }
    const [recordsOk, logsOk] = await Promise.all([
      this.#copyRecords([{ fromMs: from, toMs: now, window: undefined }]),
      this.#copyLogs(logs),
    ]);
    this.#status.backlog = await this.#o.store.mirror.countQueued(this.#o.tenantId);
    const ok = recordsOk && logsOk && this.#status.failed === failedBefore && this.#status.backlog === 0;
    if (ok) this.#syncedThroughMs = Math.max(this.#syncedThroughMs ?? now, now);
    return ok;
  }

  #fail(err: unknown): void {
    this.#status.failed += 1;
    this.#status.lastError = err instanceof Error ? err.message : String(err);
  }

  #succeeded(): void {
    this.#lastSuccessMs = this.#o.now();
  }

  /** Lists the ranges and fetches what the queue holds, `concurrency` records at a time; false when a list failed. */
  async #copyRecords(
    ranges: { fromMs: number; toMs: number; window: number | undefined }[],
  ): Promise<boolean> {
    const { store, tenantId, upstream, signal } = this.#o;
    const bell = new Bell();
    let listing = true;
    let listOk = true;
    const lister = (async () => {
      try {
        for (const r of ranges) {
          if (signal.aborted) return;
          for await (const page of upstream.list(r.fromMs, r.toMs)) {
            this.#status.listed += page.length;
            const stored = await store.mirror.storedVersions(
              tenantId,
              page.map((p) => p.id),
            );
            await store.mirror.enqueue(
              tenantId,
              page.filter((p) => (stored.get(p.id) ?? -1) < p.version),
            );
            bell.ring();
            if (signal.aborted) return;
          }
          if (r.window !== undefined) {
            await store.mirror.markWindowDone(tenantId, 'records', r.window, Date.now());
            this.#status.windows.done += 1;
          }
          this.#succeeded();
        }
      } catch (err) {
        listOk = false;
        this.#fail(err);
      } finally {
        listing = false;
        bell.ring();
      }
    })();

    // The feeder hands queued records to the workers; records taken this pass are not handed out again.
    const taken = new Set<string>();
    const channel: QueuedRecord[] = [];
    let fed = false;
    const workerBell = new Bell();
    const feeder = (async () => {
      let cursor: { startMs: number; id: string } | undefined;
      while (!signal.aborted) {
        if (channel.length >= this.#o.concurrency * 2) {
          await workerBell.wait();
          continue;
        }
        // Read before loading: a listing that ends after this load has queued its last page before ending.
        const wasListing = listing;
        const seen = bell.rings;
        const rows = (await store.mirror.queued(tenantId, 100, cursor)).filter((r) => !taken.has(r.id));
        if (rows.length === 0) {
          if (cursor) {
            cursor = undefined;
            continue;
          }
          if (!wasListing) break;
          await bell.wait(seen);
          continue;
        }
        cursor = { startMs: rows[rows.length - 1]!.startMs, id: rows[rows.length - 1]!.id };
        // What a killed run stored but had not yet taken off the queue is not fetched again.
        const stored = await store.mirror.storedVersions(
          tenantId,
          rows.map((r) => r.id),
        );
        for (const r of rows) {
          taken.add(r.id);
          if ((stored.get(r.id) ?? -1) >= r.version) await store.mirror.dequeue(tenantId, r.id, r.version);
          else channel.push(r);
        }
        workerBell.ring();
      }
      fed = true;
      workerBell.ring();
    })();

    const worker = async () => {
      for (;;) {
        const item = channel.shift();
        if (!item) {
          if (fed || signal.aborted) {
            workerBell.ring();
            return;
          }
          await workerBell.wait();
          continue;
        }
        workerBell.ring();
        await this.#copyRecord(item);
      }
    };
    await Promise.all([lister, feeder, ...Array.from({ length: this.#o.concurrency }, worker)]);
    return listOk;
  }

  async #copyRecord(item: QueuedRecord): Promise<void> {
    const { store, tenantId, upstream } = this.#o;
    try {
      const raw = await upstream.record(item.id);
      if (!raw) {
        // Past the upstream's retention between listing and fetching: nothing left to copy.
        this.#status.gone += 1;
        await store.mirror.dequeue(tenantId, item.id, Number.MAX_SAFE_INTEGER);
        return;
      }
      const doc = normalizeCallRecord(this.#o.pseudonymizer ? this.#o.pseudonymizer.apply(raw) : raw);
      const [outcome] = await store.upsertCallRecords(tenantId, [doc]);
      await store.mirror.dequeue(tenantId, item.id, Number(doc.version ?? 0));
      this.#status[outcome ?? 'ignored'] += 1;
      this.#succeeded();
      this.#progress();
    } catch (err) {
      this.#fail(err instanceof IngestError ? new Error(`record ${item.id}: ${err.message}`) : err);
      await store.mirror.addAttempt(tenantId, item.id).catch(() => undefined);
    }
  }

  async #copyLogs(
    jobs: { source: LogSource; fromMs: number; toMs: number; window: number | undefined }[],
  ): Promise<boolean> {
    const { store, tenantId, upstream, signal } = this.#o;
    let ok = true;
    for (const job of jobs) {
      if (signal.aborted) return ok;
      try {
        const rows = await upstream.log(job.source.version, job.source.fn, job.fromMs, job.toMs);
        const normalized = rows.map((r) =>
          normalizeLogRow(job.source.kind, this.#o.pseudonymizer ? this.#o.pseudonymizer.apply(r) : r),
        );
        // The store takes the Graph row shapes; normalization has checked every property against them.
        await store.logs.insert(tenantId, { [job.source.kind]: normalized });
        this.#status.logRows += rows.length;
        if (job.window !== undefined) {
          await store.mirror.markWindowDone(tenantId, `log:${job.source.kind}`, job.window, Date.now());
          this.#status.windows.done += 1;
        }
        this.#succeeded();
      } catch (err) {
        ok = false;
        this.#fail(err instanceof IngestError ? new Error(`${job.source.fn}: ${err.message}`) : err);
      }
    }
    return ok;
  }

  #progress(): void {
    const s = this.#status;
    const done = s.created + s.updated + s.ignored;
    this.#o.onProgress?.(done, done + Math.max(0, s.listed - done - s.gone));
  }

  /** The status as of now (counters, lag, backlog). */
  snapshot(): MirrorStatus {
    const s = this.#status;
    const c = this.#o.counters;
    const now = this.#o.now();
    s.requests = c.requests;
    s.retries = c.retries;
    s.throttled = c.throttled;
    // The client counts on the real clock; the status speaks the upstream's time, like every other instant in it.
    s.lastThrottledAt = iso(c.lastThrottledMs === null ? null : c.lastThrottledMs + (now - Date.now()));
    s.serverErrors = c.serverErrors;
    s.dropped = c.dropped;
    s.budgetWaitMs = Math.round(this.#o.budgetWaitMs());
    s.lastSuccessAt = iso(this.#lastSuccessMs);
    s.syncedThrough = iso(this.#syncedThroughMs);
    s.lagSeconds =
      this.#syncedThroughMs === null ? null : Math.max(0, Math.round((now - this.#syncedThroughMs) / 1000));
    s.seconds = Math.round((Date.now() - this.#startedReal) / 100) / 10;
    s.recordsPerSecond = s.seconds > 0 ? Math.round(((s.created + s.updated) / s.seconds) * 10) / 10 : 0;
    const hook = this.#o.webhook?.status;
    return {
      ...s,
      windows: { ...s.windows },
      ...(hook ? { webhook: { ...hook, lifecycle: { ...hook.lifecycle } } } : {}),
    };
  }

  async #save(): Promise<void> {
    const s = this.snapshot();
    s.backlog = await this.#o.store.mirror.countQueued(this.#o.tenantId);
    this.#status.backlog = s.backlog;
    await this.#o.store.mirror.putState(
      this.#o.tenantId,
      this.#o.upstream.base,
      Date.now(),
      JSON.stringify(s),
    );
  }

  #line(): string {
    return statusLine(this.snapshot());
  }
}
