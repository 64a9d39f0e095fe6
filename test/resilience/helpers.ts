// Shared by the resilience tests: admin calls and a child process running an official client over TLS.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestServer } from '../helpers/server.js';

export const ADMIN_KEY = 'resilience-test-admin-key';
const run = promisify(execFile);

export async function admin(
  server: TestServer,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/admin${route}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Runs a fixture script under tsx, trusting the server's certificate in `tlsDir`. */
export async function child(
  tlsDir: string,
  script: string,
  args: string[],
): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.resolve(import.meta.dirname, '../fixtures', script), ...args],
    {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(tlsDir, 'tls-cert.pem') },
      timeout: 90_000,
    },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}
