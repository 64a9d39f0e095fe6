// Metadata levels on body text: Accept/$format negotiation, `none` cutting control information out of compact JSON
// text exactly as removing it from the parsed value would, and `full` adding the entities' control information.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  jsonContentType,
  negotiate,
  withFullControlInformation,
  withoutControlInformation,
} from '../../src/graph/shape/control.js';
import { GraphError } from '../../src/errors.js';

type Json = Record<string, unknown>;

/** The oracle: every `…@odata.*` key removed at every depth, except nextLink, deltaLink and count. */
function stripped(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripped);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    const m = /^[A-Za-z0-9_]*@odata\.([A-Za-z0-9_]+)$/.exec(k);
    if (m && !['nextLink', 'deltaLink', 'count'].includes(m[1]!)) continue;
    out[k] = stripped(v);
  }
  return out;
}

const notAcceptable = (f: () => unknown) =>
  assert.throws(f, (e: unknown) => e instanceof GraphError && e.status === 406 && e.code === 'NotAcceptable');

describe('negotiate', () => {
  test('no Accept, */*, application/json: minimal', () => {
    for (const accept of [
      undefined,
      '',
      '*/*',
      'application/json',
      'application/*',
      'text/html, */*;q=0.8',
    ]) {
      assert.deepEqual(negotiate(accept, undefined), { level: 'minimal', json: true }, String(accept));
    }
  });

  test('odata.metadata none and full, in any case, with other parameters', () => {
    assert.equal(negotiate('application/json;odata.metadata=none', undefined).level, 'none');
    assert.equal(negotiate('application/json; odata.metadata=FULL; charset=utf-8', undefined).level, 'full');
    assert.equal(
      negotiate('application/json;odata.metadata=none;q=0.5, application/json;odata.metadata=full', undefined)
        .level,
      'full',
    );
    assert.equal(negotiate(['application/json;odata.metadata=none'], undefined).level, 'none');
  });

  test('$format wins over Accept', () => {
    assert.equal(negotiate('application/xml', 'json').level, 'minimal');
    assert.equal(negotiate(undefined, 'application/json;odata.metadata=none').level, 'none');
  });

  test('what Graph refuses: an unknown odata.metadata value, a $format other than JSON', () => {
    notAcceptable(() => negotiate('application/json;odata.metadata=verbose', undefined));
    notAcceptable(() => negotiate(undefined, 'xml'));
    notAcceptable(() => negotiate(undefined, 'application/json;odata.metadata=bogus'));
  });

  test('an Accept that allows no JSON is not a JSON response', () => {
    assert.equal(negotiate('application/xml', undefined).json, false);
    assert.equal(negotiate('text/plain', undefined).json, false);
    assert.equal(negotiate('application/json;q=0', undefined).json, false);
  });

  test('the Content-Type says which level was served', () => {
    assert.equal(
      jsonContentType('none'),
      'application/json;odata.metadata=none;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
    );
    assert.match(jsonContentType('full'), /^application\/json;odata\.metadata=full;/);
  });
});

describe('none: control information cut from the text', () => {
  test('first, middle, last, only and consecutive annotations; nested nextLinks and counts kept', () => {
    const cases: Json[] = [
      { '@odata.context': 'c', value: [] },
      { a: 1, '@odata.type': '#t' },
      { a: 1, 'b@odata.context': 'x', b: [1], c: 2 },
      { '@odata.type': '#t' },
      { '@odata.context': 'c', '@odata.type': '#t', '@odata.id': 'i', a: { '@odata.type': '#u' } },
      { a: 1, 'x@odata.context': 'c', '@odata.type': 't' },
      {
        '@odata.context': 'c',
        '@odata.count': 2,
        value: [{ 's@odata.context': 'x', s: [], 's@odata.nextLink': 'n' }],
        '@odata.nextLink': 'next',
      },
      { 'a@odata.type': { nested: ['@odata.type', '",{"@odata.id":"x"'] }, b: 'k@odata.type' },
      { 'we"ird@odata.type': 'kept: not a plain name', '@odata.etag': 'W/"1"' },
    ];
    for (const c of cases) {
      const text = JSON.stringify(c);
      assert.equal(withoutControlInformation(text), JSON.stringify(stripped(c)), text);
    }
  });

  test('text without control information is returned as it is', () => {
    const text = JSON.stringify({ a: '@odata.type', b: [1, 2] });
    assert.equal(withoutControlInformation(text), text);
  });

  test('property: equals removing the annotations from the parsed value, for any JSON', () => {
    const key = fc.oneof(
      fc.string(),
      fc.constantFrom('@odata.context', '@odata.type', '@odata.id', '@odata.nextLink', '@odata.count'),
      fc.constantFrom(
        'sessions@odata.context',
        'sessions@odata.nextLink',
        'x@odata.count',
        'y@odata.editLink',
      ),
      fc.string().map((s) => `${s}@odata.type`),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 6 }),
      ),
    }));
    fc.assert(
      fc.property(value, (v) => {
        const text = JSON.stringify(v);
        assert.equal(withoutControlInformation(text), JSON.stringify(stripped(v)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('full: entities get their type, id, edit link and navigation links', () => {
  const root = 'https://h/v1.0';
  test('a record with expanded sessions and its organizer', () => {
    const text = JSON.stringify({
      '@odata.context': `${root}/$metadata#communications/callRecords(sessions())/$entity`,
      id: 'r1',
      organizer_v2: { id: 'o1' },
      'sessions@odata.context': `${root}/$metadata#communications/callRecords('r1')/sessions`,
      sessions: [{ id: 's1' }],
    });
    const body = JSON.parse(withFullControlInformation(text, 'v1.0', root)) as Json;
    const rec = `${root}/communications/callRecords('r1')`;
    assert.equal(body['@odata.type'], '#microsoft.graph.callRecords.callRecord');
    assert.equal(body['@odata.id'], rec);
    assert.equal(body['@odata.editLink'], rec);
    assert.equal(body['participants_v2@odata.navigationLink'], `${rec}/participants_v2`);
    assert.equal(body['participants_v2@odata.associationLink'], `${rec}/participants_v2/$ref`);
    const organizer = body.organizer_v2 as Json;
    assert.equal(organizer['@odata.type'], '#microsoft.graph.callRecords.organizer');
    assert.equal(organizer['@odata.id'], `${rec}/organizer_v2`);
    const session = (body.sessions as Json[])[0]!;
    assert.equal(session['@odata.id'], `${rec}/sessions('s1')`);
    assert.equal(session['segments@odata.navigationLink'], `${rec}/sessions('s1')/segments`);
    assert.equal(Object.keys(body)[0], '@odata.context');
  });

  test('primitive values JSON cannot type, collections and complex values get their types', () => {
    const text = JSON.stringify({
      '@odata.context': `${root}/$metadata#communications/callRecords/$entity`,
      id: 'r1',
      version: 3,
      type: 'groupCall',
      modalities: ['audio'],
      startDateTime: '2026-11-20T10:00:00Z',
      joinWebUrl: null,
      organizer: { user: { id: 'u', displayName: 'U' }, phone: null },
      participants: [{ user: null }],
    });
    const body = JSON.parse(withFullControlInformation(text, 'v1.0', root)) as Json;
    assert.equal(body['version@odata.type'], '#Int64');
    assert.equal(body['type@odata.type'], '#microsoft.graph.callRecords.callType');
    assert.equal(body['modalities@odata.type'], '#Collection(microsoft.graph.callRecords.modality)');
    assert.equal(body['startDateTime@odata.type'], '#DateTimeOffset');
    assert.equal(body['joinWebUrl@odata.type'], undefined, 'null values are not typed');
    assert.equal(body['id@odata.type'], undefined, 'strings type themselves');
    const organizer = body.organizer as Json;
    assert.equal(organizer['@odata.type'], '#microsoft.graph.identitySet');
    assert.equal((organizer.user as Json)['@odata.type'], '#microsoft.graph.identity');
    assert.equal(body['participants@odata.type'], '#Collection(microsoft.graph.identitySet)');
    const keys = Object.keys(body);
    assert.equal(
      keys.indexOf('version@odata.type') + 1,
      keys.indexOf('version'),
      'the annotation comes first',
    );
  });

  test('a function result (complex rows) is left as it is', () => {
    const text = JSON.stringify({
      '@odata.context': `${root}/$metadata#Collection(microsoft.graph.callRecords.pstnCallLogRow)`,
      value: [{ id: 'x' }],
    });
    assert.equal(withFullControlInformation(text, 'v1.0', root), text);
  });
});
