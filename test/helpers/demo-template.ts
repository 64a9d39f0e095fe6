// The seeded demo tenant as a database image, built once and reused by every test file that asks for the same
// dataset: seeding 40 users x 30 days costs seconds, copying its image costs milliseconds. Each server still gets
// its own in-memory copy, so files run in parallel and never share a database.
//
// Templates live in the system temp folder under a hash of everything that decides their content (the source
// tree, the locked dependencies, this file, the seeding options): any change to the code makes a new template,
// never a stale one. The first process to need one builds it under a lock; the others wait for the file.
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { seedDemoTenant, type SeedOptions } from '../../src/demo/seed.js';
import { openStore } from '../../src/store/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';

export type DemoDataset = Pick<SeedOptions, 'seed' | 'users' | 'days' | 'now'>;

const ROOT = path.resolve(import.meta.dirname, '../..');
/** A lock this old is stale even if its pid names a live process (the pid may have been reused). */
const STALE_LOCK_MS = 10 * 60_000;
/** Templates of other code versions unused this long are deleted (each use touches its file). */
const UNUSED_MS = 60 * 60_000;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The hash of every input of the seeding: source files, dependency lock, this helper, the Node ABI. */
function codeHash(): string {
  const h = createHash('sha256').update(process.versions.modules);
  const inputs = [...filesUnder(path.join(ROOT, 'src')), path.join(ROOT, 'package-lock.json')];
  for (const file of [...inputs, import.meta.filename]) {
    h.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** Deletes the templates of code versions no run has used for a while, so that edits do not fill the disk. */
function prune(base: string, keep: string): void {
  for (const name of readdirSync(base)) {
    const dir = path.join(base, name);
    if (name === keep) continue;
    try {
      const used = Math.max(statSync(dir).mtimeMs, ...filesUnder(dir).map((f) => statSync(f).mtimeMs));
      if (Date.now() - used > UNUSED_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another run pruned it first: pruning is housekeeping, never a reason to fail a test.
    }
  }
}

async function build(file: string, o: DemoDataset): Promise<void> {
  const scratch = `${file}.${process.pid}.building`;
  rmSync(scratch, { force: true });
  const store = await openStore({ db: scratch, json: STORED_JSON });
  try {
    await seedDemoTenant(store, o);
  } finally {
    await store.close();
  }
  // Closing checkpointed the WAL into the file; leaving WAL mode makes it a single self-contained image that an
  // in-memory database can be deserialized from.
  const raw = new BetterSqlite3(scratch);
  raw.pragma('journal_mode = DELETE');
  raw.close();
  rmSync(`${scratch}-wal`, { force: true });
  rmSync(`${scratch}-shm`, { force: true });
  // A rename is atomic: a reader sees no file or a whole one.
  renameSync(scratch, file);
}

/** A lock whose builder died (a run stopped mid-seeding) or that is older than any seeding takes. */
function isStale(lock: string): boolean {
  const stat = statSync(lock, { throwIfNoEntry: false });
  if (!stat) return false;
  if (Date.now() - stat.mtimeMs > STALE_LOCK_MS) return true;
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return false;
  }
  // The pid is written right after the lock is created: an empty file is a builder still starting.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function exists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The image of a database holding the demo tenant seeded with `o` (and nothing else: no keys, no apps). */
export async function demoImage(o: DemoDataset): Promise<Buffer> {
  const base = path.join(tmpdir(), 'callrecords-test-templates');
  const hash = codeHash();
  const dir = path.join(base, hash);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `demo-${o.seed}-${o.users}u-${o.days}d-${o.now}.sqlite`);
  const lock = `${file}.lock`;
  while (!exists(file)) {
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isStale(lock)) rmSync(lock, { force: true });
      await sleep(100);
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
      if (!exists(file)) {
        prune(base, hash);
        await build(file, o);
      }
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
  }
  const now = new Date();
  utimesSync(file, now, now);
  return readFileSync(file);
}
