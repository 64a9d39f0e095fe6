// Child process of the benchmark: the real server (`startServer`, as `callrecords serve` runs it) over the
// generated database, with throttling off and retention wide enough to keep every generated record. Reports its
// URL to the parent over IPC; request logs go to stdout, which the parent discards.
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
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
