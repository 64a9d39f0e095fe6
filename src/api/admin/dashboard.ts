// The dashboard's JSON, under /admin/tenants/{tenantId}/dashboard/…: quality (CQD), the call explorer, one call's
// timeline, telephony and operations. Every figure comes from the rollups kept at write time (src/store/rollups.ts)
// or from an index; a page view never scans records.
import type { FastifyInstance } from 'fastify';
import type { VirtualClock } from '../../clock.js';
import { GraphError, badRequest } from '../../errors.js';
import type { MediaStream, Segment, Session } from '../../graph/model/index.js';
import {
  AUDIO_LABEL,
  AUDIO_POOR,
  CQD_TARGETS,
  POOR_METRICS,
  classifyAudio,
  cqdDirection,
  durationMs,
  endpointPair,
  firstIsCaller,
} from '../../quality/cqd.js';
import type { Resilience } from '../../resilience/index.js';
import type { QualityCounters, Store } from '../../store/index.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;
/** The longest period a page shows. */
const MAX_DAYS = 400;
const BREAKDOWNS = ['networkType', 'platform', 'subnet', 'direction', 'pair'] as const;

const iso = (ms: number) => new Date(ms).toISOString();
const date = (ms: number) => iso(ms).slice(0, 10);
const rate = (n: number, d: number) => (d > 0 ? n / d : null);

type TenantParams = { Params: { tenantId: string } };
type Period = { from?: string; to?: string };

export interface DashboardOptions {
  store: Store;
  clock: VirtualClock;
  resilience?: Resilience;
}

/** [fromMs, toMs) of whole UTC days: `from` and `to` are dates (YYYY-MM-DD), both included; default the last 30. */
export function period(q: Period, nowMs: number): { fromMs: number; toMs: number } {
  const parse = (v: string, what: string) => {
    if (!/^\d{4}-\d\d-\d\d$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
      throw badRequest(`${what} must be a date (YYYY-MM-DD): '${v}'.`);
    return Date.parse(`${v}T00:00:00Z`);
  };
  const toMs = q.to ? parse(q.to, 'to') + DAY_MS : Math.floor(nowMs / DAY_MS) * DAY_MS + DAY_MS;
  const fromMs = q.from ? parse(q.from, 'from') : toMs - 30 * DAY_MS;
  if (fromMs >= toMs) throw badRequest('from must not be after to.');
  if (toMs - fromMs > MAX_DAYS * DAY_MS) throw badRequest(`A period is at most ${MAX_DAYS} days.`);
  return { fromMs, toMs };
}

/** The CQD figures of a set of counters. */
export function figures(c: QualityCounters) {
  return {
    calls: c.calls,
    sessions: c.sessions,
    audioStreams: c.audio_streams,
    classifiedStreams: c.classified,
    poorStreams: c.poor,
    poorStreamRate: rate(c.poor, c.classified),
    setupFailedStreams: c.setup_failed,
    setupFailureRate: rate(c.setup_failed, c.audio_streams),
    droppedStreams: c.dropped,
    dropRate: rate(c.dropped, c.audio_streams - c.setup_failed),
    poorBy: {
      degradation: c.poor_degradation,
      roundTrip: c.poor_round_trip,
      packetLoss: c.poor_packet_loss,
      jitter: c.poor_jitter,
      concealed: c.poor_concealed,
    },
  };
}

function sum(rows: QualityCounters[]): QualityCounters {
  const out = {} as QualityCounters;
  for (const r of rows)
    for (const [k, v] of Object.entries(r))
      out[k as keyof QualityCounters] = (out[k as keyof QualityCounters] ?? 0) + v;
  return out;
}

function streamView(segment: Segment, label: string | null, s: MediaStream) {
  const cls = label === AUDIO_LABEL ? classifyAudio(s) : undefined;
  const ms = (v: string | null) => (v === null ? null : durationMs(v));
  return {
    label,
    streamId: s.streamId,
    streamDirection: s.streamDirection,
    cqdDirection: cqdDirection(segment, s),
    jitterMs: ms(s.averageJitter ?? s.averageAudioNetworkJitter),
    roundTripMs: ms(s.averageRoundTripTime),
    packetLossRate: s.averagePacketLossRate,
    degradation: s.averageAudioDegradation,
    concealedRatio: s.averageRatioOfConcealedSamples,
    quality: cls?.quality ?? 'notAudio',
    breaches: cls?.breaches.map((b) => b.text) ?? [],
  };
}

function endpointView(e: Segment['caller']) {
  const ep = e as {
    '@odata.type'?: string;
    name?: string | null;
    identity?: Record<string, { displayName?: string | null; id?: string | null } | null> | null;
    associatedIdentity?: { displayName?: string | null; id?: string | null } | null;
    userAgent?: {
      '@odata.type'?: string;
      platform?: string;
      role?: string;
      headerValue?: string | null;
    } | null;
  } | null;
  if (!ep) return null;
  const user = ep.associatedIdentity ?? ep.identity?.user ?? ep.identity?.guest ?? ep.identity?.phone ?? null;
  const server = ep.userAgent?.['@odata.type']?.endsWith('serviceUserAgent') ?? false;
  return {
    name:
      user?.displayName ?? ep.name ?? (server ? `service (${ep.userAgent?.role ?? 'server'})` : 'unknown'),
    id: user?.id ?? null,
    kind: server ? 'server' : 'client',
    platform: server ? 'server' : (ep.userAgent?.platform ?? 'unknown'),
  };
}

export function registerDashboardRoutes(app: FastifyInstance, o: DashboardOptions): void {
  const { store, clock } = o;
  const tenantOf = async (raw: string) => {
    const id = raw.toLowerCase();
    if (!GUID.test(id) || !(await store.getTenant(id)))
      throw new GraphError('tenantNotFound', { message: `Tenant '${raw}' does not exist.` });
    return id;
  };

  app.get<TenantParams & { Querystring: Period }>('/tenants/:tenantId/dashboard/quality', async (request) => {
    const tenantId = await tenantOf(request.params.tenantId);
    const { fromMs, toMs } = period(request.query, clock.now());
    const days = await store.dashboard.qualityByDay(tenantId, fromMs, toMs);
    const breakdowns: Record<string, unknown[]> = {};
    for (const dim of BREAKDOWNS) {
      const rows = await store.dashboard.qualityBreakdown(
        tenantId,
        dim,
        fromMs,
        toMs,
        dim === 'subnet' ? 15 : 50,
      );
      breakdowns[dim] = rows.filter((r) => r.audio_streams > 0).map((r) => ({ key: r.key, ...figures(r) }));
    }
    return {
      tenantId,
      from: date(fromMs),
      to: date(toMs - DAY_MS),
      targets: CQD_TARGETS,
      thresholds: AUDIO_POOR,
      poorMetrics: POOR_METRICS,
      totals: figures(sum(days)),
      daily: days.map((d) => ({ date: date(d.dayMs), ...figures(d) })),
      breakdowns,
    };
  });

  app.get<
    TenantParams & {
      Querystring: Period & {
        user?: string;
        type?: string;
        modality?: string;
        quality?: string;
        before?: string;
        limit?: string;
      };
    }
  >('/tenants/:tenantId/dashboard/calls', async (request) => {
    const tenantId = await tenantOf(request.params.tenantId);
    const q = request.query;
    const { fromMs, toMs } = period(q, clock.now());
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw badRequest('limit must be an integer from 1 to 200.');
    if (q.quality !== undefined && q.quality !== '' && !['poor', 'good', 'failed'].includes(q.quality))
      throw badRequest("quality must be 'poor', 'good' or 'failed'.");
    let before: { startMs: number; id: string } | undefined;
    if (q.before) {
      const m = /^(\d+)_(.+)$/.exec(q.before);
      if (!m) throw badRequest('before must be a position from a previous page (next).');
      before = { startMs: Number(m[1]), id: m[2]! };
    }
    const rows = await store.dashboard.searchCalls(tenantId, {
      fromMs,
      toMs,
      limit,
      ...(q.user ? { participantId: q.user.toLowerCase() } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(q.modality ? { modality: q.modality } : {}),
      ...(q.quality ? { quality: q.quality as 'poor' | 'good' | 'failed' } : {}),
      ...(before ? { before } : {}),
    });
    const last = rows[rows.length - 1];
    return {
      from: date(fromMs),
      to: date(toMs - DAY_MS),
      value: rows.map((r) => ({
        id: r.id,
        startDateTime: iso(r.startMs),
        endDateTime: iso(r.endMs),
        durationSeconds: Math.round((r.endMs - r.startMs) / 1000),
        type: r.type,
        modalities: r.modalities,
        organizer: r.organizer,
        participants: r.participants,
        sessions: r.sessions,
        audioStreams: r.audioStreams,
        poorStreams: r.poorStreams,
        failures: r.failures,
        worst: r.worst || null,
      })),
      next: rows.length === limit && last ? `${last.startMs}_${last.id}` : null,
    };
  });

  app.get<{ Params: { tenantId: string; id: string } }>(
    '/tenants/:tenantId/dashboard/calls/:id',
    async (request) => {
      const tenantId = await tenantOf(request.params.tenantId);
      const id = request.params.id.toLowerCase();
      const record = await store.getCallRecord(tenantId, id, 0);
      if (!record)
        throw new GraphError('notFound', { message: `Call record '${request.params.id}' does not exist.` });
      const body = JSON.parse(record.body) as Record<string, unknown>;
      const sessions = await store.listSessions(tenantId, id, { limit: 100_000, withSegments: true });
      const participants = await store.listParticipants(tenantId, id, { limit: 100_000 });
      const organizer = record.organizer
        ? (JSON.parse(record.organizer) as { identity?: Record<string, { displayName?: string } | null> })
        : null;
      return {
        id,
        type: body.type,
        modalities: body.modalities,
        startDateTime: body.startDateTime,
        endDateTime: body.endDateTime,
        version: body.version,
        organizer: organizer?.identity?.user?.displayName ?? null,
        participants: participants.map((p) => {
          const v = JSON.parse(String(p.body)) as {
            id: string;
            identity?: Record<string, { displayName?: string } | null>;
          };
          const who = v.identity?.user ?? v.identity?.guest ?? v.identity?.phone ?? null;
          return { id: v.id, displayName: who?.displayName ?? null };
        }),
        sessions: sessions.map((row) => {
          const s = JSON.parse(String(row.body)) as Session;
          return {
            id: s.id,
            startDateTime: s.startDateTime,
            endDateTime: s.endDateTime,
            modalities: s.modalities,
            failureInfo: s.failureInfo,
            caller: endpointView(s.caller),
            callee: endpointView(s.callee),
            segments: (row.segments ?? []).map((g) => {
              const seg = JSON.parse(String(g.body)) as Segment;
              return {
                id: seg.id,
                startDateTime: seg.startDateTime,
                endDateTime: seg.endDateTime,
                failureInfo: seg.failureInfo,
                first: firstIsCaller(seg) ? 'caller' : 'callee',
                pair: endpointPair(seg),
                streams: seg.media.flatMap((m) => m.streams.map((st) => streamView(seg, m.label, st))),
              };
            }),
          };
        }),
      };
    },
  );

  app.get<TenantParams & { Querystring: Period }>(
    '/tenants/:tenantId/dashboard/telephony',
    async (request) => {
      const tenantId = await tenantOf(request.params.tenantId);
      const { fromMs, toMs } = period(request.query, clock.now());
      const tel = (dim: string, limit = 50) => store.dashboard.telephony(tenantId, dim, fromMs, toMs, limit);
      const money = (r: {
        key: string;
        currency: string;
        calls: number;
        seconds: number;
        chargeMicros: number;
      }) => ({
        key: r.key,
        currency: r.currency,
        calls: r.calls,
        minutes: Math.round((r.seconds / 60) * 10) / 10,
        charge: r.chargeMicros / 1_000_000,
      });
      const byCallType = (await tel('pstn.callType')).map(money);
      const trunks = await tel('dr.trunk');
      const sip = await tel('dr.sip', 200);
      const blocked = await store.logs.list(tenantId, 'blockedUsers', { fromMs, toMs, limit: 1000 });
      const totals = new Map<string, { calls: number; minutes: number; charge: number }>();
      for (const r of byCallType) {
        const t = totals.get(r.currency) ?? { calls: 0, minutes: 0, charge: 0 };
        t.calls += r.calls;
        t.minutes += r.minutes;
        t.charge += r.charge;
        totals.set(r.currency, t);
      }
      const drCalls = trunks.reduce((a, t) => a + t.calls, 0);
      const drOk = trunks.reduce((a, t) => a + t.successes, 0);
      return {
        tenantId,
        from: date(fromMs),
        to: date(toMs - DAY_MS),
        pstn: {
          totals: [...totals].map(([currency, t]) => ({
            currency,
            calls: t.calls,
            minutes: Math.round(t.minutes * 10) / 10,
            charge: Math.round(t.charge * 100) / 100,
          })),
          byCountry: (await tel('pstn.country')).map(money),
          byUser: (await tel('pstn.user', 15)).map(money),
          byCallType,
        },
        directRouting: {
          calls: drCalls,
          successes: drOk,
          successRate: rate(drOk, drCalls),
          byTrunk: trunks.map((t) => ({
            trunk: t.key,
            calls: t.calls,
            successes: t.successes,
            successRate: rate(t.successes, t.calls),
            minutes: Math.round((t.seconds / 60) * 10) / 10,
          })),
          sipOutcomes: sip.map((s) => {
            const [trunk, outcome] = s.key.split('\u001f') as [string, string];
            return { trunk, outcome, calls: s.calls };
          }),
        },
        sms: {
          byType: (await tel('sms.type')).map((r) => ({
            key: r.key,
            currency: r.currency,
            messages: r.calls,
            charge: r.chargeMicros / 1_000_000,
          })),
        },
        blockedUsers: {
          byMode: (await tel('blocked.mode')).map((r) => ({ mode: r.key, actions: r.calls })),
          recent: blocked
            .slice(-20)
            .reverse()
            .map((b) => {
              const v = JSON.parse(b.body) as Record<string, unknown>;
              return {
                user: v.userPrincipalName ?? v.userDisplayName ?? v.userId,
                mode: v.userBlockMode,
                reason: v.blockReason,
                dateTime: v.blockDateTime,
              };
            }),
        },
      };
    },
  );

  app.get<TenantParams>('/tenants/:tenantId/dashboard/operations', async (request) => {
    const tenantId = await tenantOf(request.params.tenantId);
    const now = clock.now();
    const subscriptions = await store.subscriptions.listAll(tenantId);
    const attempts = await store.subscriptions.listAttempts(tenantId, { limit: 200 });
    const queued = await store.notifications.pending(tenantId);
    const pendingRecords = await store.pending.list(tenantId);
    const latencies = attempts.map((a) => a.latencyMs).sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! : null;
    const failed = attempts.filter(
      (a) => a.outcome === 'failed' || a.outcome === 'dropped' || a.outcome === 'rejected',
    );
    const state = clock.state();
    return {
      tenantId,
      clock: { now: iso(state.now), frozen: state.frozen, offsetSeconds: Math.round(state.offsetMs / 1000) },
      subscriptions: subscriptions
        .filter((s) => s.removedMs === null)
        .map((s) => ({
          id: s.id,
          appId: s.appId,
          resource: s.resource,
          changeType: s.changeType,
          notificationUrl: s.notificationUrl,
          expirationDateTime: iso(s.expirationMs),
          expired: s.expirationMs <= now,
        })),
      deliveries: {
        attempts: attempts.length,
        failures: failed.length,
        latencyP50Ms: pct(0.5),
        latencyP95Ms: pct(0.95),
        recent: attempts.slice(0, 50).map((a) => ({
          id: a.id,
          subscriptionId: a.subscriptionId,
          kind: a.kind,
          attempt: a.attempt,
          items: a.items,
          status: a.status,
          outcome: a.outcome,
          latencyMs: a.latencyMs,
          error: a.error,
          dateTime: iso(a.atMs),
        })),
      },
      queued: queued.map((p) => ({
        subscriptionId: p.subscriptionId,
        items: p.items,
        nextAttemptDateTime: iso(p.nextAttemptMs),
      })),
      pendingRecords: {
        count: pendingRecords.length,
        nextDueDateTime: pendingRecords.length ? iso(Math.min(...pendingRecords.map((p) => p.dueMs))) : null,
      },
      faults: o.resilience ? o.resilience.faults.list() : [],
      throttling: o.resilience
        ? {
            profile: o.resilience.throttler ? o.resilience.throttler.profile.name : 'off',
            throttledApps: o.resilience.compliance.throttledApps(tenantId),
            earlyRetries: o.resilience.compliance.report(tenantId),
          }
        : null,
    };
  });
}
