// Runs one of test/fixtures/'s client scripts (an official client, unchanged) in a child process under tsx, trusting
// the test server's self-signed certificate as a user's app would (NODE_EXTRA_CA_CERTS), and reads the one JSON
// object it prints.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `script` under test/fixtures/, with the server's certificate from `tlsDir` (startTestServer's `tlsDir`). */
export async function runClientFixture<T = Record<string, unknown>>(
  tlsDir: string,
  script: string,
  args: string[],
): Promise<T> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.resolve(import.meta.dirname, '../fixtures', script), ...args],
    {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(tlsDir, 'tls-cert.pem') },
      timeout: 90_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as T;
}
