import { Option, type Command } from 'commander';
import { loadConfig, readFaults, readMirrors, type ConfigInput } from '../config/index.js';
import { markPhase } from '../startup.js';
import { collect } from './common.js';

interface ServeOpts {
  host?: string;
  port?: string;
  db?: string;
  dataDir?: string;
  dbPoolSize?: string;
  dbStatementTimeoutMs?: string;
  demo?: boolean;
  publicUrl?: string;
  retentionDays?: string;
  logLevel?: 'info';
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  trustedIssuer: string[];
  webhookAllowHttp?: boolean;
  outboundAllow: string[];
  throttling?: string;
  rateLimitHeaders?: boolean;
  faults?: string;
  mirrors?: string;
  faultSeed?: string;
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the Graph-compatible HTTP server')
    .option('--host <host>', 'address to listen on (env HOST)')
    .option('--port <port>', 'port to listen on, 0 for any (env PORT)')
    .option(
      '--db <file|url>',
      "SQLite database file, ':memory:', or a postgres:// URL (env CALLRECORDS_DB, DATABASE_URL)",
    )
    .option(
      '--data-dir <dir>',
      'where the key-encryption key and self-signed certificate live (default: beside the SQLite file, ./data for a URL) (env CALLRECORDS_DATA_DIR)',
    )
    .option(
      '--db-pool-size <n>',
      'PostgreSQL connections per process (default 10) (env CALLRECORDS_DB_POOL_SIZE)',
    )
    .option(
      '--db-statement-timeout-ms <ms>',
      'PostgreSQL statement timeout (default 30000, 0: none) (env CALLRECORDS_DB_STATEMENT_TIMEOUT_MS)',
    )
    .option('--demo', 'create and fill the demo tenant and its apps on an empty database')
    .option('--public-url <url>', 'absolute base URL for links (env CALLRECORDS_PUBLIC_URL)')
    .option(
      '--retention-days <days>',
      'days a record stays visible after its start (default 30, as on Graph) (env CALLRECORDS_RETENTION_DAYS)',
    )
    .option('--tls', 'serve https with a self-signed localhost certificate kept in the data directory')
    .option('--tls-cert <file>', 'serve https with this certificate (PEM)')
    .option('--tls-key <file>', 'private key (PEM) of --tls-cert')
    .option(
      '--webhook-allow-http',
      'dev: accept http:// notification URLs on loopback hosts (env CALLRECORDS_WEBHOOK_ALLOW_HTTP=1)',
    )
    .option(
      '--outbound-allow <cidr>',
      'allow webhooks to this private address or range, e.g. 10.1.0.0/16 (repeatable; env CALLRECORDS_OUTBOUND_ALLOW, comma-separated)',
      collect,
      [],
    )
    .option(
      '--throttling <off|graph|file>',
      "Graph throttling: 'graph', a JSON budget file, or 'off' (default graph; demo: off) (env CALLRECORDS_THROTTLING)",
    )
    .option('--rate-limit-headers', 'send RateLimit-* headers (env CALLRECORDS_RATE_LIMIT_HEADERS=1)')
    .option('--mirrors <file>', 'tenants to mirror and keep current, a JSON file (env CALLRECORDS_MIRRORS)')
    .option('--faults <file>', 'fault injection rules, a JSON file (env CALLRECORDS_FAULTS: JSON or a file)')
    .option('--fault-seed <n>', 'seed of probabilistic faults (env CALLRECORDS_FAULT_SEED; default 1)')
    .option(
      '--trusted-issuer <issuer=jwksUri>',
      "accept tokens of an external issuer, e.g. 'https://sts.windows.net/{tenantid}/=https://login.microsoftonline.com/common/discovery/v2.0/keys' (repeatable)",
      collect,
      [],
    )
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
    .action(async (o: ServeOpts) => {
      const trustedIssuers = o.trustedIssuer.map((t) => {
        const at = t.lastIndexOf('=');
        if (at <= 0) throw new Error(`--trusted-issuer takes issuer=jwksUri, got '${t}'`);
        return { issuer: t.slice(0, at), jwksUri: t.slice(at + 1) };
      });
      const config = loadConfig({
        host: o.host,
        port: o.port === undefined ? undefined : Number(o.port),
        db: o.db,
        dataDir: o.dataDir,
        dbPoolSize: o.dbPoolSize === undefined ? undefined : Number(o.dbPoolSize),
        dbStatementTimeoutMs:
          o.dbStatementTimeoutMs === undefined ? undefined : Number(o.dbStatementTimeoutMs),
        demo: o.demo === true,
        publicUrl: o.publicUrl,
        retentionDays: o.retentionDays === undefined ? undefined : Number(o.retentionDays),
        logLevel: o.logLevel,
        tlsSelfSigned: o.tls === true,
        tlsCert: o.tlsCert,
        tlsKey: o.tlsKey,
        ...(o.webhookAllowHttp ? { webhookAllowHttp: true } : {}),
        ...(o.outboundAllow.length ? { outboundAllow: o.outboundAllow } : {}),
        throttling: o.throttling,
        ...(o.rateLimitHeaders ? { rateLimitHeaders: true } : {}),
        ...(o.faults ? { faults: readFaults(o.faults) } : {}),
        ...(o.mirrors ? { mirrors: readMirrors(o.mirrors) as ConfigInput['mirrors'] } : {}),
        faultSeed: o.faultSeed === undefined ? undefined : Number(o.faultSeed),
        ...(trustedIssuers.length ? { trustedIssuers } : {}),
      });
      markPhase('config');
      // A demo on a new database: its generation thread starts before the server's modules load, beside them.
      const demoBatches = config.demo
        ? (await import('../demo/seed.js')).startDemoBatches(config)
        : undefined;
      // The server's modules (the app, the store, Fastify) are loaded only by the command that uses them.
      const { startServer } = await import('../main.js');
      markPhase('server modules');
      const server = await startServer(config, demoBatches ? { demoBatches } : {});
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
}
