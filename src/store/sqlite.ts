// SQLite dialect setup: the file, pragmas and a prepared-statement cache. Everything else is shared SQL.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

export interface SqliteHandle {
  db: Kysely<Database>;
  raw: BetterSqlite3.Database;
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

export interface SqliteOptions {
  /** SQLite's own page cache, MiB (default 16: a larger cache does not make the server's reads faster). */
  cacheMb?: number;
  /** For ':memory:': start from this serialized database instead of an empty one (tests copy a seeded template). */
  image?: Buffer;
}

export function openSqlite(file: string, options: SqliteOptions = {}): SqliteHandle {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new BetterSqlite3(file === ':memory:' && options.image ? options.image : file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma(`cache_size = -${Math.round((options.cacheMb ?? 16) * 1024)}`);
  // No memory-mapped reads: mapped pages count in the process's resident memory up to the map's size, and reads
  // are as fast without them. The operating system's file cache still holds the hot pages.
  raw.pragma('mmap_size = 0');
  raw.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  return { db, raw };
}
