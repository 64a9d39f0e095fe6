// GraphError and the catalog of error codes. Every error a client can see comes from this catalog, so the
// README's error table can be checked against it (test/errors-doc.test.ts).

export interface CatalogEntry {
  status: number;
  /** The Graph `error.code`. */
  code: string;
  /** Default message; a throw site may pass a more specific one. */
  message: string;
  /** When it happens, for the README table. */
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
  invalidAuthenticationToken: {
    status: 401,
    code: 'InvalidAuthenticationToken',
    message: 'Access token is empty.',
    when: 'A missing, malformed, expired or otherwise invalid bearer token.',
  },
  forbidden: {
    status: 403,
    code: 'Forbidden',
    message: '',
    when: 'A valid token without a role the route accepts, or a delegated (user) token.',
  },
  payloadTooLarge: {
    status: 413,
    code: 'RequestEntityTooLarge',
    message: 'The request body is too large.',
    when: 'A request body over the configured limit.',
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
} as const satisfies Record<string, CatalogEntry>;

export type ErrorKey = keyof typeof ERROR_CATALOG;

export interface GraphErrorOptions {
  message?: string;
  target?: string;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error that reaches the client as a Graph error envelope with the catalog's status and code. */
export class GraphError extends Error {
  readonly key: ErrorKey;
  readonly status: number;
  readonly code: string;
  readonly target: string | undefined;
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
    this.headers = options.headers ?? {};
  }
}

/** Shorthand for the most common case: a 400 BadRequest with a specific message. */
export function badRequest(message: string, cause?: unknown): GraphError {
  return new GraphError('badRequest', { message, cause });
}
