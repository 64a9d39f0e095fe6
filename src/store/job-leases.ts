// Singleton jobs (pending records, retention purge) run on one instance at a time: the instance holding a job's
// lease row runs it; a lease that passed (its holder died) can be taken by any. Portable Kysely: one upsert whose
// update applies only when the lease is free or already ours, so two instances never both win.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface JobLeases {
  /** Takes or extends the lease of `name` for `holder` until `nowMs + ttlMs`; false while another holds it. */
  tryAcquire(name: string, holder: string, ttlMs: number, nowMs?: number): Promise<boolean>;
  /** Gives the lease up (if still held by `holder`). */
  release(name: string, holder: string): Promise<void>;
}

export class KyselyJobLeases implements JobLeases {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async tryAcquire(name: string, holder: string, ttlMs: number, nowMs = Date.now()): Promise<boolean> {
    const r = await this.#db
      .insertInto('job_leases')
      .values({ name, holder, until_ms: nowMs + ttlMs })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), until_ms: eb.ref('excluded.until_ms') }))
          .where((eb) =>
            eb.or([eb('job_leases.until_ms', '<', nowMs), eb('job_leases.holder', '=', holder)]),
          ),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.#db.deleteFrom('job_leases').where('name', '=', name).where('holder', '=', holder).execute();
  }
}

/**
 * Runs `job` if this instance gets the lease, renewing it through `renew` between steps; resolves undefined when
 * another instance holds it.
 */
export async function exclusively<T>(
  leases: JobLeases,
  name: string,
  holder: string,
  ttlMs: number,
  job: (renew: () => Promise<boolean>) => Promise<T>,
): Promise<T | undefined> {
  if (!(await leases.tryAcquire(name, holder, ttlMs))) return undefined;
  try {
    return await job(() => leases.tryAcquire(name, holder, ttlMs));
  } finally {
    await leases.release(name, holder).catch(() => {});
  }
}
