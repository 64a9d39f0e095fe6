// Outgoing webhook requests: one POST with a hard time budget, no redirects followed, the answer read only as far
// as needed. Never throws: every outcome (status, timeout, network error) is a value.

export interface HttpOutcome {
  /** The HTTP status, or null when no answer came. */
  status: number | null;
  timedOut: boolean;
  /** A network error's code or message. */
  error: string | null;
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
  readBody?: boolean;
  /** Aborts the request (for a shutdown); the outcome then has `error: 'aborted'`. */
  signal?: AbortSignal;
}

function errorCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

export async function post(url: string, o: PostOptions): Promise<HttpOutcome> {
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
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': o.contentType },
      body: o.body,
      redirect: 'manual',
      signal,
    });
    const contentType = res.headers.get('content-type');
    let body: string | null = null;
    const length = Number(res.headers.get('content-length') ?? '0');
    if (o.readBody && length <= MAX_BODY) {
      body = (await res.text()).slice(0, MAX_BODY);
    } else {
      await res.body?.cancel();
    }
    return done({ status: res.status, contentType, body });
  } catch (err) {
    if (o.signal?.aborted) return done({ error: 'aborted' });
    if (timeout.aborted) return done({ timedOut: true, error: 'timeout' });
    return done({ error: errorCode(err) });
  }
}
