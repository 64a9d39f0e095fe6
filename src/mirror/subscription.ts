// The mirror's change-notification subscription on the upstream: `/subscriptions` as Graph serves it, with the app's
// token. Create, renew (PATCH expirationDateTime), delete and list. Answers other than the expected ones are thrown
// with Graph's error code and message, never with the request (which holds the clientState).
import { randomUUID } from 'node:crypto';
import { UpstreamError, type HttpAnswer, type HttpClient, type RequestOptions } from './http.js';
import type { TokenSource } from './token.js';

/** Graph's maximum lifetime of a call records subscription (4,230 minutes). */
export const MAX_SUBSCRIPTION_MS = 4230 * 60_000;

export interface UpstreamSubscription {
  id: string;
  notificationUrl: string;
  expirationMs: number;
}

export interface NewSubscription {
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  clientState: string;
  expirationMs: number;
}

export interface SubscriptionClientOptions {
  http: HttpClient;
  tokens: TokenSource;
  /** The Graph base URL without a version segment. */
  base: string;
}

type Obj = Record<string, unknown>;

function errorText(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    return e ? `${e.code ?? ''}: ${e.message ?? ''}`.slice(0, 300) : '';
  } catch {
    return '';
  }
}

function parse(text: string): UpstreamSubscription {
  const o = JSON.parse(text) as Obj;
  const expirationMs = Date.parse(String(o.expirationDateTime));
  if (typeof o.id !== 'string' || Number.isNaN(expirationMs))
    throw new UpstreamError('the subscription answer has no id or expirationDateTime', null);
  return {
    id: o.id,
    notificationUrl: typeof o.notificationUrl === 'string' ? o.notificationUrl : '',
    expirationMs,
  };
}

export class SubscriptionClient {
  readonly #o: SubscriptionClientOptions;

  constructor(o: SubscriptionClientOptions) {
    this.#o = o;
  }

  #url(path = ''): string {
    return `${this.#o.base}/v1.0/subscriptions${path}`;
  }

  async #send(method: RequestOptions['method'], url: string, body?: Obj): Promise<HttpAnswer> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.#o.http.request(
        url,
        {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        async () => ({
          authorization: `Bearer ${await this.#o.tokens.token()}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          'client-request-id': randomUUID(),
        }),
      );
      if (res.status === 401 && attempt === 0) {
        this.#o.tokens.invalidate();
        continue;
      }
      return res;
    }
  }

  #fail(what: string, res: HttpAnswer): never {
    throw new UpstreamError(
      `${what}: HTTP ${res.status} ${errorText(res.text)}`.trim(),
      res.status,
      res.text,
    );
  }

  async create(s: NewSubscription): Promise<UpstreamSubscription> {
    const res = await this.#send('POST', this.#url(), {
      changeType: 'created,updated',
      notificationUrl: s.notificationUrl,
      lifecycleNotificationUrl: s.lifecycleNotificationUrl,
      resource: '/communications/callRecords',
      expirationDateTime: new Date(s.expirationMs).toISOString(),
      clientState: s.clientState,
    });
    if (res.status !== 201) this.#fail('creating the subscription', res);
    return parse(res.text);
  }

  /** The new expiry; undefined when the upstream no longer has the subscription. */
  async renew(id: string, expirationMs: number): Promise<UpstreamSubscription | undefined> {
    const res = await this.#send('PATCH', this.#url(`/${encodeURIComponent(id)}`), {
      expirationDateTime: new Date(expirationMs).toISOString(),
    });
    if (res.status === 404) return undefined;
    if (res.status !== 200) this.#fail('renewing the subscription', res);
    return parse(res.text);
  }

  /** Deletes a subscription; one that is gone already counts as deleted. */
  async remove(id: string): Promise<void> {
    const res = await this.#send('DELETE', this.#url(`/${encodeURIComponent(id)}`));
    if (res.status !== 204 && res.status !== 404) this.#fail('deleting the subscription', res);
  }

  /** The app's subscriptions in the tenant. */
  async list(): Promise<UpstreamSubscription[]> {
    const out: UpstreamSubscription[] = [];
    let url = this.#url();
    for (;;) {
      const res = await this.#send('GET', url);
      if (res.status !== 200) this.#fail('listing subscriptions', res);
      const page = JSON.parse(res.text) as { value?: Obj[]; '@odata.nextLink'?: string };
      for (const v of page.value ?? []) out.push(parse(JSON.stringify(v)));
      const next = page['@odata.nextLink'];
      if (typeof next !== 'string' || next === '') return out;
      url = next;
    }
  }
}
