// The first stage of every Graph request: a valid bearer token, turned into the principal the request acts for.
import type { FastifyRequest } from 'fastify';
import { GraphError } from '../errors.js';
import type { Principal, TokenVerifier } from './verify.js';
import { TokenRejected } from './verify.js';

/** Graph's own challenge (the authorization_uri points at Microsoft's authority, as Graph's does). */
export const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export interface Authenticator {
  /** The principal, or a promise of it when the token must be verified first; throws (or rejects) a GraphError. */
  authenticate(request: FastifyRequest): Principal | Promise<Principal>;
}

const BEARER = 'Bearer ';

export function bearerAuthenticator(verifier: TokenVerifier): Authenticator {
  const refused = (request: FastifyRequest, err: unknown): never => {
    if (err instanceof TokenRejected) {
      request.log.info({ failure: err.failure }, 'bearer token rejected');
      throw new GraphError('invalidAuthenticationToken', {
        message: err.message,
        headers: { 'www-authenticate': WWW_AUTHENTICATE },
        cause: err,
      });
    }
    throw err;
  };
  const verify = async (request: FastifyRequest, token: string | undefined) => {
    try {
      return await verifier.verify(token);
    } catch (err) {
      return refused(request, err);
    }
  };
  return {
    authenticate(request) {
      const header = request.headers.authorization;
      // Most requests carry a token verified before, after exactly one space: looked up without the pattern below
      // or any asynchronous step. A remembered token has no white space, so the pattern would find the same one.
      if (header?.startsWith(BEARER)) {
        try {
          const known = verifier.remembered(header.slice(BEARER.length));
          if (known) return known;
        } catch (err) {
          return refused(request, err);
        }
      }
      const match = header?.match(/^Bearer\s+(\S*)\s*$/i);
      return verify(request, match?.[1] || undefined);
    },
  };
}

/** A valid token must be app-only and carry one of the route's roles; otherwise Graph answers 403. */
export function requireRoles(principal: Principal, roles: readonly string[]): void {
  if (principal.delegated || !principal.roles.some((r) => roles.includes(r))) {
    throw new GraphError('forbidden');
  }
}
