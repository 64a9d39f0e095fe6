// The outbound policy's address table, without any network: literal addresses in URLs are checked before a socket
// exists, so the HTTP tests (which must never connect beyond loopback) cannot send them; they are checked here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutboundPolicy, OutboundRefusedError } from '../../src/net/outbound-policy.js';

const strict = new OutboundPolicy({ allowLoopback: false, allow: ['10.1.0.0/16', 'fd12::/64'] });
const dev = new OutboundPolicy({ allowLoopback: true });

const refusedUrl = (policy: OutboundPolicy, url: string) => {
  try {
    policy.checkUrl(new URL(url));
    return false;
  } catch (err) {
    assert.ok(err instanceof OutboundRefusedError, url);
    return true;
  }
};

test('literal special-purpose addresses are refused in every spelling; public ones pass', () => {
  const refused = [
    'https://10.0.0.1/',
    'https://0x0a000001/', // 10.0.0.1 in hex
    'https://167772161/', // 10.0.0.1 in decimal
    'https://012.0.0.1/', // 10.0.0.1 in octal
    'https://172.16.0.1/',
    'https://172.31.255.255/',
    'https://192.168.1.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/',
    'https://0.0.0.0/',
    'https://127.0.0.1/',
    'https://[::1]/',
    'https://[::]/',
    'https://[fd00:ec2::254]/',
    'https://[fe80::1]/',
    'https://[::ffff:169.254.169.254]/',
    'https://[::ffff:10.1.0.5]/', // mapped, although 10.1.0.0/16 is allow-listed
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://[2002:a9fe:a9fe::]/',
    'https://[2001:db8::1]/',
    'https://[ff02::1]/',
    'https://224.0.0.1/',
    'https://255.255.255.255/',
    'https://198.18.0.1/',
    'https://192.0.0.170/',
    'https://user:pass@93.184.215.14/',
    'https://localhost/',
    'https://metadata.localhost/',
  ];
  for (const url of refused) assert.ok(refusedUrl(strict, url), url);
  for (const url of [
    'https://93.184.215.14/',
    'https://[2606:4700::1111]/',
    'https://172.32.0.1/',
    'https://example.com/',
  ])
    assert.ok(!refusedUrl(strict, url), url);
});

test('the allow-list admits its ranges; dev mode admits loopback only', () => {
  assert.ok(!refusedUrl(strict, 'https://10.1.2.3/'));
  assert.ok(!refusedUrl(strict, 'https://[fd12::5]/'));
  assert.ok(refusedUrl(strict, 'https://10.2.0.1/'));
  assert.ok(!refusedUrl(dev, 'https://127.0.0.2/'));
  assert.ok(!refusedUrl(dev, 'https://[::1]/'));
  assert.ok(!refusedUrl(dev, 'https://localhost/'));
  for (const url of ['https://0.0.0.0/', 'https://[::ffff:127.0.0.1]/', 'https://10.0.0.1/'])
    assert.ok(refusedUrl(dev, url), url);
});
