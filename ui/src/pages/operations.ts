// Webhooks and operations: subscriptions, delivery attempts (latency, failures), what is queued, simulated records
// not yet visible, fault rules, the throttling report, and the virtual clock with the means to move it.
import { api, tenantPath } from '../api.js';
import { h, num, stat, table } from '../dom.js';
import type { PageContext } from '../main.js';

interface Operations {
  clock: { now: string; frozen: boolean; offsetSeconds: number };
  subscriptions: {
    id: string;
    appId: string;
    resource: string;
    changeType: string;
    notificationUrl: string;
    expirationDateTime: string;
    expired: boolean;
  }[];
  deliveries: {
    attempts: number;
    failures: number;
    latencyP50Ms: number | null;
    latencyP95Ms: number | null;
    recent: {
      subscriptionId: string;
      kind: string;
      attempt: number;
      items: number;
      status: number | null;
      outcome: string;
      latencyMs: number;
      error: string | null;
      dateTime: string;
    }[];
  };
  queued: { subscriptionId: string; items: number; nextAttemptDateTime: string }[];
  pendingRecords: { count: number; nextDueDateTime: string | null };
  faults: { id: string; matched: number; injected: number; [k: string]: unknown }[];
  throttling: { profile: string; throttledApps: unknown; earlyRetries: unknown[] } | null;
}

const time = (iso: string) => iso.replace('T', ' ').slice(0, 19);

export async function renderOperations(c: PageContext): Promise<void> {
  const o = await api<Operations>(tenantPath('/dashboard/operations'));
  const status = h('p', { role: 'status', class: 'status' });
  const move = async (body: unknown) => {
    try {
      const clock = await api<{ now: string }>('/clock', { method: 'POST', body });
      status.textContent = `The clock now reads ${time(clock.now)} UTC.`;
      await new Promise((r) => setTimeout(r, 600));
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      status.textContent = (err as Error).message;
    }
  };
  const by = h('input', {
    id: 'advance-by',
    name: 'by',
    type: 'text',
    value: 'PT1H',
    size: 10,
    pattern: 'P.*',
  });
  const advance = h(
    'form',
    { class: 'filters', 'aria-label': 'Move the clock' },
    h('div', { class: 'field' }, h('label', { for: 'advance-by' }, 'Advance by (ISO-8601 duration)'), by),
    h('button', { type: 'submit' }, 'Advance the clock'),
  );
  advance.addEventListener('submit', (e) => {
    e.preventDefault();
    void move({ action: 'advance', by: by.value });
  });
  c.main.append(
    h('h1', {}, 'Webhooks and operations'),
    h(
      'section',
      { class: 'stats', 'aria-label': 'Operations' },
      stat(
        'Virtual clock',
        `${time(o.clock.now)} UTC`,
        `${o.clock.frozen ? 'frozen' : 'running'} · offset ${num(o.clock.offsetSeconds)} s`,
      ),
      stat('Subscriptions', num(o.subscriptions.length)),
      stat('Delivery attempts', num(o.deliveries.attempts), `${num(o.deliveries.failures)} failed`),
      stat(
        'Delivery latency p95',
        o.deliveries.latencyP95Ms === null ? '—' : `${o.deliveries.latencyP95Ms} ms`,
        o.deliveries.latencyP50Ms === null ? undefined : `p50 ${o.deliveries.latencyP50Ms} ms`,
      ),
      stat(
        'Pending records',
        num(o.pendingRecords.count),
        o.pendingRecords.nextDueDateTime ? `next due ${time(o.pendingRecords.nextDueDateTime)}` : undefined,
      ),
    ),
    h('h2', {}, 'Virtual clock'),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', onclick: () => void move({ action: 'advance', by: 'PT1H' }) },
        'Advance 1 hour',
      ),
      h(
        'button',
        { type: 'button', onclick: () => void move({ action: 'advance', by: 'P1D' }) },
        'Advance 1 day',
      ),
      o.clock.frozen
        ? h('button', { type: 'button', onclick: () => void move({ action: 'resume' }) }, 'Resume')
        : h('button', { type: 'button', onclick: () => void move({ action: 'freeze' }) }, 'Freeze'),
    ),
    advance,
    status,
    table(
      'Subscriptions',
      ['Id', 'Resource', 'Change type', 'Notification URL', 'Expires (UTC)'],
      o.subscriptions.map((x) => [
        x.id,
        x.resource,
        x.changeType,
        x.notificationUrl,
        `${time(x.expirationDateTime)}${x.expired ? ' (expired)' : ''}`,
      ]),
    ),
    table(
      'Recent delivery attempts',
      ['When (UTC)', 'Subscription', 'Kind', 'Attempt', 'Items', 'Status', 'Outcome', 'Latency', 'Error'],
      o.deliveries.recent.map((a) => [
        time(a.dateTime),
        a.subscriptionId.slice(0, 8),
        a.kind,
        num(a.attempt),
        num(a.items),
        a.status === null ? '—' : String(a.status),
        a.outcome === 'delivered' || a.outcome === 'validated'
          ? a.outcome
          : h('span', { class: 'badge bad' }, a.outcome),
        `${a.latencyMs} ms`,
        a.error ?? '—',
      ]),
    ),
    table(
      'Queued notifications',
      ['Subscription', 'Items', 'Next attempt (UTC)'],
      o.queued.map((q) => [q.subscriptionId, num(q.items), time(q.nextAttemptDateTime)]),
    ),
    table(
      'Fault rules in force',
      ['Id', 'Rule', 'Matched', 'Injected'],
      o.faults.map((f) => {
        const { id, matched, injected, ...rule } = f;
        return [id, JSON.stringify(rule), num(matched), num(injected)];
      }),
    ),
    h('h2', {}, 'Throttling'),
    h('p', {}, `Profile: ${o.throttling?.profile ?? 'off'}`),
    table(
      'Apps that retried before Retry-After had passed',
      ['Report'],
      (o.throttling?.earlyRetries ?? []).map((r) => [JSON.stringify(r)]),
    ),
  );
}
