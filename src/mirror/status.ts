// A mirror's status: what `callrecords mirror status`, `GET /admin/mirrors`, the summary and the log lines show. The
// running mirror writes it to the database as JSON (mirror_state) every few seconds and after each pass.
import type { WebhookStatus } from './webhook.js';

export interface MirrorStatus {
  tenantId: string;
  upstream: string;
  phase: 'backfill' | 'current' | 'stopped';
  /** How the mirror keeps current: list passes, or change notifications (with passes after gaps). */
  mode: 'polling' | 'webhook';
  startedAt: string;
  /** The first instant copied: the start of the first day window. */
  from: string;
  windows: { total: number; done: number };
  listed: number;
  created: number;
  updated: number;
  ignored: number;
  /** Listed records the upstream no longer had when fetched (past its retention). */
  gone: number;
  failed: number;
  logRows: number;
  backlog: number;
  lastSuccessAt: string | null;
  /** Up to when everything listed upstream is stored (the start of the last complete pass). */
  syncedThrough: string | null;
  lagSeconds: number | null;
  lastError: string | null;
  requests: number;
  retries: number;
  throttled: number;
  lastThrottledAt: string | null;
  serverErrors: number;
  dropped: number;
  budgetWaitMs: number;
  seconds: number;
  recordsPerSecond: number;
  complete: boolean;
  /** Webhook mode: the subscription, notifications, lifecycle events, renewals and catch-ups. */
  webhook?: WebhookStatus;
}

/** One log line of a mirror's status. */
export function statusLine(s: MirrorStatus): string {
  return (
    `mirror ${s.tenantId}: ${s.phase}, backlog ${s.backlog}, lag ${s.lagSeconds === null ? 'n/a' : `${s.lagSeconds}s`}, ` +
    `last success ${s.lastSuccessAt ?? 'never'}, throttled ${s.throttled}` +
    `${s.lastThrottledAt ? ` (last ${s.lastThrottledAt})` : ''}, copied ${s.created + s.updated}, failed ${s.failed}` +
    `${s.lastError ? ` (last error: ${s.lastError})` : ''}`
  );
}
