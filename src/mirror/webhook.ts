// Keeping current through change notifications: the mirror serves its own endpoint (receiver.ts), holds one
// subscription on the upstream's `/communications/callRecords`, and fetches each record it is told of. Graph's
// notifications are a hint, not a log: they can be lost (the endpoint was down, `missed`), the subscription can
// go (`subscriptionRemoved`, expiry), and some versions are never notified. So whenever a gap is possible the
// mirror lists again from the last instant it knew itself current minus the look-back, and a slow scheduled pass
// (the polling of the other mode, less often) copies the telephony logs and anything else notifications missed.
import { randomBytes } from 'node:crypto';
import { digest, NotificationReceiver, sameSecret, type LifecycleEvent } from './receiver.js';
import { MAX_SUBSCRIPTION_MS, type SubscriptionClient } from './subscription.js';

/** What the keeper needs of the mirror (src/mirror/mirror.ts). */
export interface KeptMirror {
  /** The upstream's now. */
  now(): number;
  /** A list pass over [fromMs, now): records and logs; true when everything in it was copied. */
  catchUp(fromMs: number): Promise<boolean>;
  /** Fetches and stores one record; false when that failed. */
  copy(id: string): Promise<boolean>;
  /** Everything that started before this instant and was announced is stored. */
  synced(ms: number): void;
  /** The instant the mirror last knew itself current (for a catch-up's start). */
  lastSeenMs(): number;
  /** After a pass: the status saved and logged. */
  onPass(): Promise<void>;
  log(line: string): void;
}

export interface WebhookStatus {
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  subscriptionId: string | null;
  expiresAt: string | null;
  /** Change notifications accepted (each names one record). */
  notifications: number;
  /** Notification items refused: wrong clientState or tenant, or unreadable. */
  rejected: number;
  lifecycle: Record<LifecycleEvent, number>;
  renewals: number;
  recreations: number;
  catchUps: number;
  lastNotificationAt: string | null;
  lastCatchUpFrom: string | null;
  lastSubscriptionError: string | null;
}

export interface WebhookOptions {
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  listen: { host: string; port: number };
  tenantId: string;
  subscriptions: SubscriptionClient;
  /** Records fetched at a time. */
  concurrency: number;
  lookbackMs: number;
  /** Between scheduled list passes, on the upstream's clock. */
  passIntervalMs: number;
  /** Asked-for lifetime of the subscription (default: Graph's maximum less half an hour, for clock skew). */
  lifetimeMs?: number;
  /** Real ms between checks of the clock and the lifecycle events. */
  tickMs?: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Retries of a failed subscription request or pass: 5 s doubling, at most 5 minutes (real time). */
const backoffMs = (failures: number) => Math.min(300_000, 5000 * 2 ** Math.max(0, failures - 1));

export class WebhookKeeper {
  readonly #o: WebhookOptions;
  readonly #lifetimeMs: number;
  readonly #receiver: NotificationReceiver;
  #current: { id: string; state: Buffer; expirationMs: number } | undefined;
  /** clientStates of creations in flight: a notification can beat the creation's answer. */
  readonly #pending = new Set<Buffer>();
  readonly #ids = new Set<string>();
  readonly #events: LifecycleEvent[] = [];
  readonly #waiters = new Set<() => void>();
  #renewNow = false;
  #inflight = 0;
  #copyFailed = false;
  #stopping = false;
  #workers: Promise<void>[] = [];
  #subscriptionFailures = 0;
  #nextSubscriptionAttempt = 0;
  #passFailures = 0;
  #nextPassAttempt = 0;
  #lastPassMs: number | undefined;
  #port = 0;
  readonly status: WebhookStatus;

  constructor(o: WebhookOptions) {
    this.#o = o;
    this.#lifetimeMs = o.lifetimeMs ?? MAX_SUBSCRIPTION_MS - 30 * 60_000;
    this.status = {
      notificationUrl: o.notificationUrl,
      lifecycleNotificationUrl: o.lifecycleNotificationUrl,
      subscriptionId: null,
      expiresAt: null,
      notifications: 0,
      rejected: 0,
      lifecycle: { reauthorizationRequired: 0, subscriptionRemoved: 0, missed: 0 },
      renewals: 0,
      recreations: 0,
      catchUps: 0,
      lastNotificationAt: null,
      lastCatchUpFrom: null,
      lastSubscriptionError: null,
    };
    const paths = [
      ...new Set([o.notificationUrl, o.lifecycleNotificationUrl].map((u) => new URL(u).pathname)),
    ];
    this.#receiver = new NotificationReceiver({
      host: o.listen.host,
      port: o.listen.port,
      paths,
      tenantId: o.tenantId,
      handlers: {
        accepts: (clientState) =>
          [...this.#pending, ...(this.#current ? [this.#current.state] : [])].some((s) =>
            sameSecret(clientState, s),
          ),
        onChange: (id) => {
          this.status.notifications += 1;
          this.status.lastNotificationAt = new Date().toISOString();
          this.#ids.add(id);
          this.#ring();
        },
        onLifecycle: (event) => {
          this.status.lifecycle[event] += 1;
          this.#events.push(event);
          this.#ring();
        },
        onRejected: (n) => {
          this.status.rejected += n;
        },
      },
    });
  }

  /** The port listened on. */
  get port(): number {
    return this.#port;
  }

  /** Wakes the workers and the loop: a notification, a lifecycle event, or the stop. */
  #ring(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }

  /** Resolves at the next ring, after `ms`, or when the signal aborts. */
  #sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
      this.#waiters.add(done);
    });
  }

  /**
   * Listens, creates the subscription (the upstream's handshake reaches the endpoint through its public URL) and
   * starts fetching what is notified. Throws when the endpoint cannot be served or the upstream cannot validate it.
   */
  async open(m: KeptMirror): Promise<void> {
    this.#port = await this.#receiver.listen();
    this.#workers = Array.from({ length: this.#o.concurrency }, () => this.#worker(m));
    try {
      await this.#create(m);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async #worker(m: KeptMirror): Promise<void> {
    for (;;) {
      if (this.#stopping) return;
      const id = this.#ids.values().next().value;
      if (id === undefined) {
        await this.#sleep(60_000);
        continue;
      }
      this.#ids.delete(id);
      this.#inflight += 1;
      try {
        if (!(await m.copy(id))) this.#copyFailed = true;
      } finally {
        this.#inflight -= 1;
      }
    }
  }

  async #create(m: KeptMirror): Promise<void> {
    const clientState = randomBytes(32).toString('base64url');
    const state = digest(clientState);
    this.#pending.add(state);
    try {
      const sub = await this.#o.subscriptions.create({
        notificationUrl: this.#o.notificationUrl,
        lifecycleNotificationUrl: this.#o.lifecycleNotificationUrl,
        clientState,
        expirationMs: m.now() + this.#lifetimeMs,
      });
      this.#current = { id: sub.id, state, expirationMs: sub.expirationMs };
      this.status.subscriptionId = sub.id;
      this.status.expiresAt = iso(sub.expirationMs);
    } finally {
      this.#pending.delete(state);
    }
    m.log(`mirror ${this.#o.tenantId}: subscription ${this.#current.id} until ${this.status.expiresAt}`);
    // Others pointing at this endpoint (an earlier run's, or a creation retried after a lost answer) can no longer
    // be verified: their clientState is gone with the process that made it.
    for (const s of await this.#o.subscriptions.list()) {
      if (s.id !== this.#current.id && s.notificationUrl === this.#o.notificationUrl) {
        await this.#o.subscriptions.remove(s.id);
        m.log(`mirror ${this.#o.tenantId}: deleted stale subscription ${s.id}`);
      }
    }
  }

  async #renew(m: KeptMirror): Promise<void> {
    const cur = this.#current;
    if (!cur) return;
    const renewed = await this.#o.subscriptions.renew(cur.id, m.now() + this.#lifetimeMs);
    if (!renewed) {
      // Gone upstream without a lifecycle notification reaching us: made again below, with a catch-up.
      this.#current = undefined;
      this.status.subscriptionId = null;
      this.status.expiresAt = null;
      return;
    }
    cur.expirationMs = renewed.expirationMs;
    this.status.expiresAt = iso(renewed.expirationMs);
    this.status.renewals += 1;
  }

  /** Keeps current until the signal aborts. */
  async run(m: KeptMirror, signal: AbortSignal): Promise<void> {
    this.#lastPassMs = m.now();
    while (!signal.aborted) {
      await this.#tick(m);
      if (signal.aborted) break;
      await this.#sleep(this.#o.tickMs ?? 250, signal);
    }
  }

  async #tick(m: KeptMirror): Promise<void> {
    const now = m.now();
    let gap = false;
    for (const event of this.#events.splice(0)) {
      if (event === 'subscriptionRemoved') {
        this.#current = undefined;
        this.status.subscriptionId = null;
        this.status.expiresAt = null;
        this.#nextSubscriptionAttempt = 0;
      } else if (event === 'missed') gap = true;
      else this.#renewNow = true;
    }
    // Renewal when half the lifetime is left, or at once when the upstream asks for reauthorization.
    const cur = this.#current;
    if (!cur || this.#renewNow || now >= cur.expirationMs - this.#lifetimeMs / 2) {
      if (Date.now() >= this.#nextSubscriptionAttempt) {
        const wasLive = cur !== undefined;
        try {
          if (cur) await this.#renew(m);
          this.#renewNow = false;
          if (!this.#current) {
            await this.#create(m);
            this.status.recreations += 1;
            gap = true;
          }
          this.#subscriptionFailures = 0;
          this.status.lastSubscriptionError = null;
        } catch (err) {
          this.#subscriptionFailures += 1;
          this.#nextSubscriptionAttempt = Date.now() + backoffMs(this.#subscriptionFailures);
          this.status.lastSubscriptionError = errorText(err);
          m.log(
            `mirror ${this.#o.tenantId}: ${wasLive ? 'renewing' : 'creating'} the subscription failed, ` +
              `listing until it works: ${errorText(err)}`,
          );
        }
      }
    }
    if (this.#copyFailed) {
      this.#copyFailed = false;
      gap = true;
    }
    // Without a subscription, scheduled passes are the only source: polling, at the pass interval.
    const due = now - (this.#lastPassMs ?? now) >= this.#o.passIntervalMs;
    if ((gap || due || this.#passFailures > 0) && Date.now() >= this.#nextPassAttempt) {
      const from = Math.min(m.lastSeenMs(), now) - this.#o.lookbackMs;
      this.status.catchUps += 1;
      this.status.lastCatchUpFrom = iso(from);
      const ok = await m.catchUp(from);
      this.#lastPassMs = now;
      if (ok) this.#passFailures = 0;
      else {
        this.#passFailures += 1;
        this.#nextPassAttempt = Date.now() + backoffMs(this.#passFailures);
      }
      await m.onPass();
      return;
    }
    const drained = this.#ids.size === 0 && this.#inflight === 0 && !this.#copyFailed;
    if (this.#current && this.#passFailures === 0 && drained && this.#events.length === 0) m.synced(now);
  }

  /** Stops fetching, deletes the subscription (its clientState dies with this process) and stops listening. */
  async close(): Promise<void> {
    this.#stopping = true;
    this.#ring();
    await Promise.all(this.#workers);
    const cur = this.#current;
    this.#current = undefined;
    if (cur) {
      await Promise.race([
        this.#o.subscriptions.remove(cur.id).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
      ]);
      this.status.subscriptionId = null;
      this.status.expiresAt = null;
    }
    await this.#receiver.close();
  }
}
