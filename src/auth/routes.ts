// The identity platform surface: POST /{tenant}/oauth2/v2.0/token, OpenID discovery and keys, and the
// instance-discovery document MSAL asks for. `common` and `organizations` are served as Microsoft serves them.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { Store } from '../store/index.js';
import { credentialsOf, type ClientAuthenticator } from './client-auth.js';
import type { KeyRing } from './keys.js';
import { OAUTH_ERRORS, OAuthError, oauthErrorBody } from './oauth-errors.js';
import type { TokenLimiter } from './lockout.js';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from './roles.js';
import type { TokenIssuer } from './tokens.js';

export interface IdentityRoutesOptions {
  store: Store;
  clock: Clock;
  keys: KeyRing;
  issuer: TokenIssuer;
  clients: ClientAuthenticator;
  limiter: TokenLimiter;
  publicUrl?: string;
}

const ALIASES = new Set(['common', 'organizations', 'consumers']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCOPES = new Set([
  `${GRAPH_RESOURCE}/.default`,
  `${GRAPH_APP_ID}/.default`,
  `${GRAPH_RESOURCE}//.default`,
]);

const originOf = (request: FastifyRequest, publicUrl?: string) =>
  publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;

function sendOAuthError(reply: FastifyReply, request: FastifyRequest, err: OAuthError, now: number) {
  const correlation = request.headers['client-request-id'];
  return reply
    .code(err.spec.status)
    .header('cache-control', 'no-store, no-cache')
    .header('content-type', 'application/json; charset=utf-8')
    .send(
      oauthErrorBody(err.spec, typeof correlation === 'string' ? correlation.slice(0, 64) : undefined, now),
    );
}

/** The identity platform's own paths, by method: `/{tenant}/oauth2/v2.0/token` and discovery. */
const IDENTITY_PATHS: Record<string, RegExp> = {
  POST: /^\/([^/?#]+)\/oauth2\/v2\.0\/token\/?(?:[?#]|$)/i,
  GET: /^\/([^/?#]+)\/v2\.0\/\.well-known\/openid-configuration\/?(?:[?#]|$)/i,
};

/**
 * For the router's own errors: an identity platform path it refused (its tenant segment is longer than the router
 * takes) answers as the identity platform does for an unknown tenant, not with a Graph error.
 */
export function identityNotFound(clock: Clock) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
    const m = IDENTITY_PATHS[request.method]?.exec(request.url);
    if (!m) return undefined;
    let segment = m[1]!;
    try {
      segment = decodeURIComponent(segment);
    } catch {
      // shown as sent
    }
    return sendOAuthError(reply, request, new OAuthError(OAUTH_ERRORS.tenantNotFound(segment)), clock.now());
  };
}

export function registerIdentityRoutes(app: FastifyInstance, o: IdentityRoutesOptions): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_request, body, done) => {
      const form: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) form[k] ??= v;
      done(null, form);
    },
  );

  const resolveTenant = async (segment: string): Promise<string> => {
    if (ALIASES.has(segment.toLowerCase())) throw new OAuthError(OAUTH_ERRORS.noTenant());
    if (!GUID.test(segment) || !(await o.store.getTenant(segment.toLowerCase()))) {
      throw new OAuthError(OAUTH_ERRORS.tenantNotFound(segment));
    }
    return segment.toLowerCase();
  };

  // Fastify's own refusals on this route (unsupported media type, unparsable JSON) answer in the OAuth shape too.
  const tokenErrors = (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    if ((err.statusCode ?? 500) >= 500) throw err;
    const missing = new OAuthError(OAUTH_ERRORS.missingParameter('grant_type'));
    void sendOAuthError(reply, request, missing, o.clock.now());
  };

  const token = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const now = o.clock.now();
    // Only a form is read: a JSON body's values need not be strings (a number as client_id used to throw a 500).
    const isForm = /^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '');
    const form = (isForm && request.body ? request.body : {}) as Record<string, string>;
    const creds = credentialsOf(form, request.headers.authorization);
    const wait = await o.limiter.retryAfter(creds.clientId, request.ip);
    if (wait > 0) {
      return sendOAuthError(
        reply.header('retry-after', String(wait)),
        request,
        new OAuthError(OAUTH_ERRORS.throttled()),
        now,
      );
    }
    try {
      if (!isForm) throw new OAuthError(OAUTH_ERRORS.missingParameter('grant_type'));
      const grant = form.grant_type;
      if (!grant) throw new OAuthError(OAUTH_ERRORS.missingParameter('grant_type'));
      if (grant !== 'client_credentials') throw new OAuthError(OAUTH_ERRORS.unsupportedGrant(grant));
      const tenantId = await resolveTenant(request.params.tenant);
      const scope = form.scope;
      if (!scope) throw new OAuthError(OAUTH_ERRORS.missingParameter('scope'));
      if (!SCOPES.has(scope.trim())) throw new OAuthError(OAUTH_ERRORS.invalidScope(scope));
      const origin = originOf(request, o.publicUrl);
      const audiences = [
        `${origin}/${request.params.tenant}/oauth2/v2.0/token`,
        `${origin}/${tenantId}/oauth2/v2.0/token`,
        `${origin}/${tenantId}/v2.0`,
      ];
      const { app: client, credential } = await o.clients.authenticate(tenantId, creds, audiences);
      const token = await o.issuer.issue(client, credential);
      return reply.header('cache-control', 'no-store, no-cache').send({
        token_type: 'Bearer',
        expires_in: token.expiresIn,
        ext_expires_in: token.expiresIn,
        access_token: token.accessToken,
      });
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      await o.limiter.recordFailure(creds.clientId, request.ip);
      return sendOAuthError(reply, request, err, now);
    }
  };
  app.post<{ Params: { tenant: string } }>(
    '/:tenant/oauth2/v2.0/token',
    { errorHandler: tokenErrors },
    token,
  );

  const discovery = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const segment = request.params.tenant;
    const alias = ALIASES.has(segment.toLowerCase());
    if (!alias) {
      try {
        await resolveTenant(segment);
      } catch (err) {
        if (err instanceof OAuthError) return sendOAuthError(reply, request, err, o.clock.now());
        throw err;
      }
    }
    const origin = originOf(request, o.publicUrl);
    const tenant = alias ? '{tenantid}' : segment.toLowerCase();
    return reply.send({
      token_endpoint: `${origin}/${segment}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${origin}/${segment}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${origin}/${tenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${origin}/${segment}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${origin}/${segment}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${origin}/${segment}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'nonce',
        'tid',
        'ver',
        'at_hash',
      ],
      kerberos_endpoint: `${origin}/${segment}/kerberos`,
      tenant_region_scope: alias ? null : 'EU',
      cloud_instance_name: new URL(origin).host,
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    });
  };
  app.get('/:tenant/v2.0/.well-known/openid-configuration', discovery);

  const keys = (_request: FastifyRequest, reply: FastifyReply) => reply.send(o.keys.jwks());
  app.get('/:tenant/discovery/v2.0/keys', keys);
  app.get('/:tenant/discovery/keys', keys);

  // MSAL's instance discovery: lets clients use this host as an authority without disabling the check.
  app.get('/common/discovery/instance', (request, reply) => {
    const host = new URL(originOf(request, o.publicUrl)).host;
    const endpoint = (request.query as Record<string, string | undefined>).authorization_endpoint;
    let tenant: string | undefined;
    try {
      tenant = endpoint ? new URL(endpoint, 'https://x').pathname.split('/')[1] : undefined;
    } catch {
      tenant = undefined; // an unparsable authorization_endpoint used to be a 500
    }
    return reply.send({
      tenant_discovery_endpoint: `${originOf(request, o.publicUrl)}/${tenant || 'common'}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });
}
