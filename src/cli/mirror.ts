// mirror: copies a tenant's call records and telephony logs from a Graph-compatible upstream into the tenant of the
// same id here, then keeps it current (docs/mirror.md). `mirror status` prints what a mirror has done.
import { Option, type Command } from 'commander';
import { MirrorJob, statusLine, type MirrorStatus } from '../mirror/index.js';
import { CLOUDS, type CloudName } from '../mirror/upstream.js';
import { print, withCommon, withStore, type CliIo, type CommonOptions } from './common.js';
import { progress } from './progress.js';

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
  pollInterval?: string;
  lookback: string;
  notificationUrl?: string;
  lifecycleUrl?: string;
  listen?: string;
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

function secretOrCertificate(o: MirrorFlags): { clientSecret?: string; certificate?: string } {
  const secret = o.clientSecret ?? process.env.CALLRECORDS_MIRROR_CLIENT_SECRET;
  return {
    ...(secret === undefined ? {} : { clientSecret: secret }),
    ...(o.certificate === undefined ? {} : { certificate: o.certificate }),
  };
}

function human(s: MirrorStatus): string {
  return [
    `mirrored tenant ${s.tenantId} from ${s.upstream} (since ${s.from})`,
    `records: ${s.listed} listed, ${s.created} created, ${s.updated} updated, ${s.ignored} unchanged, ${s.gone} gone upstream, ${s.failed} failed`,
    `logs: ${s.logRows} rows; windows ${s.windows.done}/${s.windows.total} done; backlog ${s.backlog}`,
    `requests ${s.requests} (${s.retries} retried, ${s.throttled} throttled, ${s.serverErrors} server errors, ${s.dropped} dropped), ` +
      `${s.seconds}s, ${s.recordsPerSecond} records/s`,
    ...(s.webhook
      ? [
          `webhook: ${s.webhook.notifications} notifications (${s.webhook.rejected} rejected), ` +
            `${s.webhook.renewals} renewals, ${s.webhook.recreations} re-creations, ${s.webhook.catchUps} catch-ups`,
        ]
      : []),
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
    .option(
      '--poll-interval <seconds>',
      'seconds between keep-current list passes (default 300; 3600 with --notification-url)',
    )
    .option(
      '--notification-url <url>',
      'keep current through change notifications sent to this public URL, served by the mirror (https; http only on loopback)',
    )
    .option(
      '--lifecycle-url <url>',
      "lifecycle notifications' public URL (default: <notification URL>/lifecycle)",
    )
    .option(
      '--listen <host:port>',
      "where the notification endpoint listens (default: a loopback URL's own address, else 127.0.0.1:8090)",
    )
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
  const job = new MirrorJob({
    ...(o.upstream === undefined ? {} : { upstream: o.upstream }),
    ...(o.authority === undefined ? {} : { authority: o.authority }),
    cloud: o.cloud,
    tenant: o.tenant ?? '',
    clientId: o.clientId ?? '',
    ...secretOrCertificate(o),
    ...(o.scope === undefined ? {} : { scope: o.scope }),
    days: positiveInt(o.days, '--days', 3650),
    betaLogs: o.betaLogs === true,
    ...(o.pseudonymizeKey === undefined ? {} : { pseudonymizeKey: o.pseudonymizeKey }),
    concurrency: positiveInt(o.concurrency, '--concurrency', 32),
    ...(o.pollInterval === undefined
      ? {}
      : { pollIntervalSeconds: positiveInt(o.pollInterval, '--poll-interval', 86_400) }),
    ...(o.notificationUrl === undefined ? {} : { notificationUrl: o.notificationUrl }),
    ...(o.lifecycleUrl === undefined ? {} : { lifecycleNotificationUrl: o.lifecycleUrl }),
    ...(o.listen === undefined ? {} : { listen: o.listen }),
    lookbackHours: positiveInt(o.lookback, '--lookback', 24 * 90),
    ...(o.now === undefined ? {} : { now: o.now }),
    ...(o.allowNetwork ? { allowNetwork: o.allowNetwork } : {}),
    maxAttempts: positiveInt(o.maxAttempts, '--max-attempts', 100),
    ...(o.retentionDays === undefined
      ? {}
      : {
          retentionDays:
            o.retentionDays === 'unlimited' ? null : positiveInt(o.retentionDays, '--retention-days', 36_500),
        }),
  });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    // The credential is checked before the database is touched: a wrong secret fails fast, with the reason.
    await job.checkCredential();
    await withStore(io, o, async ({ store }) => {
      const bar = progress('records', undefined, io.stderr);
      const status = await job.run({
        store,
        once: o.once === true,
        signal: controller.signal,
        log: (line) => io.stderr.write(`${line}\n`),
        onProgress: (done, total) => bar.update(done, total),
      });
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
    job.close();
  }
}
