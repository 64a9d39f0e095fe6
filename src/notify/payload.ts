// The bodies Graph POSTs to webhooks: changeNotificationCollection for call records and
// lifecycle notifications. Property order follows Graph's documented and captured payloads.
import type { QueueItem, SubscriptionRecord } from '../store/index.js';

/** `2026-11-22T09:00:00+00:00`: Graph writes subscriptionExpirationDateTime with an offset, not `Z`. */
export function offsetDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const [seconds, fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${seconds}${trimmed ? `.${trimmed}` : ''}+00:00`;
}

const isLifecycleEvent = (event: QueueItem['event']): boolean =>
  event === 'missed' || event === 'subscriptionRemoved' || event === 'reauthorizationRequired';

export { isLifecycleEvent };

export function changeNotificationCollection(sub: SubscriptionRecord, items: readonly QueueItem[]): string {
  const expiration = offsetDateTime(sub.expirationMs);
  return JSON.stringify({
    value: items.map((item) => {
      const id = item.recordId ?? '';
      const path = `communications/callRecords/${id}`;
      return {
        subscriptionId: sub.id,
        clientState: sub.clientState,
        changeType: item.event,
        resource: path,
        subscriptionExpirationDateTime: expiration,
        resourceData: {
          // Graph's casing; the service also sends the oDataType/oDataId duplicates.
          '@odata.type': '#Microsoft.Graph.callrecord',
          '@odata.id': path,
          oDataType: '#microsoft.graph.callrecord',
          oDataId: path,
          id,
        },
        tenantId: sub.tenantId,
      };
    }),
  });
}

export function lifecycleNotificationCollection(
  sub: SubscriptionRecord,
  items: readonly QueueItem[],
): string {
  const expiration = offsetDateTime(sub.expirationMs);
  return JSON.stringify({
    value: items.map((item) => ({
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: expiration,
      tenantId: sub.tenantId,
      clientState: sub.clientState,
      lifecycleEvent: item.event,
    })),
  });
}
