// The stored form of sessions, segments and participants (src/store/parts): the codec round-trips any text, the
// frozen dictionary and a blob written by this version stay readable, and migration 006 converts a database written
// with a row per entity into blobs without losing or reordering anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import {
  CODEC_DEFLATE_V1,
  CODEC_DEFLATE_V2,
  CODEC_TEXT,
  decodeParts,
  decodeRawParts,
  encodeParts,
  type DecodedParts,
  type RecordParts,
} from '../../src/store/parts/codec.js';
import { PARTS_DICTIONARY_V1 } from '../../src/store/parts/dictionary-v1.js';
import { OPT_IN_MARK, optInMark } from '../../src/graph/shape/reshape.js';
import * as m001 from '../../src/store/migrations/001_call_records.js';
import * as m002 from '../../src/store/migrations/002_identity.js';
import * as m003 from '../../src/store/migrations/003_log_rows.js';
import * as m004 from '../../src/store/migrations/004_pending_records.js';
import * as m005 from '../../src/store/migrations/005_notifications.js';
import { openStore } from '../../src/store/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';

/** The entities of decoded parts, without the opt-in flag. */
function entities(p: DecodedParts): RecordParts {
  return { sessions: p.sessions, participants: p.participants };
}

const SAMPLE: RecordParts = {
  sessions: [
    {
      id: 's1',
      body: '{"id":"s1","modalities":["audio"]}',
      segments: [{ id: 'g1', body: '{"id":"g1","media":[{"label":"main-audio"}]}' }],
    },
  ],
  participants: [{ id: 'p1', body: '{"id":"p1","user":{"displayName":"Zoë 🎧"}}' }],
};

test('both codecs round-trip bodies with non-ASCII text, empty lists and many entities', () => {
  const big: RecordParts = {
    sessions: Array.from({ length: 40 }, (_, i) => ({
      id: `s${i}`,
      body: JSON.stringify({ id: `s${i}`, note: 'é'.repeat(i), emoji: '📞'.repeat(i % 3) }),
      segments: Array.from({ length: i % 4 }, (_, j) => ({ id: `g${i}.${j}`, body: `{"id":"g${i}.${j}"}` })),
    })),
    participants: [],
  };
  for (const parts of [SAMPLE, big, { sessions: [], participants: [] }]) {
    for (const codec of [CODEC_TEXT, CODEC_DEFLATE_V1, CODEC_DEFLATE_V2] as const) {
      const blob = encodeParts(parts, optInMark, codec);
      assert.equal(blob[0], codec);
      assert.deepEqual(entities(decodeParts(blob)), parts);
      assert.equal(decodeParts(blob).optInMark, OPT_IN_MARK);
      // better-sqlite3 hands back Buffers; a plain Uint8Array view decodes the same.
      assert.deepEqual(entities(decodeParts(new Uint8Array(blob))), parts);
    }
  }
});

test('codec 2 (the default) hands the read path UTF-8 byte slices; older codecs hand it strings', () => {
  const blob = encodeParts(SAMPLE, optInMark);
  assert.equal(blob[0], CODEC_DEFLATE_V2);
  const raw = decodeRawParts(blob);
  const participant = raw.participants[0]!.body;
  assert.ok(Buffer.isBuffer(participant));
  // Non-ASCII text: byte lengths, not UTF-16 lengths, cut the bodies apart.
  assert.equal(participant.toString('utf8'), SAMPLE.participants[0]!.body);
  assert.equal(String(raw.sessions[0]!.segments[0]!.body), SAMPLE.sessions[0]!.segments[0]!.body);
  assert.equal(
    typeof decodeRawParts(encodeParts(SAMPLE, optInMark, CODEC_DEFLATE_V1)).participants[0]!.body,
    'string',
  );
});

test('codec 2 encodes a record larger than its reused buffer, and the records after it, intact', () => {
  // Bodies of 2-byte and 4-byte characters well past the buffer's first 256 KiB, then small records again.
  const huge: RecordParts = {
    sessions: Array.from({ length: 3 }, (_, i) => ({
      id: `s${i}`,
      body: JSON.stringify({ id: `s${i}`, note: 'é'.repeat(90_000 + i) }),
      segments: [{ id: `g${i}`, body: JSON.stringify({ id: `g${i}`, note: '🎧'.repeat(40_000) }) }],
    })),
    participants: [{ id: 'p', body: '{"id":"p"}' }],
  };
  for (const parts of [SAMPLE, huge, SAMPLE, huge]) {
    const raw = decodeRawParts(encodeParts(parts, optInMark));
    assert.deepEqual(
      {
        sessions: raw.sessions.map((s) => ({
          id: s.id,
          body: String(s.body),
          segments: s.segments.map((g) => ({ id: g.id, body: String(g.body) })),
        })),
        participants: raw.participants.map((p) => ({ id: p.id, body: String(p.body) })),
      },
      parts,
    );
  }
});

test('the deflate codec compresses against the dictionary', () => {
  const body = JSON.stringify({ id: 'x', caller: null, callee: null, media: [] });
  const parts: RecordParts = {
    sessions: [{ id: 'x', body, segments: Array.from({ length: 5 }, () => ({ id: 'x', body })) }],
    participants: [],
  };
  assert.ok(
    encodeParts(parts, optInMark, CODEC_DEFLATE_V1).length * 3 <
      encodeParts(parts, optInMark, CODEC_TEXT).length,
  );
});

test('the dictionary is frozen and a blob written by this version still decodes', () => {
  // Changing the dictionary makes every stored blob unreadable: a new dictionary needs a new codec number.
  assert.equal(
    createHash('sha256').update(PARTS_DICTIONARY_V1, 'utf8').digest('hex'),
    'c7f8052fcea419952967701411fb219d05bda86689f753080064c96fcafffecd',
  );
  const golden = Buffer.from(
    'AYuOjlYqNlTSMTbRiY5WSjdU0jExiY2NjQXxCkA849jYWC6ooSCF2Jv0sKQOMgDLwnykWWNEFwJkPDz+UEM5Kv/waoUP8/uWK9XWAgA=',
    'base64',
  );
  assert.deepEqual(entities(decodeParts(golden)), SAMPLE);
  // Written before the header carried the opt-in mark: not claimed free, so reads still scan it.
  assert.equal(decodeParts(golden).optInMark, null);
});

test('parts holding an opt-in enum member are not marked free', () => {
  const acs: RecordParts = {
    sessions: [
      {
        id: 's',
        body: '{"id":"s"}',
        segments: [{ id: 'g', body: '{"userAgent":{"productFamily":"azureCommunicationServices"}}' }],
      },
    ],
    participants: [],
  };
  for (const codec of [CODEC_TEXT, CODEC_DEFLATE_V1, CODEC_DEFLATE_V2] as const) {
    assert.equal(decodeParts(encodeParts(acs, optInMark, codec)).optInMark, null);
  }
});

test('an unknown codec is an error, not garbage', () => {
  const blob = encodeParts(SAMPLE, optInMark, CODEC_TEXT);
  blob[0] = 9;
  assert.throws(() => decodeParts(blob), /unknown call record parts codec 9/);
});

test('migration 006 moves sessions, segments and participants of an existing database into blobs', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-m006-'));
  const file = path.join(dir, 'old.db');
  try {
    const raw = new BetterSqlite3(file);
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) });
    const migrations: Record<string, Migration> = {
      '001_call_records': m001,
      '002_identity': m002,
      '003_log_rows': m003,
      '004_pending_records': m004,
      '005_notifications': m005,
    };
    const { error } = await new Migrator({
      db: old,
      provider: { getMigrations: () => Promise.resolve(migrations) },
    }).migrateToLatest();
    assert.equal(error, undefined);
    const record = (tenant: string, id: string, start: number) =>
      raw
        .prepare(
          `insert into call_records (tenant_id, id, start_ms, end_ms, last_modified_ms, version, body, organizer,
             session_count, participant_count) values (?, ?, ?, ?, ?, 1, ?, null, 2, 2)`,
        )
        .run(tenant, id, start, start + 1000, start + 2000, JSON.stringify({ id }));
    record('t1', 'r1', 1000);
    record('t2', 'r1', 5000); // same record id in another tenant
    record('t1', 'r2', 3000); // no children at all
    const session = raw.prepare('insert into call_sessions values (?, ?, ?, ?, ?, ?)');
    const segment = raw.prepare('insert into call_segments values (?, ?, ?, ?, ?, ?)');
    const participant = raw.prepare('insert into call_participants values (?, ?, ?, ?, ?)');
    for (const t of ['t1', 't2']) {
      // Inserted out of order: the conversion must order by ordinal.
      session.run(t, 'r1', 1, `${t}-s1`, `{"id":"${t}-s1"}`, 1);
      session.run(t, 'r1', 0, `${t}-s0`, `{"id":"${t}-s0","n":"ü"}`, 2);
      segment.run(t, 'r1', 0, 1, `${t}-g01`, `{"id":"${t}-g01"}`);
      segment.run(t, 'r1', 1, 0, `${t}-g10`, `{"id":"${t}-g10"}`);
      segment.run(t, 'r1', 0, 0, `${t}-g00`, `{"id":"${t}-g00"}`);
      participant.run(t, 'r1', 1, `${t}-p1`, `{"id":"${t}-p1"}`);
      participant.run(t, 'r1', 0, `${t}-p0`, `{"id":"${t}-p0"}`);
    }
    await old.destroy();

    const store = await openStore({ db: file, json: STORED_JSON });
    try {
      for (const t of ['t1', 't2']) {
        const sessions = await store.listSessions(t, 'r1', { limit: 60, withSegments: true });
        assert.deepEqual(
          sessions.map((s) => [
            s.ordinal,
            s.id,
            String(s.body),
            s.segments?.map((g) => [g.ordinal, g.id, String(g.body)]),
          ]),
          [
            [
              0,
              `${t}-s0`,
              `{"id":"${t}-s0","n":"ü"}`,
              [
                [0, `${t}-g00`, `{"id":"${t}-g00"}`],
                [1, `${t}-g01`, `{"id":"${t}-g01"}`],
              ],
            ],
            [1, `${t}-s1`, `{"id":"${t}-s1"}`, [[0, `${t}-g10`, `{"id":"${t}-g10"}`]]],
          ],
        );
        const participants = await store.listParticipants(t, 'r1', { limit: 60 });
        assert.deepEqual(
          participants.map((p) => p.id),
          [`${t}-p0`, `${t}-p1`],
        );
        assert.equal(String((await store.getSegment(t, 'r1', 1, `${t}-g10`))?.body), `{"id":"${t}-g10"}`);
      }
      assert.deepEqual(await store.listSessions('t1', 'r2', { limit: 60, withSegments: true }), []);
      const check = new BetterSqlite3(file, { readonly: true });
      const tables = check
        .prepare("select name from sqlite_master where type = 'table' and name like 'call_%' order by name")
        .all() as { name: string }[];
      check.close();
      assert.deepEqual(
        tables.map((t) => t.name),
        ['call_record_parts', 'call_records'],
      );
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
