// Admin routes for a tenant's app registrations (what `callrecords app …` does, over HTTP, for the dashboard):
// list, create (the secret is in this answer only), set roles, add a secret, delete.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { KNOWN_ROLES } from '../../auth/roles.js';
import { RegistryError, type Registry } from '../../auth/registry.js';
import { GraphError, badRequest } from '../../errors.js';
import type { Store } from '../../store/index.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (ms: number) => new Date(ms).toISOString();

const createBody = z.object({
  displayName: z.string().min(1).max(256),
  roles: z.array(z.string()).max(10).default([]),
  secretDays: z.number().int().min(1).max(3650).optional(),
});
const rolesBody = z.object({ roles: z.array(z.string()).max(10) });

type AppParams = { Params: { tenantId: string; appId: string } };

/** Registry errors are the caller's: an unknown role, a missing app. */
async function registry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof RegistryError) {
      if (/^no app /.test(err.message)) throw new GraphError('notFound', { message: err.message });
      throw badRequest(err.message, err);
    }
    throw err;
  }
}

export function registerAppRoutes(app: FastifyInstance, o: { store: Store; registry: Registry }): void {
  const { store } = o;
  const tenantOf = async (raw: string) => {
    const id = raw.toLowerCase();
    if (!GUID.test(id) || !(await store.getTenant(id)))
      throw new GraphError('tenantNotFound', { message: `Tenant '${raw}' does not exist.` });
    return id;
  };

  app.get<{ Params: { tenantId: string } }>('/tenants/:tenantId/apps', async (request) => {
    const tenantId = await tenantOf(request.params.tenantId);
    const apps = await store.identity.listApps(tenantId);
    return {
      knownRoles: KNOWN_ROLES,
      value: await Promise.all(
        apps.map(async (a) => ({
          clientId: a.appId,
          objectId: a.objectId,
          displayName: a.displayName,
          roles: a.roles,
          createdDateTime: iso(a.createdMs),
          secrets: (await store.identity.listSecrets(tenantId, a.appId)).map((s) => ({
            keyId: s.key_id,
            hint: s.hint,
            expires: iso(Number(s.expires_ms)),
          })),
        })),
      ),
    };
  });

  app.post<{ Params: { tenantId: string } }>('/tenants/:tenantId/apps', async (request, reply) => {
    const tenantId = await tenantOf(request.params.tenantId);
    const parsed = createBody.safeParse(request.body);
    if (!parsed.success)
      throw badRequest('The body must be {"displayName": "…", "roles"?: ["…"], "secretDays"?: n}.');
    const { app: a, secret } = await registry(() =>
      o.registry.createApp({
        tenantId,
        displayName: parsed.data.displayName,
        roles: parsed.data.roles,
        ...(parsed.data.secretDays ? { secretDays: parsed.data.secretDays } : {}),
      }),
    );
    return reply.code(201).send({
      clientId: a.appId,
      objectId: a.objectId,
      displayName: a.displayName,
      roles: a.roles,
      // The only time the secret is shown: only a salted hash is stored.
      secret: { keyId: secret.keyId, value: secret.value, expires: iso(secret.expiresMs) },
    });
  });

  app.put<AppParams>('/tenants/:tenantId/apps/:appId/roles', async (request) => {
    const tenantId = await tenantOf(request.params.tenantId);
    const parsed = rolesBody.safeParse(request.body);
    if (!parsed.success) throw badRequest('The body must be {"roles": ["…"]}.');
    const appId = request.params.appId.toLowerCase();
    const current = await store.identity.getApp(tenantId, appId);
    if (!current)
      throw new GraphError('notFound', { message: `App '${request.params.appId}' does not exist.` });
    const wanted = [...new Set(parsed.data.roles)];
    const add = wanted.filter((r) => !current.roles.includes(r));
    const remove = current.roles.filter((r) => !wanted.includes(r));
    let roles = current.roles;
    if (add.length) roles = await registry(() => o.registry.grant(tenantId, appId, add));
    if (remove.length) roles = await registry(() => o.registry.revoke(tenantId, appId, remove));
    return { clientId: appId, roles };
  });

  app.post<AppParams>('/tenants/:tenantId/apps/:appId/secrets', async (request, reply) => {
    const tenantId = await tenantOf(request.params.tenantId);
    const appId = request.params.appId.toLowerCase();
    const s = await registry(() => o.registry.addSecret(tenantId, appId));
    return reply.code(201).send({ keyId: s.keyId, value: s.value, expires: iso(s.expiresMs) });
  });

  app.delete<AppParams>('/tenants/:tenantId/apps/:appId', async (request, reply) => {
    const tenantId = await tenantOf(request.params.tenantId);
    await registry(() => o.registry.deleteApp(tenantId, request.params.appId.toLowerCase()));
    return reply.code(204).send();
  });
}
