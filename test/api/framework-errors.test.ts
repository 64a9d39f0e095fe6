// No web-framework message ever reaches a client: every error code Fastify defines is placed (a request error with
// its Graph error, or a setup/bug error answered as Graph's 500), each one thrown inside the real app comes out in
// Graph's envelope without Fastify's text, and the requests that make Fastify itself fail get Graph's answers.
// backends: sqlite — the framework's error codes mapped to Graph's envelope.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fastifyModule from 'fastify';
import { buildApp, type App } from '../../src/app.js';
import {
  FASTIFY_ERROR_CODES,
  REQUEST_ERRORS,
  SETUP_OR_BUG_ERRORS,
  UNREADABLE_JSON,
} from '../../src/api/framework-errors.js';
import { ERROR_CATALOG } from '../../src/errors.js';
import { loadConfig } from '../../src/config/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertGraphError, call } from './helpers.js';

const { errorCodes } = fastifyModule;
type ErrorCtor = new (...args: unknown[]) => Error & { statusCode?: number; code?: string };

describe("Fastify's error codes", () => {
  test('every code Fastify defines is placed once: a request error or a setup/bug error', () => {
    const requestCodes = Object.keys(REQUEST_ERRORS);
    for (const code of FASTIFY_ERROR_CODES) {
      const placed = Number(requestCodes.includes(code)) + Number(SETUP_OR_BUG_ERRORS.includes(code));
      assert.equal(placed, 1, `${code} must be in exactly one of REQUEST_ERRORS and SETUP_OR_BUG_ERRORS`);
    }
    for (const code of [...requestCodes, ...SETUP_OR_BUG_ERRORS]) {
      assert.ok(FASTIFY_ERROR_CODES.includes(code), `${code} is not a Fastify error code`);
    }
    assert.ok(FASTIFY_ERROR_CODES.length > 80, 'the list walked is the real one');
  });

  let app: App;
  let store: Store;
  before(async () => {
    store = await openStore({ db: ':memory:', json: STORED_JSON });
    app = await buildApp(loadConfig({ db: ':memory:', port: 0, logLevel: 'silent' }, {}), { store });
    // Throws the named Fastify error from inside the real pipeline (hooks, error handler).
    app.fastify.get('/framework-error/:code', (request) => {
      const { code } = request.params as { code: string };
      const Ctor = (errorCodes as unknown as Record<string, ErrorCtor>)[code]!;
      throw new Ctor('probe-a', 'probe-b', 'probe-c');
    });
    await app.fastify.listen({ host: '127.0.0.1', port: 0 });
    app.setReady(true);
  });
  after(async () => {
    await app.fastify.close();
    await store.close();
  });

  test('each code, raised during a request, leaves as a Graph error without the framework text', async () => {
    for (const code of FASTIFY_ERROR_CODES) {
      const address = app.fastify.server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${address.port}/framework-error/${code}`);
      const body = (await res.json()) as {
        error: { code: string; message: string; innerError: Record<string, string> };
      };
      const mapped = REQUEST_ERRORS[code];
      const entry = ERROR_CATALOG[mapped?.key ?? 'internal'];
      assert.equal(res.status, entry.status, code);
      assert.equal(body.error.code, entry.code, code);
      assert.equal(body.error.message, mapped?.message ?? entry.message, code);
      assert.doesNotMatch(body.error.message, /probe-|fastify|FST_/i, code);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, code);
      assert.equal(body.error.innerError['request-id'], res.headers.get('request-id'), code);
    }
  });
});

describe('requests Fastify itself refuses', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { bodyLimitBytes: 4096 } });
  });
  after(() => server.close());

  const json = { 'content-type': 'application/json' };

  test('a body that is not JSON: 400 with Graph message', async () => {
    const r = await call(server, '/v1.0/subscriptions', { method: 'POST', headers: json, body: '{"a":' });
    assertGraphError('v1.0', r, { status: 400, code: 'BadRequest', message: UNREADABLE_JSON });
  });

  test('prototype poisoning in a JSON body is a 400 in Graph shape, not a crash', async () => {
    const r = await call(server, '/v1.0/subscriptions', {
      method: 'POST',
      headers: json,
      body: '{"__proto__":{"x":1}}',
    });
    assertGraphError('v1.0', r, { status: 400, code: 'BadRequest', message: UNREADABLE_JSON });
  });

  test('a body over the limit: 413 RequestEntityTooLarge', async () => {
    const r = await call(server, '/v1.0/subscriptions', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ clientState: 'x'.repeat(8000) }),
    });
    assertGraphError('v1.0', r, { status: 413, code: 'RequestEntityTooLarge' });
  });

  test('a body in a media type nobody parses: 415, and a malformed Content-Type too', async () => {
    for (const type of ['application/xml', 'not a media type']) {
      const r = await call(server, '/v1.0/subscriptions', {
        method: 'POST',
        headers: { 'content-type': type },
        body: '<a/>',
      });
      assertGraphError('v1.0', r, { status: 415, code: 'UnsupportedMediaType' }, type);
    }
  });

  test('a malformed percent-encoding in the path: 400 with Graph message, not the router text', async () => {
    for (const path of [
      '/v1.0/communications/callRecords/%E0%A4%A',
      '/beta/%E0%A4%A',
      '/elsewhere/%E0%A4%A',
    ]) {
      const r = await call(server, path);
      assertGraphError(
        'v1.0',
        r,
        { status: 400, code: 'BadRequest', message: 'The request URI is not valid.' },
        path,
      );
      assert.doesNotMatch(r.text, /url component/);
    }
  });

  test('an empty JSON body where one is needed is the subscription payload error, not the framework text', async () => {
    const r = await call(server, '/v1.0/subscriptions', { method: 'POST', headers: json, body: '' });
    assertGraphError('v1.0', r, { status: 400, code: 'InvalidRequest' });
    assert.doesNotMatch(r.text, /content-type is set/);
  });
});
