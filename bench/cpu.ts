// `npx tsx bench/cpu.ts <db> [identity,gzip]`: the server's CPU time per request (utime+stime from /proc) over
// sequential requests on one keep-alive connection, far less sensitive to the machine's load than requests per
// second. The database must hold the benchmark tenant (`npm run bench -- --keep` leaves one).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Agent, request } from 'node:http';
import { compileEntries } from './build.js';
import { appToken, registerApp } from './generate.js';
import { startChild } from './load.js';

const db = process.argv[2]!;
const encodings = (process.argv[3] ?? 'identity').split(',');
const root = path.resolve(import.meta.dirname, '..');
const app = await registerApp(db);
const entries = compileEntries(root);
const server = await startChild(entries.server, { BENCH_DB: db, BENCH_LOG_LEVEL: 'info' });
const tick = 1000 / 100;
const cpu = () => {
  const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * tick;
};
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let token = '';
function get(p: string, enc = 'identity'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(
      server.url + p,
      { agent, headers: { authorization: `Bearer ${token}`, 'accept-encoding': enc } },
      (res) => {
        const c: Buffer[] = [];
        res.on('data', (d: Buffer) => c.push(d));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(Buffer.concat(c)) : reject(new Error(`${p} ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
token = await appToken(server.url, app);
const lists: string[] = [];
let next: string | undefined = '/v1.0/communications/callRecords';
const ids: string[] = [];
while (next) {
  lists.push(next);
  const page = JSON.parse((await get(next)).toString()) as {
    value: { id: string }[];
    '@odata.nextLink'?: string;
  };
  ids.push(page.value[0]!.id);
  const n = page['@odata.nextLink'];
  next = n ? n.slice(new URL(n).origin.length) : undefined;
}
const scenarios: [string, string[]][] = [
  ['list', lists],
  [
    'get-expand',
    ids
      .slice(0, 150)
      .map((id) => `/v1.0/communications/callRecords/${id}?$expand=sessions($expand=segments)`),
  ],
  ['participants', ids.slice(0, 150).map((id) => `/beta/communications/callRecords/${id}/participants_v2`)],
];
for (const enc of encodings) {
  for (const [name, urls] of scenarios) {
    for (const u of urls) await get(u, enc); // warm
    const rounds = 3;
    const c0 = cpu();
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) for (const u of urls) await get(u, enc);
    const n = urls.length * rounds;
    console.log(
      `${path.basename(root)} ${enc} ${name}: ${((cpu() - c0) / n).toFixed(3)} ms CPU/request over ${n} (wall ${((performance.now() - t0) / n).toFixed(2)} ms)`,
    );
  }
}
await server.stop();
agent.destroy();
