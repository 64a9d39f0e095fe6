// One configuration schema, parsed once at start-up, frozen and passed down. The server's environment variables
// and CLI flags both land here; only the CLI's client commands read their own credential from the environment.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseCidr } from '../net/outbound-policy.js';

function isCidr(s: string): boolean {
  try {
    parseCidr(s);
    return true;
  } catch {
    return false;
  }
}

export const DEMO_TENANT_ID = 'dc368399-474c-4d40-900c-6265431fd81f';

/** One mirror job the server runs (`callrecords mirror` without --once; src/mirror/index.ts checks the rest). */
const mirrorJobSchema = z
  .object({
    upstream: z.string().optional(),
    authority: z.string().optional(),
    cloud: z.enum(['global', 'usgov', 'dod', 'china']).optional(),
    tenant: z.string(),
    clientId: z.string(),
    clientSecret: z.string().optional(),
    certificate: z.string().optional(),
    scope: z.string().optional(),
    days: z.number().int().min(1).max(3650).default(30),
    betaLogs: z.boolean().optional(),
    pseudonymizeKey: z.string().optional(),
    concurrency: z.number().int().min(1).max(32).optional(),
    pollIntervalSeconds: z.number().int().min(1).max(86_400).optional(),
    lookbackHours: z.number().int().min(1).max(2160).optional(),
    now: z.string().optional(),
    allowNetwork: z.array(z.string()).optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    retentionDays: z.number().int().min(1).max(36_500).nullable().optional(),
    notificationUrl: z.string().optional(),
    lifecycleNotificationUrl: z.string().optional(),
    listen: z.string().optional(),
  })
  .strict();

const configSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** SQLite file, ':memory:' to keep nothing, or a postgres:// URL (PostgreSQL 15+). */
  db: z.string().min(1).default(path.join('data', 'callrecords.db')),
  /**
   * Where the server keeps its files (the key-encryption key, the self-signed TLS certificate): by default the
   * SQLite database's directory, or ./data when the database is a URL; nothing for ':memory:'.
   */
  dataDir: z.string().min(1).optional(),
  /** PostgreSQL: connections in the pool. */
  dbPoolSize: z.coerce.number().int().min(2).max(1000).default(10),
  /** PostgreSQL: statements running longer are cancelled (the request gets a 503), ms; 0: no limit. */
  dbStatementTimeoutMs: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** PostgreSQL: how long a request waits for a connection before it gets a 503, ms. */
  dbConnectTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** Demo mode: create and fill the demo tenant on an empty database. */
  demo: z.boolean().default(false),
  /** Seed of the demo dataset. */
  demoSeed: z.coerce.number().int().default(20261125),
  demoUsers: z.coerce.number().int().min(2).max(100_000).default(200),
  demoDays: z.coerce.number().int().min(1).max(90).default(30),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Absolute base URL used in @odata.context and nextLinks; by default taken from each request's Host. */
  publicUrl: z.url().optional(),
  /** Days a record stays visible after its start: Graph's 30 by default, more for an archive of your own. */
  retentionDays: z.coerce.number().int().min(1).max(3650).default(30),
  /** Lifetime of issued access tokens, in seconds (Graph app tokens live about an hour). */
  tokenLifetimeSeconds: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** External issuers whose tokens are accepted; `{tenantid}` in the issuer matches the token's tid. */
  trustedIssuers: z.array(z.object({ issuer: z.string().min(1), jwksUri: z.url() })).default([]),
  /** Base64 key-encryption key for signing keys at rest; by default a 0600 file in the data directory. */
  kek: z.string().optional(),
  /**
   * Failed token requests allowed in the window before a 429: per client from one source address, and per address
   * over all clients (real time).
   */
  tokenFailureWindowSeconds: z.coerce.number().int().min(1).default(60),
  tokenFailuresPerClient: z.coerce.number().int().min(1).default(20),
  tokenFailuresPerAddress: z.coerce.number().int().min(1).default(60),
  /** HTTPS: certificate and key files, or `tlsSelfSigned` for a localhost certificate in the data directory. */
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  tlsSelfSigned: z.boolean().default(false),
  /** Bearer key of the admin API (/admin); without one the admin API is off. Demo mode has a published key. */
  adminKey: z.string().min(16, 'the admin key must have at least 16 characters').optional(),
  /**
   * Seconds between the end of a simulated call and its record becoming visible (Graph takes minutes). Defaults to
   * 900, or 0 in demo mode.
   */
  recordDelaySeconds: z.coerce.number().int().min(0).max(604_800).optional(),
  /** How many records the retention job deletes per transaction. */
  retentionBatch: z.coerce.number().int().min(1).max(100_000).default(1000),
  /**
   * Seconds between a record being written and its change notification being sent (on the virtual clock). Graph
   * takes minutes; defaults to 300, or 0 in demo mode.
   */
  notificationDelaySeconds: z.coerce.number().int().min(0).max(86_400).optional(),
  /** Dev flag: accept http:// notification URLs on loopback hosts (demo mode does too). */
  webhookAllowHttp: z.boolean().default(false),
  /** The validation handshake's budget (Graph: 10 s) and a notification POST's (Graph: 3 s), in ms. */
  webhookValidationTimeoutMs: z.coerce.number().int().min(1).max(60_000).default(10_000),
  webhookDeliveryTimeoutMs: z.coerce.number().int().min(1).max(60_000).default(3000),
  /** How long a notification is retried before it is dropped and `missed` is sent (Graph: about 4 hours). */
  webhookMaxRetrySeconds: z.coerce.number().int().min(0).max(604_800).default(14_400),
  /** Webhook requests in flight at once, over all subscriptions (one at a time per subscription). */
  webhookConcurrency: z.coerce.number().int().min(1).max(1000).default(16),
  /** Graph throttling: `off`, `graph` or a JSON budget file. Defaults to `graph`, or `off` in demo mode. */
  throttling: z.string().min(1).optional(),
  /** Send `RateLimit-Limit`/`-Remaining`/`-Reset` on throttled routes. */
  rateLimitHeaders: z.boolean().default(false),
  /**
   * Addresses or CIDR ranges webhooks may be sent to although they are private or otherwise special (receivers on
   * the operator's own network). Loopback needs demo mode or `webhookAllowHttp` instead.
   */
  outboundAllow: z
    .array(z.string().refine((s) => isCidr(s), 'an IP address or CIDR range, e.g. 10.1.0.0/16'))
    .default([]),
  /** Live subscriptions one app may hold in one tenant (Graph's per-app-and-tenant limit is 100 for many resources). */
  maxSubscriptionsPerApp: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Failed admin-key attempts allowed per source address in the window before a 429. */
  adminFailureWindowSeconds: z.coerce.number().int().min(1).default(60),
  adminFailuresPerAddress: z.coerce.number().int().min(1).default(20),
  /** Time to receive a whole request (headers and body), and its headers alone, in ms. */
  requestTimeoutMs: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  headersTimeoutMs: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** A connection with no traffic either way for this long is closed (a client that stopped reading), in ms. */
  idleTimeoutMs: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /** Idle time of a kept-alive connection between requests, in ms. */
  keepAliveTimeoutMs: z.coerce.number().int().min(100).max(3_600_000).default(72_000),
  /** Largest request body (except streamed NDJSON imports, which are limited per line), in bytes. */
  bodyLimitBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(10 * 1024 * 1024),
  /** Largest request line plus headers, in bytes (Node's default). */
  maxHeaderBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(16 * 1024),
  /** Pipelined requests of one connection worked on at once; the socket is not read while more wait. */
  maxPipelinedRequests: z.coerce.number().int().min(1).max(1000).default(4),
  /** Unsent response bytes a connection may hold before its next request waits for the client to read. */
  maxBufferedResponseBytes: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .default(1024 * 1024),
  /** Longest NDJSON import line, in bytes (CLI and admin API); longer lines are skipped while streaming. */
  importMaxLineBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(16 * 1024 * 1024),
  /** How long a write waits for another writer (another process) to release the database, in ms. */
  dbBusyTimeoutMs: z.coerce.number().int().min(0).max(600_000).default(5000),
  /**
   * Redis shared by several instances on one database (throttling counters, failed sign-ins, client-assertion ids,
   * simulated calls, change bus). Without it each process keeps these for itself: right for one instance.
   */
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  /** Prefix of every Redis key, so deployments (or test runs) can share one Redis. */
  redisPrefix: z.string().min(1).max(100).default('callrecords:'),
  /** This instance's name in webhook claims and job leases (default: host, process id and a random part). */
  instanceId: z
    .string()
    .regex(/^[\w.:@/-]{1,200}$/)
    .optional(),
  /** How long an instance's claim on queued notifications lasts, in seconds: a dead instance's come back after it. */
  webhookLeaseSeconds: z.coerce.number().int().min(1).max(3600).default(60),
  /** Seconds between re-reads of the signing keys (another instance or `keys rotate` may have rotated them). */
  keyReloadSeconds: z.coerce.number().int().min(1).max(3600).default(60),
  /** Milliseconds between re-reads of state other instances change: the virtual clock and fault rules. */
  syncIntervalMs: z.coerce.number().int().min(100).max(600_000).default(2000),
  /** Fault injection rules (src/resilience/faults.ts validates them when the app is built). */
  faults: z.array(z.unknown()).default([]),
  /** Seed of the fault rules' generators (a rule's own `seed` wins). */
  faultSeed: z.coerce.number().int().default(1),
  /** Tenants the server mirrors from an upstream and keeps current (docs/mirror.md). */
  mirrors: z.array(mirrorJobSchema).default([]),
});

/** Limits set from the environment as plain numbers. */
const NUMERIC_ENV = [
  ['CALLRECORDS_MAX_SUBSCRIPTIONS_PER_APP', 'maxSubscriptionsPerApp'],
  ['CALLRECORDS_REQUEST_TIMEOUT_MS', 'requestTimeoutMs'],
  ['CALLRECORDS_HEADERS_TIMEOUT_MS', 'headersTimeoutMs'],
  ['CALLRECORDS_KEEP_ALIVE_TIMEOUT_MS', 'keepAliveTimeoutMs'],
  ['CALLRECORDS_IDLE_TIMEOUT_MS', 'idleTimeoutMs'],
  ['CALLRECORDS_BODY_LIMIT_BYTES', 'bodyLimitBytes'],
  ['CALLRECORDS_MAX_HEADER_BYTES', 'maxHeaderBytes'],
  ['CALLRECORDS_MAX_PIPELINED_REQUESTS', 'maxPipelinedRequests'],
  ['CALLRECORDS_MAX_BUFFERED_RESPONSE_BYTES', 'maxBufferedResponseBytes'],
  ['CALLRECORDS_IMPORT_MAX_LINE_BYTES', 'importMaxLineBytes'],
  ['CALLRECORDS_DB_BUSY_TIMEOUT_MS', 'dbBusyTimeoutMs'],
  ['CALLRECORDS_DB_POOL_SIZE', 'dbPoolSize'],
  ['CALLRECORDS_DB_STATEMENT_TIMEOUT_MS', 'dbStatementTimeoutMs'],
  ['CALLRECORDS_DB_CONNECT_TIMEOUT_MS', 'dbConnectTimeoutMs'],
  ['CALLRECORDS_ADMIN_FAILURES_PER_ADDRESS', 'adminFailuresPerAddress'],
  ['CALLRECORDS_WEBHOOK_LEASE_SECONDS', 'webhookLeaseSeconds'],
  ['CALLRECORDS_KEY_RELOAD_SECONDS', 'keyReloadSeconds'],
  ['CALLRECORDS_SYNC_INTERVAL_MS', 'syncIntervalMs'],
] as const satisfies readonly (readonly [string, keyof ConfigInput])[];

export const DEMO_ADMIN_KEY = 'callrecords-demo-admin-key';
/** Arrival delay of simulated call records outside demo mode: "minutes", as on Graph. */
export const DEFAULT_RECORD_DELAY_SECONDS = 900;
/** Delay of change notifications outside demo mode: "minutes", as on Graph. */
export const DEFAULT_NOTIFICATION_DELAY_SECONDS = 300;

export type Config = Readonly<z.infer<typeof configSchema>>;
export type ConfigInput = z.input<typeof configSchema>;

/** Reads CALLRECORDS_* / PORT / HOST from the environment; explicit input wins. */
export function loadConfig(input: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const fromEnv: ConfigInput = {};
  if (env.HOST) fromEnv.host = env.HOST;
  if (env.PORT) fromEnv.port = Number(env.PORT);
  // DATABASE_URL is what hosting platforms set for an attached PostgreSQL; CALLRECORDS_DB wins over it.
  if (env.DATABASE_URL && /^postgres(ql)?:\/\//i.test(env.DATABASE_URL)) fromEnv.db = env.DATABASE_URL;
  if (env.CALLRECORDS_DB) fromEnv.db = env.CALLRECORDS_DB;
  if (env.CALLRECORDS_DATA_DIR) fromEnv.dataDir = env.CALLRECORDS_DATA_DIR;
  if (env.CALLRECORDS_LOG_LEVEL) fromEnv.logLevel = env.CALLRECORDS_LOG_LEVEL as ConfigInput['logLevel'];
  if (env.CALLRECORDS_PUBLIC_URL) fromEnv.publicUrl = env.CALLRECORDS_PUBLIC_URL;
  if (env.CALLRECORDS_KEK) fromEnv.kek = env.CALLRECORDS_KEK;
  if (env.CALLRECORDS_ADMIN_KEY) fromEnv.adminKey = env.CALLRECORDS_ADMIN_KEY;
  if (env.CALLRECORDS_RETENTION_DAYS) fromEnv.retentionDays = Number(env.CALLRECORDS_RETENTION_DAYS);
  if (env.CALLRECORDS_RECORD_DELAY) fromEnv.recordDelaySeconds = Number(env.CALLRECORDS_RECORD_DELAY);
  if (env.CALLRECORDS_NOTIFICATION_DELAY)
    fromEnv.notificationDelaySeconds = Number(env.CALLRECORDS_NOTIFICATION_DELAY);
  if (env.CALLRECORDS_WEBHOOK_ALLOW_HTTP)
    fromEnv.webhookAllowHttp = ['1', 'true', 'yes'].includes(
      env.CALLRECORDS_WEBHOOK_ALLOW_HTTP.toLowerCase(),
    );
  if (env.CALLRECORDS_TOKEN_LIFETIME) fromEnv.tokenLifetimeSeconds = Number(env.CALLRECORDS_TOKEN_LIFETIME);
  if (env.CALLRECORDS_THROTTLING) fromEnv.throttling = env.CALLRECORDS_THROTTLING;
  if (env.CALLRECORDS_RATE_LIMIT_HEADERS)
    fromEnv.rateLimitHeaders = ['1', 'true', 'yes'].includes(
      env.CALLRECORDS_RATE_LIMIT_HEADERS.toLowerCase(),
    );
  if (env.CALLRECORDS_REDIS_URL) fromEnv.redisUrl = env.CALLRECORDS_REDIS_URL;
  if (env.CALLRECORDS_REDIS_PREFIX) fromEnv.redisPrefix = env.CALLRECORDS_REDIS_PREFIX;
  if (env.CALLRECORDS_INSTANCE_ID) fromEnv.instanceId = env.CALLRECORDS_INSTANCE_ID;
  if (env.CALLRECORDS_FAULTS) fromEnv.faults = readFaults(env.CALLRECORDS_FAULTS);
  if (env.CALLRECORDS_MIRRORS)
    fromEnv.mirrors = readMirrors(env.CALLRECORDS_MIRRORS) as ConfigInput['mirrors'];
  if (env.CALLRECORDS_FAULT_SEED) fromEnv.faultSeed = Number(env.CALLRECORDS_FAULT_SEED);
  if (env.CALLRECORDS_OUTBOUND_ALLOW)
    fromEnv.outboundAllow = env.CALLRECORDS_OUTBOUND_ALLOW.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (const [name, key] of NUMERIC_ENV) if (env[name]) fromEnv[key] = Number(env[name]);
  if (env.CALLRECORDS_TRUSTED_ISSUERS) {
    try {
      fromEnv.trustedIssuers = JSON.parse(env.CALLRECORDS_TRUSTED_ISSUERS) as ConfigInput['trustedIssuers'];
    } catch {
      throw new Error('invalid configuration: CALLRECORDS_TRUSTED_ISSUERS must be a JSON array');
    }
  }
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const parsed = configSchema.safeParse({ ...fromEnv, ...defined });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${issues}`);
  }
  if ((parsed.data.tlsCert === undefined) !== (parsed.data.tlsKey === undefined)) {
    throw new Error('invalid configuration: --tls-cert and --tls-key go together');
  }
  const config = parsed.data;
  if (config.headersTimeoutMs > config.requestTimeoutMs) config.headersTimeoutMs = config.requestTimeoutMs;
  if (config.demo && config.adminKey === undefined) config.adminKey = DEMO_ADMIN_KEY;
  config.recordDelaySeconds ??= config.demo ? 0 : DEFAULT_RECORD_DELAY_SECONDS;
  config.notificationDelaySeconds ??= config.demo ? 0 : DEFAULT_NOTIFICATION_DELAY_SECONDS;
  config.throttling ??= config.demo ? 'off' : 'graph';
  return Object.freeze(config);
}

/** The directory of the server's own files (config.dataDir); undefined: an in-memory database keeps none. */
export function dataDirOf(config: Pick<Config, 'db' | 'dataDir'>): string | undefined {
  if (config.dataDir !== undefined) return config.dataDir;
  if (/^postgres(ql)?:\/\//i.test(config.db)) return 'data';
  if (config.db === ':memory:') return undefined;
  return path.dirname(path.resolve(config.db));
}

/** The store options of a configuration (either database). */
export function storeOptionsOf(config: Config) {
  return {
    db: config.db,
    busyTimeoutMs: config.dbBusyTimeoutMs,
    poolSize: config.dbPoolSize,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    connectTimeoutMs: config.dbConnectTimeoutMs,
  };
}

/** Fault rules: a JSON array, or the path of a file holding one (`--faults`, CALLRECORDS_FAULTS). */
export function readFaults(text: string): unknown[] {
  let json = text.trim();
  if (!json.startsWith('[') && !json.startsWith('{')) {
    try {
      json = readFileSync(json, 'utf8');
    } catch (err) {
      throw new Error(
        `invalid configuration: cannot read the faults file ${text}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  try {
    const parsed = JSON.parse(json) as unknown;
    if (Array.isArray(parsed)) return parsed as unknown[];
    if (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { rules?: unknown }).rules))
      return (parsed as { rules: unknown[] }).rules;
  } catch {
    // reported below
  }
  throw new Error('invalid configuration: faults must be a JSON array of rules (or {"rules": [...]})');
}

/** Mirror jobs: a JSON array, or the path of a file holding one (`--mirrors`, CALLRECORDS_MIRRORS). */
export function readMirrors(text: string): unknown[] {
  let json = text.trim();
  if (!json.startsWith('[')) {
    try {
      json = readFileSync(json, 'utf8');
    } catch (err) {
      throw new Error(
        `invalid configuration: cannot read the mirrors file ${text}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  try {
    const parsed = JSON.parse(json) as unknown;
    if (Array.isArray(parsed)) return parsed as unknown[];
  } catch {
    // reported below
  }
  throw new Error('invalid configuration: mirrors must be a JSON array of mirror jobs');
}
