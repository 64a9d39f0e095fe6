// Node 20's test runner takes no glob patterns: find test/**/*.test.ts here and hand the list to `node --test`.
// Arguments narrow the run to files whose path contains one of them (e.g. `npm run test:only -- api/`).
//
// The suite runs once per database backend: SQLite, then PostgreSQL (CALLRECORDS_TEST_DB=postgres; test/helpers/
// test-db.ts gives each store a database of its own). CALLRECORDS_TEST_BACKENDS narrows it (`sqlite`, `postgres`
// or both, comma-separated). The PostgreSQL pass runs the files that open a store, and is skipped, with the reason
// printed, only when no server answers at CALLRECORDS_TEST_PG_URL. A file whose subject sits above the store (a
// client library, the HTTP layer, token issuance) says so in a `// backends: sqlite — why` line and runs once:
// the store paths it reaches are what the other files run on both backends, and the PostgreSQL pass keeps CI short.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { URL } from 'node:url';
import pg from 'pg';

const PG_URL = process.env.CALLRECORDS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const backends = (process.env.CALLRECORDS_TEST_BACKENDS ?? 'sqlite,postgres')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
for (const b of backends) {
  if (b !== 'sqlite' && b !== 'postgres') {
    console.error(`CALLRECORDS_TEST_BACKENDS: unknown backend '${b}' (sqlite, postgres)`);
    process.exit(1);
  }
}

const filters = process.argv.slice(2);
const files = readdirSync('test', { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
  .map((e) => path.join(e.parentPath ?? e.path, e.name))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

/** Files that open a store, themselves or through a helper of their own folder or test/helpers. */
const STORE_USE = /startTestServer|openTestStore|openStore|freshPostgres|CALLRECORDS_TEST_DB/;
function usesStore(file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  if (STORE_USE.test(text)) return true;
  for (const m of text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
    if (usesStore(path.join(path.dirname(file), `${m[1]}.ts`), seen)) return true;
  }
  return false;
}

/** A file that asks to run on SQLite only (see the header), by a line of its own near the top. */
const ONE_BACKEND = /^\/\/ backends: sqlite\b/m;
function sqliteOnly(file) {
  return ONE_BACKEND.test(readFileSync(file, 'utf8').slice(0, 4000));
}

async function postgresAnswers() {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query('show server_version_num');
    await client.end();
    const version = Number(rows[0]?.server_version_num ?? 0);
    return version >= 150000 ? undefined : `PostgreSQL ${version} is older than 15`;
  } catch (err) {
    return `no PostgreSQL server answers at ${new URL(PG_URL).host} (${err.code ?? err.message})`;
  }
}

function run(backend, list) {
  const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-tap-'));
  const tap = path.join(dir, 'summary.tap');
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      `--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`,
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...list,
    ],
    { stdio: 'inherit', env: { ...process.env, CALLRECORDS_TEST_DB: backend } },
  );
  const counts = {};
  try {
    for (const m of readFileSync(tap, 'utf8').matchAll(/^# (tests|pass|fail|skipped|cancelled) (\d+)$/gm))
      counts[m[1]] = Number(m[2]);
  } catch {
    // no summary: the runner itself failed; the status says so
  }
  rmSync(dir, { recursive: true, force: true });
  return { status: result.status ?? 1, counts };
}

/** Files that disturb the shared database server (they restart it). */
const ALONE = /pg-restart/;

const summary = [];
let status = 0;
for (const backend of backends) {
  let list = files;
  let once = 0;
  if (backend === 'postgres') {
    const reason = await postgresAnswers();
    if (reason) {
      summary.push(`postgres: SKIPPED: ${reason}`);
      continue;
    }
    const stored = files.filter((f) => usesStore(f));
    list = stored.filter((f) => !sqliteOnly(f));
    once = stored.length - list.length;
    if (list.length === 0) continue;
  }
  console.log(
    `\n# === ${backend}: ${list.length} test files${once ? ` (${once} more run on SQLite only)` : ''} ===\n`,
  );
  // A file that restarts the database server would cut the connections of files running beside it: it runs
  // alone, after the others.
  const alone = list.filter((f) => ALONE.test(f));
  const r = run(
    backend,
    list.filter((f) => !ALONE.test(f)),
  );
  const parts = alone.length ? [r, run(backend, alone)] : [r];
  for (const p of parts) if (p.status !== 0) status = p.status;
  const c = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.counts)) c[k] = (c[k] ?? 0) + v;
  r.status = parts.find((p) => p.status !== 0)?.status ?? 0;
  summary.push(
    `${backend}: ${list.length} files, ${c.tests ?? '?'} tests, ${c.pass ?? '?'} pass, ${c.fail ?? '?'} fail` +
      `${c.cancelled ? `, ${c.cancelled} cancelled` : ''}${c.skipped ? `, ${c.skipped} skipped` : ''}` +
      `${r.status === 0 ? '' : ` (exit ${r.status})`}`,
  );
}
console.log(`\n# backends\n${summary.map((s) => `# ${s}`).join('\n')}`);
process.exit(status);
