// Child process of the benchmark: the ceiling. A bare `node:http` server that answers each captured URL with the
// bytes (status, headers and body) the real server gave for it, and nothing else: what Node.js alone can serve
// for the same responses on this machine.
import { readFileSync } from 'node:fs';
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import path from 'node:path';

interface Entry {
  url: string;
  status: number;
  headers: Record<string, string>;
  file: string;
}

const dir = process.env.BENCH_SAMPLES;
if (!dir) throw new Error('BENCH_SAMPLES is not set');
const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as Entry[];
const responses = new Map<string, { status: number; headers: OutgoingHttpHeaders; body: Buffer }>();
for (const e of index) {
  const body = readFileSync(path.join(dir, e.file));
  responses.set(e.url, { status: e.status, headers: { ...e.headers, 'content-length': body.length }, body });
}
const notFound = Buffer.from('{"error":{"code":"notFound"}}');

const server = createServer((req, res) => {
  const r = responses.get(req.url ?? '');
  if (!r) {
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': notFound.length });
    res.end(notFound);
    return;
  }
  res.writeHead(r.status, r.headers);
  res.end(r.body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ url: `http://127.0.0.1:${port}` });
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
