// export and import: NDJSON, one call record a line (sessions, segments and participants inline).
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { LOG_ROW_TYPES, type LogRowKind } from '../graph/ingest/normalize.js';
import { importLines } from '../ingest/import-lines.js';
import type { RecordKey } from '../store/index.js';
import { print, withCommon, withStore, type CliIo, type CommonOptions } from './common.js';
import { progress } from './progress.js';

const PAGE = 200;

function instant(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${flag}: '${value}' is not a date-time`);
  return ms;
}

export function transferCommands(program: Command, io: CliIo): void {
  withCommon(
    program
      .command('export')
      .description('Write a tenant as NDJSON (records with sessions, segments, participants)'),
  )
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .option('--since <dateTime>', 'records that started at or after this instant')
    .option('--until <dateTime>', 'records that started before this instant')
    .option('--out <file>', 'output file (default: stdout)')
    .action((o: CommonOptions & { tenant: string; since?: string; until?: string; out?: string }) =>
      withStore(io, o, async ({ store }) => {
        const tenantId = o.tenant.toLowerCase();
        if (!(await store.getTenant(tenantId))) throw new Error(`no tenant ${tenantId}`);
        const out = o.out ? createWriteStream(o.out) : io.stdout;
        const sinceMs = instant(o.since, '--since');
        const untilMs = instant(o.until, '--until');
        const bar = o.out ? progress('exported', undefined, io.stderr) : undefined;
        let after: RecordKey | undefined;
        let count = 0;
        do {
          const page = await store.documents.page(tenantId, {
            ...(sinceMs === undefined ? {} : { sinceMs }),
            ...(untilMs === undefined ? {} : { untilMs }),
            ...(after ? { after } : {}),
            limit: PAGE,
          });
          for (const doc of page.docs) {
            if (!out.write(JSON.stringify(doc) + '\n')) await once(out, 'drain');
          }
          count += page.docs.length;
          bar?.update(count);
          after = page.next;
        } while (after);
        // Then the log rows, each with its @odata.type so that import knows its log.
        for (const kind of Object.keys(LOG_ROW_TYPES) as LogRowKind[]) {
          const prefix = `{"@odata.type":"#${LOG_ROW_TYPES[kind]}",`;
          let key: { timeMs: number; id: string } | undefined;
          for (;;) {
            const rows = await store.logs.list(tenantId, kind, {
              fromMs: sinceMs ?? -8.64e15,
              toMs: untilMs ?? 8.64e15,
              ...(key ? { after: key } : {}),
              limit: 1000,
            });
            for (const r of rows) {
              if (!out.write(prefix + r.body.slice(1) + '\n')) await once(out, 'drain');
            }
            count += rows.length;
            if (rows.length < 1000) break;
            const last = rows[rows.length - 1]!;
            key = { timeMs: last.timeMs, id: last.id };
          }
        }
        if (o.out) {
          out.end();
          await once(out, 'finish');
          bar?.finish();
          print(io, o, { tenantId, lines: count, file: o.out }, `exported ${count} lines to ${o.out}`);
        }
      }),
    );

  withCommon(
    program
      .command('import')
      .description('Read NDJSON call records and log rows into a tenant (created when missing)'),
  )
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .argument('<file>', "NDJSON file, or '-' for stdin")
    .action((file: string, o: CommonOptions & { tenant: string }) =>
      withStore(io, o, async ({ store, config }) => {
        const tenantId = o.tenant.toLowerCase();
        if (!(await store.getTenant(tenantId))) {
          await store.createTenant({ id: tenantId, displayName: 'Imported', createdMs: Date.now() });
        }
        const input = file === '-' ? io.stdin : createReadStream(file);
        const bar = progress('lines', undefined, io.stderr);
        const started = performance.now();
        const s = await importLines(store, tenantId, input, {
          maxLineBytes: config.importMaxLineBytes,
          onProgress: (n) => bar.update(n),
        });
        bar.finish();
        const seconds = (performance.now() - started) / 1000;
        const recordsPerSecond = Math.round((s.created + s.updated + s.ignored) / seconds);
        print(
          io,
          o,
          { tenantId, ...s, seconds: Number(seconds.toFixed(2)), recordsPerSecond },
          `${s.created} created, ${s.updated} updated, ${s.ignored} ignored, ${s.logRows} log rows, ${s.rejected} rejected` +
            ` in ${seconds.toFixed(2)}s (${recordsPerSecond} records/s)` +
            s.errors.map((e) => `\nline ${e.line}: ${e.message}`).join(''),
        );
        if (s.rejected > 0) io.exitCode = 1;
      }),
    );
}
