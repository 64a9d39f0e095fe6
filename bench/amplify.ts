// `npx tsx bench/amplify.ts --db postgres://…/db --factor 47`: multiplies the call records of a generated
// PostgreSQL database by copying each one `factor - 1` times under new ids (the first eight hex digits of the id
// replaced by the copy's number, in the key and in the body), with the same start time, sessions and participants.
// The generator writes a few hundred records a second on a busy machine; copies in SQL reach a million records in
// minutes, for measuring storage, paging and purge at that size. The copies are real rows served by the real
// server; only their content repeats.
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: a } = parseArgs({
  options: { db: { type: 'string' }, factor: { type: 'string', default: '10' } },
});
if (!a.db) throw new Error('--db postgres://… is required');
const factor = Number(a.factor);
if (!Number.isInteger(factor) || factor < 2 || factor > 4096) throw new Error('--factor must be 2 to 4096');

const client = new pg.Client({ connectionString: a.db });
await client.connect();
try {
  const newId = (k: number, column: string) => `lpad(to_hex(${k}), 8, '0') || substr(${column}, 9)`;
  for (let k = 1; k < factor; k++) {
    const started = performance.now();
    await client.query('begin');
    await client.query(`insert into call_records (tenant_id, id, start_ms, end_ms, last_modified_ms, version, body,
        organizer, session_count, participant_count, opt_in_mark)
      select tenant_id, ${newId(k, 'id')}, start_ms, end_ms, last_modified_ms, version,
        replace(body, id, ${newId(k, 'id')}), organizer, session_count, participant_count, opt_in_mark
      from call_records where substr(id, 1, 8) !~ '^0000'`);
    await client.query(`insert into call_record_parts (tenant_id, record_id, start_ms, data)
      select tenant_id, ${newId(k, 'record_id')}, start_ms, data from call_record_parts
      where substr(record_id, 1, 8) !~ '^0000'`);
    await client.query(`insert into participant_index (tenant_id, participant_id, start_ms, record_id)
      select tenant_id, participant_id, start_ms, ${newId(k, 'record_id')} from participant_index
      where substr(record_id, 1, 8) !~ '^0000'`);
    await client.query('commit');
    process.stderr.write(
      `[amplify] copy ${k} of ${factor - 1} in ${Math.round(performance.now() - started)} ms\n`,
    );
  }
  await client.query('vacuum analyze');
  const { rows } = await client.query<{ n: string }>('select count(*) as n from call_records');
  process.stderr.write(`[amplify] ${rows[0]?.n} records\n`);
} finally {
  await client.end();
}
