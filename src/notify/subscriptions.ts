// Subscriptions as Graph manages them for communications/callRecords: create (with the validation handshake),
// list, get, renew or move (PATCH), delete, reauthorize. A subscription belongs to the app that created it in its
// tenant; every other app or tenant gets the same 404 as for an unknown id.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/verify.js';
import { RECORD_ROLES } from '../auth/roles.js';
import type { Clock } from '../clock.js';
import { GraphError } from '../errors.js';
import type { GraphVersion } from '../graph/model/index.js';
import type { OutboundPolicy } from '../net/outbound-policy.js';
import type { Store, SubscriptionRecord } from '../store/index.js';
import { notUpdatable, parseCreateBody, parseUpdateBody, type CreateInput } from './body.js';
import type { NotifyLogger } from './dispatcher.js';
import type { DeliveryMetrics } from './metrics.js';
import { parseCallRecordsResource } from './resource.js';
import { checkNotificationUrl, redactUrl } from './urls.js';
import { handshake } from './validate.js';

/** Graph's maximum lifetime of a call records subscription. */
export const MAX_LIFETIME_MS = 4230 * 60_000;

export interface SubscriptionServiceOptions {
  store: Store;
  clock: Clock;
  log: NotifyLogger;
  metrics: DeliveryMetrics;
  /** http:// on loopback hosts (demo mode or the dev flag). */
  allowHttpLoopback: boolean;
  validationTimeoutMs: number;
  /** Where validation requests may go. */
  outbound: OutboundPolicy;
  /** Live subscriptions an app may hold in a tenant (Graph limits them per app too). */
  maxPerApp: number;
  /** Called after a change that may have queued lifecycle notifications (to wake the dispatcher). */
  onChange?: () => void;
}

type Operation = 'Create' | 'Read' | 'Update' | 'Delete';

const notSupported = (reason: string) =>
  new GraphError('subscriptionNotSupported', {
    message: `Operation: Create; Exception: [Status Code: BadRequest; Reason: ${reason}]`,
  });

const limitReached = () =>
  new GraphError('subscriptionForbidden', {
    message:
      'Operation: Create; Exception: [Status Code: Forbidden; Reason: Maximum number of subscriptions has been reached]',
  });

/** The value a subscription's read-only property has, as GET returns it. */
function currentValue(s: SubscriptionRecord, key: string): string | boolean | null | undefined {
  switch (key) {
    case 'id':
      return s.id;
    case 'resource':
      return s.resource;
    case 'applicationId':
      return s.appId;
    case 'changeType':
      return s.changeType;
    case 'clientState':
      return s.clientState;
    case 'lifecycleNotificationUrl':
      return s.lifecycleUrl;
    case 'creatorId':
      return s.creatorId;
    case 'latestSupportedTlsVersion':
      return s.latestTls;
    case 'notificationUrlAppId':
      return s.notificationUrlAppId;
    case 'includeResourceData':
    case 'encryptionCertificate':
    case 'encryptionCertificateId':
    case 'notificationQueryOptions':
    case 'notificationContentType':
      return null;
    default:
      return undefined;
  }
}

/** Whether a repeated property equals the current value (change types in any order, resources in either form). */
function sameValue(s: SubscriptionRecord, key: string, value: string | boolean | null): boolean {
  const current = currentValue(s, key);
  if (current === value) return true;
  if (typeof current !== 'string' || typeof value !== 'string') return false;
  if (key === 'id') return current.toLowerCase() === value.toLowerCase();
  if (key === 'changeType') {
    const set = (t: string) =>
      t
        .split(',')
        .map((x) => x.trim())
        .sort()
        .join(',');
    return set(current) === set(value);
  }
  if (key === 'resource') {
    const a = parseCallRecordsResource(current);
    const b = parseCallRecordsResource(value);
    return a !== undefined && b !== undefined && a.participantId === b.participantId;
  }
  return false;
}

export class SubscriptionService {
  readonly #o: SubscriptionServiceOptions;
  /** Creations in progress per tenant and app (their handshakes take time): they count against the limit. */
  readonly #creating = new Map<string, number>();

  constructor(o: SubscriptionServiceOptions) {
    this.#o = o;
  }

  async create(p: Principal, version: GraphVersion, body: unknown): Promise<SubscriptionRecord> {
    this.#authorize(p, 'Create');
    const input = parseCreateBody(body, version);
    const resource = parseCallRecordsResource(input.resource);
    if (!resource) {
      throw notSupported(
        `The resource '${input.resource}' is not supported. Use communications/callRecords, optionally with ?$filter=participants/any(p:p/id eq '{id}').`,
      );
    }
    const types = input.changeType.split(',').map((t) => t.trim());
    const unsupported = types.find((t) => t !== 'created' && t !== 'updated');
    if (unsupported !== undefined) {
      throw notSupported(
        `ChangeType '${unsupported}' is not supported for resource 'communications/callRecords'; use created, updated or both.`,
      );
    }
    if (input.includeResourceData === true) {
      throw notSupported(
        "Rich notifications (includeResourceData) are not supported for resource 'communications/callRecords'.",
      );
    }
    if (input.encryptionCertificate || input.encryptionCertificateId) {
      throw notSupported(
        "Encrypted notifications (encryptionCertificate) are not supported for resource 'communications/callRecords'.",
      );
    }
    const now = this.#o.clock.now();
    this.#checkExpiration(input.expirationMs, now);
    const urlPolicy = { allowHttpLoopback: this.#o.allowHttpLoopback };
    checkNotificationUrl(input.notificationUrl, urlPolicy);
    if (input.lifecycleNotificationUrl !== null)
      checkNotificationUrl(input.lifecycleNotificationUrl, urlPolicy);
    const id = randomUUID();
    const tenantId = p.tenantId;
    const slot = `${tenantId}/${p.appId}`;
    const live = (await this.list(p)).length + (this.#creating.get(slot) ?? 0);
    if (live >= this.#o.maxPerApp) throw limitReached();
    this.#creating.set(slot, (this.#creating.get(slot) ?? 0) + 1);
    try {
      await this.#validate(tenantId, id, [input.notificationUrl, input.lifecycleNotificationUrl]);
      return await this.#insert(p, id, input, resource.participantId, now);
    } finally {
      const left = (this.#creating.get(slot) ?? 1) - 1;
      if (left > 0) this.#creating.set(slot, left);
      else this.#creating.delete(slot);
    }
  }

  async #insert(
    p: Principal,
    id: string,
    input: CreateInput,
    participantId: string | null,
    now: number,
  ): Promise<SubscriptionRecord> {
    const tenantId = p.tenantId;
    const app = await this.#o.store.identity.getApp(tenantId, p.appId);
    const record: SubscriptionRecord = {
      tenantId,
      id,
      appId: p.appId,
      creatorId: app?.objectId ?? null,
      resource: input.resource,
      participantId,
      changeType: input.changeType,
      clientState: input.clientState,
      notificationUrl: input.notificationUrl,
      lifecycleUrl: input.lifecycleNotificationUrl,
      latestTls: input.latestSupportedTlsVersion ?? 'v1_2',
      notificationUrlAppId: input.notificationUrlAppId,
      expirationMs: input.expirationMs,
      expirationSetMs: now,
      createdMs: now,
      createdRealMs: Date.now(),
      reauthForMs: null,
      removedMs: null,
      removedReason: null,
    };
    await this.#o.store.subscriptions.create(record);
    this.#o.log.info(
      {
        subscriptionId: id,
        tenantId,
        appId: p.appId,
        resource: input.resource,
        changeType: input.changeType,
      },
      'subscription created',
    );
    return record;
  }

  async list(p: Principal): Promise<SubscriptionRecord[]> {
    this.#authorize(p, 'Read');
    const now = this.#o.clock.now();
    return (await this.#o.store.subscriptions.listLive(p.tenantId, p.appId)).filter(
      (s) => s.expirationMs > now,
    );
  }

  async get(p: Principal, id: string): Promise<SubscriptionRecord> {
    this.#authorize(p, 'Read');
    return this.#own(p, id);
  }

  async update(p: Principal, version: GraphVersion, id: string, body: unknown): Promise<SubscriptionRecord> {
    this.#authorize(p, 'Update');
    const sub = await this.#own(p, id);
    const input = parseUpdateBody(body, version);
    for (const [key, value] of input.repeated) {
      if (!sameValue(sub, key, value)) throw notUpdatable(key);
    }
    const now = this.#o.clock.now();
    if (input.expirationMs !== undefined) this.#checkExpiration(input.expirationMs, now);
    if (input.notificationUrl !== undefined && input.notificationUrl !== sub.notificationUrl) {
      checkNotificationUrl(input.notificationUrl, { allowHttpLoopback: this.#o.allowHttpLoopback });
      await this.#validate(p.tenantId, id, [input.notificationUrl]);
    }
    const patch = {
      ...(input.expirationMs === undefined ? {} : { expirationMs: input.expirationMs, expirationSetMs: now }),
      ...(input.notificationUrl === undefined ? {} : { notificationUrl: input.notificationUrl }),
    };
    await this.#o.store.subscriptions.update(p.tenantId, id, patch);
    const { repeated, ...changed } = input;
    void repeated;
    const logged = {
      ...changed,
      ...(input.notificationUrl === undefined ? {} : { notificationUrl: redactUrl(input.notificationUrl) }),
    };
    this.#o.log.info({ subscriptionId: id, tenantId: p.tenantId, ...logged }, 'subscription updated');
    return { ...sub, ...patch };
  }

  async remove(p: Principal, id: string): Promise<void> {
    this.#authorize(p, 'Delete');
    await this.#own(p, id);
    await this.#o.store.subscriptions.remove(p.tenantId, id, {
      nowMs: this.#o.clock.now(),
      reason: 'deleted',
    });
    this.#o.log.info({ subscriptionId: id, tenantId: p.tenantId }, 'subscription deleted');
    this.#o.onChange?.();
  }

  /** POST /subscriptions/{id}/reauthorize: the app still holds the permission, so nothing else is needed. */
  async reauthorize(p: Principal, id: string): Promise<void> {
    this.#authorize(p, 'Update');
    await this.#own(p, id);
  }

  #authorize(p: Principal, operation: Operation): void {
    if (p.delegated || !p.roles.some((r) => RECORD_ROLES.includes(r))) {
      throw new GraphError('subscriptionForbidden', {
        message: `Operation: ${operation}; Exception: [Status Code: Forbidden; Reason: The request is not authorized for this user or application.]`,
      });
    }
  }

  async #own(p: Principal, id: string): Promise<SubscriptionRecord> {
    const sub = await this.#o.store.subscriptions.get(p.tenantId, id.toLowerCase());
    const live = sub && sub.removedMs === null && sub.expirationMs > this.#o.clock.now();
    if (!sub || !live || sub.appId !== p.appId) throw new GraphError('subscriptionNotFound');
    return sub;
  }

  #checkExpiration(expirationMs: number, now: number): void {
    if (expirationMs <= now) {
      throw new GraphError('subscriptionExpiration', {
        message: 'Subscription expiration must be in the future.',
      });
    }
    if (expirationMs - now > MAX_LIFETIME_MS) throw new GraphError('subscriptionExpiration');
  }

  /** The handshake with each URL, in parallel; every attempt is logged; the first failure is the answer. */
  async #validate(tenantId: string, subscriptionId: string, urls: (string | null)[]): Promise<void> {
    const targets = urls.filter((u): u is string => u !== null);
    const results = await Promise.all(
      targets.map((u) => handshake(u, this.#o.validationTimeoutMs, this.#o.outbound)),
    );
    for (const [i, r] of results.entries()) {
      const url = redactUrl(targets[i]!);
      const detail = r.outcome.refusal
        ? `refused by the outbound policy: ${r.outcome.refusal}`
        : (r.outcome.error ?? (r.outcome.status === 200 ? null : `HTTP ${r.outcome.status}`));
      this.#o.metrics.validations += 1;
      if (r.error) this.#o.metrics.validationFailures += 1;
      await this.#o.store.subscriptions.logAttempt({
        tenantId,
        id: randomUUID(),
        subscriptionId,
        kind: 'validation',
        url,
        attempt: 1,
        items: 0,
        status: r.outcome.status,
        outcome: r.error ? 'rejected' : 'validated',
        latencyMs: r.outcome.latencyMs,
        ingestLatencyMs: null,
        error: r.error ? (detail ?? r.error.message) : null,
        atMs: this.#o.clock.now(),
        realMs: Date.now(),
      });
      if (r.error)
        this.#o.log.warn(
          { subscriptionId, url, status: r.outcome.status, error: detail },
          'subscription validation failed',
        );
    }
    const failed = results.find((r) => r.error);
    if (failed?.error) throw failed.error;
  }
}
