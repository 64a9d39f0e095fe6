// Child process of the benchmark: the real server (`startServer`, as `callrecords serve` runs it) over the
// generated database, with throttling off and retention wide enough to keep every generated record. Reports its
// URL to the parent over IPC; request logs go to stdout, which the parent discards. On request (bench/profile.ts)
// it records a CPU profile of one stretch of load, so that building the URL sets stays out of the profile.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadConfig, type ConfigInput } from '../src/config/index.js';
import { startServer } from '../src/main.js';

const db = process.env.BENCH_DB;
if (!db) throw new Error('BENCH_DB is not set');
const server = await startServer(
  loadConfig({
    db,
    host: '127.0.0.1',
    port: 0,
    throttling: 'off',
    retentionDays: 3650,
    logLevel: (process.env.BENCH_LOG_LEVEL ?? 'info') as ConfigInput['logLevel'],
  }),
);
process.send?.({ url: server.url });

let session: Session | undefined;
process.on('message', (m: { profile?: 'start' | 'stop'; file?: string }) => {
  void (async () => {
    if (m.profile === 'start') {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
      process.send?.({ profiling: true });
    } else if (m.profile === 'stop' && session && m.file) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(m.file, JSON.stringify(profile));
      session.disconnect();
      session = undefined;
      process.send?.({ profiled: m.file });
    }
  })();
});
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
