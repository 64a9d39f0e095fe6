// The official @microsoft/microsoft-graph-client's RetryHandler against this server over TLS: it recovers from an
// injected 429 and from real throttling by waiting Retry-After, so the throttling report finds no early retry.
// backends: sqlite — a client library's retry handler.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { DEMO_APPS } from '../../src/demo/apps.js';
import { parseFaultRules } from '../../src/resilience/index.js';
import { startTestServer } from '../helpers/server.js';
import { runClientFixture } from '../helpers/client-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-retry-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const [app] = DEMO_APPS;

test('the graph client retry handler waits Retry-After after an injected 429 and then succeeds', async () => {
  const server = await startTestServer({ demoUsers: 5, demoDays: 1, tlsDir: dir });
  try {
    server.app.resilience.faults.add(
      parseFaultRules([{ resource: 'records', everyNth: 2, status: 429, retryAfterSeconds: 1 }]),
    );
    const out = await runClientFixture(dir, 'graph-client-retry.ts', [
      server.url,
      DEMO_TENANT_ID,
      app.appId,
      app.secret,
    ]);
    assert.deepEqual(
      { first: out.first, second: out.second, error: out.error },
      { first: 1, second: 1, error: null },
    );
    assert.ok((out.elapsedMs as number) >= 1000, `waited ${String(out.elapsedMs)} ms`);
    const [rule] = server.app.resilience.faults.list();
    assert.deepEqual([rule?.matched, rule?.injected], [3, 1], 'request, 429, one retry');
    assert.equal(server.app.resilience.compliance.throttledApps(DEMO_TENANT_ID), 1);
    assert.deepEqual(server.app.resilience.compliance.report(DEMO_TENANT_ID), [], 'no early retry');
  } finally {
    await server.close();
  }
});

test('the graph client retry handler recovers from real throttling (a budget file, running clock)', async () => {
  const budgets = path.join(dir, 'budgets.json');
  writeFileSync(
    budgets,
    JSON.stringify({
      budgets: [{ name: 'list', resources: 'list', per: ['app'], limit: 1, windowSeconds: 1 }],
    }),
  );
  const server = await startTestServer({
    demoUsers: 5,
    demoDays: 1,
    tlsDir: dir,
    config: { throttling: budgets },
  });
  server.clock.resume(); // windows follow the clock: let it run with real time
  try {
    const out = await runClientFixture(dir, 'graph-client-retry.ts', [
      server.url,
      DEMO_TENANT_ID,
      app.appId,
      app.secret,
    ]);
    assert.equal(out.error, null);
    assert.equal(out.second, 1);
    assert.equal(
      server.app.resilience.compliance.throttledApps(DEMO_TENANT_ID),
      1,
      'the second request was throttled',
    );
    assert.deepEqual(server.app.resilience.compliance.report(DEMO_TENANT_ID), []);
  } finally {
    await server.close();
  }
});
