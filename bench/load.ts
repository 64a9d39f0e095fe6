// One autocannon run over a URL set, rotated round-robin over all connections, and the child processes the
// benchmark talks to (real server and bare server), with their resident memory and CPU time read from /proc.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Responses other than 2xx, and connection errors/timeouts: a clean run has none. */
  non2xx: number;
  errors: number;
  mbPerSec: number;
}

/**
 * Loads `base`, or several instances at once: autocannon spreads the connections over the bases in turn (connection
 * i goes to base i mod n), as a connection-balancing proxy would, and measures them as one client: one request
 * count and one latency histogram over all of them.
 */
export async function load(
  base: string | readonly string[],
  urls: readonly string[],
  o: { connections: number; duration: number; token: string; acceptEncoding?: string },
): Promise<LoadResult> {
  if (urls.length === 0) throw new Error('no URLs to load');
  let next = 0;
  const r = await autocannon({
    // autocannon takes an array of bases (lib/url.js) though its type declarations say string.
    url: (typeof base === 'string' ? base : [...base]) as string,
    connections: o.connections,
    duration: o.duration,
    headers: {
      authorization: `Bearer ${o.token}`,
      ...(o.acceptEncoding ? { 'accept-encoding': o.acceptEncoding } : {}),
    },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: urls[next++ % urls.length] }) }],
  });
  return {
    requests: r.requests.total,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    mbPerSec: Math.round((r.throughput.average / 1e6) * 10) / 10,
  };
}

export interface Child {
  url: string;
  pid: number;
  /** Time from spawning the process to its ready message, ms (loading the modules, opening the database). */
  readyMs: number;
  /** Sends a message over IPC and resolves with the child's next message. */
  ask(message: object): Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts a compiled child entry (bench/build.ts) in its own process; resolves with the URL it reports over IPC. */
export function startChild(
  entry: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<Child> {
  const started = performance.now();
  const child: ChildProcess = fork(entry, [], {
    execArgv,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${entry} exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (m: { url: string }) => {
      child.off('exit', onExit);
      resolve({
        url: m.url,
        pid: child.pid!,
        readyMs: Math.round(performance.now() - started),
        ask: (message) =>
          new Promise((answered) => {
            child.once('message', answered);
            child.send(message);
          }),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Resident set size now and at its peak (VmHWM) of a process, in MB. */
export function memory(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux architecture Node.js runs on). */
const TICKS_PER_SECOND = 100;

/** CPU time (user and system) a process, or one thread of it (`pid/task/tid`), has used so far, in clock ticks. */
function cpuTicks(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU time (user and system) a process or thread has used so far, in seconds. */
export function cpuSeconds(pid: number | string): number {
  return cpuTicks(pid) / TICKS_PER_SECOND;
}

/** The same in ms. */
export function cpuMs(pid: number | string): number {
  return (cpuTicks(pid) * 1000) / TICKS_PER_SECOND;
}
