// Reading POST and PATCH /subscriptions bodies: the subscription's declared properties with their JSON types, OData
// annotations ignored. Anything else is Graph's "Could not process subscription creation payload" 400.
import { GraphError } from '../errors.js';
import type { GraphVersion } from '../graph/model/index.js';

export interface CreateInput {
  changeType: string;
  notificationUrl: string;
  resource: string;
  expirationMs: number;
  clientState: string | null;
  lifecycleNotificationUrl: string | null;
  includeResourceData: boolean | null;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  latestSupportedTlsVersion: string | null;
  notificationUrlAppId: string | null;
}

export interface UpdateInput {
  expirationMs?: number;
  notificationUrl?: string;
  /** Other properties the body repeats: accepted only with the subscription's current values. */
  repeated: Map<string, string | boolean | null>;
}

type Kind = 'string' | 'boolean';

/** The writable and read-only properties of microsoft.graph.subscription (read-only ones are ignored). */
const PROPERTIES: Record<string, Kind> = {
  id: 'string',
  applicationId: 'string',
  creatorId: 'string',
  changeType: 'string',
  clientState: 'string',
  encryptionCertificate: 'string',
  encryptionCertificateId: 'string',
  expirationDateTime: 'string',
  includeResourceData: 'boolean',
  latestSupportedTlsVersion: 'string',
  lifecycleNotificationUrl: 'string',
  notificationQueryOptions: 'string',
  notificationUrl: 'string',
  notificationUrlAppId: 'string',
  resource: 'string',
};
const BETA_PROPERTIES: Record<string, Kind> = { ...PROPERTIES, notificationContentType: 'string' };

/** The OpenAPI pattern of expirationDateTime (an offset or Z is required). */
const DATE_TIME =
  /^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$/;

const TLS_VERSIONS = ['v1_0', 'v1_1', 'v1_2', 'v1_3'];

export const payloadError = (message?: string): GraphError =>
  new GraphError('invalidSubscriptionRequest', message === undefined ? {} : { message });

function readObject(body: unknown, version: GraphVersion): Map<string, string | boolean | null> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw payloadError();
  const declared = version === 'beta' ? BETA_PROPERTIES : PROPERTIES;
  const out = new Map<string, string | boolean | null>();
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key.includes('@')) continue;
    const kind = declared[key];
    if (kind === undefined) throw payloadError();
    if (value !== null && typeof value !== kind) throw payloadError();
    out.set(key, value as string | boolean | null);
  }
  return out;
}

export function parseDateTime(text: string): number {
  const ms = DATE_TIME.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw payloadError();
  return ms;
}

const str = (m: Map<string, unknown>, key: string): string | null => {
  const v = m.get(key);
  return typeof v === 'string' ? v : null;
};

export function parseCreateBody(body: unknown, version: GraphVersion): CreateInput {
  const m = readObject(body, version);
  const changeType = str(m, 'changeType');
  const notificationUrl = str(m, 'notificationUrl');
  const resource = str(m, 'resource');
  const expiration = str(m, 'expirationDateTime');
  if (!changeType || !notificationUrl || !resource || !expiration) throw payloadError();
  const tls = str(m, 'latestSupportedTlsVersion');
  if (tls !== null && !TLS_VERSIONS.includes(tls)) throw payloadError();
  const clientState = str(m, 'clientState');
  const maxState = version === 'beta' ? 255 : 128;
  if (clientState !== null && clientState.length > maxState) {
    throw payloadError(`The clientState can be at most ${maxState} characters long.`);
  }
  const include = m.get('includeResourceData');
  return {
    changeType,
    notificationUrl,
    resource,
    expirationMs: parseDateTime(expiration),
    clientState,
    lifecycleNotificationUrl: str(m, 'lifecycleNotificationUrl'),
    includeResourceData: typeof include === 'boolean' ? include : null,
    encryptionCertificate: str(m, 'encryptionCertificate'),
    encryptionCertificateId: str(m, 'encryptionCertificateId'),
    latestSupportedTlsVersion: tls,
    notificationUrlAppId: str(m, 'notificationUrlAppId'),
  };
}

export const notUpdatable = (key: string): GraphError =>
  new GraphError('subscriptionNotSupported', {
    message: `Operation: Update; Exception: [Status Code: BadRequest; Reason: Only expirationDateTime and notificationUrl can be updated; '${key}' can't.]`,
  });

/**
 * PATCH renews (expirationDateTime) or moves (notificationUrl) a subscription; nothing else changes. Clients that
 * send the whole subscription back (a renewal that repeats changeType, resource, ...) are accepted as Graph accepts
 * them: the other properties are returned in `repeated` for the caller to compare with the current values.
 */
export function parseUpdateBody(body: unknown, version: GraphVersion): UpdateInput {
  const m = readObject(body, version);
  const out: UpdateInput = { repeated: new Map() };
  for (const [key, value] of m) {
    if (key === 'expirationDateTime' && typeof value === 'string') out.expirationMs = parseDateTime(value);
    else if (key === 'notificationUrl' && typeof value === 'string') out.notificationUrl = value;
    else if (key === 'expirationDateTime' || key === 'notificationUrl') throw notUpdatable(key);
    else out.repeated.set(key, value);
  }
  return out;
}
