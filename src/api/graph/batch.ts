// JSON batching: POST /v1.0/$batch and /beta/$batch, as Graph implements it. Up to 20 requests with relative URLs;
// `dependsOn` orders them (a request whose dependency failed is a 424); the rest run concurrently. Each inner
// request goes through the same pipeline as a top-level one (Fastify's inject: request ids, authentication with
// the batch's token, faults, throttling, routing, error envelope), so its entry is exactly what the request alone
// would have answered. A malformed batch is one 400, with Graph's messages.
import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../auth/authenticate.js';
import { GraphError } from '../../errors.js';
import type { GraphVersion } from '../../graph/model/index.js';
import { errorBody } from '../errors.js';
import { compressedBody } from '../http/compression.js';
import { batchParentOf, innerRequestClass, type BatchParent } from './batch-context.js';

export const MAX_BATCH_REQUESTS = 20;
const VERSIONS: readonly GraphVersion[] = ['v1.0', 'beta'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const WRITES = new Set(['POST', 'PUT', 'PATCH']);

/** Request headers an inner request never takes from its entry: they belong to the batch's connection. */
const CONNECTION_HEADERS = new Set([
  'host',
  'authorization',
  'cookie',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-authorization',
  // An entry's body is written out as JSON: it is never compressed.
  'accept-encoding',
]);

/** Response headers an entry leaves out (Graph's entries carry the resource's headers, not the transport's). */
const TRANSPORT_HEADERS = new Set([
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'date',
  'connection',
  'keep-alive',
  'vary',
  'request-id',
  'client-request-id',
  'x-ms-ags-diagnostic',
]);

/** Entry header names as Graph writes them (the official JS client reads `headers["Content-Type"]`). */
const HEADER_NAMES: Record<string, string> = {
  'cache-control': 'Cache-Control',
  'content-type': 'Content-Type',
  'odata-version': 'OData-Version',
  location: 'Location',
  'retry-after': 'Retry-After',
  'preference-applied': 'Preference-Applied',
  'www-authenticate': 'WWW-Authenticate',
  allow: 'Allow',
  'ratelimit-limit': 'RateLimit-Limit',
  'ratelimit-remaining': 'RateLimit-Remaining',
  'ratelimit-reset': 'RateLimit-Reset',
};

export interface InnerRequest {
  id: string;
  method: string;
  /** The path and query below the version, starting with '/'. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** undefined when the entry has none. */
  body: unknown;
  /** Ids of earlier requests, lower-case. */
  dependsOn: string[];
}

interface Entry {
  id: string;
  status: number;
  /** The entry as JSON text (bodies are spliced in as the pipeline wrote them). */
  json: string;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~\w-]+$/;
// eslint-disable-next-line no-control-regex
const HEADER_VALUE = /^[^\x00-\x08\x0a-\x1f\x7f]*$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const invalid = () => new GraphError('batchInvalid');

function contentTypeOf(headers: Record<string, string>): string | undefined {
  return headers['content-type'];
}

/** The relative URL of an entry, checked to stay below the version (no scheme, host, or `..` escaping it). */
function relativeUrl(version: GraphVersion, url: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(url) || url.startsWith('//') || url.startsWith('\\')) throw invalid();
  const path = url.startsWith('/') ? url : `/${url}`;
  let parsed: URL;
  try {
    parsed = new URL(`/${version}${path}`, 'http://batch.invalid');
  } catch {
    throw invalid();
  }
  const prefix = `/${version}/`;
  if (parsed.host !== 'batch.invalid' || !parsed.pathname.toLowerCase().startsWith(prefix.toLowerCase()))
    throw invalid();
  return parsed.pathname.slice(version.length + 1) + parsed.search;
}

/** The batch body, validated as Graph validates it; throws the batch's 400. */
export function parseBatch(version: GraphVersion, body: unknown): InnerRequest[] {
  if (!isObject(body) || !Array.isArray(body.requests) || body.requests.length === 0) throw invalid();
  if (body.requests.length > MAX_BATCH_REQUESTS) throw new GraphError('batchTooManyRequests');
  const seen = new Set<string>();
  const out: InnerRequest[] = [];
  for (const item of body.requests as unknown[]) {
    if (!isObject(item)) throw invalid();
    const { id: rawId, method: rawMethod, url: rawUrl, headers: rawHeaders, dependsOn } = item;
    const id = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId;
    if (typeof id !== 'string' || id.length === 0) throw invalid();
    if (typeof rawMethod !== 'string' || !METHODS.has(rawMethod.toUpperCase())) throw invalid();
    if (typeof rawUrl !== 'string' || rawUrl.trim().length === 0) throw invalid();
    const headers: Record<string, string> = {};
    if (rawHeaders !== undefined && rawHeaders !== null) {
      if (!isObject(rawHeaders)) throw invalid();
      for (const [k, v] of Object.entries(rawHeaders)) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalid();
        // What Node's HTTP parser would refuse on the wire is refused here too.
        if (!HEADER_NAME.test(k) || !HEADER_VALUE.test(String(v))) throw invalid();
        headers[k.toLowerCase()] = String(v);
      }
    }
    if (dependsOn !== undefined && dependsOn !== null && !Array.isArray(dependsOn)) throw invalid();
    const deps = ((dependsOn as unknown[] | null | undefined) ?? []).map((d) => {
      if (typeof d !== 'string') throw invalid();
      return d.toLowerCase();
    });
    const key = id.toLowerCase();
    if (seen.has(key))
      throw new GraphError('batchDuplicateId', { message: `Request Id ${id} has to be unique in a batch.` });
    // Graph runs dependencies in array order: a dependency must be an earlier request, so no cycle can form.
    if (deps.some((d) => !seen.has(d)))
      throw new GraphError('batchInvalidDependency', { message: `Invalid dependency for request Id ${id}.` });
    seen.add(key);
    const method = rawMethod.toUpperCase();
    const body = item.body ?? undefined;
    if ((WRITES.has(method) && body === undefined) || (body !== undefined && !contentTypeOf(headers))) {
      throw new GraphError('batchWriteWithoutBody', {
        message: `Write request id : ${id} does not contain Content-Type header or body.`,
      });
    }
    out.push({ id, method, url: relativeUrl(version, rawUrl.trim()), headers, body, dependsOn: deps });
  }
  return out;
}

/**
 * An entry's body as bytes for its content type, the rules of OData's JSON batch format: JSON media types take the
 * value as JSON, text types a string, anything else a base64 string.
 */
function encodeBody(body: unknown, contentType: string): string | Buffer {
  if (/^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType)) return JSON.stringify(body);
  if (typeof body !== 'string') return JSON.stringify(body);
  if (/^text\//i.test(contentType)) return body;
  return Buffer.from(body, 'base64');
}

interface Injected {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  rawPayload: Buffer;
}

/** One entry of `responses`, with the response of the inner request as the pipeline wrote it. */
function entryOf(id: string, res: Injected): Entry {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined || TRANSPORT_HEADERS.has(k)) continue;
    headers[HEADER_NAMES[k] ?? k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  const contentType = String(res.headers['content-type'] ?? '');
  let body: string | undefined;
  if (res.rawPayload.length > 0) {
    if (/^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType)) body = res.rawPayload.toString('utf8');
    else if (/^text\//i.test(contentType)) body = JSON.stringify(res.rawPayload.toString('utf8'));
    else body = JSON.stringify(res.rawPayload.toString('base64'));
  }
  const head = `{"id":${JSON.stringify(id)},"status":${res.statusCode},"headers":${JSON.stringify(headers)}`;
  return { id, status: res.statusCode, json: body === undefined ? `${head}}` : `${head},"body":${body}}` };
}

/** An entry the batch answers itself (in Graph's error envelope, with the batch's request ids). */
function errorEntry(request: FastifyRequest, id: string, err: GraphError): Entry {
  const body = errorBody(request, err.code, err.message, err.target, err.details);
  const headers = { 'Content-Type': 'application/json' };
  return {
    id,
    status: err.status,
    json: `{"id":${JSON.stringify(id)},"status":${err.status},"headers":${JSON.stringify(headers)},"body":${body}}`,
  };
}

const failed = (e: Entry) => e.status >= 400;

/** Runs the requests (dependencies first, the rest concurrently); resolves 'dropped' if a fault dropped the batch. */
async function runBatch(
  app: FastifyInstance,
  request: FastifyRequest,
  version: GraphVersion,
  origin: string,
  items: InnerRequest[],
): Promise<Entry[] | 'dropped'> {
  let onDrop!: () => void;
  const dropped = new Promise<'dropped'>((resolve) => (onDrop = () => resolve('dropped')));
  const parent: BatchParent = {
    requestId: request.id,
    clientRequestId: request.clientRequestId,
    origin,
    drop: () => {
      request.raw.socket.destroy();
      onDrop();
    },
  };
  const Request = innerRequestClass(parent);
  const authorization = request.headers.authorization;
  const host = request.headers.host;

  const execute = async (item: InnerRequest): Promise<Entry> => {
    // Graph's batch service answers a URL that repeats the version itself: the version is a segment it does not know.
    const first = item.url.slice(1).split(/[/?(]/, 1)[0]!;
    if (VERSIONS.some((v) => v.toLowerCase() === first.toLowerCase())) {
      return errorEntry(
        request,
        item.id,
        new GraphError('unknownSegment', { message: `Resource not found for the segment '${first}'.` }),
      );
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(item.headers)) if (!CONNECTION_HEADERS.has(k)) headers[k] = v;
    if (authorization !== undefined) headers.authorization = authorization;
    if (host !== undefined) headers.host = host;
    headers['client-request-id'] ??= request.clientRequestId;
    let payload: string | Buffer | undefined;
    // A content type without a body means nothing; dropping it spares a bodiless DELETE the empty-body refusal.
    if (item.body === undefined) delete headers['content-type'];
    else payload = encodeBody(item.body, headers['content-type']!);
    const res = await app.inject({
      method: item.method as 'GET',
      url: `/${version}${item.url}`,
      headers,
      ...(payload === undefined ? {} : { payload }),
      remoteAddress: request.ip,
      Request: Request as unknown as typeof IncomingMessage & object,
    });
    return entryOf(item.id, res);
  };

  const results = new Map<string, Promise<Entry>>();
  for (const item of items) {
    const deps = item.dependsOn.map((d) => results.get(d)!);
    const run = async (): Promise<Entry> => {
      const settled = await Promise.all(deps);
      const failure = settled.find(failed);
      if (failure) {
        return errorEntry(
          request,
          item.id,
          new GraphError('failedDependency', {
            message: `The request was not run because request Id ${failure.id}, which it depends on, failed.`,
          }),
        );
      }
      return execute(item);
    };
    results.set(item.id.toLowerCase(), run());
  }
  return Promise.race([Promise.all(items.map((i) => results.get(i.id.toLowerCase())!)), dropped]);
}

/** Errors of reading the body (not JSON, empty, another media type) are a malformed batch to Graph. */
function isBodyError(err: FastifyError): boolean {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return false;
  return err.code?.startsWith('FST_ERR_CTP_') === true || err instanceof SyntaxError;
}

export interface BatchRoutesOptions {
  auth: Authenticator;
  isReady: () => boolean;
  publicUrl?: string;
}

export function registerBatchRoutes(app: FastifyInstance, options: BatchRoutesOptions): void {
  for (const version of VERSIONS) {
    app.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: `/${version}/$batch`,
      exposeHeadRoute: false,
      // Before the body is read: without a valid token, not even a malformed batch is answered.
      onRequest: async (request) => {
        if (!options.isReady())
          throw new GraphError('serviceUnavailable', { headers: { 'retry-after': '1' } });
        await options.auth.authenticate(request);
      },
      // Thrown on to the application's error handler, in Graph's envelope.
      errorHandler: (err: FastifyError) => {
        throw isBodyError(err) ? new GraphError('batchInvalid', { cause: err }) : err;
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        if (batchParentOf(request.raw)) throw new GraphError('batchNested');
        if (request.method !== 'POST') {
          throw new GraphError('methodNotAllowed', {
            message: 'The requested method is not allowed on $batch.',
            headers: { allow: 'POST' },
          });
        }
        const items = parseBatch(version, request.body);
        const origin = options.publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
        const entries = await runBatch(app, request, version, origin, items);
        if (entries === 'dropped') return reply.hijack();
        return reply
          .code(200)
          .header('content-type', 'application/json')
          .header('cache-control', 'no-cache')
          .send(
            compressedBody(
              request,
              reply,
              Buffer.from(`{"responses":[${entries.map((e) => e.json).join(',')}]}`),
            ),
          );
      },
    });
  }
}
