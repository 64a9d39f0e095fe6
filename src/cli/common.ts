// What every management command shares: the streams, the --db/--json options, opening the store, printing, exit
// codes.
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { Registry, RegistryError } from '../auth/registry.js';
import { systemClock } from '../clock.js';
import { loadConfig, storeOptionsOf, type Config } from '../config/index.js';
import { openStore, type Store } from '../store/index.js';
import { STORED_JSON } from '../graph/shape/stored.js';

/** Where a command reads and writes, and the exit code it asks for without throwing. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  /** `isTTY` picks a progress bar over plain progress lines. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: Readable;
  exitCode: number;
}

const CLI_BUSY_TIMEOUT_MS = 120_000;

export interface CommonOptions {
  db?: string;
  dataDir?: string;
  json?: boolean;
}

export function withCommon(cmd: Command): Command {
  return cmd
    .option('--db <file|url>', 'SQLite database file or postgres:// URL (env CALLRECORDS_DB, DATABASE_URL)')
    .option('--data-dir <dir>', 'directory of the key-encryption key (env CALLRECORDS_DATA_DIR)')
    .option('--json', 'print machine-readable JSON');
}

export interface Session {
  config: Config;
  store: Store;
  registry: Registry;
}

/** Opens the store for one command, runs it, closes the store; a RegistryError becomes a message and exit 1. */
export async function withStore(
  io: CliIo,
  opts: CommonOptions,
  run: (s: Session) => Promise<void>,
): Promise<void> {
  const config = loadConfig({ db: opts.db, dataDir: opts.dataDir, logLevel: 'silent' });
  // One-shot commands (generate, import, export) are bulk writers and readers: a larger page cache for the indexes.
  // They also wait longer for a running server's writes than the server waits for theirs: a bulk command that
  // gives up after a few seconds would throw away its work, a server request has a client waiting.
  const store = await openStore({
    ...storeOptionsOf(config),
    json: STORED_JSON,
    cacheMb: 64,
    busyTimeoutMs: Math.max(config.dbBusyTimeoutMs, CLI_BUSY_TIMEOUT_MS),
  });
  try {
    await run({ config, store, registry: new Registry(store, systemClock) });
  } catch (err) {
    if (err instanceof RegistryError) {
      io.stderr.write(`callrecords: ${err.message}\n`);
      io.exitCode = 1;
      return;
    }
    throw err;
  } finally {
    await store.close();
  }
}

export function print(io: CliIo, opts: CommonOptions, json: unknown, human: string): void {
  io.stdout.write(opts.json ? JSON.stringify(json, null, 2) + '\n' : human + '\n');
}

/** Collects a repeatable option (`--role A --role B`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
