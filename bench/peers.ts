// The mock servers a user might pick instead of this project (`npm run bench -- --peers`): Prism and Mockoon, dev
// dependencies only, each serving the repository's own OpenAPI document (metadata/callrecords-openapi-v1.0.json)
// in its own process on a free port. They answer with placeholder bodies built from the document's schemas, so the
// benchmark reports their response sizes beside their rates: a mock is fast partly because it sends little.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';

export interface PeerSpec {
  name: string;
  /** The npm package (a dev dependency) and the version the figures were measured with. */
  pkg: string;
  /** Where the document's paths (which start at /communications) are served. */
  prefix: string;
  args(document: string, port: number): string[];
}

export const PEERS: readonly PeerSpec[] = [
  {
    name: 'prism',
    pkg: '@stoplight/prism-cli',
    // Prism serves the paths as written in the document, whatever the server URL's path.
    prefix: '',
    // Static mode (the document's examples, else one placeholder per schema); logging off, as the server's own
    // request logs go to /dev/null.
    args: (document, port) => ['mock', '-h', '127.0.0.1', '-p', String(port), '-v', 'silent', document],
  },
  {
    name: 'mockoon',
    pkg: '@mockoon/cli',
    // Mockoon takes the server URL's path (https://graph.microsoft.com/v1.0/) as its endpoint prefix.
    prefix: '/v1.0',
    args: (document, port) => [
      'start',
      ...['--data', document, '--port', String(port), '--hostname', '127.0.0.1'],
      '--disable-log-to-file',
      '--disable-admin-api',
    ],
  },
];

/**
 * The URL a peer serves for one of ours: the document has v1.0's paths only, so a beta URL (participants_v2) maps to
 * the same path there, and a function is named as the document names it (Graph accepts both spellings).
 */
export function peerPath(url: string, prefix: string): string {
  const rest = url
    .replace(/^\/(v1\.0|beta)(?=\/)/, '')
    .replace(
      /\/callRecords\/(getPstnCalls|getDirectRoutingCalls)\(/,
      '/callRecords/microsoft.graph.callRecords.$1(',
    );
  return prefix + rest;
}

export interface Peer {
  spec: PeerSpec;
  version: string;
  url: string;
  pid: number;
  /** Time from spawning the process to its first HTTP answer, ms. */
  readyMs: number;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts one peer from node_modules; rejects with its own error output if it exits or never answers. */
export async function startPeer(
  spec: PeerSpec,
  o: { document: string; token: string; timeoutMs?: number },
): Promise<Peer> {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${spec.pkg}/package.json`);
  } catch {
    throw new Error(`${spec.pkg} is not installed (a dev dependency: npm install without --omit=dev)`);
  }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; bin: Record<string, string> };
  const bin = path.join(path.dirname(manifest), Object.values(pkg.bin)[0]!);
  const port = await freePort();
  const started = performance.now();
  // Run with this Node.js directly (no npx or shell in between), so that the pid measured is the server's.
  const child: ChildProcess = spawn(process.execPath, [bin, ...spec.args(o.document, port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${port}`;
  const probe = url + peerPath('/v1.0/communications/callRecords', spec.prefix);
  const until = Date.now() + (o.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${spec.pkg} exited (${child.exitCode ?? child.signalCode}) before it answered:\n${stderr}`,
      );
    }
    try {
      const res = await fetch(probe, { headers: { authorization: `Bearer ${o.token}` } });
      await res.arrayBuffer();
      if (res.status === 404) throw new Error(`${spec.pkg} answers 404 at ${probe}: its paths moved`);
      break;
    } catch (e) {
      if (e instanceof Error && e.message.includes('its paths moved')) {
        await stop();
        throw e;
      }
      if (Date.now() > until) {
        await stop();
        throw new Error(`${spec.pkg} did not answer at ${url} in time:\n${stderr}`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    spec,
    version: pkg.version,
    url,
    pid: child.pid!,
    readyMs: Math.round(performance.now() - started),
    stop,
  };
}

/**
 * Requests each of a scenario's URLs once from a peer (also its warm-up): the mean response size, and how many
 * URLs did not answer 2xx (all of them: the URL does not exist in the peer's world, and the scenario is skipped).
 */
export async function probePeer(
  peer: Peer,
  urls: readonly string[],
  token: string,
): Promise<{ bytes: number; non2xx: number; statuses: Record<string, number> }> {
  let bytes = 0;
  let ok = 0;
  const statuses: Record<string, number> = {};
  for (const u of urls) {
    const res = await fetch(peer.url + u, {
      headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'identity' },
    });
    const body = Buffer.from(await res.arrayBuffer());
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status >= 200 && res.status < 300) {
      ok++;
      bytes += body.length;
    }
  }
  return { bytes: ok ? bytes / ok : 0, non2xx: urls.length - ok, statuses };
}
