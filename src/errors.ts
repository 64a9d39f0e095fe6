// GraphError and the catalog of error codes. Every error a client can see comes from this catalog, so the
// error table of docs/errors.md can be checked against it (test/errors-doc.test.ts).

export interface CatalogEntry {
  status: number;
  /** The Graph `error.code`. */
  code: string;
  /** Default message; a throw site may pass a more specific one. */
  message: string;
  /** When it happens, for the table of docs/errors.md. */
  when: string;
}

export const ERROR_CATALOG = {
  badRequest: {
    status: 400,
    code: 'BadRequest',
    message: 'The request is malformed or incorrect.',
    when: 'A malformed or unsupported query option, filter, literal, path parameter or body.',
  },
  invalidSkipToken: {
    status: 400,
    code: 'BadRequest',
    message: 'The $skiptoken is invalid or does not belong to this request.',
    when: 'A `$skiptoken` (or log-function `$skip`) that was modified, expired, or issued for another query.',
  },
  invalidTimeRange: {
    status: 400,
    code: 'BadRequest',
    message: "The value of 'fromDateTime' must be earlier than the value of 'toDateTime'.",
    when: 'A telephony log function whose fromDateTime is not before its toDateTime.',
  },
  timeRangeTooLong: {
    status: 406,
    code: 'NotAcceptable',
    message: "The time range between 'fromDateTime' and 'toDateTime' can't exceed 90 days.",
    when: 'A telephony log function asked for more than 90 days (the status Graph was observed to answer).',
  },
  notFound: {
    status: 404,
    code: 'NotFound',
    message:
      'Could not find the requested call record. Records about calls or online meetings that started more than 30 days ago are not available.',
    when: 'An unknown call record id, or a record older than the retention window.',
  },
  itemNotFound: {
    status: 404,
    code: 'NotFound',
    message: 'The requested item was not found.',
    when: 'An unknown session, segment or participant inside an existing call record.',
  },
  unknownSegment: {
    status: 400,
    code: 'BadRequest',
    message: 'Resource not found for the segment.',
    when: 'A path segment that Graph does not know (Graph answers 400 for an unknown segment under a known resource).',
  },
  noResource: {
    status: 404,
    code: 'UnknownError',
    message: 'No HTTP resource was found that matches the request URI.',
    when: 'A URL outside the Graph surface this server implements.',
  },
  methodNotAllowed: {
    status: 405,
    code: 'MethodNotAllowed',
    message: 'The call records API is read-only; this method is not allowed on this resource.',
    when: 'POST, PUT, PATCH or DELETE on a call records path.',
  },
  batchInvalid: {
    status: 400,
    code: 'BadRequest',
    message: 'Invalid batch payload format.',
    when: 'A `$batch` body that is not JSON, has no `requests` array or no requests, or a request without a string `id`, a known `method` or a relative `url`.',
  },
  batchTooManyRequests: {
    status: 400,
    code: 'BadRequest',
    message: 'Number of requests inside batch exceeds the limit.',
    when: 'A `$batch` with more than 20 requests.',
  },
  batchDuplicateId: {
    status: 400,
    code: 'BadRequest',
    message: 'Request Id has to be unique in a batch.',
    when: 'Two requests of a `$batch` with the same `id` (compared without case).',
  },
  batchInvalidDependency: {
    status: 400,
    code: 'BadRequest',
    message: 'Invalid dependency for request Id.',
    when: 'A `dependsOn` naming an id that is not an earlier request of the `$batch` (unknown, itself, later: so no cycle).',
  },
  batchWriteWithoutBody: {
    status: 400,
    code: 'BadRequest',
    message: 'Write request does not contain Content-Type header or body.',
    when: 'A POST, PUT or PATCH in a `$batch` without `body` or `Content-Type`, or any request with a body and no `Content-Type`.',
  },
  batchNested: {
    status: 400,
    code: 'BadRequest',
    message: 'A batch request cannot contain another batch request.',
    when: 'A request inside a `$batch` whose `url` is `$batch` (an entry of the outer batch).',
  },
  failedDependency: {
    status: 424,
    code: 'FailedDependency',
    message: 'The request was not run because a request it depends on failed.',
    when: 'A request of a `$batch` whose `dependsOn` names a request that failed (or was not run): an entry of the batch.',
  },
  invalidAuthenticationToken: {
    status: 401,
    code: 'InvalidAuthenticationToken',
    message: 'Access token is empty.',
    when: 'A missing, malformed, expired or otherwise invalid bearer token.',
  },
  adminUnauthorized: {
    status: 401,
    code: 'Unauthorized',
    message: 'The admin API needs `Authorization: Bearer <admin key>`; the key is missing or wrong.',
    when: 'An admin API request without the configured admin key.',
  },
  tenantNotFound: {
    status: 404,
    code: 'NotFound',
    message: 'The tenant does not exist.',
    when: 'An admin API request for a tenant that does not exist.',
  },
  callNotFound: {
    status: 404,
    code: 'NotFound',
    message: 'The call does not exist or has ended.',
    when: 'An admin API request for a simulated call that does not exist or was hung up.',
  },
  forbidden: {
    status: 403,
    code: 'Forbidden',
    message: '',
    when: 'A valid token without a role the route accepts, or a delegated (user) token.',
  },
  invalidSubscriptionRequest: {
    status: 400,
    code: 'InvalidRequest',
    message:
      'Could not process subscription creation payload. Are all property names spelled and camelCased properly?',
    when: 'A subscription body that is not valid (missing or mistyped property, bad date), or an http notification URL.',
  },
  subscriptionNotSupported: {
    status: 400,
    code: 'ExtensionError',
    message:
      'Operation: Create; Exception: [Status Code: BadRequest; Reason: The subscription request is not supported.]',
    when: 'A subscription to another resource, for another changeType, with resource data or encryption settings.',
  },
  subscriptionExpiration: {
    status: 400,
    code: 'ExtensionError',
    message: 'Subscription expiration can only be 4230 minutes in the future.',
    when: 'A subscription expirationDateTime in the past or more than 4,230 minutes ahead.',
  },
  webhookValidationFailed: {
    status: 400,
    code: 'ValidationError',
    message:
      'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
    when: 'A notification URL that did not answer the validation request with 200, text/plain and the token.',
  },
  webhookValidationTimeout: {
    status: 400,
    code: 'InvalidRequest',
    message: 'Subscription validation request timed out.',
    when: 'A notification URL that did not answer the validation request within 10 seconds.',
  },
  subscriptionForbidden: {
    status: 403,
    code: 'ExtensionError',
    message:
      'Operation: Create; Exception: [Status Code: Forbidden; Reason: The request is not authorized for this user or application.]',
    when: 'A subscription request with a token without CallRecords.Read.All (or a delegated token).',
  },
  subscriptionNotFound: {
    status: 404,
    code: 'ResourceNotFound',
    message: 'The object was not found.',
    when: "An unknown subscription id, or another app's or tenant's subscription.",
  },
  payloadTooLarge: {
    status: 413,
    code: 'RequestEntityTooLarge',
    message: 'The request body is too large.',
    when: 'A request body over the configured limit.',
  },
  requestTimeout: {
    status: 408,
    code: 'RequestTimeout',
    message: 'The request was not received in time.',
    when: 'A request whose headers or body did not arrive within the request timeouts (a slowly sent request).',
  },
  headersTooLarge: {
    status: 431,
    code: 'RequestHeadersTooLarge',
    message: 'The request line and headers are too large.',
    when: 'A URL plus headers over the limit (`maxHeaderBytes`, 16 KB).',
  },
  notAcceptable: {
    status: 406,
    code: 'NotAcceptable',
    message:
      "A supported MIME type could not be found that matches the acceptable MIME types for the request. The supported type(s) 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false, application/json;odata.metadata=none;odata.streaming=true;IEEE754Compatible=false, application/json;odata.metadata=full;odata.streaming=true;IEEE754Compatible=false' do not match any of the acceptable MIME types of the request.",
    when: 'An `Accept` header or `$format` that allows no JSON response, or names an `odata.metadata` other than none, minimal or full.',
  },
  uriTooLong: {
    status: 414,
    code: 'RequestUriTooLong',
    message: 'The request URI is too long.',
    when: 'A request whose URI is longer than the server accepts.',
  },
  unsupportedMediaType: {
    status: 415,
    code: 'UnsupportedMediaType',
    message: 'The content type of the request body is not supported.',
    when: 'A request body in a media type the route does not take.',
  },
  internal: {
    status: 500,
    code: 'InternalServerError',
    message: 'An internal server error occurred.',
    when: 'A bug. The cause is logged with the request id; the body leaks nothing.',
  },
  serviceUnavailable: {
    status: 503,
    code: 'ServiceUnavailable',
    message: 'The service is starting or shutting down.',
    when: 'The server is not ready (start-up or shutdown).',
  },
  storeBusy: {
    status: 503,
    code: 'ServiceUnavailable',
    message: 'The service is busy. Retry after the number of seconds in the Retry-After header.',
    when: 'Another writer held the SQLite database past the busy timeout, or PostgreSQL did not answer or refused a statement for a passing reason (restart, statement timeout, serialization failure).',
  },
  sharedStateUnavailable: {
    status: 503,
    code: 'ServiceUnavailable',
    message:
      'The service is temporarily unavailable. Retry after the number of seconds in the Retry-After header.',
    when: 'Redis, which several instances share (`CALLRECORDS_REDIS_URL`), did not answer.',
  },
  throttled: {
    status: 429,
    code: 'TooManyRequests',
    message: 'Too many requests. Retry after the number of seconds in the Retry-After header.',
    when: 'A Graph throttling budget is spent (`--throttling`), or an injected 429 fault.',
  },
  faultInternal: {
    status: 500,
    code: 'InternalServerError',
    message: 'An internal server error occurred. (Injected fault.)',
    when: 'An injected 500 fault (`/admin/faults`); the response carries `x-callrecords-fault`.',
  },
  faultBadGateway: {
    status: 502,
    code: 'BadGateway',
    message: 'The gateway did not receive a valid response. (Injected fault.)',
    when: 'An injected 502 fault.',
  },
  faultUnavailable: {
    status: 503,
    code: 'ServiceUnavailable',
    message: 'The service is temporarily unavailable. (Injected fault.)',
    when: 'An injected 503 fault.',
  },
  faultGatewayTimeout: {
    status: 504,
    code: 'GatewayTimeout',
    message: 'The gateway timed out. (Injected fault.)',
    when: 'An injected 504 fault.',
  },
  faultInsufficientStorage: {
    status: 507,
    code: 'InsufficientStorage',
    message: 'The service does not have enough storage to complete the request. (Injected fault.)',
    when: 'An injected 507 fault.',
  },
  faultNotFound: {
    status: 404,
    code: 'NotFound',
    message: 'The fault rule does not exist.',
    when: 'DELETE /admin/faults/{id} with an unknown rule id.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorKey = keyof typeof ERROR_CATALOG;

export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export interface GraphErrorOptions {
  message?: string;
  target?: string;
  /** Graph's `error.details`: one entry per problem (e.g. each invalid field). */
  details?: ErrorDetail[];
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error that reaches the client as a Graph error envelope with the catalog's status and code. */
export class GraphError extends Error {
  readonly key: ErrorKey;
  readonly status: number;
  readonly code: string;
  readonly target: string | undefined;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(key: ErrorKey, options: GraphErrorOptions = {}) {
    const entry: CatalogEntry = ERROR_CATALOG[key];
    super(
      options.message ?? entry.message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'GraphError';
    this.key = key;
    this.status = entry.status;
    this.code = entry.code;
    this.target = options.target;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** Shorthand for the most common case: a 400 BadRequest with a specific message. */
export function badRequest(message: string, cause?: unknown): GraphError {
  return new GraphError('badRequest', { message, cause });
}
