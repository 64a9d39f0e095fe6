// Signing keys: the JWKS publishes public halves only; private halves are sealed at rest with a 0600 key-encryption
// key beside the database; rotation keeps old tokens valid and the old key published until its tokens have
// expired; a key rotated by another process (the CLI) is picked up by a running server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { decodeProtectedHeader, type JWK } from 'jose';
import { KeyEncryptionKey } from '../../src/auth/kek.js';
import { KeyRing } from '../../src/auth/keys.js';
import { MESSAGES } from '../../src/auth/verify.js';
import { VirtualClock } from '../../src/clock.js';
import { openStore, type Store } from '../../src/store/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertGraphError, call } from '../api/helpers.js';
import { DEMO_APP, TENANT, appClaims, get, postToken, secretForm, sign } from './helpers.js';

const LIFETIME = 600;
let dir: string;
let dbFile: string;
let server: TestServer;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'callrecords-keys-'));
  dbFile = path.join(dir, 'x.db');
  server = await startTestServer({ config: { db: dbFile, tokenLifetimeSeconds: LIFETIME } });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const jwks = async (): Promise<JWK[]> => {
  const r = await get(`${server.url}/${TENANT}/discovery/v2.0/keys`);
  assert.equal(r.status, 200);
  return r.json!.keys as JWK[];
};
const kids = async () => (await jwks()).map((k) => k.kid);
const newToken = async () => {
  const r = await postToken(server, TENANT, secretForm(DEMO_APP.appId, DEMO_APP.secret));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json!.expires_in, LIFETIME, 'the configured lifetime');
  return r.json!.access_token as string;
};
const graphStatus = async (token: string) =>
  call(server, '/v1.0/communications/callRecords', {
    auth: false,
    headers: { authorization: `Bearer ${token}` },
  });
const sealedRows = () => {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT kid, public_jwk, private_key, retired_ms FROM signing_keys').all() as {
      kid: string;
      public_jwk: string;
      private_key: string;
      retired_ms: number | null;
    }[];
  } finally {
    db.close();
  }
};

describe('at rest', () => {
  test('the JWKS holds public RSA keys only', async () => {
    const keys = await jwks();
    assert.ok(keys.length >= 1);
    for (const k of keys) {
      assert.equal(k.kty, 'RSA');
      assert.equal(k.use, 'sig');
      assert.equal(k.alg, 'RS256');
      assert.equal(typeof k.kid, 'string');
      assert.equal(typeof k.n, 'string');
      assert.equal(k.e, 'AQAB');
      assert.ok(Buffer.from(k.n!, 'base64url').length >= 256, 'at least 2048 bits');
      for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
        assert.equal((k as Record<string, unknown>)[priv], undefined, `JWKS member ${priv}`);
      }
    }
    const r = await get(`${server.url}/${TENANT}/discovery/v2.0/keys`);
    assert.ok(!/PRIVATE KEY/.test(r.text));
  });

  test('private keys are sealed in the database, not PEM', () => {
    const rows = sealedRows();
    assert.ok(rows.length >= 1);
    const kek = KeyEncryptionKey.load({ dir: path.dirname(dbFile) });
    for (const row of rows) {
      assert.ok(!row.private_key.includes('BEGIN'), 'not a PEM');
      assert.ok(!row.private_key.includes('PRIVATE KEY'));
      assert.throws(() => createPrivateKey(row.private_key), 'not a key as stored');
      assert.throws(() =>
        createPrivateKey({ key: Buffer.from(row.private_key, 'base64'), format: 'der', type: 'pkcs8' }),
      );
      const jwk = JSON.parse(row.public_jwk) as Record<string, unknown>;
      assert.equal(jwk.d, undefined, 'the public_jwk column holds no private member');
      // ...while the key-encryption key beside the database opens it.
      assert.match(kek.decrypt(row.private_key), /^-----BEGIN PRIVATE KEY-----/);
    }
    // No PEM anywhere in the database files (main file and WAL).
    for (const f of readdirSync(dir).filter((n) => n.startsWith('x.db'))) {
      assert.ok(!readFileSync(path.join(dir, f)).includes('PRIVATE KEY'), `${f} holds a PEM`);
    }
  });

  test('the key-encryption key is a 0600 file beside the database', () => {
    const file = path.join(dir, 'callrecords.kek');
    const st = statSync(file);
    assert.ok(st.isFile());
    assert.equal(st.mode & 0o777, 0o600, `mode ${(st.mode & 0o777).toString(8)}`);
    assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
  });

  test('without the right key-encryption key the sealed keys cannot be opened', async () => {
    const wrong = randomBytes(32).toString('base64');
    await assert.rejects(startTestServer({ config: { db: dbFile, kek: wrong } }));
  });
});

describe('rotation', () => {
  let oldToken: string;
  let oldKid: string;
  let newKid: string;
  let rotatedAt: number;

  test('after rotate(), old tokens still verify and the old key stays published', async () => {
    oldToken = await newToken();
    oldKid = decodeProtectedHeader(oldToken).kid!;
    rotatedAt = server.clock.now();
    newKid = await server.app.identity.keys.rotate();
    assert.notEqual(newKid, oldKid);
    assert.deepEqual((await kids()).sort(), [oldKid, newKid].sort());
    assert.equal((await graphStatus(oldToken)).status, 200);
    const fresh = await newToken();
    assert.equal(decodeProtectedHeader(fresh).kid, newKid, 'new tokens use the new key');
    assert.equal((await graphStatus(fresh)).status, 200);
    const rows = sealedRows();
    assert.equal(rows.find((r) => r.kid === oldKid)?.retired_ms, rotatedAt, 'the old key is retired');
    assert.equal(rows.find((r) => r.kid === newKid)?.retired_ms, null);
  });

  test('within the lifetime plus skew the old key survives a reload', async () => {
    server.clock.set(rotatedAt + (LIFETIME + 200) * 1000);
    await server.app.identity.keys.reload();
    assert.ok((await kids()).includes(oldKid));
    // The token is past exp + 300 s? Not yet: exp is LIFETIME after issue, tolerance 300 s.
    assert.equal((await graphStatus(oldToken)).status, 200);
  });

  test('once its tokens have expired, a reload drops the old key and its tokens fail', async () => {
    server.clock.set(rotatedAt + (LIFETIME + 301) * 1000);
    await server.app.identity.keys.reload();
    assert.deepEqual(await kids(), [newKid]);
    assert.ok(!sealedRows().some((r) => r.kid === oldKid), 'deleted from the database');
    // An unknown kid, not merely an expired token.
    const r = await graphStatus(oldToken);
    assertGraphError('v1.0', r, {
      status: 401,
      code: 'InvalidAuthenticationToken',
      message: MESSAGES.signature,
    });
    assert.equal((await graphStatus(await newToken())).status, 200);
  });
});

describe('several processes', () => {
  /** A second process on the same database (as `callrecords keys rotate` would be). */
  async function otherProcess(clock: VirtualClock): Promise<{ store: Store; ring: KeyRing }> {
    const store = await openStore({ db: dbFile, json: STORED_JSON });
    const ring = new KeyRing({
      store: store.identity,
      kek: KeyEncryptionKey.load({ dir: path.dirname(dbFile) }),
      clock,
      tokenLifetimeSeconds: LIFETIME,
    });
    await ring.init();
    return { store, ring };
  }

  test('unknown kids do not make the server re-read its keys on every request', async () => {
    const identity = server.store.identity;
    const original = identity.listSigningKeys.bind(identity);
    let reads = 0;
    identity.listSigningKeys = () => {
      reads++;
      return original();
    };
    try {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      for (let i = 0; i < 10; i++) {
        const t = await sign(appClaims({ tid: TENANT, nowMs: server.clock.now() }), privateKey, {
          kid: `unknown-${i}`,
        });
        assert.equal((await graphStatus(t)).status, 401);
      }
      assert.ok(reads <= 1, `${reads} key reloads for 10 unknown kids (at most one per 5 s)`);
    } finally {
      identity.listSigningKeys = original;
    }
  });

  test('a key rotated by another process is picked up within seconds, whatever the virtual clock', async () => {
    // A virtual clock ahead of real time (the admin API can move it) must not stop the pick-up.
    server.clock.set(Date.now() + 2 * 86_400_000);
    await server.app.identity.keys.reload();
    const clock = new VirtualClock();
    clock.freeze();
    clock.set(server.clock.now());
    const other = await otherProcess(clock);
    try {
      const kid = await other.ring.rotate();
      const token = await sign(
        appClaims({ tid: TENANT, nowMs: clock.now() }),
        other.ring.current().privateKey,
        { kid },
      );
      const deadline = Date.now() + 15_000; // the reload after an unknown kid waits out its 5 s cool-down
      let status = 0;
      while (Date.now() < deadline) {
        status = (await graphStatus(token)).status;
        if (status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.equal(status, 200, 'the token signed with the new key is accepted');
      assert.ok((await kids()).includes(kid), 'and the new key is published');
      assert.equal(decodeProtectedHeader(await newToken()).kid, kid, 'and used for new tokens');
    } finally {
      await other.store.close();
    }
  });
});
