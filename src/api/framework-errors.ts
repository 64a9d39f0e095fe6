// Fastify's own errors as Graph errors. Every FST_ERR_* code Fastify defines has an entry here, so no framework text
// ever reaches a client: the ones a request can cause get the Graph error Graph gives for that cause, with Graph's
// wording; the ones that only arise while the app is built (plugins, decorators, routes, schemas) or from a bug in a
// handler (a reply sent twice) are internal errors, logged with their cause and answered with the catalog's 500.
import { errorCodes, type FastifyError } from 'fastify';
import { GraphError, type ErrorKey } from '../errors.js';

interface Mapped {
  key: ErrorKey;
  /** Graph's wording; the catalog's message when absent. */
  message?: string;
}

/** Graph's message for a body that is not JSON. */
export const UNREADABLE_JSON =
  'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';
const INVALID_URI = 'The request URI is not valid.';

/** The Fastify errors a request can cause, and the Graph error each one becomes. */
export const REQUEST_ERRORS: Readonly<Record<string, Mapped>> = {
  FST_ERR_NOT_FOUND: { key: 'noResource' },
  FST_ERR_VALIDATION: { key: 'badRequest' },
  FST_ERR_CTP_BODY_TOO_LARGE: { key: 'payloadTooLarge' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { key: 'unsupportedMediaType' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    key: 'badRequest',
    message: 'The length of the request body does not match its Content-Length header.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { key: 'badRequest', message: 'Empty Payload. JSON content expected.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { key: 'badRequest', message: UNREADABLE_JSON },
  FST_ERR_BAD_URL: { key: 'badRequest', message: INVALID_URI },
  FST_ERR_INVALID_URL: { key: 'badRequest', message: INVALID_URI },
  // Graph's front end (HTTP.sys) answers an over-long path segment with 400, not 414.
  FST_ERR_MAX_PARAM_LENGTH: { key: 'badRequest', message: INVALID_URI },
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: { key: 'unsupportedMediaType' },
  FST_ERR_ROUTE_MISSING_CONTENT: { key: 'badRequest', message: 'Empty Payload. JSON content expected.' },
  FST_ERR_HANDLER_TIMEOUT: { key: 'serviceUnavailable', message: 'The request timed out. Retry it.' },
};

/**
 * Codes that cannot come from a request: they are raised while the app is built, or by a handler bug. Listed so
 * that a Fastify upgrade adding a code is noticed (the framework-errors test fails until the code is placed).
 */
export const SETUP_OR_BUG_ERRORS: readonly string[] = [
  'FST_ERR_OPTIONS_NOT_OBJ',
  'FST_ERR_QSP_NOT_FN',
  'FST_ERR_SCHEMA_CONTROLLER_BUCKET_OPT_NOT_FN',
  'FST_ERR_SCHEMA_ERROR_FORMATTER_NOT_FN',
  'FST_ERR_AJV_CUSTOM_OPTIONS_OPT_NOT_OBJ',
  'FST_ERR_AJV_CUSTOM_OPTIONS_OPT_NOT_ARR',
  'FST_ERR_LISTEN_OPTIONS_INVALID',
  'FST_ERR_ERROR_HANDLER_NOT_FN',
  'FST_ERR_ERROR_HANDLER_ALREADY_SET',
  'FST_ERR_CTP_ALREADY_PRESENT',
  'FST_ERR_CTP_INVALID_TYPE',
  'FST_ERR_CTP_EMPTY_TYPE',
  'FST_ERR_CTP_INVALID_HANDLER',
  'FST_ERR_CTP_INVALID_PARSE_TYPE',
  'FST_ERR_CTP_INSTANCE_ALREADY_STARTED',
  'FST_ERR_DEC_ALREADY_PRESENT',
  'FST_ERR_DEC_DEPENDENCY_INVALID_TYPE',
  'FST_ERR_DEC_MISSING_DEPENDENCY',
  'FST_ERR_DEC_AFTER_START',
  'FST_ERR_DEC_REFERENCE_TYPE',
  'FST_ERR_DEC_UNDECLARED',
  'FST_ERR_HOOK_INVALID_TYPE',
  'FST_ERR_HOOK_INVALID_HANDLER',
  'FST_ERR_HOOK_INVALID_ASYNC_HANDLER',
  'FST_ERR_HOOK_NOT_SUPPORTED',
  'FST_ERR_MISSING_MIDDLEWARE',
  'FST_ERR_HOOK_TIMEOUT',
  'FST_ERR_LOG_INVALID_DESTINATION',
  'FST_ERR_LOG_INVALID_LOGGER',
  'FST_ERR_LOG_INVALID_LOGGER_INSTANCE',
  'FST_ERR_LOG_INVALID_LOGGER_CONFIG',
  'FST_ERR_LOG_LOGGER_AND_LOGGER_INSTANCE_PROVIDED',
  'FST_ERR_LOG_INVALID_LOG_CONTROLLER',
  'FST_ERR_REP_INVALID_PAYLOAD_TYPE',
  'FST_ERR_REP_RESPONSE_BODY_CONSUMED',
  'FST_ERR_REP_READABLE_STREAM_LOCKED',
  'FST_ERR_REP_ALREADY_SENT',
  'FST_ERR_REP_SENT_VALUE',
  'FST_ERR_SEND_INSIDE_ONERR',
  'FST_ERR_SEND_UNDEFINED_ERR',
  'FST_ERR_BAD_STATUS_CODE',
  'FST_ERR_BAD_TRAILER_NAME',
  'FST_ERR_BAD_TRAILER_VALUE',
  'FST_ERR_FAILED_ERROR_SERIALIZATION',
  'FST_ERR_MISSING_SERIALIZATION_FN',
  'FST_ERR_MISSING_CONTENTTYPE_SERIALIZATION_FN',
  'FST_ERR_REQ_INVALID_VALIDATION_INVOCATION',
  'FST_ERR_SCH_MISSING_ID',
  'FST_ERR_SCH_ALREADY_PRESENT',
  'FST_ERR_SCH_CONTENT_MISSING_SCHEMA',
  'FST_ERR_SCH_DUPLICATE',
  'FST_ERR_SCH_VALIDATION_BUILD',
  'FST_ERR_SCH_SERIALIZATION_BUILD',
  'FST_ERR_SCH_RESPONSE_SCHEMA_NOT_NESTED_2XX',
  'FST_ERR_INIT_OPTS_INVALID',
  'FST_ERR_FORCE_CLOSE_CONNECTIONS_IDLE_NOT_AVAILABLE',
  'FST_ERR_DUPLICATED_ROUTE',
  'FST_ERR_ASYNC_CONSTRAINT',
  'FST_ERR_ROUTE_OPTIONS_NOT_OBJ',
  'FST_ERR_ROUTE_DUPLICATED_HANDLER',
  'FST_ERR_ROUTE_HANDLER_NOT_FN',
  'FST_ERR_ROUTE_MISSING_HANDLER',
  'FST_ERR_ROUTE_METHOD_INVALID',
  'FST_ERR_ROUTE_METHOD_NOT_SUPPORTED',
  'FST_ERR_ROUTE_LOG_LEVEL_INVALID',
  'FST_ERR_ROUTE_BODY_VALIDATION_SCHEMA_NOT_SUPPORTED',
  'FST_ERR_ROUTE_BODY_LIMIT_OPTION_NOT_INT',
  'FST_ERR_ROUTE_HANDLER_TIMEOUT_OPTION_NOT_INT',
  'FST_ERR_ROUTE_REWRITE_NOT_STR',
  'FST_ERR_REOPENED_CLOSE_SERVER',
  'FST_ERR_REOPENED_SERVER',
  'FST_ERR_INSTANCE_ALREADY_LISTENING',
  'FST_ERR_PLUGIN_VERSION_MISMATCH',
  'FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE',
  'FST_ERR_PLUGIN_INVALID_ASYNC_HANDLER',
  'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED',
  'FST_ERR_PLUGIN_CALLBACK_NOT_FN',
  'FST_ERR_PLUGIN_NOT_VALID',
  'FST_ERR_ROOT_PLG_BOOTED',
  'FST_ERR_PARENT_PLUGIN_BOOTED',
  'FST_ERR_PLUGIN_TIMEOUT',
];

/** Fastify's own error codes (the list the framework-errors test walks). */
export const FASTIFY_ERROR_CODES: readonly string[] = Object.keys(errorCodes);

/** Client errors without a Fastify code (from Node or a plugin), by status. */
const BY_STATUS: Partial<Record<number, ErrorKey>> = {
  404: 'noResource',
  405: 'methodNotAllowed',
  406: 'notAcceptable',
  408: 'requestTimeout',
  413: 'payloadTooLarge',
  414: 'uriTooLong',
  415: 'unsupportedMediaType',
  431: 'headersTooLarge',
};

/**
 * The Graph error for a framework error, or undefined when it is a server-side failure (the caller logs it and
 * answers `internal`). The framework's own message is never used.
 */
export function graphErrorOf(
  err: Partial<Pick<FastifyError, 'code' | 'statusCode'>>,
): GraphError | undefined {
  const mapped = err.code === undefined ? undefined : REQUEST_ERRORS[err.code];
  if (mapped)
    return new GraphError(mapped.key, mapped.message === undefined ? {} : { message: mapped.message });
  if (typeof err.code === 'string' && err.code.startsWith('FST_')) return undefined;
  const status = err.statusCode ?? 500;
  if (status < 400 || status >= 500) return undefined;
  return new GraphError(BY_STATUS[status] ?? 'badRequest');
}
