// Demo mode: on an empty database, create the demo tenant and fill it with the deterministic demo dataset: the
// call records and the telephony logs that agree with them, written together in batches.
import { DEMO_TENANT_ID } from '../config/index.js';
import { emptyRows, generateCallData, type TelephonyRows } from '../generate/telephony/index.js';
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
  let logs: TelephonyRows = emptyRows();
  let written = 0;
  const flush = async () => {
    await store.upsertCallRecords(DEMO_TENANT_ID, batch);
    await store.logs.insert(DEMO_TENANT_ID, logs);
    written += batch.length;
    batch = [];
    logs = emptyRows();
  };
  const items = generateCallData({
    tenantId: DEMO_TENANT_ID,
    seed: o.seed,
    users: o.users,
    days: o.days,
    until: new Date(o.now),
  });
  for (const { record, logs: rows } of items) {
    if (record) batch.push(record);
    logs.pstnCalls.push(...rows.pstnCalls);
    logs.directRoutingCalls.push(...rows.directRoutingCalls);
    logs.sms.push(...rows.sms);
    logs.blockedUsers.push(...rows.blockedUsers);
    if (batch.length === BATCH) {
      await flush();
      o.onProgress?.(written);
      // Let /healthz and other requests be answered (503) while the tenant fills.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await flush();
  return written;
}
