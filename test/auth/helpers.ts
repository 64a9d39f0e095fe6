// Shared helpers of the identity tests: token endpoint calls, the identity platform's error shape, forged tokens.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { generate } from 'selfsigned';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { DEMO_APPS } from '../../src/demo/apps.js';
import type { TestServer } from '../helpers/server.js';

export type Json = Record<string, unknown>;

export const GRAPH = 'https://graph.microsoft.com';
export const GRAPH_SCOPE = `${GRAPH}/.default`;
export const GRAPH_APP_SCOPE = '00000003-0000-0000-c000-000000000000/.default';
export const DEMO_APP = DEMO_APPS[0];
export const NOROLES_APP = DEMO_APPS[1];
export const TENANT = DEMO_TENANT_ID;
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Json | undefined;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let json: Json | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Json;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const describeReply = (r: Reply) => `${r.status} ${r.text.slice(0, 500)}`;

/** POST to `/{tenant}/oauth2/v2.0/token`: a form (default), or a raw body with its own content type. */
export async function postToken(
  server: TestServer,
  tenant: string,
  form: Record<string, string> | undefined,
  o: { headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const res = await fetch(`${server.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: o.headers ?? {},
    ...(form ? { body: new URLSearchParams(form) } : o.body === undefined ? {} : { body: o.body }),
  });
  return reply(res);
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return reply(await fetch(url, { headers }));
}

/** The form of a client-credentials request with a secret. */
export const secretForm = (clientId: string, secret: string, scope = GRAPH_SCOPE) => ({
  grant_type: 'client_credentials',
  client_id: clientId,
  client_secret: secret,
  scope,
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/;

/** Asserts the identity platform's OAuth error shape (spec §11.7) and returns the body. */
export function assertOAuthError(
  r: Reply,
  e: { status: number; error: string; code: number },
  what = '',
): Json {
  const label = `${what} -> ${describeReply(r)}`;
  assert.equal(r.status, e.status, label);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json\b/, label);
  assert.match(r.headers.get('cache-control') ?? '', /no-store/, label);
  const body = r.json;
  assert.ok(body, `not JSON: ${label}`);
  assert.equal(body.error, e.error, label);
  assert.deepEqual(body.error_codes, [e.code], label);
  assert.equal(typeof body.timestamp, 'string', label);
  assert.match(body.timestamp as string, STAMP, label);
  assert.match(String(body.trace_id), GUID, label);
  assert.equal(typeof body.correlation_id, 'string', label);
  assert.ok(String(body.correlation_id).length > 0, label);
  assert.equal(body.error_uri, `https://login.microsoftonline.com/error?code=${e.code}`, label);
  const d = String(body.error_description);
  const lines = d.split('\r\n');
  assert.equal(lines.length, 4, `error_description lines: ${label}`);
  assert.match(lines[0]!, new RegExp(`^AADSTS${e.code}: \\S`), label);
  assert.equal(lines[1], `Trace ID: ${String(body.trace_id)}`, label);
  assert.equal(lines[2], `Correlation ID: ${String(body.correlation_id)}`, label);
  assert.equal(lines[3], `Timestamp: ${String(body.timestamp)}`, label);
  return body;
}

/** The AADSTS text of an OAuth error body, without the code and the id lines. */
export const aadstsText = (body: Json) =>
  String(body.error_description)
    .split('\r\n')[0]!
    .replace(/^AADSTS\d+: /, '');

export const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
export const decodePart = (token: string, i: 0 | 1): Json =>
  JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString('utf8')) as Json;

/** A token with `header` and `payload` and an arbitrary signature part (unsigned forgeries). */
export const rawToken = (header: Json, payload: Json, signature = '') =>
  `${b64url(header)}.${b64url(payload)}.${signature}`;

/** Claims of an app-only Graph token for `tid`, valid at `nowMs`. */
export function appClaims(o: { tid: string; nowMs: number; roles?: string[]; appid?: string }): JWTPayload {
  const now = Math.floor(o.nowMs / 1000);
  return {
    aud: GRAPH,
    iss: `https://sts.windows.net/${o.tid}/`,
    tid: o.tid,
    appid: o.appid ?? '11111111-1111-4111-8111-111111111111',
    oid: '22222222-2222-4222-8222-222222222222',
    sub: '22222222-2222-4222-8222-222222222222',
    idtyp: 'app',
    roles: o.roles ?? ['CallRecords.Read.All'],
    ver: '1.0',
    iat: now,
    nbf: now,
    exp: now + 3600,
  };
}

/** Signs `payload` with `key` (RS256 unless `alg`), with `kid` in the header. */
export function sign(payload: JWTPayload, key: Parameters<SignJWT['sign']>[0], header: Json = {}) {
  return new SignJWT(payload).setProtectedHeader({ typ: 'JWT', alg: 'RS256', ...header }).sign(key);
}

export interface TestCertificate {
  pem: string;
  privateKey: KeyObject;
  /** base64url SHA-1 of the DER certificate, as `x5t` carries it. */
  x5t: string;
  x5tS256: string;
}

/** A self-signed RSA certificate and its key, for private_key_jwt. */
export async function makeCertificate(cn = 'callrecords test client'): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.UTC(2020, 0, 1)),
    notAfterDate: new Date(Date.UTC(2040, 0, 1)),
  });
  const der = new X509Certificate(pems.cert).raw;
  return {
    pem: pems.cert,
    privateKey: createPrivateKey(pems.private),
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
}

/** Asserts no header or body of `text` holds any of `secrets` (plain, percent-encoded or base64). */
export function assertNoSecrets(text: string, secrets: readonly string[], what: string): void {
  for (const s of secrets) {
    for (const form of new Set([s, encodeURIComponent(s), Buffer.from(s).toString('base64')])) {
      const at = text.indexOf(form);
      assert.ok(
        at < 0,
        `${what} contains a secret (${form.slice(0, 12)}…) in: ${text.slice(Math.max(0, at - 300), at)}`,
      );
    }
  }
}

export { DEMO_TENANT_ID };
