// The change-notification dispatcher. Each pass: fan the store's outbox out into per-subscription queues, expire
// subscriptions and queue lifecycle notifications, then start one delivery per subscription that has something due,
// up to a global concurrency limit. A subscription never has two requests in flight, and a slow or failing receiver
// only holds its own slot for at most the delivery timeout, so it never delays the others. Passes run on a timer and
// whenever kicked (records written, clock moved, a delivery finished); they never overlap. See README.md.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { OutboundPolicy } from '../net/outbound-policy.js';
import type { QueueItem, RetryPlan, Store } from '../store/index.js';
import { retryDelayMs } from './backoff.js';
import { post } from './http.js';
import { DeliveryMetrics } from './metrics.js';
import {
  changeNotificationCollection,
  isLifecycleEvent,
  lifecycleNotificationCollection,
} from './payload.js';
import { redactUrl } from './urls.js';
import { changeFor } from './change.js';

export interface NotifyLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface NotifierOptions {
  store: Store;
  clock: Clock;
  log: NotifyLogger;
  /** Virtual ms between a record's write and its notification. */
  delayMs: number;
  /** Real ms a receiver has to acknowledge (2xx) a notification. */
  deliveryTimeoutMs: number;
  /** Virtual ms a notification is retried before it is dropped and `missed` is sent. */
  maxRetryMs: number;
  concurrency: number;
  /** Where deliveries may go (checked at every connection). */
  outbound: OutboundPolicy;
  /** Real ms between passes when nothing kicks (default 1000). */
  pollMs?: number;
  /** Notifications per POST (default 100). */
  batchSize?: number;
  /** reauthorizationRequired this long before expiry, at most half the lifetime (default 15 minutes). */
  reauthorizeLeadMs?: number;
  random?: () => number;
  /** This instance's name in the queue's claims (instances on one database each have their own). */
  instanceId?: string;
  /**
   * Real ms an instance's claim on queued items lasts (default 60 s; at least the delivery timeout plus 2 s): when
   * it dies mid-delivery, the items are sent again by another instance after this long.
   */
  leaseMs?: number;
  /** Fault injection: delay, drop or duplicate a delivery; consulted before each POST. */
  deliveryFault?: (d: { tenantId: string; appId: string }) => DeliveryFault | undefined;
}

export interface DeliveryFault {
  /** For logs: the rule id and effect. */
  label: string;
  latencyMs?: number;
  drop?: boolean;
  duplicate?: boolean;
}

const FAN_OUT_BATCH = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Notifier {
  readonly #o: NotifierOptions;
  readonly metrics = new DeliveryMetrics();
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #abort = new AbortController();
  #pass: Promise<void> = Promise.resolve();
  #kicked = false;
  #timer: NodeJS.Timeout | undefined;
  #metricsTimer: NodeJS.Timeout | undefined;
  #lastHousekeeping = 0;
  #stopped = false;
  readonly #owner: string;
  readonly #leaseMs: number;

  constructor(o: NotifierOptions) {
    this.#o = o;
    this.#owner = o.instanceId ?? randomUUID();
    this.#leaseMs = Math.max(o.leaseMs ?? 60_000, o.deliveryTimeoutMs + 2000);
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => this.kick(), this.#o.pollMs ?? 1000);
    this.#timer.unref();
    this.#metricsTimer = setInterval(() => this.#logMetrics(), 60_000);
    this.#metricsTimer.unref();
    this.kick();
  }

  /** Asks for a pass soon; kicks that arrive while one is pending coalesce. */
  kick(): void {
    if (this.#stopped || this.#kicked) return;
    this.#kicked = true;
    setImmediate(() => {
      this.#kicked = false;
      void this.runOnce();
    });
  }

  /** One pass now (after the one running); resolves when its deliveries have started. */
  runOnce(): Promise<void> {
    this.#pass = this.#pass
      .then(() => this.#once())
      .catch((err: unknown) => this.#o.log.error({ err }, 'change notifications: pass failed'));
    return this.#pass;
  }

  /** Runs passes until nothing is due and nothing is in flight (for tests and shutdown-free waits). */
  async idle(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.runOnce();
      await Promise.all(this.#inflight.values());
      const next = await this.#o.store.notifications.nextAttemptMs();
      if (this.#inflight.size === 0 && (next === undefined || next > this.#o.clock.now())) return;
      if (Date.now() > until) throw new Error('change notifications did not become idle');
      await sleep(10);
    }
  }

  /**
   * Stops passes and aborts requests in flight; their items stay queued, as after a crash, and their claims are
   * given back so that another instance sends them at once rather than after the lease.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#metricsTimer) clearInterval(this.#metricsTimer);
    this.#abort.abort();
    await this.#pass;
    await Promise.all(this.#inflight.values());
    try {
      const released = await this.#o.store.notifications.releaseAll(this.#owner);
      if (released > 0) this.#o.log.info({ items: released }, 'change notifications: claims returned');
    } catch (err) {
      this.#o.log.warn({ err }, 'change notifications: claims not returned (they lapse with their lease)');
    }
    this.#logMetrics();
  }

  async #once(): Promise<void> {
    if (this.#stopped) return;
    const { store, clock } = this.#o;
    const now = clock.now();
    for (let n = FAN_OUT_BATCH; n === FAN_OUT_BATCH;) {
      n = await store.notifications.fanOut({
        nowMs: now,
        delayMs: this.#o.delayMs,
        limit: FAN_OUT_BATCH,
        changeFor,
      });
    }
    for (const s of await store.subscriptions.expireDue(now)) {
      this.#o.log.info({ subscriptionId: s.id, tenantId: s.tenantId }, 'subscription expired');
    }
    await store.subscriptions.queueReauthorization(now, this.#o.reauthorizeLeadMs ?? 15 * 60_000);
    if (Date.now() - this.#lastHousekeeping > 60_000) {
      this.#lastHousekeeping = Date.now();
      await store.subscriptions.purgeRemoved();
      await store.subscriptions.trimAttempts(1000);
    }
    const free = this.#o.concurrency - this.#inflight.size;
    if (free <= 0) return;
    const inflight = new Set(this.#inflight.keys());
    for (const d of await store.notifications.dueSubscriptions(now, free, inflight, Date.now())) {
      const key = `${d.tenantId}/${d.subscriptionId}`;
      const run = this.#deliver(d.tenantId, d.subscriptionId)
        .catch((err: unknown) =>
          this.#o.log.error({ err, subscriptionId: d.subscriptionId }, 'delivery failed'),
        )
        .finally(() => {
          this.#inflight.delete(key);
          this.kick();
        });
      this.#inflight.set(key, run);
    }
  }

  async #deliver(tenantId: string, subscriptionId: string): Promise<void> {
    const { store, clock } = this.#o;
    const now = clock.now();
    const realNow = Date.now();
    const due = await store.notifications.claim(tenantId, subscriptionId, now, this.#o.batchSize ?? 100, {
      owner: this.#owner,
      realNowMs: realNow,
      leaseUntilMs: realNow + this.#leaseMs,
    });
    if (due.length === 0) return; // nothing due, or another instance is delivering to this subscription
    const sub = await store.subscriptions.get(tenantId, subscriptionId);
    const lifecycle = isLifecycleEvent(due[0]!.event);
    const batch = due.filter((i) => isLifecycleEvent(i.event) === lifecycle);
    const rest = due.filter((i) => isLifecycleEvent(i.event) !== lifecycle).map((i) => i.itemId);
    if (rest.length > 0) await store.notifications.release(tenantId, subscriptionId, rest);
    const url = lifecycle ? sub?.lifecycleUrl : sub?.notificationUrl;
    // Nothing to send to (no lifecycle URL, or the subscription is gone): the items are done.
    if (!sub || !url || (!lifecycle && sub.removedMs !== null)) {
      await store.notifications.complete(
        tenantId,
        subscriptionId,
        batch.map((i) => i.itemId),
      );
      return;
    }
    const body = lifecycle
      ? lifecycleNotificationCollection(sub, batch)
      : changeNotificationCollection(sub, batch);
    const attempt = Math.max(...batch.map((i) => i.attempts)) + 1;
    const fault = this.#o.deliveryFault?.({ tenantId, appId: sub.appId });
    if (fault)
      this.#o.log.warn({ tenantId, subscriptionId, fault: fault.label }, 'webhook delivery fault injected');
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    const send = () =>
      post(url, {
        body,
        contentType: 'application/json; charset=utf-8',
        timeoutMs: this.#o.deliveryTimeoutMs,
        policy: this.#o.outbound,
        signal: this.#abort.signal,
      });
    // A dropped delivery is lost on the way: never sent, never retried (what a receiver must survive).
    const res = fault?.drop ? { status: 202, error: null, latencyMs: 0, injectedDrop: true } : await send();
    if (fault?.duplicate && res.status !== null && res.status >= 200 && res.status < 300) await send();
    if (res.error === 'aborted') return; // shutting down: as if the process had died mid-request
    const doneMs = Date.now();
    const ok = res.status !== null && res.status >= 200 && res.status < 300;
    const ingestMs = doneMs - Math.min(...batch.map((i) => i.writtenMs));
    const entry = {
      tenantId,
      subscriptionId,
      kind: lifecycle ? ('lifecycle' as const) : ('notification' as const),
      url: redactUrl(url),
      attempt,
      items: batch.length,
      status: res.status,
      latencyMs: res.latencyMs,
      atMs: now,
      realMs: doneMs,
    };
    const fields = { ...entry, events: [...new Set(batch.map((i) => i.event))] };
    if (ok) {
      if ('injectedDrop' in res) {
        await store.notifications.complete(
          tenantId,
          subscriptionId,
          batch.map((i) => i.itemId),
        );
        await this.#log({
          ...entry,
          status: null,
          outcome: 'dropped',
          ingestLatencyMs: null,
          error: fault!.label,
        });
        return;
      }
      await store.notifications.complete(
        tenantId,
        subscriptionId,
        batch.map((i) => i.itemId),
      );
      this.metrics.delivered(batch.length, ingestMs, res.latencyMs);
      await this.#log({ ...entry, outcome: 'delivered', ingestLatencyMs: ingestMs, error: null });
      this.#o.log.info({ ...fields, ingestLatencyMs: ingestMs }, 'webhook delivered');
      return;
    }
    const refusal = 'refusal' in res ? res.refusal : undefined;
    const error = refusal
      ? `refused by the outbound policy: ${refusal}`
      : (res.error ?? `HTTP ${res.status}`);
    const { retry, drop } = this.#plan(batch, now);
    const missed = !lifecycle && drop.length > 0 && sub.lifecycleUrl !== null && sub.removedMs === null;
    await store.notifications.fail(tenantId, subscriptionId, {
      retry,
      drop,
      ...(missed ? { missedAtMs: now } : {}),
    });
    this.metrics.failures += 1;
    await this.#log({ ...entry, outcome: 'failed', ingestLatencyMs: null, error });
    this.#o.log.warn({ ...fields, error, retrying: retry.length }, 'webhook delivery failed');
    if (drop.length > 0) {
      this.metrics.dropped += drop.length;
      await this.#log({ ...entry, items: drop.length, outcome: 'dropped', ingestLatencyMs: null, error });
      this.#o.log.warn(
        { ...fields, dropped: drop.length, missedQueued: missed },
        'webhook notifications dropped',
      );
    }
  }

  /**
   * The batch retries together, with backoff on its most-tried item, until an item has been failing for maxRetryMs;
   * that item is then dropped.
   */
  #plan(batch: QueueItem[], now: number): { retry: RetryPlan[]; drop: string[] } {
    const retry: RetryPlan[] = [];
    const drop: string[] = [];
    const nextAttemptMs = now + retryDelayMs(Math.max(...batch.map((i) => i.attempts)) + 1, this.#o.random);
    for (const item of batch) {
      const firstFailureMs = item.firstFailureMs ?? now;
      if (now - firstFailureMs >= this.#o.maxRetryMs) drop.push(item.itemId);
      else retry.push({ itemId: item.itemId, attempts: item.attempts + 1, nextAttemptMs, firstFailureMs });
    }
    return { retry, drop };
  }

  async #log(a: Omit<Parameters<Store['subscriptions']['logAttempt']>[0], 'id'>): Promise<void> {
    await this.#o.store.subscriptions.logAttempt({ id: randomUUID(), ...a });
  }

  #logMetrics(): void {
    if (!this.metrics.active) return;
    this.#o.log.info({ webhooks: this.metrics.snapshot(true) }, 'webhook delivery metrics');
  }
}
