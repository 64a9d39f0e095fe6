import { startTestServer, TEST_NOW } from '../helpers/server.js';
const s = await startTestServer({ demoUsers: 20, demoDays: 2 });
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const base = `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${iso(TEST_NOW - 5 * 86400000)},toDateTime=${iso(TEST_NOW)})`;
for (const q of ['$top=5', '$skip=2', '$search=%22x%22', '$orderby=id', '$count=true', '$filter=userId%20eq%20%27x%27']) {
  const r = await s.get(`${base}?${q}`); const t = await r.text();
  console.log(q, r.status, t.slice(0, 160));
}
for (const p of [`/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${iso(TEST_NOW)},toDateTime=${iso(TEST_NOW - 86400000)})`, `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${iso(TEST_NOW - 200 * 86400000)},toDateTime=${iso(TEST_NOW)})`, `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=yesterday,toDateTime=${iso(TEST_NOW)})`]) {
  const r = await s.get(p); console.log(r.status, (await r.text()).slice(0, 200));
}
const r = await s.get(`/v1.0/communications/callRecords/x/sessions/y/segments?$top=2`); console.log('segments $top', r.status, (await r.text()).slice(0, 150));
await s.close();
