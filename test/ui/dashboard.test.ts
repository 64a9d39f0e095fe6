// The dashboard end to end: a real server with the seeded demo tenant, Debian's chromium driven by playwright-core.
// Every page is loaded, filtered and drilled into; a tenant and an app are created (and the app's secret gets a
// token), data is generated with progress, the clock is moved. Each page is screenshotted at a fixed size and checked
// for the figures it must show, and axe-core finds no critical violation. The quality figures are computed here,
// independently, from the raw records read through the Graph API, and must equal what the page shows.
// backends: sqlite — the browser UI; the dashboard API's queries run on both in admin/dashboard-api.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';

const KEY = 'ui-test-admin-key-0123456789';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(import.meta.dirname, '../..');
const VIEWPORT = { width: 1280, height: 900 };
/** Screenshots go here; `UI_SCREENSHOT_DIR=docs/img` refreshes the ones in the docs. */
const SHOTS = process.env.UI_SCREENSHOT_DIR ?? path.join(tmpdir(), 'callrecords-ui-shots');
const FROM = '2026-10-22';
const TO = '2026-11-20';

let server: TestServer;
let browser: Browser;
let page: Page;
const loadMs: Record<string, number> = {};

/** The built dashboard: `npm run build` makes it; a checkout that has not built yet builds it here. */
function ensureBuilt(): void {
  if (existsSync(path.join(ROOT, 'dist/ui/index.html'))) return;
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  assert.equal(r.status, 0, 'vite build');
}

async function open(hash: string, name: string): Promise<void> {
  await page.goto(`${server.url}/${hash}`);
  await page.waitForSelector('main[data-loaded="true"]', { timeout: 20_000 });
  const ms = await page.getAttribute('main', 'data-load-ms');
  loadMs[name] = Number(ms);
}

/** Marks the view as stale, so that the next wait sees the view that follows. */
const unload = () => page.evaluate("document.querySelector('main')?.removeAttribute('data-loaded')");

/** Navigation inside the page (hash change) and wait for the new view. */
async function go(hash: string, name: string): Promise<void> {
  await unload();
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.waitForSelector('main[data-loaded="true"]', { timeout: 20_000 });
  loadMs[name] = Number(await page.getAttribute('main', 'data-load-ms'));
}

async function screenshot(name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  const png = await page.screenshot({ path: file });
  // A PNG's IHDR holds the width and height: the screenshot is of the fixed viewport.
  assert.equal(png.readUInt32BE(16), VIEWPORT.width);
  assert.equal(png.readUInt32BE(20), VIEWPORT.height);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated over the DevTools protocol, so the page's CSP need not allow it). */
async function accessibility(name: string): Promise<void> {
  await page.evaluate(axeSource);
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  const violations = await page.evaluate<{ id: string; impact: string; nodes: number }[]>(
    'axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))',
  );
  const critical = violations.filter((v) => v.impact === 'critical');
  assert.deepEqual(critical, [], `${name}: critical accessibility violations ${JSON.stringify(critical)}`);
}

const figure = (label: string) => page.textContent(`[data-figure="${label}"]`);

before(async () => {
  ensureBuilt();
  server = await startTestServer({ demoUsers: 20, demoDays: 30, config: { adminKey: KEY } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (Object.keys(loadMs).length)
    writeFileSync(path.join(tmpdir(), 'callrecords-ui-load-ms.json'), JSON.stringify(loadMs, null, 2));
});

// --- The figures, computed from the raw records through the Graph API, with the thresholds written out here ---

interface RawStream {
  streamDirection: string;
  averageJitter: string | null;
  averageAudioNetworkJitter: string | null;
  averageRoundTripTime: string | null;
  averagePacketLossRate: number | null;
  averageAudioDegradation: number | null;
  averageRatioOfConcealedSamples: number | null;
}
interface RawRecord {
  id: string;
  'sessions@odata.nextLink'?: string;
  sessions: {
    failureInfo: { stage: string } | null;
    segments: { failureInfo: { stage: string } | null; media: { label: string; streams: RawStream[] }[] }[];
  }[];
}

const seconds = (d: string) => {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(d)!;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};

async function independentFigures(): Promise<{
  calls: number;
  poor: number;
  classified: number;
  setup: number;
  audio: number;
}> {
  const ids: string[] = [];
  let next: string | undefined =
    `/v1.0/communications/callRecords?$filter=startDateTime ge ${FROM}T00:00:00Z and startDateTime lt 2026-11-21T00:00:00Z&$select=id`;
  while (next) {
    const page: { value: { id: string }[]; '@odata.nextLink'?: string } = await server.json(
      next.replace(server.url, ''),
    );
    ids.push(...page.value.map((r) => r.id));
    next = page['@odata.nextLink'];
  }
  const out = { calls: ids.length, poor: 0, classified: 0, setup: 0, audio: 0 };
  // A record's sessions, following the expanded collection's next links (large meetings have several pages).
  const sessionsOf = async (id: string) => {
    const r = await server.json<RawRecord>(
      `/v1.0/communications/callRecords/${id}?$expand=sessions($expand=segments)`,
    );
    const sessions = [...r.sessions];
    let link = r['sessions@odata.nextLink'];
    while (link) {
      const p: { value: RawRecord['sessions']; '@odata.nextLink'?: string } = await server.json(
        link.replace(server.url, ''),
      );
      sessions.push(...p.value);
      link = p['@odata.nextLink'];
    }
    return sessions;
  };
  for (let i = 0; i < ids.length; i += 8) {
    for (const sessions of await Promise.all(ids.slice(i, i + 8).map(sessionsOf))) {
      for (const s of sessions)
        for (const g of s.segments)
          for (const m of g.media) {
            if (m.label !== 'main-audio') continue;
            for (const st of m.streams) {
              out.audio++;
              if ((g.failureInfo ?? s.failureInfo)?.stage === 'callSetup') out.setup++;
              const jitter = st.averageJitter ?? st.averageAudioNetworkJitter;
              const metrics = [
                st.averageAudioDegradation,
                st.averageRoundTripTime,
                st.averagePacketLossRate,
                jitter,
                st.averageRatioOfConcealedSamples,
              ];
              if (metrics.every((x) => x === null || x === undefined)) continue;
              out.classified++;
              const poor =
                (st.averageAudioDegradation ?? 0) > 1.0 ||
                (st.averageRoundTripTime ? seconds(st.averageRoundTripTime) > 0.5 : false) ||
                (st.averagePacketLossRate ?? 0) > 0.1 ||
                (jitter ? seconds(jitter) > 0.03 : false) ||
                (st.averageRatioOfConcealedSamples ?? 0) > 0.07;
              if (poor) out.poor++;
            }
          }
    }
  }
  return out;
}

const asPct = (n: number, d: number) => `${((n / d) * 100).toFixed(2)}%`;

describe('dashboard in a browser', () => {
  test('GET / serves the dashboard; a wrong admin key is refused; the right one opens the quality overview', async () => {
    const res = await fetch(`${server.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    await page.goto(`${server.url}/`);
    const input = page.getByLabel('Admin key');
    await input.fill('not-the-admin-key-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await screenshot('sign-in');
    await accessibility('sign-in');
    await input.fill(KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('main[data-loaded="true"]');
    assert.match((await figure('Poor stream rate')) ?? '', /^\d+\.\d\d%$/);
    assert.equal(await page.evaluate("sessionStorage.getItem('callrecords.adminKey')"), KEY);
  });

  test('quality overview: the figures equal those computed from the raw records through the Graph API', async () => {
    await open(`#/quality?from=${FROM}&to=${TO}`, 'quality');
    const raw = await independentFigures();
    assert.ok(raw.calls > 100 && raw.poor > 0, `enough data: ${JSON.stringify(raw)}`);
    assert.equal(await figure('Poor stream rate'), asPct(raw.poor, raw.classified));
    assert.equal(await figure('Calls'), raw.calls.toLocaleString('en-US'));
    assert.equal(await figure('Audio streams'), raw.audio.toLocaleString('en-US'));
    assert.equal(await figure('Setup failure rate'), asPct(raw.setup, raw.audio));
    // Targets drawn as lines, the breakdowns present with their values.
    assert.equal((await page.locator('svg .target').count()) >= 3, true);
    for (const dim of ['networkType', 'platform', 'subnet', 'direction', 'pair']) {
      assert.ok((await page.locator(`table[data-dimension="${dim}"] tbody tr`).count()) > 0, dim);
    }
    assert.ok((await page.locator('table[data-dimension="networkType"]').textContent())?.includes('wifi'));
    await screenshot('quality');
    await accessibility('quality');
  });

  test('quality overview: a shorter period filters the figures', async () => {
    await page.getByRole('textbox', { name: 'From' }).fill('2026-11-16');
    await page.getByRole('textbox', { name: 'To' }).fill('2026-11-20');
    await unload();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForSelector('main[data-loaded="true"]');
    assert.match(page.url(), /from=2026-11-16&to=2026-11-20/);
    const calls = Number((await figure('Calls'))?.replace(/,/g, ''));
    assert.ok(calls > 0 && calls < 400, `calls in five days: ${calls}`);
  });

  test('call explorer: filter by quality and type, drill down to one call and the threshold each stream broke', async () => {
    await go(`#/calls?from=${FROM}&to=${TO}&quality=poor`, 'calls');
    const rows = page.locator('#calls tbody tr');
    assert.ok((await rows.count()) > 0);
    for (const text of await rows.allTextContents())
      assert.match(text, /poor: (jitter|packet loss|round trip|degradation|concealed samples) .+ > /);
    await screenshot('calls');
    await accessibility('calls');

    await go(`#/calls?from=${FROM}&to=${TO}&type=peerToPeer`, 'calls-filtered');
    for (const text of await page.locator('#calls tbody tr td:nth-child(3)').allTextContents())
      assert.equal(text, 'peerToPeer');

    await go(`#/calls?from=${FROM}&to=${TO}&quality=poor`, 'calls');
    await unload();
    await rows
      .first()
      .getByRole('link', { name: /Open call/ })
      .click();
    await page.waitForSelector('main[data-loaded="true"]');
    loadMs.call = Number(await page.getAttribute('main', 'data-load-ms'));
    assert.match(page.url(), /#\/call\//);
    assert.ok(Number(await figure('Poor audio streams')) > 0);
    const badge = await page.locator('table.streams .badge.bad').first().textContent();
    assert.match(
      badge ?? '',
      /^poor: (jitter [\d.]+ ms > 30 ms|packet loss [\d.]+% > 10%|round trip [\d.]+ ms > 500 ms|degradation [\d.]+ > 1\.0|concealed samples [\d.]+% > 7%)/,
    );
    assert.ok((await page.locator('svg.timeline rect').count()) > 0, 'the timeline has segments');
    await screenshot('call');
    await accessibility('call');
  });

  test('telephony: PSTN calls equal the Graph getPstnCalls rows of the period; Direct Routing and SMS tables', async () => {
    await go(`#/telephony?from=${FROM}&to=${TO}`, 'telephony');
    let next: string | undefined =
      `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${FROM},toDateTime=2026-11-21)`;
    let pstn = 0;
    while (next) {
      const p: { value: unknown[]; '@odata.nextLink'?: string } = await server.json(
        next.replace(server.url, ''),
      );
      pstn += p.value.length;
      next = p['@odata.nextLink'];
    }
    assert.ok(pstn > 0);
    assert.equal(await figure('PSTN calls'), pstn.toLocaleString('en-US'));
    assert.match((await figure('Direct Routing success rate')) ?? '', /^\d+\.\d%$/);
    assert.ok((await page.locator('table[data-table="country"] tbody tr').count()) > 0);
    await screenshot('telephony');
    await accessibility('telephony');
  });

  test('webhooks and operations: the clock moves by an hour from the page', async () => {
    await go('#/operations', 'operations');
    const before = await figure('Virtual clock');
    assert.equal(before, '2026-11-20 12:00:00 UTC');
    await screenshot('operations');
    await accessibility('operations');
    await unload();
    await page.getByRole('button', { name: 'Advance 1 hour' }).click();
    await page.waitForSelector('main[data-loaded="true"]');
    assert.equal(await figure('Virtual clock'), '2026-11-20 13:00:00 UTC');
    assert.equal(new Date(server.clock.now()).toISOString(), '2026-11-20T13:00:00.000Z');
    server.clock.set(Date.parse('2026-11-20T12:00:00Z'));
  });

  test('tenants and apps: create a tenant and an app (its secret gets a token), generate data, delete both', async () => {
    await go('#/tenants', 'tenants');
    await page.getByLabel('Tenant name').fill('UI test tenant');
    await unload();
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.waitForSelector('main[data-loaded="true"]');
    assert.ok((await page.locator('#tenants').textContent())?.includes('UI test tenant'));
    const tenantId = await page.locator('#tenant').inputValue();
    assert.equal((await server.store.getTenant(tenantId))?.displayName, 'UI test tenant');

    await page.getByLabel('App name').fill('UI test app');
    await page.getByRole('button', { name: 'Register app' }).click();
    const secret = await page.locator('[data-field="client-secret"]').textContent({ timeout: 10_000 });
    const clientId = await page.locator('[data-field="client-id"]').textContent();
    assert.ok(secret && clientId);
    const token = await server.tokenFor(clientId, secret, tenantId);
    assert.ok(token.split('.').length === 3, 'the shown secret gets a token');
    assert.ok((await page.locator('#apps').textContent())?.includes('UI test app'));
    await screenshot('tenants');
    await accessibility('tenants');

    await page.getByLabel('Users').fill('4');
    await page.getByLabel('Days').fill('2');
    await page.getByRole('button', { name: 'Generate data' }).click();
    await page
      .locator('[data-field="generate-progress"]')
      .filter({ hasText: /^Done: \d+ records$/ })
      .waitFor({ timeout: 60_000 });
    const generated = Number(
      (await page.locator('[data-field="generate-progress"]').textContent())?.match(/\d+/)?.[0],
    );
    assert.equal(await server.store.countAllCallRecords(tenantId), generated);

    const appRow = page.locator('#apps tbody tr').filter({ hasText: 'UI test app' });
    await appRow.getByRole('button', { name: /Delete UI test app/ }).click();
    await appRow.getByRole('button', { name: /Confirm/ }).click();
    await page.locator('#apps').filter({ hasNotText: 'UI test app' }).waitFor();
    assert.equal(await server.store.identity.getApp(tenantId, clientId), undefined);

    const tenantRow = page.locator('#tenants tbody tr').filter({ hasText: 'UI test tenant' });
    await tenantRow.getByRole('button', { name: /Delete UI test tenant/ }).click();
    await unload();
    await tenantRow.getByRole('button', { name: /Confirm/ }).click();
    await page.waitForSelector('main[data-loaded="true"]');
    assert.equal(await server.store.getTenant(tenantId), undefined);
    assert.equal(await server.store.countAllCallRecords(tenantId), 0);
  });
});
