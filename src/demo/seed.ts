// Demo mode: on an empty database, create the demo tenant and fill it with the deterministic demo dataset.
import { DEMO_TENANT_ID } from '../config/index.js';
import { generateCallRecords } from '../generate/index.js';
import type { CallRecordDocument } from '../graph/model/index.js';
import type { Store } from '../store/index.js';

export interface SeedOptions {
  seed: number;
  users: number;
  days: number;
  now: number;
  onProgress?: (records: number) => void;
}

const BATCH = 500;

/** Returns the number of records written, or 0 when the demo tenant already existed. */
export async function seedDemoTenant(store: Store, o: SeedOptions): Promise<number> {
  if (await store.getTenant(DEMO_TENANT_ID)) return 0;
  await store.createTenant({ id: DEMO_TENANT_ID, displayName: 'Contoso (demo)', createdMs: o.now });
  let batch: CallRecordDocument[] = [];
  let written = 0;
  const records = generateCallRecords({
    tenantId: DEMO_TENANT_ID,
    seed: o.seed,
    users: o.users,
    days: o.days,
    until: new Date(o.now),
  });
  for (const record of records) {
    batch.push(record);
    if (batch.length === BATCH) {
      await store.upsertCallRecords(DEMO_TENANT_ID, batch);
      written += batch.length;
      batch = [];
      o.onProgress?.(written);
      // Let /healthz and other requests be answered (503) while the tenant fills.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (batch.length > 0) await store.upsertCallRecords(DEMO_TENANT_ID, batch);
  return written + batch.length;
}
