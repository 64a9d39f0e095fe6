// export and import: NDJSON, one call record a line (sessions, segments and participants inline).
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { CallRecordDocument } from '../graph/model/index.js';
import { IngestError, normalizeCallRecord } from '../graph/ingest/normalize.js';
import type { RecordKey } from '../store/index.js';
import { print, withCommon, withStore, type CommonOptions } from './common.js';
import { progress } from './progress.js';

const PAGE = 200;

function instant(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${flag}: '${value}' is not a date-time`);
  return ms;
}

export function transferCommands(program: Command): void {
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
      withStore(o, async ({ store }) => {
        const tenantId = o.tenant.toLowerCase();
        if (!(await store.getTenant(tenantId))) throw new Error(`no tenant ${tenantId}`);
        const out = o.out ? createWriteStream(o.out) : process.stdout;
        const sinceMs = instant(o.since, '--since');
        const untilMs = instant(o.until, '--until');
        const bar = o.out ? progress('exported', undefined) : undefined;
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
        if (o.out) {
          out.end();
          await once(out, 'finish');
          bar?.finish();
          print(o, { tenantId, records: count, file: o.out }, `exported ${count} records to ${o.out}`);
        }
      }),
    );

  withCommon(
    program.command('import').description('Read NDJSON call records into a tenant (created when missing)'),
  )
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .argument('<file>', "NDJSON file, or '-' for stdin")
    .action((file: string, o: CommonOptions & { tenant: string }) =>
      withStore(o, async ({ store }) => {
        const tenantId = o.tenant.toLowerCase();
        if (!(await store.getTenant(tenantId))) {
          await store.createTenant({ id: tenantId, displayName: 'Imported', createdMs: Date.now() });
        }
        const input = file === '-' ? process.stdin : createReadStream(file);
        const bar = progress('imported', undefined);
        const summary = { created: 0, updated: 0, ignored: 0, rejected: 0, errors: [] as string[] };
        let batch: CallRecordDocument[] = [];
        let line = 0;
        const flush = async () => {
          for (const outcome of await store.upsertCallRecords(tenantId, batch)) summary[outcome] += 1;
          batch = [];
          bar.update(line);
        };
        for await (const text of createInterface({ input, crlfDelay: Infinity })) {
          line += 1;
          if (text.trim() === '') continue;
          try {
            batch.push(normalizeCallRecord(JSON.parse(text)));
          } catch (err) {
            if (!(err instanceof IngestError) && !(err instanceof SyntaxError)) throw err;
            summary.rejected += 1;
            if (summary.errors.length < 100) summary.errors.push(`line ${line}: ${err.message}`);
          }
          if (batch.length >= PAGE) await flush();
        }
        await flush();
        bar.finish();
        print(
          o,
          { tenantId, ...summary },
          `${summary.created} created, ${summary.updated} updated, ${summary.ignored} ignored, ${summary.rejected} rejected` +
            (summary.errors.length ? `\n${summary.errors.join('\n')}` : ''),
        );
        if (summary.rejected > 0) process.exitCode = 1;
      }),
    );
}
