// PostgreSQL dialect setup: the pool, type parsers, error mapping, and what only PostgreSQL has (monthly partitions
// of the call-record tables, row-level concurrency between instances). Everything else is the shared Kysely store.
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  PostgresDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type Transaction,
} from 'kysely';
import { StoreUnavailableError } from './errors.js';
import type { DatabaseHealth, StoreDialect } from './dialect.js';
import { deleteRollupsOfDays } from './rollups.js';
import type { Database } from './schema.js';

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Statements running longer are cancelled, ms (default 30000; 0: no limit). */
  statementTimeoutMs?: number;
  /** How long a request waits for a connection before the store reports itself unavailable, ms (default 5000). */
  connectTimeoutMs?: number;
}

export interface PostgresHandle {
  db: Kysely<Database>;
  dialect: StoreDialect;
  pool: pg.Pool;
}

// int8 (count(*), bigint columns) and numeric (sum of bigint) arrive as strings by default: every value the store
// keeps fits in a double (epoch ms, versions, money in millionths).
const INT8 = 20;
const NUMERIC = 1700;
const toNumber = (value: string): number => Number(value);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC
      ? toNumber
      : (pg.types.getTypeParser(oid, format ?? 'text') as unknown)) as typeof pg.types.getTypeParser,
};

/**
 * SQLSTATEs after which the same request can succeed later: connection exceptions (08…), the server shutting down
 * or starting (57P01-57P03), too many connections (53300), serialization failures and deadlocks (40001, 40P01), a
 * statement cancelled by the statement timeout (57014), the server out of resources (53…).
 */
const TRANSIENT_STATE = /^(08|53|57P0[123]|40001|40P01|57014)/;
const TRANSIENT_NODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const TRANSIENT_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed|connection timeout/i;

export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_STATE.test(code) || TRANSIENT_NODE.has(code))) return true;
  if (err instanceof AggregateError) return err.errors.some(isTransient);
  return TRANSIENT_MESSAGE.test(err.message);
}

const mapError = (err: unknown): unknown => (isTransient(err) ? new StoreUnavailableError(err) : err);

/**
 * PostgreSQL text cannot hold NUL, so a value with one equals no stored text: a read or delete that binds one (an id
 * from a URL such as `/callRecords/%00`) binds NULL instead, which compares true with nothing, and finds nothing as
 * on SQLite instead of failing with 22021.
 */
function withoutNul(query: CompiledQuery): CompiledQuery {
  const nul = (p: unknown) => typeof p === 'string' && p.includes('\u0000');
  if (!query.parameters.some(nul) || !/^\s*(select|delete)\b/i.test(query.sql)) return query;
  return { ...query, parameters: query.parameters.map((p) => (nul(p) ? null : p)) };
}

/** Connection failures and transient errors surface as StoreUnavailableError (503 with Retry-After). */
class MappingDriver extends PostgresDriver {
  readonly #originals = new WeakMap<DatabaseConnection, DatabaseConnection>();

  override async acquireConnection(): Promise<DatabaseConnection> {
    let connection: DatabaseConnection;
    try {
      connection = await super.acquireConnection();
    } catch (err) {
      throw mapError(err);
    }
    const wrapped: DatabaseConnection = {
      executeQuery: async (query) => {
        try {
          return await connection.executeQuery(withoutNul(query));
        } catch (err) {
          throw mapError(err);
        }
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
    this.#originals.set(wrapped, connection);
    return wrapped;
  }

  #original(connection: DatabaseConnection): DatabaseConnection {
    return this.#originals.get(connection) ?? connection;
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await super.releaseConnection(this.#original(connection) as never);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // Rolling back over a dead connection fails too; the original error is the one worth reporting, and the
    // driver discards the connection.
    try {
      await super.rollbackTransaction(this.#original(connection) as never);
    } catch (err) {
      throw mapError(err);
    }
  }
}

class MappingDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;

  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new MappingDriver(this.#config);
  }
}

/** The tables partitioned by month of start_ms, each with the same monthly partitions. */
export const PARTITIONED_TABLES = ['call_records', 'call_record_parts', 'participant_index'] as const;

/** Start of the UTC month holding `ms`. */
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

const nextMonth = (start: number): number => {
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

/** Partition names carry their month: call_records_p202611. Months outside years 1000-9999 share one name form. */
export function partitionName(table: string, start: number): string {
  const d = new Date(start);
  const y = d.getUTCFullYear();
  const tag = y < 0 ? `m${String(-y).padStart(6, '0')}` : String(y).padStart(4, '0');
  return `${table}_p${tag}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const PARTITION_NAME = /^call_records_p(m?)(\d+)(\d\d)$/;

function monthOfPartition(name: string): number | undefined {
  const m = PARTITION_NAME.exec(name);
  if (!m) return undefined;
  const year = Number(m[2]) * (m[1] ? -1 : 1);
  const d = new Date(0);
  d.setUTCFullYear(year, Number(m[3]) - 1, 1);
  return d.getTime();
}

/** Serializes partition creation and dropping across instances (an arbitrary constant key). */
const PARTITION_LOCK = 0x63_72_70_61_72_74n; // "crpart"

/** Creates the monthly partitions of the record tables for these month starts, if missing (caller's transaction). */
export async function createMonthPartitions(
  db: Kysely<Database> | Transaction<Database>,
  months: Iterable<number>,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(${PARTITION_LOCK.toString()}::bigint)`.execute(db);
  for (const start of months) {
    const end = nextMonth(start);
    for (const table of PARTITIONED_TABLES) {
      await sql`create table if not exists ${sql.table(partitionName(table, start))} partition of ${sql.table(
        table,
      )} for values from (${sql.lit(start)}) to (${sql.lit(end)})`.execute(db);
    }
  }
}

class PostgresFeatures implements StoreDialect {
  readonly name = 'postgres' as const;
  readonly blobType = 'bytea' as const;
  readonly partitioned = true;
  readonly #db: Kysely<Database>;
  /** Month starts known to have partitions (this process created or saw them). */
  readonly #months = new Set<number>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async lockRecords(trx: Transaction<Database>, tenantId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // Transaction-scoped advisory locks on the records' keys, taken in one order so two writers never deadlock:
    // the partitioned table cannot hold a unique key on (tenant_id, id) alone, so the key is guarded here.
    const keys = [...new Set(ids)].map((id) => `${tenantId.length}:${tenantId}${id}`);
    await sql`select pg_advisory_xact_lock(h) from (select hashtextextended(k, 0) as h from unnest(${keys}::text[]) as k order by 1) as s`.execute(
      trx,
    );
  }

  async ensurePartitions(startMs: readonly number[]): Promise<void> {
    const missing = new Set<number>();
    for (const ms of startMs) {
      const month = monthStart(ms);
      if (!this.#months.has(month)) missing.add(month);
    }
    if (missing.size === 0) return;
    await this.#db.transaction().execute((trx) => createMonthPartitions(trx, missing));
    for (const m of missing) this.#months.add(m);
  }

  forgetPartitions(): void {
    this.#months.clear();
  }

  isMissingPartition(err: unknown): boolean {
    // 23514 check_violation: "no partition of relation … found for row".
    return (err as { code?: unknown }).code === '23514' && /no partition/i.test((err as Error).message);
  }

  async #partitionMonths(): Promise<number[]> {
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
      where p.relname = 'call_records' and p.relnamespace = to_regnamespace(current_schema())::oid`.execute(
      this.#db,
    );
    return rows.flatMap((r) => {
      const m = monthOfPartition(r.name);
      return m === undefined ? [] : [m];
    });
  }

  async dropPartitionsBefore(beforeMs: number): Promise<number> {
    const expired = (await this.#partitionMonths())
      .filter((m) => nextMonth(m) <= beforeMs)
      .sort((a, b) => a - b);
    let dropped = 0;
    for (const month of expired) {
      dropped += await this.#db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${PARTITION_LOCK.toString()}::bigint)`.execute(trx);
        const name = partitionName('call_records', month);
        if (!(await sql<{ r: string | null }>`select to_regclass(${name}) as r`.execute(trx)).rows[0]?.r)
          return 0;
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(trx);
        for (const table of PARTITIONED_TABLES)
          await sql`drop table if exists ${sql.table(partitionName(table, month))}`.execute(trx);
        // What the dashboard derived from the month's records goes with them.
        await deleteRollupsOfDays(trx, month, nextMonth(month));
        return Number(rows[0]?.n ?? 0);
      });
      this.#months.delete(month);
    }
    return dropped;
  }

  async upkeep(nowMs: number): Promise<void> {
    // This month and the next two: a month's first record never waits for a partition to be created.
    const now = monthStart(nowMs);
    const months = [now, nextMonth(now), nextMonth(nextMonth(now))];
    await this.#db.transaction().execute((trx) => createMonthPartitions(trx, months));
    for (const m of months) this.#months.add(m);
  }

  async sizeBytes(): Promise<number> {
    const r = await this.#db.executeQuery<{ bytes: string }>(
      CompiledQuery.raw('select pg_database_size(current_database())::text as bytes'),
    );
    return Number(r.rows[0]?.bytes ?? 0);
  }

  async health(): Promise<DatabaseHealth> {
    const started = performance.now();
    try {
      await this.#db.executeQuery(CompiledQuery.raw('select 1'));
      return { backend: 'postgres', ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      const cause = err instanceof StoreUnavailableError ? err.cause : err;
      return {
        backend: 'postgres',
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        error: (cause as { code?: string }).code ?? 'unavailable',
      };
    }
  }
}

export function openPostgres(url: string, options: PostgresOptions = {}): PostgresHandle {
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'callrecords',
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
    types,
  });
  // An idle connection that the server closes (a restart) emits an error on the pool; the pool drops it and the
  // next request opens a new one. Without a listener the process would exit.
  pool.on('error', () => {});
  // A connection lost while checked out (mid-transaction) emits its error on the client, not the pool: the failing
  // statement reports it (a 503), and the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new MappingDialect({ pool }) });
  return { db, dialect: new PostgresFeatures(db), pool };
}
