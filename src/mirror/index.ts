// One mirror set up from its options, for the CLI (`callrecords mirror`) and for the server's mirror jobs: the
// upstream and authority URLs checked, the credential read, the HTTP client, tokens, pacing and the copy loop.
import { readFileSync } from 'node:fs';
import type { Store } from '../store/index.js';
import { Pacer } from './budget.js';
import { checkBaseUrl, HttpClient, isLoopbackHost } from './http.js';
import { Mirror } from './mirror.js';
import type { MirrorStatus } from './status.js';
import { Pseudonymizer } from './pseudonymize.js';
import { SubscriptionClient } from './subscription.js';
import { TokenSource, type Credential } from './token.js';
import { CLOUDS, Upstream, type CloudName } from './upstream.js';
import { WebhookKeeper } from './webhook.js';

export { statusLine, type MirrorStatus } from './status.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MirrorJobOptions {
  upstream?: string;
  authority?: string;
  cloud?: CloudName;
  tenant: string;
  clientId: string;
  clientSecret?: string;
  /** A PEM holding the certificate and its key, or the path of a file holding it. */
  certificate?: string;
  scope?: string;
  days: number;
  betaLogs?: boolean;
  pseudonymizeKey?: string;
  concurrency?: number;
  pollIntervalSeconds?: number;
  lookbackHours?: number;
  /** The upstream's current time now (an upstream on a virtual clock). */
  now?: string;
  allowNetwork?: string[];
  maxAttempts?: number;
  /** The mirrored tenant's retention: days, or null for unlimited (what a new mirrored tenant gets). */
  retentionDays?: number | null;
  /** Keep current through change notifications sent to this public URL (served by the mirror, see `listen`). */
  notificationUrl?: string;
  /** Where lifecycle notifications go (default: the notification URL's path + `/lifecycle`). */
  lifecycleNotificationUrl?: string;
  /** `host:port` the endpoint listens on (default: the URL's own for a loopback URL, else 127.0.0.1:8090). */
  listen?: string;
  /** The upstream's clock, for an upstream in this process on a virtual clock (tests); overrides `now`. */
  clock?: () => number;
}

/** The listen address of the webhook endpoint: `host:port`, `[v6]:port` or a port alone. */
export function parseListen(raw: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(raw) ?? /^()()(\d{1,5})$/.exec(raw);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new Error(`--listen: '${raw}' is not host:port`);
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

interface WebhookPlan {
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  listen: { host: string; port: number };
}

/** Checks the webhook options: https (http only for loopback hosts), no credentials, query or fragment. */
function webhookPlan(o: MirrorJobOptions): WebhookPlan | undefined {
  if (o.notificationUrl === undefined) {
    if (o.lifecycleNotificationUrl !== undefined || o.listen !== undefined)
      throw new Error('--lifecycle-url and --listen need --notification-url');
    return undefined;
  }
  const url = checkBaseUrl(o.notificationUrl, '--notification-url');
  const lifecycle =
    o.lifecycleNotificationUrl === undefined
      ? new URL(`${url.pathname.replace(/\/+$/, '')}/lifecycle`, url)
      : checkBaseUrl(o.lifecycleNotificationUrl, '--lifecycle-url');
  if (lifecycle.href === url.href) throw new Error('--lifecycle-url: must differ from --notification-url');
  const listen =
    o.listen !== undefined
      ? parseListen(o.listen)
      : isLoopbackHost(url.hostname)
        ? {
            host: url.hostname.replace(/^\[|\]$/g, ''),
            port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          }
        : { host: '127.0.0.1', port: 8090 };
  return { notificationUrl: url.href, lifecycleNotificationUrl: lifecycle.href, listen };
}

/** The Graph base URL without a version segment (`https://graph.microsoft.com/v1.0` is taken too). */
function graphBase(raw: string): string {
  const url = checkBaseUrl(raw, '--upstream');
  const path = url.pathname.replace(/\/+$/, '').replace(/\/(v1\.0|beta)$/i, '');
  return `${url.origin}${path}`;
}

/** The token endpoint of an authority (`https://login.microsoftonline.com`, with or without the tenant). */
function tokenUrl(raw: string, tenantId: string): { url: string; origin: URL } {
  const url = checkBaseUrl(raw, '--authority');
  let path = url.pathname.replace(/\/+$/, '');
  if (/\/oauth2\/v2\.0\/token$/.test(path)) return { url: `${url.origin}${path}`, origin: url };
  if (!path.toLowerCase().endsWith(`/${tenantId}`)) path += `/${tenantId}`;
  return { url: `${url.origin}${path}/oauth2/v2.0/token`, origin: url };
}

function credential(o: MirrorJobOptions): Credential {
  if (o.clientSecret !== undefined && o.certificate !== undefined) {
    throw new Error('give either --client-secret or --certificate, not both');
  }
  if (o.certificate !== undefined) {
    const pem = o.certificate.includes('-----BEGIN') ? o.certificate : readFileSync(o.certificate, 'utf8');
    return { kind: 'certificate', pem };
  }
  if (o.clientSecret === undefined || o.clientSecret === '') {
    throw new Error(
      'a credential is needed: --client-secret (or CALLRECORDS_MIRROR_CLIENT_SECRET) or --certificate',
    );
  }
  return { kind: 'secret', secret: o.clientSecret };
}

export interface RunOptions {
  store: Store;
  once: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
  onProgress?: (done: number, total: number) => void;
}

export class MirrorJob {
  readonly tenantId: string;
  readonly #o: MirrorJobOptions;
  readonly #base: string;
  readonly #participants: boolean;
  readonly #now: () => number;
  readonly #webhook: WebhookPlan | undefined;
  readonly #http: HttpClient;
  readonly #pacer = new Pacer();
  readonly #tokens: TokenSource;
  readonly #pseudonymizer: Pseudonymizer | undefined;

  /** Checks every option; throws an Error naming the one that is wrong. */
  constructor(o: MirrorJobOptions) {
    if (!GUID.test(o.tenant)) throw new Error('--tenant: a tenant id (GUID) is required');
    if (!o.clientId) throw new Error('--client-id is required');
    this.#o = o;
    this.tenantId = o.tenant.toLowerCase();
    const cloudName = o.cloud ?? 'global';
    const cloud = CLOUDS[cloudName];
    this.#base = graphBase(o.upstream ?? cloud.graph);
    // participants_v2 is served in the global cloud only.
    this.#participants = cloud.participants;
    const token = tokenUrl(o.authority ?? cloud.authority, this.tenantId);
    const cred = credential(o);
    let offsetMs = 0;
    if (o.now !== undefined) {
      const at = Date.parse(o.now);
      if (Number.isNaN(at)) throw new Error(`--now: '${o.now}' is not a date-time`);
      offsetMs = at - Date.now();
    }
    this.#now = o.clock ?? (() => Date.now() + offsetMs);
    this.#webhook = webhookPlan(o);
    this.#pseudonymizer = o.pseudonymizeKey === undefined ? undefined : new Pseudonymizer(o.pseudonymizeKey);
    this.#http = new HttpClient({
      origins: [new URL(this.#base), token.origin],
      ...(o.maxAttempts === undefined ? {} : { maxAttempts: o.maxAttempts }),
      ...(o.allowNetwork ? { allow: o.allowNetwork } : {}),
    });
    this.#tokens = new TokenSource({
      http: this.#http,
      tokenUrl: token.url,
      clientId: o.clientId,
      credential: cred,
      scope: o.scope ?? 'https://graph.microsoft.com/.default',
      // A client assertion's times are the authority's.
      now: () => this.#now(),
    });
  }

  get upstream(): string {
    return this.#base;
  }

  /** Gets a token: a wrong credential fails here, with the identity platform's reason. */
  async checkCredential(): Promise<void> {
    await this.#tokens.token();
  }

  /** Backfills, then (unless `once`) keeps current until the signal aborts. */
  async run(r: RunOptions): Promise<MirrorStatus> {
    const { store } = r;
    if (this.#o.retentionDays !== undefined) {
      if (!(await store.getTenant(this.tenantId))) {
        await store.createTenant({
          id: this.tenantId,
          displayName: `Mirror of ${new URL(this.#base).host}`,
          createdMs: Date.now(),
        });
      }
      await store.mirror.setRetention(this.tenantId, this.#o.retentionDays);
    }
    const mirror = new Mirror({
      store,
      upstream: new Upstream({
        http: this.#http,
        tokens: this.#tokens,
        pacer: this.#pacer,
        base: this.#base,
        participants: this.#participants,
      }),
      counters: this.#http.counters,
      budgetWaitMs: () => this.#pacer.waitedMs,
      tenantId: this.tenantId,
      days: this.#o.days,
      now: this.#now,
      once: r.once,
      betaLogs: this.#o.betaLogs === true,
      ...(this.#pseudonymizer ? { pseudonymizer: this.#pseudonymizer } : {}),
      concurrency: this.#o.concurrency ?? 4,
      pollIntervalMs: (this.#o.pollIntervalSeconds ?? 300) * 1000,
      lookbackMs: (this.#o.lookbackHours ?? 48) * 3_600_000,
      ...(this.#webhook && !r.once ? { webhook: this.#keeper(this.#webhook) } : {}),
      signal: r.signal,
      log: r.log,
      ...(r.onProgress ? { onProgress: r.onProgress } : {}),
    });
    return mirror.run();
  }

  /** Webhook mode: the endpoint and subscription of one run; scheduled passes hourly unless told otherwise. */
  #keeper(plan: WebhookPlan): WebhookKeeper {
    return new WebhookKeeper({
      ...plan,
      tenantId: this.tenantId,
      subscriptions: new SubscriptionClient({ http: this.#http, tokens: this.#tokens, base: this.#base }),
      concurrency: this.#o.concurrency ?? 4,
      lookbackMs: (this.#o.lookbackHours ?? 48) * 3_600_000,
      passIntervalMs: (this.#o.pollIntervalSeconds ?? 3600) * 1000,
    });
  }

  close(): void {
    this.#http.close();
  }
}
