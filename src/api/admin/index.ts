// The admin API (outside the Graph surface): pushing records, importing NDJSON, the virtual clock, the call
// simulator. Off unless an admin key is configured; every route needs `Authorization: Bearer <admin key>`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Lockout, type FailureLog } from '../../auth/lockout.js';
import type { VirtualClock } from '../../clock.js';
import { GraphError } from '../../errors.js';
import type { CallSimulator } from '../../simulate/index.js';
import type { TenantRetention } from '../../jobs/retention.js';
import type { Resilience } from '../../resilience/index.js';
import type { Store } from '../../store/index.js';
import type { Registry } from '../../auth/registry.js';
import { registerAppRoutes } from './apps.js';
import { registerCallRoutes } from './calls.js';
import { registerClockRoutes } from './clock.js';
import { registerDashboardRoutes } from './dashboard.js';
import { registerDeliveryRoutes } from './deliveries.js';
import { registerFaultRoutes } from './faults.js';
import { registerMirrorRoutes } from './mirrors.js';
import { registerGenerateRoutes } from './generate.js';
import { registerRecordRoutes } from './records.js';

export interface AdminOptions {
  adminKey: string;
  store: Store;
  clock: VirtualClock;
  /** Called after records were written (e.g. to wake the notification dispatcher). */
  onRecordsWritten?: () => void;
  /** The call simulator behind /admin/tenants/{id}/calls (routes absent without one). */
  simulator?: CallSimulator;
  /** Awaited after the virtual clock moved, before answering (e.g. to deliver records that became due). */
  onClockChanged?: () => Promise<unknown>;
  /** Awaited after the clock's new state was saved (to tell the other instances). */
  onClockSaved?: (state: string) => Promise<unknown>;
  /** /admin/faults and /admin/tenants/{id}/throttling-report (routes absent without it). */
  resilience?: Resilience;
  /** Wrong admin keys allowed per source address within the window before a 429 (default 20 in 60 s). */
  failuresPerAddress?: number;
  failureWindowMs?: number;
  /** Tenants' own retention: /admin/tenants/{id}/retention and the mirrors' status (routes absent without it). */
  tenantRetention?: TenantRetention;
  /** Where wrong admin keys are counted (default: this process, over failureWindowMs). */
  failures?: FailureLog;
  /** Longest NDJSON import line, in bytes (default 16 MiB). */
  importMaxLineBytes?: number;
  /** App registrations: /admin/tenants/{id}/apps (routes absent without it). */
  registry?: Registry;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function registerAdminRoutes(app: FastifyInstance, o: AdminOptions): void {
  const expected = digest(o.adminKey);
  const lockout = o.failures ?? new Lockout({ windowMs: o.failureWindowMs ?? 60_000 });
  const limit = o.failuresPerAddress ?? 20;
  void app.register(
    (admin, _opts, done) => {
      admin.addHook('onRequest', async (request) => {
        // A locked-out address is refused before its key is looked at, the right key included: guessing stops.
        const key = `admin:${request.ip}`;
        const wait = await lockout.retryAfter([[key, limit]]);
        if (wait > 0) throw new GraphError('throttled', { headers: { 'retry-after': String(wait) } });
        const m = request.headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i);
        // Both sides are hashed first so the comparison takes the same time whatever the length.
        if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
          await lockout.fail([key]);
          throw new GraphError('adminUnauthorized', {
            headers: { 'www-authenticate': 'Bearer realm="callrecords-admin"' },
          });
        }
      });
      registerRecordRoutes(admin, o);
      registerClockRoutes(admin, o.clock, o.store, o.onClockChanged, o.onClockSaved);
      registerDeliveryRoutes(admin, o.store);
      if (o.resilience) registerFaultRoutes(admin, o.resilience, o.store);
      if (o.tenantRetention) registerMirrorRoutes(admin, o.store, o.tenantRetention);
      if (o.simulator) registerCallRoutes(admin, { store: o.store, clock: o.clock, simulator: o.simulator });
      if (o.registry) registerAppRoutes(admin, { store: o.store, registry: o.registry });
      registerGenerateRoutes(admin, {
        store: o.store,
        clock: o.clock,
        ...(o.onRecordsWritten ? { onRecordsWritten: o.onRecordsWritten } : {}),
      });
      registerDashboardRoutes(admin, {
        store: o.store,
        clock: o.clock,
        ...(o.resilience ? { resilience: o.resilience } : {}),
      });
      done();
    },
    { prefix: '/admin' },
  );
}
