// Shared by the mirror tests: an upstream server of our own over a file database seeded with the demo tenant (so
// that `callrecords export` can read it), on a running virtual clock, with every request it answered recorded.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { DEMO_TENANT_ID, loadConfig } from '../../src/config/index.js';
import { adminRequest } from '../helpers/admin.js';
import { demoImage } from '../helpers/demo-template.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';
import { cli, type CliResult } from '../cli/run.js';

export const ADMIN_KEY = 'mirror-test-admin-key-0123456789';
export const TENANT = DEMO_TENANT_ID;
export const APP = DEMO_APPS[0];

export interface Upstream {
  server: TestServer;
  db: string;
  /** Every request the upstream completed: method, URL, status. */
  requests: { method: string; url: string; status: number }[];
  close(): Promise<void>;
}

export interface UpstreamOptions {
  users?: number;
  days?: number;
  throttling?: string;
  recordDelaySeconds?: number;
  notificationDelaySeconds?: number;
  /** Loopback http notification URLs (the mirror's endpoint in tests). */
  webhooks?: boolean;
}

export async function startUpstream(dir: string, o: UpstreamOptions = {}): Promise<Upstream> {
  const db = path.join(dir, 'upstream.db');
  const seed = loadConfig({}, {}).demoSeed;
  writeFileSync(db, await demoImage({ seed, users: o.users ?? 12, days: o.days ?? 10, now: TEST_NOW }));
  const requests: Upstream['requests'] = [];
  const server = await startTestServer({
    config: {
      db,
      adminKey: ADMIN_KEY,
      throttling: o.throttling ?? 'graph',
      logLevel: 'info',
      ...(o.recordDelaySeconds === undefined ? {} : { recordDelaySeconds: o.recordDelaySeconds }),
      ...(o.notificationDelaySeconds === undefined
        ? {}
        : { notificationDelaySeconds: o.notificationDelaySeconds }),
      ...(o.webhooks ? { webhookAllowHttp: true } : {}),
    },
    logStream: {
      write(line: string) {
        const e = JSON.parse(line) as {
          msg?: string;
          req?: { method: string; url: string };
          res?: { statusCode: number };
        };
        if (e.msg === 'request completed' && e.req && e.res) {
          requests.push({ method: e.req.method, url: e.req.url, status: e.res.statusCode });
        }
      },
    },
  });
  // Graph's budgets count in windows of the server's clock: a frozen clock would never let one pass.
  server.clock.resume();
  return { server, db, requests, close: () => server.close() };
}

/**
 * A scratch directory for the test file (returned at once) and an upstream in it: started before the file's tests
 * and handed to `ready`, closed after them, and the directory removed.
 */
export function withUpstream(name: string, o: UpstreamOptions, ready: (up: Upstream) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), `callrecords-${name}-`));
  let up: Upstream | undefined;
  before(async () => {
    up = await startUpstream(dir, o);
    ready(up);
  });
  after(async () => {
    await up?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

export async function admin(up: Upstream, method: string, route: string, body?: unknown): Promise<unknown> {
  const r = await adminRequest(`${up.server.url}/admin${route}`, ADMIN_KEY, method, body);
  if (r.status >= 300) throw new Error(`${method} /admin${route}: ${r.status} ${r.text}`);
  return r.text ? r.json : undefined;
}

/** The mirror's command line against `up`, as the acceptance checks give it, plus `extra`. */
export function mirrorArgs(up: Upstream, db: string, days: number, ...extra: string[]): string[] {
  return [
    'mirror',
    '--upstream',
    up.server.url,
    '--authority',
    up.server.url,
    '--tenant',
    TENANT,
    '--client-id',
    APP.appId,
    '--client-secret',
    APP.secret,
    '--db',
    db,
    '--days',
    String(days),
    '--once',
    '--now',
    new Date(up.server.clock.now()).toISOString(),
    ...extra,
  ];
}

export const mirror = (up: Upstream, db: string, days: number, ...extra: string[]): Promise<CliResult> =>
  cli(...mirrorArgs(up, db, days, ...extra));

/** `callrecords export` of the tenant over [since, until). */
export async function exported(db: string, since: string, until: string): Promise<string> {
  const r = await cli('export', '--db', db, '--tenant', TENANT, '--since', since, '--until', until);
  if (r.code !== 0) throw new Error(`export: ${r.stderr}`);
  return r.stdout;
}

/** Byte-for-byte equality of two exports, reporting the first line that differs rather than megabytes. */
export function assertSameLines(actual: string, expected: string): void {
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  const i = a.findIndex((line, n) => line !== e[n]);
  const at = i < 0 ? a.length : i;
  const line = a[at] ?? '';
  const other = e[at] ?? '';
  let c = 0;
  while (c < line.length && line[c] === other[c]) c++;
  throw new Error(
    `exports differ (${a.length} vs ${e.length} lines) at line ${at + 1}, column ${c + 1}:\n` +
      `  mirror:   …${line.slice(Math.max(0, c - 80), c + 120)}\n  upstream: …${other.slice(Math.max(0, c - 80), c + 120)}`,
  );
}
