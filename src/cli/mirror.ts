// mirror: copies a tenant's call records and telephony logs from a Graph-compatible upstream into the tenant of the
// same id here, then keeps it current (docs/mirror.md). `mirror status` prints what a mirror has done.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { Pacer } from '../mirror/budget.js';
import { checkBaseUrl, HttpClient } from '../mirror/http.js';
import { Mirror, statusLine, type MirrorStatus } from '../mirror/mirror.js';
import { Pseudonymizer } from '../mirror/pseudonymize.js';
import { TokenSource, type Credential } from '../mirror/token.js';
import { CLOUDS, Upstream, type CloudName } from '../mirror/upstream.js';
import { print, withCommon, withStore, type CliIo, type CommonOptions } from './common.js';
import { progress } from './progress.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Exit code of a run that ended without copying everything (fatal errors exit 1). */
export const EXIT_INCOMPLETE = 2;

interface MirrorFlags extends CommonOptions {
  upstream?: string;
  authority?: string;
  cloud: CloudName;
  tenant: string;
  clientId: string;
  clientSecret?: string;
  certificate?: string;
  scope?: string;
  days: string;
  once?: boolean;
  pseudonymizeKey?: string;
  betaLogs?: boolean;
  concurrency: string;
  pollInterval: string;
  lookback: string;
  now?: string;
  allowNetwork?: string[];
  maxAttempts: string;
  retentionDays?: string;
}

function positiveInt(value: string, flag: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${flag}: a whole number from 1 to ${max}`);
  return n;
}

/** The Graph base URL without a version segment (`https://graph.microsoft.com/v1.0` is taken too). */
function graphBase(raw: string): string {
  const url = checkBaseUrl(raw, '--upstream');
  const path = url.pathname.replace(/\/+$/, '').replace(/\/(v1\.0|beta)$/i, '');
  return `${url.origin}${path}`;
}

/** The token endpoint of an authority (`https://login.microsoftonline.com`, with or without the tenant). */
function tokenUrl(raw: string, tenantId: string): { url: string; origin: URL } {
  const url = checkBaseUrl(raw, '--authority');
  let path = url.pathname.replace(/\/+$/, '');
  if (/\/oauth2\/v2\.0\/token$/.test(path)) return { url: `${url.origin}${path}`, origin: url };
  if (!path.toLowerCase().endsWith(`/${tenantId}`)) path += `/${tenantId}`;
  return { url: `${url.origin}${path}/oauth2/v2.0/token`, origin: url };
}

function credential(o: MirrorFlags): Credential {
  const secret = o.clientSecret ?? process.env.CALLRECORDS_MIRROR_CLIENT_SECRET;
  if (secret !== undefined && o.certificate !== undefined) {
    throw new Error('give either --client-secret or --certificate, not both');
  }
  if (o.certificate !== undefined) {
    const pem = o.certificate.includes('-----BEGIN') ? o.certificate : readFileSync(o.certificate, 'utf8');
    return { kind: 'certificate', pem };
  }
  if (secret === undefined || secret === '') {
    throw new Error(
      'a credential is needed: --client-secret (or CALLRECORDS_MIRROR_CLIENT_SECRET) or --certificate',
    );
  }
  return { kind: 'secret', secret };
}

function human(s: MirrorStatus): string {
  return [
    `mirrored tenant ${s.tenantId} from ${s.upstream} (since ${s.from})`,
    `records: ${s.listed} listed, ${s.created} created, ${s.updated} updated, ${s.ignored} unchanged, ${s.gone} gone upstream, ${s.failed} failed`,
    `logs: ${s.logRows} rows; windows ${s.windows.done}/${s.windows.total} done; backlog ${s.backlog}`,
    `requests ${s.requests} (${s.retries} retried, ${s.throttled} throttled, ${s.serverErrors} server errors, ${s.dropped} dropped), ` +
      `${s.seconds}s, ${s.recordsPerSecond} records/s`,
  ].join('\n');
}

export function mirrorCommands(program: Command, io: CliIo): void {
  const mirror = withCommon(
    program
      .command('mirror')
      .description(
        "Copy a tenant's call records and telephony logs from Graph (or a Graph-compatible upstream)",
      ),
  )
    .addOption(
      new Option('--cloud <name>', 'national cloud for the default upstream and authority')
        .choices(Object.keys(CLOUDS))
        .default('global'),
    )
    .option('--upstream <url>', "Graph base URL (default: the cloud's; http only for loopback hosts)")
    .option('--authority <url>', "token authority URL (default: the cloud's)")
    .option('--tenant <id>', 'tenant id, upstream and here')
    .option('--client-id <id>', 'app (client) id registered in the upstream tenant')
    .option('--client-secret <secret>', 'client secret (or env CALLRECORDS_MIRROR_CLIENT_SECRET)')
    .option('--certificate <file>', 'PEM file with the certificate and its private key (private_key_jwt)')
    .option('--scope <scope>', "token scope (default: the cloud's Graph /.default)")
    .option('--days <n>', 'backfill the last n days', '30')
    .option('--once', 'backfill and exit (0 when everything was copied)')
    .option(
      '--pseudonymize-key <key>',
      'replace names, UPNs, numbers, addresses and device names by keyed pseudonyms',
    )
    .option(
      '--beta-logs',
      'copy the beta logs (SMS, blocked users, and the beta rows of PSTN and Direct Routing)',
    )
    .option('--concurrency <n>', 'records fetched at a time', '4')
    .option('--poll-interval <seconds>', 'seconds between keep-current passes', '300')
    .option(
      '--lookback <hours>',
      'hours each keep-current pass lists again (late records, new versions)',
      '48',
    )
    .option('--now <dateTime>', "the upstream's current time (for an upstream on a virtual clock)")
    .option(
      '--allow-network <cidr>',
      'private address range the upstream may resolve to (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--max-attempts <n>', 'attempts per request before giving up', '10')
    .option('--retention-days <days>', "the mirrored tenant's retention: days, or 'unlimited' (the default)")
    .action((o: MirrorFlags) => run(io, o));

  withCommon(mirror.command('status').description("Print mirrors' status (all, or one tenant's)"))
    .option('--tenant <id>', 'tenant id')
    // The parent's --db, --json and --tenant are the same options: commander hands them to the parent.
    .action((_: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<CommonOptions & { tenant?: string }>();
      return withStore(io, o, async ({ store }) => {
        const rows = o.tenant
          ? [await store.mirror.getState(o.tenant.toLowerCase())].filter((r) => r !== undefined)
          : await store.mirror.listStates();
        if (o.tenant && rows.length === 0) {
          io.stderr.write(`callrecords: no mirror of tenant ${o.tenant}\n`);
          io.exitCode = 1;
          return;
        }
        const states = rows.map((r) => ({
          ...(JSON.parse(r.status) as MirrorStatus),
          updatedAt: new Date(r.updatedMs).toISOString(),
        }));
        const retention = await Promise.all(states.map((s) => store.mirror.getRetention(s.tenantId)));
        print(
          io,
          o,
          states.map((s, i) => ({ ...s, retentionDays: retention[i] ?? null })),
          states.length
            ? states.map((s) => `${statusLine(s)} (updated ${s.updatedAt})`).join('\n')
            : '(no mirrors)',
        );
      });
    });
}

async function run(io: CliIo, o: MirrorFlags): Promise<void> {
  if (!o.tenant || !GUID.test(o.tenant)) throw new Error('--tenant: a tenant id (GUID) is required');
  if (!o.clientId) throw new Error('--client-id is required');
  const tenantId = o.tenant.toLowerCase();
  const cloud = CLOUDS[o.cloud];
  const base = graphBase(o.upstream ?? cloud.graph);
  const token = tokenUrl(o.authority ?? cloud.authority, tenantId);
  const cred = credential(o);
  const days = positiveInt(o.days, '--days', 3650);
  const concurrency = positiveInt(o.concurrency, '--concurrency', 32);
  const pollIntervalMs = positiveInt(o.pollInterval, '--poll-interval', 86_400) * 1000;
  const lookbackMs = positiveInt(o.lookback, '--lookback', 24 * 90) * 3_600_000;
  const maxAttempts = positiveInt(o.maxAttempts, '--max-attempts', 100);
  let offsetMs = 0;
  if (o.now !== undefined) {
    const at = Date.parse(o.now);
    if (Number.isNaN(at)) throw new Error(`--now: '${o.now}' is not a date-time`);
    offsetMs = at - Date.now();
  }
  const retentionDays =
    o.retentionDays === undefined || o.retentionDays === 'unlimited'
      ? null
      : positiveInt(o.retentionDays, '--retention-days', 36_500);
  const pseudonymizer = o.pseudonymizeKey === undefined ? undefined : new Pseudonymizer(o.pseudonymizeKey);
  // participants_v2 is served in the global cloud only; an upstream of our own serves it too.
  const participants = o.cloud === 'global' || o.upstream !== undefined;

  const http = new HttpClient({
    origins: [new URL(base), token.origin],
    maxAttempts,
    ...(o.allowNetwork ? { allow: o.allowNetwork } : {}),
  });
  const pacer = new Pacer();
  const tokens = new TokenSource({
    http,
    tokenUrl: token.url,
    clientId: o.clientId,
    credential: cred,
    scope: o.scope ?? 'https://graph.microsoft.com/.default',
    // A client assertion's times are the authority's.
    now: () => Date.now() + offsetMs,
  });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    // The credential is checked before the database is touched: a wrong secret fails fast, with the reason.
    await tokens.token();
    await withStore(io, o, async ({ store }) => {
      if (o.retentionDays !== undefined) {
        if (!(await store.getTenant(tenantId))) {
          await store.createTenant({
            id: tenantId,
            displayName: `Mirror of ${new URL(base).host}`,
            createdMs: Date.now(),
          });
        }
        await store.mirror.setRetention(tenantId, retentionDays);
      }
      const bar = progress('records', undefined, io.stderr);
      const mirror = new Mirror({
        store,
        upstream: new Upstream({ http, tokens, pacer, base, participants }),
        counters: http.counters,
        budgetWaitMs: () => pacer.waitedMs,
        tenantId,
        days,
        now: () => Date.now() + offsetMs,
        once: o.once === true,
        betaLogs: o.betaLogs === true,
        ...(pseudonymizer ? { pseudonymizer } : {}),
        concurrency,
        pollIntervalMs,
        lookbackMs,
        signal: controller.signal,
        log: (line) => io.stderr.write(`${line}\n`),
        onProgress: (done, total) => bar.update(done, total),
      });
      const status = await mirror.run();
      bar.finish();
      io.stderr.write(`${statusLine(status)}\n`);
      print(io, o, status, human(status));
      if (o.once && !status.complete) {
        io.stderr.write(
          `callrecords: mirror incomplete: ${status.failed} failures, backlog ${status.backlog}` +
            `${status.lastError ? ` (last error: ${status.lastError})` : ''}\n`,
        );
        io.exitCode = EXIT_INCOMPLETE;
      }
    });
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    http.close();
  }
}
