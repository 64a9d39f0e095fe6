// The demo tenant's well-known app registrations (local use only; a server not in demo mode never creates them).
import type { Registry } from '../auth/registry.js';
import { ROLE_PSTN_LEGACY, ROLE_READ_ALL } from '../auth/roles.js';
import { DEMO_TENANT_ID } from '../config/index.js';
import type { Store } from '../store/index.js';

export const DEMO_APPS = [
  {
    appId: 'c0ffee00-ca11-4000-8000-000000000001',
    displayName: 'callrecords demo app',
    secret: 'callrecords-demo-secret',
    roles: [ROLE_READ_ALL, ROLE_PSTN_LEGACY],
  },
  {
    appId: 'c0ffee00-ca11-4000-8000-000000000002',
    displayName: 'callrecords demo app without roles',
    secret: 'callrecords-demo-secret-noroles',
    roles: [],
  },
] as const;

/** Creates the demo tenant's apps that are missing (the tenant must exist). */
export async function ensureDemoApps(store: Store, registry: Registry): Promise<void> {
  for (const a of DEMO_APPS) {
    if (await store.identity.getApp(DEMO_TENANT_ID, a.appId)) continue;
    await registry.createApp({
      tenantId: DEMO_TENANT_ID,
      appId: a.appId,
      displayName: a.displayName,
      roles: [...a.roles],
      secret: a.secret,
    });
  }
}
