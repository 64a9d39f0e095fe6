// `npx tsx bench/import.ts [--users 200 --days 30] [--backend postgres] [--root <checkout>]`: NDJSON import speed,
// through the CLI (`callrecords import`) and through the admin API (`POST /admin/tenants/{id}/import` on
// `callrecords serve`), each into an empty database. The input is a generated tenant exported with
// `callrecords export` (generator-shaped records and their telephony log rows), or --file. Both run as
// `npm run build` output, compiled from --root (default: this checkout; another checkout measures its code with
// the same input, for a before and after). Prints records per second and the CPU seconds the importing process
// used (over every thread: with two cores busy it is twice the wall time), and writes them to
// bench/results/import-<timestamp>.json.
import { execFileSync, spawn } from 'node:child_process';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { BENCH_TENANT_ID, createDatabase, generateTenant } from './generate.js';
import { cpuSeconds } from './load.js';

const { values: a } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    file: { type: 'string' },
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
    backend: { type: 'string', default: process.env.BENCH_BACKEND ?? 'sqlite' },
    'pg-url': {
      type: 'string',
      default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    only: { type: 'string', default: 'cli,api' },
    keep: { type: 'boolean', default: false },
  },
});
const log = (s: string) => process.stderr.write(`[import] ${s}\n`);
const ADMIN_KEY = 'callrecords-import-bench-key';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'callrecords-import-bench-'));
const root = path.resolve(a.root);

/** Compiles root's src/ as `npm run build` does (without the UI), into the temporary directory. */
function compile(): string {
  const config = path.join(tmp, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: path.join(root, 'tsconfig.build.json'),
      compilerOptions: {
        outDir: path.join(tmp, 'dist'),
        incremental: false,
        tsBuildInfoFile: null,
        sourceMap: false,
      },
    }),
  );
  symlinkSync(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'));
  writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config],
    {
      stdio: 'inherit',
    },
  );
  // Reports the CPU time of the whole process (all threads) when it exits.
  writeFileSync(
    path.join(tmp, 'cpu.mjs'),
    [
      "import { readFileSync } from 'node:fs';",
      "process.on('exit', () => {",
      '  const u = process.cpuUsage();',
      "  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');",
      "  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');",
      '  const main = (Number(f[11]) + Number(f[12])) / 100;',
      '  const rss = process.resourceUsage().maxRSS / 1024;',
      '  process.stderr.write(`\\nBENCH_CPU ${(u.user + u.system) / 1e6} ${main} ${rss}\\n`);',
      '});',
    ].join('\n'),
  );
  return path.join(tmp, 'dist', 'cli', 'index.js');
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Database {
  url: string;
  drop: () => Promise<void>;
}

async function database(name: string): Promise<Database> {
  if (a.backend === 'postgres')
    return createDatabase(a['pg-url'], `callrecords_bench_import_${name}_${process.pid}`);
  return { url: path.join(tmp, `${name}.db`), drop: async () => {} };
}

interface Result {
  via: 'cli' | 'api';
  records: number;
  logRows: number;
  rejected: number;
  /** From the start of the import to its summary. */
  seconds: number;
  recordsPerSecond: number;
  /** CPU time of the importing process over the import (every thread). */
  cpuSeconds: number;
  /** CPU time of its main thread (reading, writing; the rest is the import's threads, GC and I/O). */
  mainCpuSeconds: number;
  /** High-water mark of the importing process's resident memory (for the server: since it started). */
  peakRssMb: number;
  /** For the CLI: from spawning the process to its exit (start-up and migration included). */
  processSeconds?: number;
}

interface Summary {
  created: number;
  updated: number;
  ignored: number;
  logRows: number;
  rejected: number;
  seconds?: number;
}

async function viaCli(cli: string, file: string): Promise<Result> {
  const db = await database('cli');
  try {
    const started = performance.now();
    const r = await run([
      '--import',
      path.join(tmp, 'cpu.mjs'),
      cli,
      'import',
      '--db',
      db.url,
      '--tenant',
      BENCH_TENANT_ID,
      '--json',
      file,
    ]);
    const processSeconds = (performance.now() - started) / 1000;
    if (r.code !== 0) throw new Error(`callrecords import exited with ${r.code}: ${r.stderr.slice(-2000)}`);
    const s = JSON.parse(r.stdout) as Summary;
    const [, cpu, main, rss] = /BENCH_CPU ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr) ?? [];
    const records = s.created + s.updated + s.ignored;
    // Older versions of the command do not report their own time: the process's is the upper bound.
    const seconds = s.seconds ?? processSeconds;
    return {
      via: 'cli',
      records,
      logRows: s.logRows,
      rejected: s.rejected,
      seconds: round(seconds),
      recordsPerSecond: Math.round(records / seconds),
      cpuSeconds: round(Number(cpu)),
      mainCpuSeconds: round(Number(main)),
      peakRssMb: Math.round(Number(rss)),
      processSeconds: round(processSeconds),
    };
  } finally {
    await db.drop();
  }
}

async function viaApi(cli: string, file: string): Promise<Result> {
  const db = await database('api');
  const port = await freePort();
  const server = spawn(
    process.execPath,
    [cli, 'serve', '--db', db.url, '--host', '127.0.0.1', '--port', String(port)],
    {
      env: { ...process.env, CALLRECORDS_ADMIN_KEY: ADMIN_KEY, CALLRECORDS_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const admin = (p: string, init: RequestInit & { duplex?: 'half' } = {}) =>
    fetch(`${url}/admin${p}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...init.headers },
    });
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`${url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) break;
      if (i > 600) throw new Error('the server did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const created = await admin('/tenants', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: BENCH_TENANT_ID, displayName: 'Import benchmark' }),
    });
    if (created.status !== 201)
      throw new Error(`creating the tenant: ${created.status} ${await created.text()}`);
    const cpu0 = cpuSeconds(server.pid!);
    const main0 = cpuSeconds(`${server.pid}/task/${server.pid}`);
    const started = performance.now();
    const res = await admin(`/tenants/${BENCH_TENANT_ID}/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
      duplex: 'half',
    });
    const s = (await res.json()) as Summary;
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(server.pid!) - cpu0;
    const main = cpuSeconds(`${server.pid}/task/${server.pid}`) - main0;
    if (res.status !== 200) throw new Error(`import: ${res.status} ${JSON.stringify(s)}`);
    const records = s.created + s.updated + s.ignored;
    return {
      via: 'api',
      records,
      logRows: s.logRows,
      rejected: s.rejected,
      seconds: round(seconds),
      recordsPerSecond: Math.round(records / seconds),
      cpuSeconds: round(cpu),
      mainCpuSeconds: round(main),
      peakRssMb: Math.round(
        Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1]) / 1024,
      ),
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await db.drop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

try {
  log(`compiling ${root}`);
  const cli = compile();
  let file = a.file;
  if (!file) {
    const source = await database('source');
    try {
      log(`generating ${a.users} users x ${a.days} days`);
      const gen = await generateTenant(source.url, {
        users: Number(a.users),
        days: Number(a.days),
        seed: Number(a.seed),
        until: new Date(Date.UTC(2026, 10, 20)),
      });
      log(`${gen.records} records, ${gen.logRows} log rows; exporting`);
      file = path.join(tmp, 'tenant.ndjson');
      const r = await run([cli, 'export', '--db', source.url, '--tenant', BENCH_TENANT_ID, '--out', file]);
      if (r.code !== 0) throw new Error(`export failed: ${r.stderr}`);
    } finally {
      await source.drop();
    }
  }
  const results: Result[] = [];
  for (const via of a.only.split(',')) {
    log(`${via}: importing ${file}`);
    const r = via === 'cli' ? await viaCli(cli, file) : await viaApi(cli, file);
    log(
      `${via}: ${r.records} records in ${r.seconds} s, ${r.recordsPerSecond} records/s, ${r.cpuSeconds} CPU s`,
    );
    results.push(r);
  }
  const machine = { cpus: os.cpus().length, loadAverage: os.loadavg().map(round), node: process.version };
  const report = { root, backend: a.backend, file, bytes: statSync(file).size, machine, results };
  console.table(
    results.map((r) => ({
      via: r.via,
      records: r.records,
      'log rows': r.logRows,
      seconds: r.seconds,
      'records/s': r.recordsPerSecond,
      'CPU s': r.cpuSeconds,
      'main thread CPU s': r.mainCpuSeconds,
      'peak RSS MB': r.peakRssMb,
      cores: round(r.cpuSeconds / r.seconds),
    })),
  );
  console.log(`load average ${machine.loadAverage.join(' ')} on ${machine.cpus} cores`);
  const dir = path.resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, `import-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify(report, null, 2),
  );
} finally {
  if (a.keep) log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
