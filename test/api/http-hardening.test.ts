// What the HTTP layer itself refuses still answers in Graph's shape: headers or URLs over the limit (431), malformed
// HTTP (400), a request sent too slowly (408, and the connection closed), a body over the limit (413).
// backends: sqlite — refusals made by the HTTP layer before routing.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let port: number;

before(async () => {
  server = await startTestServer({
    config: { requestTimeoutMs: 1500, headersTimeoutMs: 1000, bodyLimitBytes: 64 * 1024 },
  });
  port = Number(new URL(server.url).port);
});
after(() => server.close());

interface Raw {
  status: number;
  headers: string;
  body: string;
  /** ms from the first byte sent until the server closed the connection. */
  closedAfterMs: number;
}

/** Sends `parts` on a raw connection (`gapMs` apart) and reads until the server closes it. */
function raw(parts: (string | Buffer)[], gapMs = 0, giveUpMs = 8000): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${giveUpMs} ms`));
    }, giveUpMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0),
        headers: head,
        body,
        closedAfterMs: performance.now() - started,
      });
    });
    void (async () => {
      for (const p of parts) {
        if (socket.destroyed) return;
        socket.write(p);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    })();
  });
}

function assertGraphError(r: Raw, status: number, code: string): void {
  assert.equal(r.status, status, r.headers);
  assert.match(r.headers, /content-type: application\/json/i);
  assert.match(r.headers, /request-id: [0-9a-f-]{36}/i);
  const json = JSON.parse(r.body) as {
    error: { code: string; message: string; innerError: Record<string, string> };
  };
  assert.equal(json.error.code, code);
  assert.ok(json.error.message.length > 0);
  assert.match(json.error.innerError['request-id'] ?? '', /^[0-9a-f-]{36}$/);
  assert.match(json.error.innerError.date ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
}

test('headers or a URL over 16 KB: 431 in Graph shape', async () => {
  const big = 'x'.repeat(20 * 1024);
  assertGraphError(
    await raw([`GET /v1.0/communications/callRecords HTTP/1.1\r\nHost: a\r\nX-Big: ${big}\r\n\r\n`]),
    431,
    'RequestHeadersTooLarge',
  );
  assertGraphError(
    await raw([`GET /v1.0/${big} HTTP/1.1\r\nHost: a\r\n\r\n`]),
    431,
    'RequestHeadersTooLarge',
  );
});

test('malformed HTTP: NUL in the path, Content-Length with Transfer-Encoding, bare LF: 400 in Graph shape', async () => {
  const cases: (string | Buffer)[] = [
    Buffer.from('GET /v1.0/\u0000x HTTP/1.1\r\nHost: a\r\n\r\n', 'latin1'),
    'POST /v1.0/subscriptions HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'GET /healthz HTTP/1.1\nHost: a\n\n',
  ];
  for (const c of cases) assertGraphError(await raw([c]), 400, 'BadRequest');
});

test('a body sent a byte at a time: 408 in Graph shape, the connection closed at the request timeout', async () => {
  const head =
    'POST /v1.0/subscriptions HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
  const r = await raw([head, ...'{"changeType":"created",'.split('')], 200);
  assertGraphError(r, 408, 'RequestTimeout');
  assert.ok(r.closedAfterMs < 4000, `closed after ${Math.round(r.closedAfterMs)} ms`);
});

test('headers sent a byte at a time: closed at the headers timeout', async () => {
  const r = await raw(
    ['GET /healthz HTTP/1.1\r\n', ...'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'.split('')],
    100,
  );
  assertGraphError(r, 408, 'RequestTimeout');
  assert.ok(r.closedAfterMs < 3500, `closed after ${Math.round(r.closedAfterMs)} ms`);
});

test('a body over the limit: 413 in Graph shape', async () => {
  const res = await fetch(`${server.url}/v1.0/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ clientState: 'x'.repeat(100 * 1024) }),
  });
  const json = (await res.json()) as { error: { code: string; innerError: Record<string, string> } };
  assert.equal(res.status, 413);
  assert.equal(json.error.code, 'RequestEntityTooLarge');
  assert.ok(json.error.innerError['request-id']);
});
