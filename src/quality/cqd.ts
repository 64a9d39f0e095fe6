// Microsoft's Call Quality Dashboard (CQD) definitions, applied to Graph call records: the audio stream
// classification, its targets, and which endpoint of a segment is CQD's "First" and "Second". One module, shared by
// the generator (which draws metrics that agree with it), the store's rollups and the dashboard. Sources and the
// exact rules: docs/dashboard.md.
import type { Endpoint, MediaStream, Segment } from '../graph/model/index.js';

/** CQD's audio thresholds: a stream is poor when any metric present is over its threshold. */
export const AUDIO_POOR = { degradation: 1.0, rttMs: 500, loss: 0.1, jitterMs: 30, concealed: 0.07 } as const;

/** CQD targets (the quality of experience review guide): poor audio streams, setup failures, drops. */
export const CQD_TARGETS = { poorStreamRate: 0.03, setupFailureRate: 0.01, dropRate: 0.03 } as const;

/** The media label of the main audio line. */
export const AUDIO_LABEL = 'main-audio';

export type PoorMetric = 'degradation' | 'roundTrip' | 'packetLoss' | 'jitter' | 'concealed';
export const POOR_METRICS: readonly PoorMetric[] = [
  'degradation',
  'roundTrip',
  'packetLoss',
  'jitter',
  'concealed',
];

/** One threshold a stream broke, as the dashboard prints it ("jitter 45 ms > 30 ms"). */
export interface Breach {
  metric: PoorMetric;
  value: number;
  threshold: number;
  text: string;
}

export interface AudioClassification {
  quality: 'good' | 'poor' | 'unclassified';
  /** Every threshold broken, in CQD's order (empty unless poor). */
  breaches: Breach[];
}

/** Milliseconds of an ISO-8601 time duration (PT0.045S, PT1M2S); NaN when it is not one. */
export function durationMs(value: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(value);
  if (!m) return Number.NaN;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/**
 * Classifies an audio stream as CQD does: poor if any of degradation > 1.0, round trip > 500 ms, packet loss rate >
 * 0.1, jitter > 30 ms, concealed-sample ratio > 0.07; unclassified when none of these metrics is present. Jitter is
 * `averageJitter` (inter-arrival jitter), falling back to `averageAudioNetworkJitter`.
 */
export function classifyAudio(s: MediaStream): AudioClassification {
  const jitter = s.averageJitter ?? s.averageAudioNetworkJitter;
  const present = [
    s.averageAudioDegradation,
    s.averageRoundTripTime,
    s.averagePacketLossRate,
    jitter,
    s.averageRatioOfConcealedSamples,
  ].some((m) => m !== null && m !== undefined);
  if (!present) return { quality: 'unclassified', breaches: [] };
  const breaches: Breach[] = [];
  // The text is only spelled for a threshold broken: most streams break none.
  const check = (metric: PoorMetric, value: number | undefined, threshold: number, text: () => string) => {
    if (value !== undefined && value > threshold) breaches.push({ metric, value, threshold, text: text() });
  };
  const deg = s.averageAudioDegradation ?? undefined;
  check(
    'degradation',
    deg,
    AUDIO_POOR.degradation,
    () => `degradation ${deg} > ${AUDIO_POOR.degradation.toFixed(1)}`,
  );
  const rtt = s.averageRoundTripTime != null ? durationMs(s.averageRoundTripTime) : undefined;
  check(
    'roundTrip',
    rtt,
    AUDIO_POOR.rttMs,
    () => `round trip ${round(rtt ?? 0, 1)} ms > ${AUDIO_POOR.rttMs} ms`,
  );
  const loss = s.averagePacketLossRate ?? undefined;
  check(
    'packetLoss',
    loss,
    AUDIO_POOR.loss,
    () => `packet loss ${round((loss ?? 0) * 100, 2)}% > ${round(AUDIO_POOR.loss * 100, 2)}%`,
  );
  const jit = jitter != null ? durationMs(jitter) : undefined;
  check(
    'jitter',
    jit,
    AUDIO_POOR.jitterMs,
    () => `jitter ${round(jit ?? 0, 1)} ms > ${AUDIO_POOR.jitterMs} ms`,
  );
  const conc = s.averageRatioOfConcealedSamples ?? undefined;
  check(
    'concealed',
    conc,
    AUDIO_POOR.concealed,
    () => `concealed samples ${round((conc ?? 0) * 100, 2)}% > ${round(AUDIO_POOR.concealed * 100, 2)}%`,
  );
  return { quality: breaches.length > 0 ? 'poor' : 'good', breaches };
}

const SERVICE_UA = '#microsoft.graph.callRecords.serviceUserAgent';

export function isServer(e: Endpoint | null | undefined): boolean {
  return e?.userAgent?.['@odata.type'] === SERVICE_UA;
}

/**
 * CQD's First and Second endpoints of a segment: when exactly one endpoint is a server, it is First; otherwise
 * the caller is First.
 */
export function firstIsCaller(segment: Pick<Segment, 'caller' | 'callee'>): boolean {
  const callerServer = isServer(segment.caller);
  const calleeServer = isServer(segment.callee);
  return callerServer === calleeServer ? true : callerServer;
}

/** "server–client", "client–client" or "server–server": CQD's First Is Server / Second Is Server, in one value. */
export function endpointPair(segment: Pick<Segment, 'caller' | 'callee'>): string {
  const first = firstIsCaller(segment) ? segment.caller : segment.callee;
  const second = firstIsCaller(segment) ? segment.callee : segment.caller;
  return `${isServer(first) ? 'server' : 'client'}–${isServer(second) ? 'server' : 'client'}`;
}

/** CQD's stream direction: "First → Second" or "Second → First". */
export function cqdDirection(segment: Pick<Segment, 'caller' | 'callee'>, s: MediaStream): string {
  const fromCaller = s.streamDirection === 'callerToCallee';
  return fromCaller === firstIsCaller(segment) ? 'First → Second' : 'Second → First';
}
