// The mirror's HTTP client for one upstream: kept-alive connections whose every new socket resolves its name through
// the outbound policy, a hard time budget per attempt, and retries of what Graph asks to retry (429 and 503 with
// Retry-After, other 5xx and dropped connections with exponential backoff and jitter). After a 429 or 503 every
// request waits: Graph's budgets count the app across the tenant, not one URL.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { OutboundPolicy, OutboundRefusedError } from '../net/outbound-policy.js';

export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

/** What the client saw, for the status line and the summary. */
export interface HttpCounters {
  requests: number;
  retries: number;
  throttled: number;
  serverErrors: number;
  dropped: number;
  lastThrottledMs: number | null;
}

/** An answer that is not retried (a 4xx other than 429) or the last of too many failed attempts. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly body?: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

const RETRIED = new Set([429, 500, 502, 503, 504]);
const MAX_BODY = 256 * 1024 * 1024;

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Checks an upstream or authority URL given on the command line: https anywhere the outbound policy allows, http
 * only for loopback hosts; no credentials in it.
 */
export function checkBaseUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${what}: '${raw}' is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`${what}: ${url.protocol} is not http(s)`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(`${what}: http is accepted only for loopback hosts; use https for ${url.host}`);
  }
  if (url.username || url.password) throw new Error(`${what}: credentials in the URL are not accepted`);
  if (url.search || url.hash) throw new Error(`${what}: a base URL takes no query or fragment`);
  return url;
}

export interface HttpClientOptions {
  /** The origins requests may go to (the upstream's and the authority's); anything else is refused. */
  origins: readonly URL[];
  timeoutMs?: number;
  maxAttempts?: number;
  /** Addresses or CIDR ranges allowed although private (an upstream on the operator's network). */
  allow?: readonly string[];
  /** Called with the wait before a retry (tests shorten nothing: the waits are the real ones). */
  onRetry?: (info: { url: string; status: number | null; error?: string; waitMs: number }) => void;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as Graph sends either; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class HttpClient {
  readonly counters: HttpCounters = {
    requests: 0,
    retries: 0,
    throttled: 0,
    serverErrors: 0,
    dropped: 0,
    lastThrottledMs: null,
  };
  readonly #origins: Set<string>;
  readonly #policy: OutboundPolicy;
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #onRetry: HttpClientOptions['onRetry'];
  readonly #sleep: (ms: number) => Promise<void>;
  /** Until when every request waits (a 429 or 503 with Retry-After). */
  #pausedUntil = 0;

  constructor(o: HttpClientOptions) {
    this.#origins = new Set(o.origins.map((u) => u.origin));
    this.#policy = new OutboundPolicy({
      allowLoopback: o.origins.every((u) => isLoopbackHost(u.hostname)),
      allow: o.allow ?? [],
    });
    // Kept-alive sockets: each new one resolves and checks its address through the policy's lookup.
    this.#http = new HttpAgent({ keepAlive: true, maxSockets: 16, lookup: this.#policy.lookup });
    this.#https = new HttpsAgent({ keepAlive: true, maxSockets: 16, lookup: this.#policy.lookup });
    this.#timeoutMs = o.timeoutMs ?? 60_000;
    this.#maxAttempts = o.maxAttempts ?? 10;
    this.#onRetry = o.onRetry;
    this.#sleep = o.sleep ?? defaultSleep;
  }

  /** Refuses a URL outside the configured origins (a nextLink elsewhere must not receive the token). */
  check(raw: string): URL {
    const url = new URL(raw);
    if (!this.#origins.has(url.origin))
      throw new UpstreamError(`refused to follow a link to ${url.origin}`, null);
    this.#policy.checkUrl(url);
    return url;
  }

  /** One request with retries; resolves with the final answer of a status that is not retried. */
  async request(
    raw: string,
    o: RequestOptions = {},
    beforeEach?: () => Promise<Record<string, string>>,
  ): Promise<HttpAnswer> {
    const url = this.check(raw);
    for (let attempt = 1; ; attempt++) {
      const wait = this.#pausedUntil - Date.now();
      if (wait > 0) await this.#sleep(wait);
      const extra = beforeEach ? await beforeEach() : {};
      let answer: HttpAnswer | undefined;
      let error: string | undefined;
      this.counters.requests += 1;
      try {
        answer = await this.#once(url, { ...o, headers: { ...o.headers, ...extra } });
      } catch (err) {
        if (err instanceof OutboundRefusedError) throw new UpstreamError(err.message, null);
        error = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        this.counters.dropped += 1;
      }
      if (answer && !RETRIED.has(answer.status)) return answer;
      let waitMs: number;
      const after = answer ? retryAfterMs(answer.headers['retry-after']) : undefined;
      if (answer?.status === 429) {
        this.counters.throttled += 1;
        this.counters.lastThrottledMs = Date.now();
      } else if (answer) this.counters.serverErrors += 1;
      if (after !== undefined) {
        // A little past the instant asked for: Graph counts whole seconds.
        waitMs = after + 50;
        this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + waitMs);
      } else {
        waitMs = Math.min(30_000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      }
      if (attempt >= this.#maxAttempts) {
        throw new UpstreamError(
          `${url.pathname}: gave up after ${attempt} attempts (${answer ? `HTTP ${answer.status}` : error})`,
          answer?.status ?? null,
          answer?.text,
        );
      }
      this.counters.retries += 1;
      this.#onRetry?.({
        url: url.pathname,
        status: answer?.status ?? null,
        ...(error ? { error } : {}),
        waitMs,
      });
      await this.#sleep(waitMs);
    }
  }

  #once(url: URL, o: RequestOptions): Promise<HttpAnswer> {
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = send(url, {
        method: o.method ?? 'GET',
        headers: {
          ...o.headers,
          ...(o.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(o.body)) }),
        },
        agent: https ? this.#https : this.#http,
        timeout: this.#timeoutMs,
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) res.destroy(new Error('answer too large'));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.end(o.body);
    });
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}
