// A client that pipelines many requests for large pages and does not read the answers gets only a bounded number
// of them worked on: the server stops reading that connection until the client reads. When it does, every answer
// arrives, complete and in order.
// backends: sqlite — HTTP back-pressure, the same whatever the store.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { pstnRow } from './log-fixtures.js';

const PAGE = `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-20)`;
const PIPELINED = 50;
const SOCKETS = 10;
let server: TestServer;
const completed: string[] = [];

before(async () => {
  server = await startTestServer({
    config: { logLevel: 'info', maxPipelinedRequests: 2, maxBufferedResponseBytes: 256 * 1024 },
    logStream: {
      write: (line) => {
        if (line.includes('"request completed"') && line.includes('getPstnCalls')) completed.push(line);
      },
    },
  });
  const start = Date.UTC(2026, 10, 2);
  const rows = Array.from({ length: 1000 }, (_, i) => pstnRow(`row-${i}`, { startMs: start + i * 60_000 }));
  await server.store.logs.insert(DEMO_TENANT_ID, { pstnCalls: rows });
});
after(() => server.close());

test('pipelined requests for a large page, unread: memory stays bounded; then every answer arrives', async () => {
  const one = await server.get(PAGE);
  const size = (await one.arrayBuffer()).byteLength;
  assert.ok(size > 500_000, `a page is ${size} bytes`);
  completed.length = 0;
  const port = Number(new URL(server.url).port);
  const request = `GET ${PAGE} HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${server.token}\r\n\r\n`;
  const rssBefore = process.memoryUsage().rss;
  // The test process is the server's: what it holds for clients that do not read shows in its resident memory.
  const sockets = await Promise.all(
    Array.from({ length: SOCKETS }, async () => {
      const socket = connect(port, '127.0.0.1');
      socket.pause(); // the client reads nothing, for now
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(request.repeat(PIPELINED));
      return socket;
    }),
  );
  let peak = 0;
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    peak = Math.max(peak, process.memoryUsage().rss - rssBefore);
  }
  const unreadMb = Math.round(peak / 1e6);
  const unbounded = Math.round((SOCKETS * PIPELINED * size) / 1e6);
  assert.ok(unreadMb < 120, `+${unreadMb} MB held for unread answers (all of them: ${unbounded} MB)`);

  const received = sockets.map(() => ({ text: '' }));
  for (const [i, socket] of sockets.entries()) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received[i]!.text += chunk));
    socket.resume();
  }
  const answers = (t: string) => t.split('HTTP/1.1 200 OK\r\n').length - 1;
  const until = Date.now() + 60_000;
  while (received.some((r) => answers(r.text) < PIPELINED) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 50));
  for (const socket of sockets) socket.destroy();
  assert.deepEqual(
    received.map((r) => answers(r.text)),
    sockets.map(() => PIPELINED),
    'every answer arrived on every connection',
  );
});

test('a connection whose client stops reading is closed once it has been idle for idleTimeoutMs', async () => {
  const idle = await startTestServer({ config: { idleTimeoutMs: 1000 } });
  try {
    const rows = Array.from({ length: 1000 }, (_, i) =>
      pstnRow(`idle-${i}`, { startMs: Date.UTC(2026, 10, 2) + i * 60_000 }),
    );
    await idle.store.logs.insert(DEMO_TENANT_ID, { pstnCalls: rows });
    // The client, paused, would not notice the close: the server's side of the connection tells.
    const serverSide = new Promise<Socket>((resolve) => idle.app.fastify.server.once('connection', resolve));
    const socket = connect(Number(new URL(idle.url).port), '127.0.0.1');
    socket.pause();
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const started = performance.now();
    const request = `GET ${PAGE} HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${idle.token}\r\n\r\n`;
    socket.write(request.repeat(PIPELINED));
    const peer = await serverSide;
    const closed = await Promise.race([
      new Promise<boolean>((resolve) => peer.once('close', () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 6000)),
    ]);
    socket.destroy();
    assert.ok(closed, 'the server closed the connection');
    assert.ok(performance.now() - started < 6000);
  } finally {
    await idle.close();
  }
});
