// `npx tsx bench/purge.ts [--users 2000 --days 62]`: on PostgreSQL, what a record costs on disk and what the
// retention purge of one month costs as a partition drop against deleting the same rows in batches. Generates one
// tenant into a new database, clones it, purges the oldest whole month of the one by dropping its partitions and
// of the other by deleting its rows 1,000 a transaction (as the purge does for a partly expired month), and prints
// the figures as JSON. Both databases are dropped at the end (unless --keep).
import { parseArgs } from 'node:util';
import pg from 'pg';
import { STORED_JSON } from '../src/graph/shape/stored.js';
import { openStore } from '../src/store/index.js';
import { BENCH_TENANT_ID, createDatabase, generateTenant } from './generate.js';

const { values: a } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    days: { type: 'string', default: '62' },
    'pg-url': {
      type: 'string',
      default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    keep: { type: 'boolean', default: false },
  },
});
const log = (s: string) => process.stderr.write(`[purge] ${s}\n`);
const serverUrl = a['pg-url'];

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const dropped = await createDatabase(serverUrl, `callrecords_bench_purge_a_${process.pid}`);
let deleted: Awaited<ReturnType<typeof createDatabase>> | undefined;
try {
  const until = new Date(Date.UTC(2026, 10, 20));
  log(`generating ${a.users} users x ${a.days} days`);
  const gen = await generateTenant(dropped.url, {
    users: Number(a.users),
    days: Number(a.days),
    seed: 1,
    until,
    onProgress: (n) => log(`  ${n} records`),
  });
  log(`${gen.records} records in ${gen.seconds} s (${gen.recordsPerSecond}/s)`);
  await query(dropped.url, 'vacuum analyze');
  const [size] = await query<{ records: number; bytes: number }>(
    dropped.url,
    `select (select count(*) from call_records)::float8 as records,
       (pg_total_relation_size('call_records') + pg_total_relation_size('call_record_parts')
        + pg_total_relation_size('participant_index'))::float8 as bytes`,
  );
  // Partitioned parents have no storage of their own: sum the partitions.
  const [parts] = await query<{ bytes: number }>(
    dropped.url,
    `select sum(pg_total_relation_size(i.inhrelid))::float8 as bytes from pg_inherits i
     where i.inhparent in ('call_records'::regclass, 'call_record_parts'::regclass, 'participant_index'::regclass)`,
  );
  const bytes = Math.max(size!.bytes, parts!.bytes);
  const months = await query<{ name: string; n: number }>(
    dropped.url,
    `select c.relname as name, (select count(*) from call_records r where r.tableoid = c.oid)::float8 as n
     from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'call_records'::regclass order by 1`,
  );
  log(`months: ${months.map((m) => `${m.name} ${m.n}`).join(', ')}`);
  // The oldest month that is whole: the generator's first month starts mid-month, so the second one.
  const whole = months[1] ?? months[0]!;
  const m = /_p(\d{4})(\d\d)$/.exec(whole.name)!;
  const monthEnd = Date.UTC(Number(m[1]), Number(m[2]), 1);
  deleted = await createDatabase(serverUrl, `callrecords_bench_purge_b_${process.pid}`);
  await query(serverUrl, `drop database "${new URL(deleted.url).pathname.slice(1)}"`);
  await query(
    serverUrl,
    `create database "${new URL(deleted.url).pathname.slice(1)}" template "${new URL(dropped.url).pathname.slice(1)}"`,
  );

  const a1 = await openStore({ db: dropped.url, json: STORED_JSON });
  let t = performance.now();
  let byDrop = 0;
  for (let n = -1; n !== 0; byDrop += n) n = await a1.documents.purgeOlderThan(undefined, monthEnd, 1000);
  const dropMs = performance.now() - t;
  await a1.close();

  // The same purge by rows: per tenant, which never drops partitions.
  const b1 = await openStore({ db: deleted.url, json: STORED_JSON });
  t = performance.now();
  let byDelete = 0;
  for (let n = -1; n !== 0; byDelete += n)
    n = await b1.documents.purgeOlderThan(BENCH_TENANT_ID, monthEnd, 1000);
  const deleteMs = performance.now() - t;
  await b1.close();

  const report = {
    records: size!.records,
    logRows: gen.logRows,
    generatorRecordsPerSecond: gen.recordsPerSecond,
    bytesPerRecord: Math.round(bytes / size!.records),
    recordTablesMb: Math.round(bytes / 1e6),
    purgedMonth: whole.name,
    purge: {
      partitionDrop: { records: byDrop, ms: Math.round(dropMs) },
      rowDelete: { records: byDelete, ms: Math.round(deleteMs), batch: 1000 },
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  if (!a.keep) {
    await dropped.drop();
    await deleted?.drop();
  }
}
