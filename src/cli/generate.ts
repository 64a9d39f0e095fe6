import type { Command } from 'commander';
import { generateBatches } from '../generate/worker/index.js';
import { print, withCommon, withStore, type CliIo, type CommonOptions } from './common.js';
import { progress } from './progress.js';

/** Tenant shapes: defaults for users and call volume (flags override them). */
export const PROFILES = {
  'small-office': { users: 25, callsPerUserPerDay: 1.2 },
  enterprise: { users: 2000, callsPerUserPerDay: 1.5 },
  'contact-center': { users: 150, callsPerUserPerDay: 6 },
} as const;
type Profile = keyof typeof PROFILES;

interface GenerateOpts extends CommonOptions {
  tenant: string;
  users?: string;
  days: string;
  seed: string;
  until?: string;
  profile: Profile;
  poorStreamRate?: string;
  callsPerUserPerDay?: string;
  timeZone?: string;
  pstn: boolean;
  directRouting: boolean;
  sms: boolean;
  threads?: string;
}

const BATCH = 500;

export function generateCommand(program: Command, io: CliIo): void {
  withCommon(
    program.command('generate').description('Generate a realistic tenant of call records into the database'),
  )
    .requiredOption('--tenant <tenantId>', 'tenant id (created when it does not exist)')
    .option('--profile <profile>', `tenant shape: ${Object.keys(PROFILES).join(', ')}`, 'enterprise')
    .option('--users <n>', 'people in the directory (default: from the profile)')
    .option('--days <n>', 'days of calls', '30')
    .option('--seed <n>', 'random seed: the same seed and flags give the same data', '1')
    .option('--until <dateTime>', 'end of the period (default: now)')
    .option('--poor-stream-rate <rate>', 'audio poor stream rate to reach (CQD classification)', '0.03')
    .option('--calls-per-user-per-day <n>', 'records per person per working day (default: from the profile)')
    .option('--time-zone <zone>', 'IANA time zone for working hours', 'Europe/Amsterdam')
    .option('--no-pstn', 'leave out PSTN call logs (and the blocked-users log)')
    .option('--no-direct-routing', 'leave out Direct Routing call logs')
    .option('--no-sms', 'leave out SMS logs')
    .option('--threads <n>', 'generation threads beside the writer (default: one per core, at most two)')
    .action((o: GenerateOpts) =>
      withStore(io, o, async ({ store }) => {
        const profile = PROFILES[o.profile];
        if (!profile) throw new Error(`unknown profile '${o.profile}' (${Object.keys(PROFILES).join(', ')})`);
        const tenantId = o.tenant.toLowerCase();
        const until = o.until ? new Date(o.until) : new Date();
        if (Number.isNaN(until.getTime())) throw new Error(`--until: '${o.until}' is not a date-time`);
        const options = {
          tenantId,
          seed: Number(o.seed),
          users: o.users ? Number(o.users) : profile.users,
          days: Number(o.days),
          until,
          timeZone: o.timeZone ?? 'Europe/Amsterdam',
          poorStreamRate: Number(o.poorStreamRate ?? 0.03),
          callsPerUserPerDay: o.callsPerUserPerDay
            ? Number(o.callsPerUserPerDay)
            : profile.callsPerUserPerDay,
        };
        if (!(await store.getTenant(tenantId))) {
          await store.createTenant({
            id: tenantId,
            displayName: `Generated (${o.profile})`,
            createdMs: Date.now(),
          });
        }
        const threads = o.threads === undefined ? undefined : Number(o.threads);
        if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64))
          throw new Error(`--threads: '${o.threads}' is not a whole number from 1 to 64`);
        const sizeBefore = await store.sizeBytes();
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const expected = Math.round(
          options.users * options.callsPerUserPerDay * options.days * (5 / 7) * 1.05,
        );
        const bar = progress('records', expected, io.stderr);
        const fromMs = until.getTime() - options.days * 86_400_000;
        const acc = { records: 0, sessions: 0, streams: 0, audio: 0, poor: 0, logRows: 0 };
        // The generator, serialization and compression run on a worker thread; this one writes (two cores).
        for await (const batch of generateBatches({
          generate: options,
          batch: BATCH,
          logs: { pstn: o.pstn, directRouting: o.directRouting, sms: o.sms },
          ...(threads === undefined ? {} : { threads }),
        })) {
          await store.upsertRecordRows(tenantId, batch.rows);
          await store.logs.insert(tenantId, batch.logs);
          for (const k of Object.keys(acc) as (keyof typeof acc)[]) acc[k] += batch.counts[k];
          if (batch.lastStartMs === undefined) continue;
          // Records come in startDateTime order: the share of the period covered so far corrects the estimate.
          const covered = (batch.lastStartMs - fromMs) / (until.getTime() - fromMs);
          bar.update(acc.records, covered > 0.05 ? Math.round(acc.records / covered) : undefined);
        }
        bar.update(acc.records);
        bar.finish();
        const seconds = (performance.now() - started) / 1000;
        // Every thread's CPU time: what the rate would be on idle cores, when other work shares the machine.
        const cpu = process.cpuUsage(cpuBefore);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        // What the database grew by, all included: record rows, their parts, indexes, log rows and rollups.
        const storedBytes = Math.max(0, (await store.sizeBytes()) - sizeBefore);
        const summary = {
          tenantId,
          profile: o.profile,
          records: acc.records,
          sessions: acc.sessions,
          streams: acc.streams,
          logRows: acc.logRows,
          poorStreamRate: acc.audio ? Number((acc.poor / acc.audio).toFixed(4)) : 0,
          poorStreamRateTarget: options.poorStreamRate,
          seconds: Number(seconds.toFixed(2)),
          recordsPerSecond: Math.round(acc.records / seconds),
          cpuSeconds: Number(cpuSeconds.toFixed(2)),
          cpuMsPerRecord: acc.records ? Number(((cpuSeconds * 1000) / acc.records).toFixed(3)) : 0,
          storedBytes,
          bytesPerRecord: acc.records ? Math.round(storedBytes / acc.records) : 0,
          // The process's high-water mark of resident memory (getrusage), whatever the data's size.
          peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        };
        print(
          io,
          o,
          summary,
          [
            `tenant ${tenantId} (${o.profile}): ${acc.records} records, ${acc.sessions} sessions, ${acc.streams} streams, ${acc.logRows} log rows`,
            `audio poor stream rate ${(summary.poorStreamRate * 100).toFixed(2)}% (target ${(options.poorStreamRate * 100).toFixed(2)}%)`,
            `${summary.seconds}s, ${summary.recordsPerSecond} records/s, ${summary.cpuMsPerRecord} ms of CPU per record, peak memory ${summary.peakRssMb} MB`,
            `stored ${(storedBytes / 1_048_576).toFixed(1)} MB, ${summary.bytesPerRecord} bytes per record (rows, parts, indexes, log rows, rollups)`,
          ].join('\n'),
        );
      }),
    );
}
