// SQLite dialect setup: the file, pragmas and a prepared-statement cache. Everything else is shared SQL.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import { StoreBusyError } from './errors.js';
import type { DatabaseHealth, StoreDialect } from './dialect.js';
import type { Database } from './schema.js';
import { SQLITE_PAGE_SIZE } from './migrations/012_clustered_records.js';

export interface SqliteHandle {
  db: Kysely<Database>;
  raw: BetterSqlite3.Database;
  dialect: StoreDialect;
}

/** SQLite has one writer at a time and no partitions: most capabilities are nothing to do. */
class SqliteFeatures implements StoreDialect {
  readonly name = 'sqlite' as const;
  readonly blobType = 'blob' as const;
  readonly partitioned = false;
  readonly #raw: BetterSqlite3.Database;

  constructor(raw: BetterSqlite3.Database) {
    this.#raw = raw;
  }

  lockRecords(): Promise<void> {
    return Promise.resolve();
  }
  ensurePartitions(): Promise<void> {
    return Promise.resolve();
  }
  forgetPartitions(): void {}
  isMissingPartition(): boolean {
    return false;
  }
  dropPartitionsBefore(): Promise<number> {
    return Promise.resolve(0);
  }
  upkeep(): Promise<void> {
    return Promise.resolve();
  }
  sizeBytes(): Promise<number> {
    const pages = this.#raw.pragma('page_count', { simple: true }) as number;
    const free = this.#raw.pragma('freelist_count', { simple: true }) as number;
    const size = this.#raw.pragma('page_size', { simple: true }) as number;
    return Promise.resolve((pages - free) * size);
  }
  health(): Promise<DatabaseHealth> {
    const started = performance.now();
    try {
      this.#raw.prepare('select 1').get();
      return Promise.resolve({
        backend: 'sqlite',
        ok: true,
        latencyMs: Math.round(performance.now() - started),
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return Promise.resolve({
        backend: 'sqlite',
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        error: typeof code === 'string' ? code : 'unavailable',
      });
    }
  }
}

/** better-sqlite3 has no statement cache and Kysely prepares on every execution; reuse statements by SQL text. */
function withStatementCache(raw: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = raw.prepare.bind(raw);
  return new Proxy(raw, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (source: string) => {
          let stmt = cache.get(source);
          if (!stmt) {
            stmt = prepare(source);
            if (cache.size > 500) cache.clear();
            cache.set(source, stmt);
          }
          return stmt;
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** SQLITE_BUSY and its extended codes: the busy timeout passed and another connection still holds the lock. */
const isBusy = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
};

/**
 * Write transactions take the write lock when they begin (BEGIN IMMEDIATE), where the busy timeout applies: a
 * deferred transaction that reads first and then writes fails at once with SQLITE_BUSY when another process wrote
 * in between, whatever the timeout. A lock still held after the timeout surfaces as StoreBusyError.
 */
class WriteLockingDriver extends SqliteDriver {
  /** SQLite has one connection: it is wrapped once. */
  readonly #wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    let wrapped = this.#wrapped.get(connection);
    if (!wrapped) {
      wrapped = {
        executeQuery: async (query) => {
          try {
            return await connection.executeQuery(query);
          } catch (err) {
            throw isBusy(err) ? new StoreBusyError(err) : err;
          }
        },
        streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
      };
      this.#wrapped.set(connection, wrapped);
    }
    return wrapped;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class WriteLockingDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new WriteLockingDriver(this.#config);
  }
}

export interface SqliteOptions {
  /** SQLite's own page cache, MiB (default 16: a larger cache does not make the server's reads faster). */
  cacheMb?: number;
  /** For ':memory:': start from this serialized database instead of an empty one (tests copy a seeded template). */
  image?: Buffer;
  /** How long a statement waits for another writer's lock, ms (default 5000). */
  busyTimeoutMs?: number;
}

export function openSqlite(file: string, options: SqliteOptions = {}): SqliteHandle {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new BetterSqlite3(file === ':memory:' && options.image ? options.image : file);
  // Takes effect on a new file only (migration 012 converts older ones): a record row of 2-3 KB stays on its leaf
  // page, so a page of records is a few contiguous pages.
  raw.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs ?? 5000)}`);
  raw.pragma(`cache_size = -${Math.round((options.cacheMb ?? 16) * 1024)}`);
  // No memory-mapped reads: mapped pages count in the process's resident memory up to the map's size, and reads
  // are as fast without them. The operating system's file cache still holds the hot pages.
  raw.pragma('mmap_size = 0');
  raw.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({
    dialect: new WriteLockingDialect({ database: withStatementCache(raw) }),
  });
  return { db, raw, dialect: new SqliteFeatures(raw) };
}
