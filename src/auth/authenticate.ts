// The first stage of every Graph request: a valid bearer token, turned into the principal the request acts for.
import type { FastifyRequest } from 'fastify';
import { GraphError } from '../errors.js';
import type { Principal, TokenVerifier } from './verify.js';
import { TokenRejected } from './verify.js';

/** Graph's own challenge (the authorization_uri points at Microsoft's authority, as Graph's does). */
export const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export interface Authenticator {
  authenticate(request: FastifyRequest): Promise<Principal>;
}

export function bearerAuthenticator(verifier: TokenVerifier): Authenticator {
  return {
    async authenticate(request) {
      const header = request.headers.authorization;
      const match = header?.match(/^Bearer\s+(\S*)\s*$/i);
      try {
        return await verifier.verify(match?.[1] || undefined);
      } catch (err) {
        if (err instanceof TokenRejected) {
          request.log.info({ failure: err.failure }, 'bearer token rejected');
          throw new GraphError('invalidAuthenticationToken', {
            message: err.message,
            headers: { 'www-authenticate': WWW_AUTHENTICATE },
            cause: err,
          });
        }
        throw err;
      }
    },
  };
}

/** A valid token must be app-only and carry one of the route's roles; otherwise Graph answers 403. */
export function requireRoles(principal: Principal, roles: readonly string[]): void {
  if (principal.delegated || !principal.roles.some((r) => roles.includes(r))) {
    throw new GraphError('forbidden');
  }
}
