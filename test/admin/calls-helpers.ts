// Helpers of the call-simulator tests: an admin client for /admin/tenants/{id}/calls and the shapes it reads.
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import type { TestServer } from '../helpers/server.js';

export const KEY = 'test-admin-key-0123456789';
export const ALICE = '5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e01';
export const BOB = '5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e02';
export const CAROL = '5f0a1c2e-0d1b-4c8e-9a11-0a1b2c3d4e03';
export const CALLS = `/admin/tenants/${DEMO_TENANT_ID}/calls`;
export const RECORD = '/communications/callRecords/{callRecord-id}';

interface IdentityJson {
  id: string;
  displayName: string | null;
}
type IdentitySetJson = Partial<Record<string, IdentityJson>>;

export interface CallJson {
  '@odata.type': string;
  id: string;
  state: string;
  direction: string;
  subject: string | null;
  tenantId: string;
  callChainId: string;
  myParticipantId: string;
  requestedModalities: string[];
  activeModalities: string[];
  mediaState: { audio: string };
  source: { '@odata.type': string; participantId: string; identity: IdentitySetJson };
  targets: { '@odata.type': string; identity: IdentitySetJson }[];
}

export interface EndpointJson {
  '@odata.type': string;
  associatedIdentity?: { id: string };
  feedback?: { rating: string } | null;
}

export interface MediaJson {
  label: string;
  callerDevice: { captureDeviceName: string | null };
  streams: { packetUtilization: number; startDateTime: string | null; endDateTime: string | null }[];
}

export interface SessionJson {
  startDateTime: string;
  endDateTime: string;
  modalities: string[];
  caller: EndpointJson;
  callee: EndpointJson;
  segments: { media: MediaJson[] }[];
}

export interface RecordJson {
  id: string;
  type: string;
  version: number;
  modalities: string[];
  startDateTime: string;
  endDateTime: string;
  lastModifiedDateTime: string;
  organizer_v2: { id: string };
  sessions: SessionJson[];
}

export interface ErrorJson {
  error: { code: string; message: string; target?: string };
}

export interface List<T> {
  value: T[];
}

export const user = (id: string, displayName: string) => ({ identity: { user: { id, displayName } } });
export const phone = (id: string) => ({ identity: { phone: { id } } });
/** Admin views show whole milliseconds (records use Graph's 7-digit instants: isoInstant). */
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The first session's media with `label`. */
export function media(r: RecordJson, label: string): MediaJson {
  const found = r.sessions[0]?.segments[0]?.media.find((m) => m.label === label);
  assert.ok(found, `no ${label} media`);
  return found;
}

export function client(server: () => TestServer) {
  const admin = async <T = ErrorJson>(p: string, method = 'GET', body?: unknown) => {
    const res = await fetch(`${server().url}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
  };
  const ok = async <T>(p: string, method: string, status: number, body?: unknown): Promise<T> => {
    const res = await admin<T>(p, method, body);
    assert.equal(res.status, status, JSON.stringify(res.body));
    return res.body;
  };
  return {
    admin,
    advance: (by: string) => ok('/admin/clock', 'POST', 200, { action: 'advance', by }),
    start: (body: unknown) => ok<CallJson>(CALLS, 'POST', 201, body),
    get: (id: string) => ok<CallJson>(`${CALLS}/${id}`, 'GET', 200),
    list: async (p = CALLS) => (await ok<List<CallJson>>(p, 'GET', 200)).value,
    patch: (id: string, body: unknown) => ok<CallJson>(`${CALLS}/${id}`, 'PATCH', 200, body),
    hangUp: (id: string) => ok(`${CALLS}/${id}`, 'DELETE', 204),
    record: async (id: string) => {
      const res = await server().get(
        `/v1.0/communications/callRecords/${id}?$expand=sessions($expand=segments)`,
      );
      return { status: res.status, body: (await res.json()) as RecordJson };
    },
    participants: async (recordId: string) => {
      const res = await server().get(`/v1.0/communications/callRecords/${recordId}/participants_v2`);
      assert.equal(res.status, 200);
      return ((await res.json()) as List<{ id: string; identity: IdentitySetJson }>).value;
    },
  };
}
