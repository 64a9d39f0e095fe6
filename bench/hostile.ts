// `npx tsx bench/hostile.ts [--root DIR]`: resident memory of a real server process under two hostile clients:
// 20 connections × 50 pipelined requests for a ~0.7 MB log page that never read their answers, and an NDJSON admin
// import whose second line is 150 MB. Prints the server's RSS (VmRSS, and the peak VmHWM) before and after each.
// `--root` runs another checkout's server (its src/cli/index.ts) on the same prepared database, for comparisons.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Registry } from '../src/auth/registry.js';
import { systemClock } from '../src/clock.js';
import { DEMO_TENANT_ID } from '../src/config/index.js';
import { DEMO_APPS, ensureDemoApps } from '../src/demo/apps.js';
import { openStore } from '../src/store/index.js';
import { STORED_JSON } from '../src/graph/shape/stored.js';
import { pstnRow } from '../test/api/log-fixtures.js';

const { values: a } = parseArgs({
  options: {
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
    sockets: { type: 'string', default: '20' },
    pipelined: { type: 'string', default: '50' },
    'line-mb': { type: 'string', default: '150' },
  },
});
const ADMIN_KEY = 'hostile-bench-admin-key-0123';
const PAGE = '/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-20)';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rss(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

async function prepare(db: string): Promise<void> {
  const store = await openStore({ db, json: STORED_JSON });
  await store.createTenant({ id: DEMO_TENANT_ID, displayName: 'Contoso', createdMs: Date.now() });
  await ensureDemoApps(store, new Registry(store, systemClock));
  const start = Date.UTC(2026, 10, 2);
  const rows = Array.from({ length: 1000 }, (_, i) => pstnRow(`row-${i}`, { startMs: start + i * 60_000 }));
  await store.logs.insert(DEMO_TENANT_ID, { pstnCalls: rows });
  await store.close();
}

async function serve(db: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(a.root, 'src/cli/index.ts'), 'serve', '--db', db, '--port', '0'],
    {
      env: { ...process.env, CALLRECORDS_ADMIN_KEY: ADMIN_KEY, CALLRECORDS_THROTTLING: 'off' },
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: a.root,
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /"msg":"ready"/.test(line) ? /"url":"([^"]+)"/.exec(line) : null;
      if (m) resolve(m[1]!);
    });
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEMO_APPS[0].appId,
      client_secret: DEMO_APPS[0].secret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function pipelining(url: string, pid: number, bearer: string) {
  const sockets = Number(a.sockets);
  const pipelined = Number(a.pipelined);
  const size = (
    await (await fetch(url + PAGE, { headers: { authorization: `Bearer ${bearer}` } })).arrayBuffer()
  ).byteLength;
  const before = rss(pid);
  const { port, hostname } = new URL(url);
  const request = `GET ${PAGE} HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${bearer}\r\n\r\n`;
  const open: Socket[] = [];
  for (let i = 0; i < sockets; i++) {
    const s = connect(Number(port), hostname);
    s.pause();
    s.on('error', () => undefined);
    s.write(request.repeat(pipelined));
    open.push(s);
  }
  await sleep(8000);
  const held = rss(pid);
  for (const s of open) s.destroy();
  console.log(
    `pipelining: ${sockets} sockets × ${pipelined} requests for a ${(size / 1e6).toFixed(2)} MB page, unread for 8 s: ` +
      `RSS ${before.rssMb} -> ${held.rssMb} MB (+${held.rssMb - before.rssMb}), peak ${held.peakMb} MB`,
  );
}

async function longLine(url: string, pid: number) {
  const bytes = Number(a['line-mb']) * 1024 * 1024;
  const before = rss(pid);
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let sent = -1;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent < 0) {
        c.enqueue(new TextEncoder().encode('{"id":"'));
        sent = 0;
      } else if (sent < bytes) {
        c.enqueue(chunk);
        sent += chunk.length;
      } else {
        c.enqueue(new TextEncoder().encode('"}\n'));
        c.close();
      }
    },
  });
  const res = await fetch(`${url}/admin/tenants/${DEMO_TENANT_ID}/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/x-ndjson' },
    body,
    duplex: 'half',
  });
  const summary = (await res.json()) as { errors?: { message: string }[] };
  const after = rss(pid);
  console.log(
    `NDJSON import, one ${a['line-mb']} MB line: ${res.status} ${summary.errors?.[0]?.message ?? ''}; ` +
      `RSS ${before.rssMb} -> ${after.rssMb} MB, peak ${before.peakMb} -> ${after.peakMb} MB (+${after.peakMb - before.peakMb})`,
  );
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'callrecords-hostile-'));
try {
  const db = path.join(dir, 'hostile.db');
  await prepare(db);
  for (const scenario of [pipelining, longLine]) {
    // A fresh server per scenario, so that each peak is its own.
    const server = await serve(db);
    try {
      await scenario(server.url, server.pid, await token(server.url));
    } finally {
      server.stop();
      await sleep(500);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
