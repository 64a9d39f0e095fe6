// /subscriptions on /v1.0 and /beta: the Graph subscription resource for communications/callRecords. Handlers turn
// the service's records into Graph's subscription JSON (property order as Graph answers).
import type { Principal } from '../../auth/verify.js';
import { GraphError } from '../../errors.js';
import type { GraphVersion } from '../../graph/model/index.js';
import type { SubscriptionPath } from '../../graph/path/subscriptions.js';
import type { SubscriptionService } from '../../notify/subscriptions.js';
import type { SubscriptionRecord } from '../../store/index.js';
import type { GraphResult } from './context.js';
import { odataContext } from '../../graph/shape/context.js';

export interface SubscriptionRequest {
  service: SubscriptionService;
  version: GraphVersion;
  principal: Principal;
  method: string;
  body: unknown;
  /** e.g. https://host/v1.0 */
  serviceRoot: string;
}

/** Graph writes expirationDateTime in UTC with `Z`, the fraction without trailing zeros. */
export function graphDateTime(ms: number): string {
  const [seconds, fraction = ''] = new Date(ms).toISOString().slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${seconds}${trimmed ? `.${trimmed}` : ''}Z`;
}

export function subscriptionJson(version: GraphVersion, s: SubscriptionRecord): Record<string, unknown> {
  return {
    id: s.id,
    resource: s.resource,
    applicationId: s.appId,
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: s.lifecycleUrl,
    expirationDateTime: graphDateTime(s.expirationMs),
    creatorId: s.creatorId,
    includeResourceData: null,
    latestSupportedTlsVersion: s.latestTls,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: s.notificationUrlAppId,
    ...(version === 'beta' ? { notificationContentType: null } : {}),
  };
}

const ALLOW: Record<SubscriptionPath['kind'], string> = {
  subscriptions: 'GET, HEAD, POST',
  subscription: 'GET, HEAD, PATCH, DELETE',
  reauthorize: 'POST',
};

function notAllowed(kind: SubscriptionPath['kind']): GraphError {
  return new GraphError('methodNotAllowed', {
    message: 'The requested method is not allowed on this subscription resource.',
    headers: { allow: ALLOW[kind] },
  });
}

export async function handleSubscriptions(
  r: SubscriptionRequest,
  target: SubscriptionPath,
): Promise<GraphResult> {
  const method = r.method === 'HEAD' ? 'GET' : r.method;
  const metadata = `${r.serviceRoot}/$metadata#`;
  const entity = (s: SubscriptionRecord, status = 200): GraphResult => ({
    status,
    body: JSON.stringify({
      '@odata.context': odataContext(metadata, 'subscriptions', { entity: true }),
      ...subscriptionJson(r.version, s),
    }),
  });
  switch (target.kind) {
    case 'subscriptions':
      if (method === 'GET') {
        const list = await r.service.list(r.principal);
        return {
          body: JSON.stringify({
            '@odata.context': odataContext(metadata, 'subscriptions'),
            value: list.map((s) => subscriptionJson(r.version, s)),
          }),
        };
      }
      if (method === 'POST') {
        const created = await r.service.create(r.principal, r.version, r.body);
        return {
          ...entity(created, 201),
          headers: { location: `${r.serviceRoot}/subscriptions/${created.id}` },
        };
      }
      throw notAllowed(target.kind);
    case 'subscription':
      if (method === 'GET') return entity(await r.service.get(r.principal, target.id));
      if (method === 'PATCH')
        return entity(await r.service.update(r.principal, r.version, target.id, r.body));
      if (method === 'DELETE') {
        await r.service.remove(r.principal, target.id);
        return { status: 204, body: '' };
      }
      throw notAllowed(target.kind);
    case 'reauthorize':
      if (method !== 'POST') throw notAllowed(target.kind);
      await r.service.reauthorize(r.principal, target.id);
      return { status: 204, body: '' };
  }
}
