// Demo mode: on an empty database, create the demo tenant and fill it with the deterministic demo dataset: the
// call records and the telephony logs that agree with them, written together in batches.
import { DEMO_TENANT_ID } from '../config/index.js';
import { generateBatches } from '../generate/worker/index.js';
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
  let written = 0;
  // A worker thread generates, serializes and compresses; this thread writes and stays free to answer requests.
  for await (const batch of generateBatches({
    generate: {
      tenantId: DEMO_TENANT_ID,
      seed: o.seed,
      users: o.users,
      days: o.days,
      until: new Date(o.now),
    },
    batch: BATCH,
    logs: { pstn: true, directRouting: true, sms: true },
  })) {
    await store.upsertRecordRows(DEMO_TENANT_ID, batch.rows);
    await store.logs.insert(DEMO_TENANT_ID, batch.logs);
    written += batch.counts.records;
    o.onProgress?.(written);
  }
  return written;
}
