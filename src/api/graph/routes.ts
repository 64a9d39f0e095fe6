// The Graph surface: /v1.0/* and /beta/*. One route per version parses the OData resource path itself, because
// keys may be segments or parenthesised and Graph answers unknown segments with its own error.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireRoles, type Authenticator } from '../../auth/authenticate.js';
import { LOG_FUNCTION_ROLES, RECORD_ROLES } from '../../auth/roles.js';
import { GraphError } from '../../errors.js';
import { parseQueryOptions } from '../../graph/odata/parser.js';
import type { GraphVersion } from '../../graph/model/index.js';
import type { ResourcePath } from '../../graph/path/index.js';
import { atLevel, jsonContentType, negotiate, type Negotiated } from '../../graph/shape/control.js';
import { responseBytes } from '../../graph/shape/envelope.js';
import { compressedBody, compressedJoined, joinableCoding } from '../http/compression.js';
import { DeflatedBody } from '../http/deflate-join.js';
import { parsePrefer, preferenceApplied } from '../../graph/shape/prefer.js';
import * as children from './children.js';
import * as functions from './functions.js';
import { registerMetadataRoutes } from './metadata.js';
import type { GraphContext, GraphDeps, GraphResult } from './context.js';
import * as records from './records.js';
import { handleSubscriptions } from './subscriptions.js';
import type { SubscriptionService } from '../../notify/subscriptions.js';
import type { Resilience } from '../../resilience/index.js';
import { batchParentOf } from './batch-context.js';
import { registerBatchRoutes } from './batch.js';
import { beforeGraphRequest } from './resilience.js';
import { requestTarget, type RequestTarget } from './target.js';

const DIAGNOSTIC = JSON.stringify({
  ServerInfo: { DataCenter: 'Local', Slice: 'E', Ring: '5', ScaleUnit: '000', RoleInstance: 'callrecords' },
});

function dispatch(ctx: GraphContext, target: ResourcePath): Promise<GraphResult> {
  switch (target.kind) {
    case 'records':
      return records.listRecords(ctx);
    case 'recordsCount':
      return records.countRecords(ctx);
    case 'record':
      return records.getRecord(ctx, target.recordId);
    case 'sessions':
      return children.listSessions(ctx, target.recordId);
    case 'sessionsCount':
      return children.countSessions(ctx, target.recordId);
    case 'session':
      return children.getSession(ctx, target.recordId, target.sessionId);
    case 'segments':
      return children.listSegments(ctx, target.recordId, target.sessionId);
    case 'segmentsCount':
      return children.countSegments(ctx, target.recordId, target.sessionId);
    case 'segment':
      return children.getSegment(ctx, target.recordId, target.sessionId, target.segmentId);
    case 'participants':
      return children.listParticipants(ctx, target.recordId);
    case 'participantsCount':
      return children.countParticipants(ctx, target.recordId);
    case 'participant':
      return children.getParticipant(ctx, target.recordId, target.participantId);
    case 'organizer':
      return children.getOrganizer(ctx, target.recordId);
    case 'function':
      return functions.callLogFunction(ctx, target.name, target.rawParameters);
  }
}

/** The decoded query pairs of the raw URL. */
function queryPairs(url: string): [string, string][] {
  const q = url.indexOf('?');
  const query: [string, string][] = [];
  if (q >= 0) {
    try {
      for (const [k, v] of new URLSearchParams(url.slice(q + 1))) query.push([k, v]);
    } catch {
      throw new GraphError('badRequest', { message: 'The query string is not correctly encoded.' });
    }
  }
  return query;
}

export interface GraphRoutesOptions {
  deps: GraphDeps;
  /** Absolute base URL override; otherwise taken from the request. */
  publicUrl?: string;
  auth: Authenticator;
  /** False while the server starts (for example while the demo tenant is being filled). */
  isReady: () => boolean;
  /** POST/GET/PATCH/DELETE /subscriptions (change notifications); absent: those paths are a 404. */
  subscriptions?: SubscriptionService;
  /** Fault injection and throttling, applied right after authentication. */
  resilience?: Resilience;
}

/** `$format` (with or without `$`) is taken out of the query: it chooses the response format, like `Accept`. */
function takeFormat(query: [string, string][]): string | undefined {
  const i = query.findIndex(([k]) => /^\$?format$/i.test(k));
  if (i < 0) return undefined;
  const [[, value]] = query.splice(i, 1) as [[string, string]];
  if (query.some(([k]) => /^\$?format$/i.test(k))) {
    throw new GraphError('badRequest', {
      message: "Query option '$format' was specified more than once, but it must be specified at most once.",
    });
  }
  return value;
}

/** Whether the request's answer is a JSON body (not a `/$count`, nor the empty 204 of DELETE or reauthorize). */
function answersJson(routed: RequestTarget, method: string): boolean {
  if (routed.kind === 'resource') return !routed.target.kind.endsWith('Count');
  if (routed.kind === 'subscriptions') return method !== 'DELETE' && routed.target.kind !== 'reauthorize';
  return false;
}

/** Where a response body is written at the negotiated metadata level. */
interface Output {
  negotiated: Negotiated;
  version: GraphVersion;
  serviceRoot: string;
}

/** Writes a handler's result with Graph's success headers (a 204 has no body and no content type). */
function send(reply: FastifyReply, result: GraphResult, out: Output): FastifyReply {
  for (const [k, v] of Object.entries(result.headers ?? {})) void reply.header(k, v);
  void reply
    .code(result.status ?? 200)
    .header('odata-version', '4.0')
    .header('cache-control', 'no-cache')
    .header('x-ms-ags-diagnostic', DIAGNOSTIC);
  if (result.status === 204) return reply.send();
  // Only handlers given GraphContext.joinCoding answer so, which the minimal metadata level is a condition of.
  if (result.body instanceof DeflatedBody) {
    return reply
      .header('content-type', jsonContentType('minimal'))
      .send(compressedJoined(reply.request, reply, result.body));
  }
  if (result.contentType === 'text') {
    return reply
      .header('content-type', 'text/plain;charset=utf-8')
      .send(compressedBody(reply.request, reply, responseBytes(result.body)));
  }
  const { level } = out.negotiated;
  // Bytes, not a string: Fastify takes their length as Content-Length instead of measuring a string, and the
  // socket writes them as they are instead of flattening and encoding the string on the way out.
  return reply
    .header('content-type', jsonContentType(level))
    .send(
      compressedBody(
        reply.request,
        reply,
        responseBytes(atLevel(result.body, level, out.version, out.serviceRoot)),
      ),
    );
}

export function registerGraphRoutes(app: FastifyInstance, options: GraphRoutesOptions): void {
  registerBatchRoutes(app, {
    auth: options.auth,
    isReady: options.isReady,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });
  registerMetadataRoutes(app);
  for (const version of ['v1.0', 'beta'] as const) {
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!options.isReady()) throw new GraphError('serviceUnavailable', { headers: { 'retry-after': '1' } });
      // Authentication comes before anything else: without a valid token nothing, not even a 404, is answered.
      const authenticated = options.auth.authenticate(request);
      const principal = authenticated instanceof Promise ? await authenticated : authenticated;
      const q = request.url.indexOf('?');
      const urlPath = q < 0 ? request.url : request.url.slice(0, q);
      const routed = requestTarget(urlPath.slice(version.length + 1), options.subscriptions !== undefined);
      if (options.resilience) {
        const before = beforeGraphRequest(options.resilience, request, reply, principal, { urlPath, routed });
        if ((before instanceof Promise ? await before : before) === 'dropped') return reply;
      }
      const query = queryPairs(request.url);
      const origin =
        options.publicUrl?.replace(/\/$/, '') ??
        batchParentOf(request.raw)?.origin ??
        `${request.protocol}://${request.host}`;
      if (routed.kind === 'invalid') throw routed.error;
      const serviceRoot = `${origin}/${version}`;
      const out: Output = {
        negotiated: negotiate(request.headers.accept, takeFormat(query)),
        version,
        serviceRoot,
      };
      // Refused before anything runs (nothing is created for a client that cannot read the answer).
      if (!out.negotiated.json && answersJson(routed, request.method)) throw new GraphError('notAcceptable');
      if (routed.kind === 'subscriptions' && options.subscriptions) {
        const { method, body } = request;
        const service = options.subscriptions;
        return send(
          reply,
          await handleSubscriptions(
            { service, version, principal, method, body, serviceRoot },
            routed.target,
          ),
          out,
        );
      }
      if (routed.kind !== 'resource') throw new GraphError('noResource');
      const target = routed.target;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        throw new GraphError('methodNotAllowed', { headers: { allow: 'GET, HEAD' } });
      }
      requireRoles(principal, target.kind === 'function' ? LOG_FUNCTION_ROLES : RECORD_ROLES);
      const rawOptions = new Map<string, string>();
      for (const [k, v] of query) {
        const name = k.toLowerCase();
        const canonical = name.startsWith('$') ? name : `$${name}`;
        rawOptions.set(canonical, v);
      }
      const prefs = parsePrefer(request.headers.prefer);
      const ctx: GraphContext = {
        deps: options.deps,
        version,
        tenantId: principal.tenantId,
        serviceRoot,
        metadata: `${serviceRoot}/$metadata#`,
        prefs,
        options: parseQueryOptions(query),
        rawOptions,
        ...(out.negotiated.level === 'minimal' ? { joinCoding: joinableCoding(request) } : {}),
      };
      const result = await dispatch(ctx, target);
      const applied = preferenceApplied(prefs, result.pageSize);
      if (applied) void reply.header('preference-applied', applied);
      return send(reply, result, out);
    };
    app.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: `/${version}/*`,
      exposeHeadRoute: false,
      handler,
    });
  }
}
