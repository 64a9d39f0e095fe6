// Authentication is the first stage of every Graph request: it decides which tenant the request acts for.
// Until token verification lands (identity issue), the server runs open and serves one configured tenant.
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    principal: { tenantId: string } | undefined;
  }
}

export interface AuthOptions {
  /** The tenant anonymous requests act for. */
  anonymousTenantId: string;
}

export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', (request, _reply, done) => {
    request.principal = { tenantId: options.anonymousTenantId };
    done();
  });
}
