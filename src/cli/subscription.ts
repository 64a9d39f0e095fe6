// `callrecords subscription list`: the change-notification subscriptions in the database, with what each still has
// queued for delivery.
import type { Command } from 'commander';
import { print, withCommon, withStore, type CliIo, type CommonOptions } from './common.js';

type ListOpts = CommonOptions & { tenant?: string };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function subscriptionCommands(program: Command, io: CliIo): void {
  const subscription = program
    .command('subscription')
    .description('Inspect change-notification subscriptions (webhooks)');
  withCommon(subscription.command('list').description('List subscriptions, with their queued notifications'))
    .option('--tenant <tenantId>', 'only this tenant')
    .action((o: ListOpts) =>
      withStore(io, o, async ({ store }) => {
        const subs = await store.subscriptions.listAll(o.tenant?.toLowerCase());
        const tenants = [...new Set(subs.map((s) => s.tenantId))];
        const queued = new Map<string, { items: number; nextAttemptMs: number }>();
        for (const t of tenants) {
          for (const p of await store.notifications.pending(t)) queued.set(`${t}/${p.subscriptionId}`, p);
        }
        const rows = subs.map((s) => {
          const q = queued.get(`${s.tenantId}/${s.id}`);
          return {
            id: s.id,
            tenantId: s.tenantId,
            applicationId: s.appId,
            resource: s.resource,
            changeType: s.changeType,
            notificationUrl: s.notificationUrl,
            lifecycleNotificationUrl: s.lifecycleUrl,
            expirationDateTime: iso(s.expirationMs),
            status: s.removedMs === null ? 'active' : (s.removedReason ?? 'removed'),
            pendingNotifications: q?.items ?? 0,
            nextAttemptDateTime: q ? iso(q.nextAttemptMs) : null,
          };
        });
        const human = rows.length
          ? rows
              .map(
                (r) =>
                  `${r.id}  ${r.status.padEnd(7)}  tenant ${r.tenantId}  app ${r.applicationId}\n` +
                  `  ${r.resource} (${r.changeType}) -> ${r.notificationUrl}\n` +
                  `  expires ${r.expirationDateTime}, ${r.pendingNotifications} queued`,
              )
              .join('\n')
          : '(no subscriptions)';
        print(io, o, rows, human);
      }),
    );
}
