// Errors of the token endpoint, in the identity platform's OAuth error shape with AADSTS codes.
import { randomUUID } from 'node:crypto';

export interface OAuthErrorSpec {
  status: number;
  error: string;
  code: number;
  text: string;
}

export const OAUTH_ERRORS = {
  missingParameter: (name: string): OAuthErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    text: `The request body must contain the following parameter: '${name}'.`,
  }),
  unsupportedGrant: (grant: string): OAuthErrorSpec => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    text: `The app requested an unsupported grant type '${grant}'.`,
  }),
  tenantNotFound: (tenant: string): OAuthErrorSpec => ({
    status: 400,
    error: 'invalid_tenant',
    code: 90002,
    text: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  noTenant: (): OAuthErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 50059,
    text: 'No tenant-identifying information found in either the request or implied by any provided credentials.',
  }),
  invalidScope: (scope: string): OAuthErrorSpec => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    text: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  unknownClient: (clientId: string, tenant: string): OAuthErrorSpec => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    text: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  missingCredential: (): OAuthErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 7000216,
    text: "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
  }),
  badSecret: (clientId: string): OAuthErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    text: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  expiredSecret: (clientId: string): OAuthErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 7000222,
    text: `The provided client secret keys for app '${clientId}' are expired.`,
  }),
  badAssertion: (detail: string): OAuthErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    text: `Client assertion failed signature validation. ${detail}`,
  }),
  assertionTime: (): OAuthErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    text: 'Client assertion is not within its valid time range.',
  }),
  assertionClaims: (detail: string): OAuthErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700021,
    text: `Client assertion application identifier doesn't match 'client_id' parameter. ${detail}`,
  }),
  assertionReplay: (): OAuthErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700025,
    text: 'Client assertion contains an identifier that has already been used (jti replay).',
  }),
  throttled: (): OAuthErrorSpec => ({
    status: 429,
    error: 'temporarily_unavailable',
    code: 90055,
    text: 'TenantThrottlingError: There are too many incoming requests. This request was throttled. Please try again later.',
  }),
} as const;

export class OAuthError extends Error {
  readonly spec: OAuthErrorSpec;
  constructor(spec: OAuthErrorSpec) {
    super(spec.text);
    this.name = 'OAuthError';
    this.spec = spec;
  }
}

/** "2023-02-20 07:21:29Z", as the identity platform writes timestamps. */
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';

export function oauthErrorBody(spec: OAuthErrorSpec, correlationId: string | undefined, now: number) {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = stamp(now);
  return {
    error: spec.error,
    error_description: `AADSTS${spec.code}: ${spec.text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
    error_codes: [spec.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${spec.code}`,
  };
}
