// Bad calls of the log functions answer Graph error envelopes: ODL parser messages for malformed parameters,
// 400 for unknown, missing, duplicate or mistyped parameters and for a range that does not run forwards, 406 for
// more than 90 days (the status Graph was seen to answer), and the unknown-segment 400 for beta-only functions
// on v1.0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { call, expectError, getOk, RECORDS, VERSIONS } from './helpers.js';
import { BETA_ONLY, FUNCTIONS, fnPath, template, versionsOf } from './functions-helpers.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server?.close();
});

const badRequest = (message?: string | RegExp) => ({
  status: 400,
  code: 'BadRequest',
  ...(message === undefined ? {} : { message }),
});

for (const f of FUNCTIONS) {
  for (const version of versionsOf(f)) {
    describe(`${version} ${f}: bad input`, () => {
      test('empty and malformed parameters carry the OData parser message', async () => {
        await expectError(
          server,
          version,
          `${RECORDS}/${f}(fromDateTime=,toDateTime=)`,
          badRequest("Expression expected at position 13 in 'fromDateTime=,toDateTime='."),
        );
        await expectError(
          server,
          version,
          fnPath(f, '2026-13-01', '2026-11-02'),
          badRequest(
            "Unrecognized 'Edm.Date' literal '2026-13-01' at '13' in 'fromDateTime=2026-13-01,toDateTime=2026-11-02'.",
          ),
        );
        await expectError(
          server,
          version,
          fnPath(f, '2026-02-29', '2026-03-02'),
          badRequest(/^Unrecognized 'Edm\.Date' literal '2026-02-29'/),
        );
        await expectError(
          server,
          version,
          fnPath(f, '2026-11-01T24:00:00Z', '2026-11-02'),
          badRequest(/^Unrecognized 'Edm\.DateTimeOffset' literal '2026-11-01T24:00:00Z'/),
        );
        await expectError(server, version, `${RECORDS}/${f}(fromDateTime=2026-11-01,)`, badRequest());
      });

      test('unknown, missing, duplicate and mistyped parameters', async () => {
        const fq = `microsoft.graph.callRecords.${f}`;
        await expectError(
          server,
          version,
          `${RECORDS}/${f}(fromDateTime=2026-11-01,toDateTime=2026-11-02,top=5)`,
          badRequest(
            `'top' is not a parameter of function '${fq}'; its parameters are fromDateTime and toDateTime.`,
          ),
        );
        await expectError(
          server,
          version,
          `${RECORDS}/${f}(fromDateTime=2026-11-01)`,
          badRequest(`The function '${fq}' requires the parameter 'toDateTime'.`),
        );
        await expectError(
          server,
          version,
          `${RECORDS}/${f}()`,
          badRequest(`The function '${fq}' requires the parameter 'fromDateTime'.`),
        );
        await expectError(
          server,
          version,
          `${RECORDS}/${f}(fromDateTime=2026-11-01,FromDateTime=2026-11-01,toDateTime=2026-11-02)`,
          badRequest("The parameter 'FromDateTime' was specified more than once."),
        );
        for (const literal of ["'2026-11-01'", '20261101', 'null', 'true']) {
          await expectError(
            server,
            version,
            fnPath(f, literal, '2026-11-02'),
            badRequest(
              new RegExp(`^The parameter 'fromDateTime' of function '${fq.replace(/\./g, '\\.')}' must be`),
            ),
          );
        }
      });

      test('a range that does not run forwards is a 400; more than 90 days is a 406', async () => {
        await expectError(server, version, fnPath(f, '2026-11-02', '2026-11-01'), {
          status: 400,
          code: 'BadRequest',
          message:
            "The value of 'fromDateTime' (2026-11-02T00:00:00Z) must be earlier than the value of 'toDateTime' (2026-11-01T00:00:00Z).",
        });
        await expectError(server, version, fnPath(f, '2026-11-01T10:00:00Z', '2026-11-01T12:00:00%2B02:00'), {
          status: 400,
          code: 'BadRequest',
        });
        const tooLong = {
          status: 406,
          code: 'NotAcceptable',
          message: "The time range between 'fromDateTime' and 'toDateTime' can't exceed 90 days.",
        };
        await expectError(server, version, fnPath(f, '2026-01-01', '2026-11-01'), tooLong);
        await expectError(server, version, fnPath(f, '2026-08-01', '2026-10-30T00:00:00.001Z'), tooLong);
        // Exactly 90 days is accepted.
        await getOk(server, version, template(f), fnPath(f, '2026-08-01', '2026-10-30'));
      });
    });
  }
}

describe('beta-only functions on v1.0 answer as an unknown segment does', () => {
  for (const f of BETA_ONLY) {
    test(f, async () => {
      const unknown = badRequest(`Resource not found for the segment '${f}'.`);
      await expectError(server, 'v1.0', fnPath(f, '2026-11-01', '2026-11-02'), unknown);
      await expectError(
        server,
        'v1.0',
        fnPath(`microsoft.graph.callRecords.${f}`, '2026-11-01', '2026-11-02'),
        unknown,
      );
      // Even with bad parameters: the segment is unknown before its parameters are read.
      await expectError(server, 'v1.0', `${RECORDS}/${f}(fromDateTime=,toDateTime=)`, unknown);
    });
  }
});

for (const version of VERSIONS) {
  test(`${version}: segments after a function, and write methods`, async () => {
    await expectError(
      server,
      version,
      `${fnPath('getPstnCalls', '2026-11-01', '2026-11-02')}/x`,
      badRequest(/segment 'x'/),
    );
    await expectError(
      server,
      version,
      fnPath('getPstnCalls', '2026-11-01', '2026-11-02'),
      { status: 405, code: 'MethodNotAllowed' },
      {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      },
    );
    const r = await call(server, `/${version}${fnPath('getPstnCalls', '2026-11-01', '2026-11-02')}`, {
      auth: false,
    });
    assert.equal(r.status, 401);
  });
}

describe('permissions', () => {
  /** Calls every function of both versions with an app granted `roles`; returns the statuses seen. */
  async function functionStatuses(roles: string[]): Promise<{ functions: Set<number>; records: number }> {
    const { app, secret } = await server.app.identity.registry.createApp({
      tenantId: DEMO_TENANT_ID,
      displayName: `roles ${roles.join(' ') || 'none'}`,
      roles,
    });
    const token = await server.tokenFor(app.appId, secret.value);
    const headers = { authorization: `Bearer ${token}` };
    const functions = new Set<number>();
    for (const f of FUNCTIONS) {
      for (const version of versionsOf(f)) {
        const r = await call(server, `/${version}${fnPath(f, '2026-11-01', '2026-11-02')}`, {
          auth: false,
          headers,
        });
        functions.add(r.status);
      }
    }
    return { functions, records: (await call(server, `/v1.0${RECORDS}`, { auth: false, headers })).status };
  }

  // Graph's documented grants: CallRecords.Read.All grants everything; the PSTN-logs role, under its current and
  // its 2020 name, grants only the five functions.
  test('CallRecords.Read.All calls every function and the records', async () => {
    assert.deepEqual(await functionStatuses(['CallRecords.Read.All']), {
      functions: new Set([200]),
      records: 200,
    });
  });

  for (const role of ['CallRecord-PstnCalls.Read.All', 'CallRecords.Read.PstnCalls']) {
    test(`an app with only ${role} calls every function, but not the records`, async () => {
      assert.deepEqual(await functionStatuses([role]), { functions: new Set([200]), records: 403 });
    });
  }

  test('an app without a role calls no function', async () => {
    assert.deepEqual(await functionStatuses([]), { functions: new Set([403]), records: 403 });
  });
});
