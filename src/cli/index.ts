#!/usr/bin/env node
// The callrecords CLI. Each command is a thin layer over the same config, store and app as the server.
import { Command, Option } from 'commander';
import { loadConfig } from '../config/index.js';
import { startServer } from '../main.js';

const program = new Command();
program
  .name('callrecords')
  .description('A self-hostable Microsoft Graph call records API')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('serve')
  .description('Start the Graph-compatible HTTP server')
  .option('--host <host>', 'address to listen on (env HOST)')
  .option('--port <port>', 'port to listen on, 0 for any (env PORT)')
  .option('--db <file>', "SQLite database file, or ':memory:' (env CALLRECORDS_DB)")
  .option('--demo', 'create and fill the demo tenant on an empty database')
  .option('--public-url <url>', 'absolute base URL for links (env CALLRECORDS_PUBLIC_URL)')
  .addOption(
    new Option('--log-level <level>', 'log level (env CALLRECORDS_LOG_LEVEL)').choices([
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
  )
  .action(async (opts: Record<string, string | boolean | undefined>) => {
    const config = loadConfig({
      host: opts.host as string | undefined,
      port: opts.port === undefined ? undefined : Number(opts.port),
      db: opts.db as string | undefined,
      demo: opts.demo === true,
      publicUrl: opts.publicUrl as string | undefined,
      logLevel: opts.logLevel as 'info' | undefined,
    });
    const server = await startServer(config);
    const stop = (signal: string) => {
      process.stderr.write(`\n${signal}: shutting down\n`);
      server.close().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`shutdown failed: ${String(err)}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`callrecords: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
