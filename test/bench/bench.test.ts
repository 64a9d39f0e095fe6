// The benchmark's own machinery: several instances loaded together really spread over all of them and count as
// one, and every scenario's URLs exist in the OpenAPI document the peers (mock servers) serve, so that "faster than
// the mocks" compares the same routes.
// backends: sqlite — the benchmark's own machinery.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { buildScenarios, Client, type Scenario } from '../../bench/collect.js';
import { load } from '../../bench/load.js';
import { PEERS, peerPath } from '../../bench/peers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const document = JSON.parse(readFileSync('metadata/callrecords-openapi-v1.0.json', 'utf8')) as {
  paths: Record<string, unknown>;
};

/** The document's path templates matching a path, as a router matching the templates would find them. */
function templatesOf(p: string): string[] {
  return Object.keys(document.paths).filter((t) => {
    const pattern = t
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${pattern}$`).test(decodeURIComponent(p));
  });
}

/** The template a scenario's URLs must reach (the function's own, not `{callRecord-id}` holding its name). */
const EXPECTED: Record<string, string> = {
  list: '/communications/callRecords',
  'list-deep': '/communications/callRecords',
  'get-expand': '/communications/callRecords/{callRecord-id}',
  get: '/communications/callRecords/{callRecord-id}',
  participants: '/communications/callRecords/{callRecord-id}/participants_v2',
  'pstn-deep':
    '/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime={fromDateTime},toDateTime={toDateTime})',
  'filter-time': '/communications/callRecords',
  'filter-participant': '/communications/callRecords',
};

describe('peer URLs', () => {
  let server: TestServer;
  let scenarios: Scenario[];
  before(async () => {
    server = await startTestServer({ demoUsers: 6, demoDays: 7 });
    scenarios = await buildScenarios(new Client(server.url, server.token), {
      samples: 8,
      maxWalk: 4,
      log: () => {},
    });
  });
  after(() => server.close());

  test('every scenario URL maps to its own route of the document, under each peer prefix', () => {
    assert.deepEqual(scenarios.map((s) => s.name).sort(), Object.keys(EXPECTED).sort());
    for (const s of scenarios) {
      assert.ok(s.urls.length > 0, `${s.name} has URLs`);
      for (const url of s.urls) {
        for (const peer of PEERS) {
          const mapped = peerPath(url, peer.prefix);
          assert.ok(mapped.startsWith(`${peer.prefix}/communications/`), mapped);
          const p = mapped.slice(peer.prefix.length).split('?')[0]!;
          const found = templatesOf(p);
          assert.ok(found.includes(EXPECTED[s.name]!), `${s.name}: ${p} reaches ${JSON.stringify(found)}`);
          // The query is passed on unchanged: the peers see the same options the server got.
          assert.equal(mapped.split('?')[1], url.split('?')[1]);
        }
      }
    }
  });
});

describe('load over several instances', () => {
  const servers: Server[] = [];
  const counts: number[] = [];
  const bases: string[] = [];
  before(async () => {
    for (let i = 0; i < 2; i++) {
      counts.push(0);
      const s = createServer((req, res) => {
        counts[i]!++;
        res.end(req.headers.authorization === 'Bearer t' ? 'ok' : 'no token');
      });
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      const address = s.address();
      bases.push(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
      servers.push(s);
    }
  });
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  test('spreads the connections over every instance and counts them as one client', async () => {
    const r = await load(bases, ['/a', '/b', '/c'], { connections: 4, duration: 1, token: 't' });
    assert.equal(r.non2xx + r.errors, 0);
    assert.ok(r.requests > 0);
    const total = counts[0]! + counts[1]!;
    // Requests still in flight when the run stops reach a server without being counted by the client.
    assert.ok(total >= r.requests && total - r.requests <= 4, `${total} served, ${r.requests} counted`);
    for (const c of counts) assert.ok(c > total / 4, `each instance gets its share: ${counts.join(', ')}`);
  });
});
