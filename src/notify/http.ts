// Outgoing webhook requests: one POST with a hard time budget, no redirects followed, the answer read only as far
// as needed. Never throws: every outcome (status, timeout, network error, refusal) is a value. Every request goes
// through the outbound policy: checked before it starts, and its socket resolves the name through the policy, so
// the address actually connected to is the one that was checked.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { OutboundRefusedError, type OutboundPolicy } from '../net/outbound-policy.js';

export interface HttpOutcome {
  /** The HTTP status, or null when no answer came. */
  status: number | null;
  timedOut: boolean;
  /** A network error's code or message ('refused' when the outbound policy refused the target). */
  error: string | null;
  /** Why the outbound policy refused the target (for logs; never shown to the subscriber). */
  refusal?: string;
  latencyMs: number;
  contentType: string | null;
  /** The answer's text, when asked for (at most `MAX_BODY` bytes). */
  body: string | null;
}

const MAX_BODY = 64 * 1024;

export interface PostOptions {
  body: string;
  contentType: string;
  timeoutMs: number;
  policy: OutboundPolicy;
  readBody?: boolean;
  /** Aborts the request (for a shutdown); the outcome then has `error: 'aborted'`. */
  signal?: AbortSignal;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}

function readText(res: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else res.destroy();
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('close', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, limit)));
    res.on('error', reject);
  });
}

function send(url: URL, o: PostOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': o.contentType, 'content-length': Buffer.byteLength(o.body) },
      lookup: o.policy.lookup,
      // One connection per request: a pooled socket would skip the lookup, and so the check, on reuse.
      agent: false,
      signal,
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end(o.body);
  });
}

export async function post(raw: string, o: PostOptions): Promise<HttpOutcome> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([timeout, o.signal]) : timeout;
  const done = (rest: Partial<HttpOutcome>): HttpOutcome => ({
    status: null,
    timedOut: false,
    error: null,
    contentType: null,
    body: null,
    ...rest,
    latencyMs: Math.round(performance.now() - started),
  });
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new OutboundRefusedError(`scheme ${url.protocol}`);
    o.policy.checkUrl(url);
    const res = await send(url, o, signal);
    const contentType = res.headers['content-type'] ?? null;
    const length = Number(res.headers['content-length'] ?? '0');
    let body: string | null = null;
    if (o.readBody && length <= MAX_BODY) body = await readText(res, MAX_BODY);
    else res.destroy();
    return done({ status: res.statusCode ?? null, contentType, body });
  } catch (err) {
    if (err instanceof OutboundRefusedError) return done({ error: 'refused', refusal: err.reason });
    if (o.signal?.aborted) return done({ error: 'aborted' });
    if (timeout.aborted) return done({ timedOut: true, error: 'timeout' });
    return done({ error: errorCode(err) });
  }
}
