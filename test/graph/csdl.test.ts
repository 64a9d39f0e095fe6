// The $metadata documents: generated from metadata/ (a fresh generation equals the checked-in file), valid CSDL for
// the OASIS TC's CSDL parser (odata-csdl, strict), and in agreement with the model the server shapes its bodies by:
// every type, property and navigation property served is declared, every function served on the version is bound
// to the callRecords collection, every type reference resolves, and the container has `communications` and
// `subscriptions`. Over HTTP both versions answer without a token, as application/xml.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { xml2json } from 'odata-csdl';
import { generate, OUTPUT } from '../../scripts/gen-csdl.js';
import { CSDL } from '../../src/graph/metadata/csdl.generated.js';
import { LOG_FUNCTIONS } from '../../src/graph/functions/catalog.js';
import { MODELS, allProperties, structuredType, type GraphVersion } from '../../src/graph/model/index.js';
import { subscriptionJson } from '../../src/api/graph/subscriptions.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Json = Record<string, unknown>;
const VERSIONS: GraphVersion[] = ['v1.0', 'beta'];

test('the generated file equals a fresh generation from metadata/', async () => {
  assert.equal(readFileSync(OUTPUT, 'utf8'), await generate(), 'stale: run npm run gen:csdl');
});

/** The CSDL JSON of a version's document, by the strict OASIS parser. */
function parsed(version: GraphVersion): Json {
  const messages: unknown[] = [];
  const json = xml2json(CSDL[version], { strict: true, messages });
  assert.deepEqual(messages, [], `${version}: parser messages`);
  return json;
}

/** Declared members of a schema element of the CSDL JSON, `$`-keys left out. */
const members = (e: Json) => Object.keys(e).filter((k) => !k.startsWith('$') && !k.startsWith('@'));

function declared(doc: Json, qualified: string): Json | undefined {
  const dot = qualified.lastIndexOf('.');
  const schema = doc[qualified.slice(0, dot)] as Json | undefined;
  const e = schema?.[qualified.slice(dot + 1)];
  return Array.isArray(e) ? (e[0] as Json) : (e as Json | undefined);
}

/** `graph.x` -> `microsoft.graph.x`: the parser keeps aliases as written. */
const unalias = (name: string) => name.replace(/^graph\./, 'microsoft.graph.');

for (const version of VERSIONS) {
  describe(`${version} $metadata`, () => {
    test('parses as CSDL 4.0 with the two namespaces and the container', () => {
      const doc = parsed(version);
      assert.equal(doc.$Version, '4.0');
      assert.ok(doc['microsoft.graph'], 'microsoft.graph schema');
      assert.ok(doc['microsoft.graph.callRecords'], 'microsoft.graph.callRecords schema');
      const container = (doc['microsoft.graph'] as Json).GraphService as Json;
      assert.equal(doc.$EntityContainer, 'microsoft.graph.GraphService');
      const communications0 = container.communications as Json;
      const subscriptions = container.subscriptions as Json;
      assert.equal(unalias(communications0.$Type as string), 'microsoft.graph.cloudCommunications');
      assert.equal(subscriptions.$Collection, true);
      assert.equal(unalias(subscriptions.$Type as string), 'microsoft.graph.subscription');
      const communications = declared(doc, 'microsoft.graph.cloudCommunications')!;
      assert.deepEqual(members(communications), ['callRecords'], 'only the callRecords navigation is served');
    });

    test('every type, property and navigation property of the model is declared with its type', () => {
      const doc = parsed(version);
      for (const [name, t] of Object.entries(MODELS[version].types)) {
        const e = declared(doc, name);
        assert.ok(e, `${name} is declared`);
        if (t.kind === 'enum') {
          assert.equal(e.$Kind, 'EnumType', name);
          for (const m of t.members) assert.equal(e[m.name], m.value, `${name}.${m.name}`);
          continue;
        }
        assert.equal(e.$Kind, t.kind === 'entity' ? 'EntityType' : 'ComplexType', name);
        for (const p of t.properties) {
          const prop = e[p.name] as Json | undefined;
          assert.ok(prop, `${name}.${p.name}`);
          assert.equal(
            unalias((prop.$Type as string | undefined) ?? 'Edm.String'),
            p.type,
            `${name}.${p.name}`,
          );
          assert.equal(prop.$Collection === true, p.collection, `${name}.${p.name} collection`);
        }
        for (const n of t.navigation) {
          const nav = e[n.name] as Json | undefined;
          assert.equal(nav?.$Kind, 'NavigationProperty', `${name}.${n.name}`);
          assert.equal(unalias(nav.$Type as string), n.type, `${name}.${n.name}`);
        }
        if (t.base) assert.equal(unalias(e.$BaseType as string), t.base, `${name} base`);
      }
      // The records' own declared properties, spot-checked against allProperties (base types included).
      const record = allProperties(version, 'microsoft.graph.callRecords.callRecord').map((p) => p.name);
      assert.ok(record.includes('id') && record.includes('startDateTime'));
      assert.ok(structuredType(version, 'microsoft.graph.callRecords.session').navigation.length === 1);
    });

    test('every log function the version serves is declared, bound to the callRecords collection', () => {
      const doc = parsed(version);
      const schema = doc['microsoft.graph.callRecords'] as Json;
      for (const f of Object.values(LOG_FUNCTIONS)) {
        const overloads = schema[f.name] as Json[] | undefined;
        if (!f.versions.includes(version)) {
          assert.equal(overloads, undefined, `${f.name} is not served on ${version}`);
          continue;
        }
        assert.ok(overloads, `${f.name} on ${version}`);
        const [overload] = overloads;
        assert.equal(overload!.$IsBound, true);
        const params = overload!.$Parameter as Json[];
        assert.deepEqual(
          params.map((p) => p.$Name),
          ['bindingParameter', 'fromDateTime', 'toDateTime'],
        );
        assert.equal(unalias(params[0]!.$Type as string), 'microsoft.graph.callRecords.callRecord');
        assert.equal(params[0]!.$Collection, true);
        assert.equal(unalias((overload!.$ReturnType as Json).$Type as string), f.rowType);
      }
    });

    test('the subscription declares every property the server writes', () => {
      const doc = parsed(version);
      const entity = declared(doc, 'microsoft.graph.subscription')!;
      const written = subscriptionJson(version, {
        id: 'x',
        expirationMs: 0,
      } as unknown as Parameters<typeof subscriptionJson>[1]);
      for (const key of Object.keys(written)) {
        assert.ok(key === 'id' || entity[key], `subscription.${key} on ${version}`);
      }
    });

    test('every type reference resolves to a declared type or a primitive', () => {
      const doc = parsed(version);
      const refs: string[] = [];
      const visit = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(visit);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v as Json)) {
            if ((k === '$Type' || k === '$BaseType') && typeof x === 'string') refs.push(x);
            else visit(x);
          }
        }
      };
      visit(doc);
      assert.ok(refs.length > 100);
      for (const ref of refs) {
        if (ref.startsWith('Edm.')) continue;
        assert.ok(declared(doc, unalias(ref)), `${ref} is declared`);
      }
    });
  });
}

describe('GET /{version}/$metadata over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('both versions, without a token, as application/xml, the generated document', async () => {
    for (const version of VERSIONS) {
      const res = await fetch(`${server.url}/${version}/$metadata`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/xml\b/);
      assert.equal(res.headers.get('odata-version'), '4.0');
      assert.ok(res.headers.get('request-id'));
      assert.equal(await res.text(), CSDL[version]);
    }
  });

  test('with a token too; the context URLs of responses point at it', async () => {
    const res = await server.get('/v1.0/communications/callRecords?$top=1');
    const context = ((await res.json()) as Json)['@odata.context'] as string;
    const doc = await fetch(context.slice(0, context.indexOf('#')), {
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.equal(doc.status, 200);
    assert.equal(await doc.text(), CSDL['v1.0']);
  });

  test('other methods are a 405 in Graph shape', async () => {
    const res = await fetch(`${server.url}/beta/$metadata`, { method: 'POST' });
    assert.equal(res.status, 405);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'MethodNotAllowed');
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  });
});
