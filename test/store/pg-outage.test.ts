// A PostgreSQL outage, as the server sees one: its connections drop and new ones are refused (a TCP proxy between
// the server and PostgreSQL is cut, so that the shared server itself is never stopped). Requests meanwhile get
// Graph's 503 with Retry-After, /healthz reports the database down, nothing crashes; once the database is
// reachable again the pool reconnects by itself and the same requests succeed. PostgreSQL pass only.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer } from '../helpers/server.js';
import { freshPostgres, TEST_BACKEND, TEST_PG_URL } from '../helpers/test-db.js';

/** A TCP proxy to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
class Proxy {
  #server: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();
  port = 0;

  async start(): Promise<void> {
    const target = new URL(TEST_PG_URL);
    this.#server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.#server.address() as net.AddressInfo).port;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  }
}

test('a database outage answers 503 with Retry-After, then the server recovers by itself', async (t) => {
  if (TEST_BACKEND !== 'postgres') return t.skip('PostgreSQL only (CALLRECORDS_TEST_DB=postgres)');
  const database = await freshPostgres();
  const proxy = new Proxy();
  await proxy.start();
  const url = new URL(database.url);
  url.host = `127.0.0.1:${proxy.port}`;
  const server = await startTestServer({ config: { db: url.toString(), dbConnectTimeoutMs: 1000 } });
  try {
    const list = () => server.get('/v1.0/communications/callRecords');
    assert.equal((await list()).status, 200);

    await proxy.cut();
    for (let i = 0; i < 3; i++) {
      const r = await list();
      const body = (await r.json()) as { error?: { code?: string; innerError?: { 'request-id'?: string } } };
      assert.equal(r.status, 503, JSON.stringify(body));
      assert.equal(body.error?.code, 'ServiceUnavailable');
      assert.ok(body.error?.innerError?.['request-id']);
      assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
    }
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 503);
    assert.equal(((await health.json()) as { database: { status: string } }).database.status, 'unavailable');

    await proxy.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await list()).status;
      if (status !== 200) await sleep(100);
    }
    assert.equal(status, 200, 'the server did not recover once the database was back');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  } finally {
    await server.close();
    await proxy.cut();
    await database.drop();
  }
});
