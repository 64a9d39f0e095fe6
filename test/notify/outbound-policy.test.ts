// Webhook URLs cannot make the server a proxy into its own network: loopback (outside dev mode), private, link-local,
// unique-local, CGNAT, unspecified and IPv4-mapped targets are refused before any connection, whatever spelling or
// name leads there, with one answer for every refusal; a name that re-resolves to such an address (DNS rebinding) is
// refused at delivery time. Names resolve through the test's own resolver, and every target is a local listener
// that counts connections, so no connection of this test leaves loopback.
// backends: sqlite — address checks on webhook URLs.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ResolvedAddress } from '../../src/net/outbound-policy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ADMIN_KEY,
  call,
  deliveries,
  inMinutes,
  push,
  record,
  startReceiver,
  type Receiver,
} from './helpers.js';

interface Listener {
  port: number;
  connections: number;
  close(): Promise<void>;
}

/** A TCP listener that only counts connections (a TLS handshake with it fails, which is enough). */
async function listen(host: string): Promise<Listener> {
  const l = { port: 0, connections: 0, close: () => Promise.resolve() };
  const server: Server = createServer((socket) => {
    l.connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  l.port = (server.address() as AddressInfo).port;
  l.close = () => new Promise((resolve) => server.close(() => resolve()));
  return l;
}

/** A resolver from a table; `asked` records every name it was asked for. */
function tableResolver(table: Map<string, string[]>) {
  const asked: string[] = [];
  const resolve = (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    const addresses = table.get(hostname) ?? [];
    if (addresses.length === 0)
      return Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return { resolve, asked };
}

const VALIDATION_FAILED = {
  code: 'ValidationError',
  message:
    'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
};

void describe('outside dev mode', () => {
  let server: TestServer;
  let local: Listener; // 127.0.0.1: loopback, refused
  let allowed: Listener; // 127.0.0.2: allow-listed by the operator
  const names = tableResolver(
    new Map([
      ['loopback.test', ['127.0.0.1']],
      ['allowed.test', ['127.0.0.2']],
      ['metadata.test', ['169.254.169.254']],
      ['private.test', ['10.0.0.7']],
      ['private172.test', ['172.16.5.4']],
      ['private192.test', ['192.168.1.1']],
      ['ula.test', ['fd00:ec2::254']],
      ['linklocal6.test', ['fe80::1']],
      ['cgnat.test', ['100.64.0.1']],
      ['nat64.test', ['64:ff9b::a00:1']],
      ['mapped.test', ['::ffff:127.0.0.2']],
      ['unspecified.test', ['0.0.0.0']],
      // One bad address among good ones is enough to refuse the name.
      ['mixed.test', ['127.0.0.2', '10.0.0.1']],
    ]),
  );

  before(async () => {
    local = await listen('127.0.0.1');
    allowed = await listen('127.0.0.2');
    server = await startTestServer({
      config: { outboundAllow: ['127.0.0.2/32'], webhookValidationTimeoutMs: 3000 },
      resolver: names.resolve,
    });
  });
  after(async () => {
    await server.close();
    await local.close();
    await allowed.close();
  });

  const create = (notificationUrl: string) =>
    call<{ error: { code: string; message: string } }>(server, 'POST', '/v1.0/subscriptions', {
      body: {
        changeType: 'created',
        notificationUrl,
        resource: 'communications/callRecords',
        expirationDateTime: inMinutes(server, 60),
      },
    });

  void test('every spelling of a refused target gets the same answer, fast, and no connection', async () => {
    const p = local.port;
    const q = allowed.port;
    const refused = [
      `https://127.0.0.1:${p}/hook`,
      `https://localhost:${p}/hook`,
      `https://0x7f000001:${p}/hook`, // hex, decimal, octal and short forms all become 127.0.0.1
      `https://2130706433:${p}/hook`,
      `https://0177.0.0.1:${p}/hook`,
      `https://127.1:${p}/hook`,
      `https://[::ffff:127.0.0.1]:${p}/hook`,
      `https://[::ffff:127.0.0.2]:${q}/hook`, // mapped, even though 127.0.0.2 is allow-listed
      `https://0.0.0.0:${p}/hook`,
      `https://[::]:${p}/hook`,
      `https://loopback.test:${p}/hook`,
      `https://user:secret@allowed.test:${q}/hook`, // credentials in the URL
      `https://metadata.test:${q}/latest/meta-data/`,
      `https://private.test:${q}/`,
      `https://private172.test:${q}/`,
      `https://private192.test:${q}/`,
      `https://ula.test:${q}/`,
      `https://linklocal6.test:${q}/`,
      `https://cgnat.test:${q}/`,
      `https://nat64.test:${q}/`,
      `https://mapped.test:${q}/`,
      `https://unspecified.test:${p}/`,
      `https://mixed.test:${q}/`,
    ];
    for (const url of refused) {
      const started = performance.now();
      const res = await create(url);
      const ms = performance.now() - started;
      assert.equal(res.status, 400, url);
      assert.deepEqual(
        { code: res.body.error.code, message: res.body.error.message },
        VALIDATION_FAILED,
        url,
      );
      assert.ok(ms < 1000, `${url}: answered in ${Math.round(ms)} ms`);
    }
    assert.equal(local.connections, 0, 'no connection to the loopback listener');
    assert.equal(allowed.connections, 0, 'no connection to the allow-listed listener');
    // The names were resolved through the policy (and refused on their addresses), never connected to.
    for (const name of ['metadata.test', 'private.test', 'ula.test', 'cgnat.test', 'mixed.test'])
      assert.ok(names.asked.includes(name), `${name} was resolved`);
    assert.ok(!names.asked.includes('allowed.test'), 'a URL with credentials is refused before resolving');
  });

  void test('an allow-listed private receiver is contacted (the control)', async () => {
    const before = allowed.connections;
    const res = await create(`https://allowed.test:${allowed.port}/hook`);
    // Not TLS, so the handshake fails, but only after the connection was made.
    assert.equal(res.status, 400);
    assert.equal(allowed.connections, before + 1);
  });
});

void describe('DNS rebinding, in dev mode (loopback allowed)', () => {
  let server: TestServer;
  let receiver: Receiver;
  const answer = { addresses: ['127.0.0.1'] };
  const resolver = (hostname: string): Promise<ResolvedAddress[]> =>
    hostname === 'rebind.localhost'
      ? Promise.resolve(
          answer.addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
        )
      : Promise.reject(new Error('ENOTFOUND'));

  before(async () => {
    receiver = await startReceiver();
    server = await startTestServer({
      config: {
        adminKey: ADMIN_KEY,
        notificationDelaySeconds: 0,
        webhookAllowHttp: true,
        webhookValidationTimeoutMs: 1000,
        webhookDeliveryTimeoutMs: 1000,
      },
      resolver,
    });
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  void test('a name that passed validation and then resolves to a refused address is not contacted', async () => {
    const port = new URL(receiver.url).port;
    const sub = await call<{ id: string }>(server, 'POST', '/v1.0/subscriptions', {
      body: {
        changeType: 'created',
        notificationUrl: `http://rebind.localhost:${port}/hook`,
        resource: 'communications/callRecords',
        expirationDateTime: inMinutes(server, 60),
      },
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    assert.equal(receiver.requests.length, 1, 'the validation request arrived');
    const connections = receiver.requests.length;
    // Both addresses reach the receiver on this machine if connected to; the policy refuses both.
    for (const [i, rebound] of ['0.0.0.0', '::ffff:127.0.0.1'].entries()) {
      answer.addresses = [rebound];
      await push(server, record(crypto.randomUUID()));
      await server.app.notifier.runOnce();
      await waitForFailures(server, i + 1);
      assert.equal(receiver.requests.length, connections, `no request reached ${rebound}`);
    }
    const log = await deliveries(server);
    const failed = log.value.filter((d) => d.outcome === 'failed');
    assert.ok(failed.length >= 1);
    assert.match(String(failed[0]!.error), /refused by the outbound policy/);
  });
});

async function waitForFailures(server: TestServer, count: number): Promise<void> {
  const until = Date.now() + 5000;
  for (;;) {
    const log = await deliveries(server);
    if (log.value.filter((d) => d.outcome === 'failed').length >= count) return;
    if (Date.now() > until) throw new Error('no failed delivery logged');
    await new Promise((r) => setTimeout(r, 20));
  }
}
