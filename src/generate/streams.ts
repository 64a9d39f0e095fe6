// Media streams and their quality metrics, tied to the CQD stream classification. Whether an audio
// stream is poor is decided first (a calibrated Bernoulli draw that depends on the network), then metrics are drawn
// that make `classifyAudioStream` agree: good streams stay under every threshold, poor streams exceed at least one.
import type { AudioCodec, MediaStream, MediaStreamDirection, VideoCodec } from '../graph/model/index.js';
import { isoDurationMs, r6 } from './format.js';
import { NET } from './network.js';
import { classifyAudio } from '../quality/cqd.js';
import type { NetClass } from './network.js';
import { Weighted } from './prng.js';
import type { Rng } from './prng.js';

// CQD audio thresholds and classification [CQD-SC], shared with the store's rollups and the dashboard.
export { AUDIO_POOR } from '../quality/cqd.js';

/** Classifies an audio stream as CQD does (src/quality/cqd.ts): 'good', 'poor' or 'unclassified'. */
export function classifyAudioStream(s: MediaStream): 'good' | 'poor' | 'unclassified' {
  return classifyAudio(s).quality;
}

/** Relative likelihood of a poor audio stream per network class [est: 2.4 GHz/mobile/VPN worse]. */
export const POOR_WEIGHT: Readonly<Record<NetClass, number>> = {
  [NET.wired]: 0.35,
  [NET.wifi5]: 0.75,
  [NET.wifi24]: 2.2,
  [NET.mobile]: 3.0,
  [NET.tunnel]: 2.0,
  [NET.pstn]: 0.8,
};

// Good-stream baselines per class [est]: RTT ms, jitter ms, P(loss = 0), loss median, concealed
// median, P(degradation = 0), degradation median, bandwidth estimate bps.
interface Baseline {
  rtt: number;
  jitter: number;
  zeroLoss: number;
  loss: number;
  concealed: number;
  zeroDeg: number;
  deg: number;
  bandwidth: number;
}
const BASE: Readonly<Record<NetClass, Baseline>> = {
  [NET.wired]: {
    rtt: 32,
    jitter: 2,
    zeroLoss: 0.65,
    loss: 0.0008,
    concealed: 0.006,
    zeroDeg: 0.6,
    deg: 0.08,
    bandwidth: 15_000_000,
  },
  [NET.wifi5]: {
    rtt: 48,
    jitter: 4,
    zeroLoss: 0.4,
    loss: 0.002,
    concealed: 0.009,
    zeroDeg: 0.45,
    deg: 0.12,
    bandwidth: 9_000_000,
  },
  [NET.wifi24]: {
    rtt: 95,
    jitter: 9,
    zeroLoss: 0.15,
    loss: 0.008,
    concealed: 0.016,
    zeroDeg: 0.25,
    deg: 0.25,
    bandwidth: 3_000_000,
  },
  [NET.mobile]: {
    rtt: 110,
    jitter: 12,
    zeroLoss: 0.1,
    loss: 0.012,
    concealed: 0.02,
    zeroDeg: 0.2,
    deg: 0.3,
    bandwidth: 2_500_000,
  },
  [NET.tunnel]: {
    rtt: 115,
    jitter: 7,
    zeroLoss: 0.3,
    loss: 0.005,
    concealed: 0.014,
    zeroDeg: 0.3,
    deg: 0.2,
    bandwidth: 5_000_000,
  },
  [NET.pstn]: {
    rtt: 60,
    jitter: 5,
    zeroLoss: 0.4,
    loss: 0.003,
    concealed: 0.01,
    zeroDeg: 0.4,
    deg: 0.15,
    bandwidth: 100_000,
  },
};

type Cause = 'loss' | 'jitter' | 'concealed' | 'degradation' | 'rtt';
const CAUSES = new Weighted<Cause>([
  ['loss', 0.25],
  ['jitter', 0.2],
  ['concealed', 0.25],
  ['degradation', 0.17],
  ['rtt', 0.13],
]);

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/**
 * Stream id: an unsigned integer rendered in decimal. Kept below 2^30 so V8 formats a small integer
 * (a uint32 above that is a heap number and formats several times slower).
 */
function streamId(rng: Rng): string {
  return String(rng.u32() >>> 2);
}

/** A stream without QoE metrics (data media, unconnected or too short calls, muted senders). */
export function emptyStream(
  rng: Rng,
  dir: MediaStreamDirection,
  packets: number,
  audioCodec: AudioCodec = 'unknown',
  videoCodec: VideoCodec = 'unknown',
): MediaStream {
  return {
    streamId: streamId(rng),
    startDateTime: null,
    endDateTime: null,
    streamDirection: dir,
    averageAudioDegradation: null,
    averageJitter: null,
    maxJitter: null,
    averagePacketLossRate: null,
    maxPacketLossRate: null,
    averageRatioOfConcealedSamples: null,
    maxRatioOfConcealedSamples: null,
    averageRoundTripTime: null,
    maxRoundTripTime: null,
    packetUtilization: packets,
    averageBandwidthEstimate: null,
    wasMediaBypassed: null,
    postForwardErrorCorrectionPacketLossRate: null,
    averageVideoFrameLossPercentage: null,
    averageReceivedFrameRate: null,
    lowFrameRateRatio: null,
    averageVideoPacketLossRate: null,
    averageVideoFrameRate: null,
    lowVideoProcessingCapabilityRatio: null,
    averageAudioNetworkJitter: null,
    maxAudioNetworkJitter: null,
    audioCodec,
    videoCodec,
    rmsFreezeDuration: null,
    averageFreezeDuration: null,
    isAudioForwardErrorCorrectionUsed: null,
  };
}

/**
 * An audio stream with metrics. `poor` decides the CQD class; `cls` the network the metrics look like.
 * `bypassed` is `false` on PSTN legs (Direct Routing without media bypass) and null elsewhere (as in PNP).
 */
export function audioStream(
  rng: Rng,
  dir: MediaStreamDirection,
  cls: NetClass,
  poor: boolean,
  codec: AudioCodec,
  durationMs: number,
  pstn: boolean,
): MediaStream {
  const b = BASE[cls];
  let rtt = Math.round(clamp(rng.logNormal(b.rtt, 0.35), 12, 450));
  let jitter = Math.round(clamp(rng.logNormal(b.jitter, 0.5), 1, 25));
  let loss = rng.chance(b.zeroLoss) ? 0 : clamp(rng.logNormal(b.loss, 0.9), 0.00001, 0.06);
  let concealed = clamp(rng.logNormal(b.concealed, 0.55), 0.001, 0.06);
  let deg = rng.chance(b.zeroDeg) ? 0 : clamp(rng.logNormal(b.deg, 0.7), 0.001, 0.95);
  if (poor) {
    // Poor streams are bad across the board; the cause pushes one metric over its threshold.
    jitter = Math.min(30, jitter * 2);
    loss = Math.min(0.09, Math.max(loss * 3, 0.01));
    concealed = Math.min(0.069, concealed * 2.5);
    deg = Math.min(1.0, Math.max(deg * 2.5, 0.4));
    switch (CAUSES.sample(rng)) {
      case 'loss':
        loss = rng.uniform(0.1005, 0.3);
        concealed = rng.uniform(0.05, 0.16);
        deg = rng.uniform(0.9, 2.8);
        break;
      case 'jitter':
        jitter = rng.int(31, 95);
        concealed = Math.max(concealed, rng.uniform(0.03, 0.1));
        break;
      case 'concealed':
        concealed = rng.uniform(0.0705, 0.22);
        deg = rng.uniform(0.7, 2.2);
        break;
      case 'degradation':
        deg = rng.uniform(1.01, 2.6);
        break;
      case 'rtt':
        rtt = rng.int(501, 1400);
        break;
    }
  }
  const networkJitter = poor
    ? Math.round(jitter * rng.uniform(1.2, 3))
    : Math.min(29, Math.round(jitter * rng.uniform(1.2, 3.5)));
  const packets = Math.max(1, Math.round((durationMs / 1000) * rng.uniform(8, 50)));
  return {
    streamId: streamId(rng),
    startDateTime: null,
    endDateTime: null,
    streamDirection: dir,
    averageAudioDegradation: r6(deg),
    averageJitter: isoDurationMs(jitter),
    maxJitter: isoDurationMs(Math.round(jitter * rng.uniform(1.5, 4)) + 1),
    averagePacketLossRate: r6(loss),
    maxPacketLossRate: loss === 0 ? 0 : r6(Math.min(1, loss * rng.uniform(2, 8))),
    averageRatioOfConcealedSamples: r6(concealed),
    maxRatioOfConcealedSamples: rng.chance(0.5) ? null : r6(Math.min(1, concealed * rng.uniform(2, 6))),
    averageRoundTripTime: isoDurationMs(rtt),
    maxRoundTripTime: isoDurationMs(Math.round(rtt * rng.uniform(1.02, 1.6))),
    packetUtilization: packets,
    averageBandwidthEstimate: Math.round(rng.logNormal(b.bandwidth, 0.4) * (poor ? 0.4 : 1)),
    wasMediaBypassed: pstn ? false : null,
    postForwardErrorCorrectionPacketLossRate: null,
    averageVideoFrameLossPercentage: null,
    averageReceivedFrameRate: null,
    lowFrameRateRatio: null,
    averageVideoPacketLossRate: null,
    averageVideoFrameRate: null,
    lowVideoProcessingCapabilityRatio: null,
    averageAudioNetworkJitter: isoDurationMs(networkJitter),
    maxAudioNetworkJitter: isoDurationMs(Math.round(networkJitter * rng.uniform(1.3, 3))),
    audioCodec: codec,
    videoCodec: 'unknown',
    rmsFreezeDuration: null,
    averageFreezeDuration: null,
    isAudioForwardErrorCorrectionUsed: loss > 0.01 ? rng.chance(0.85) : rng.chance(0.15),
  };
}

/**
 * A video or screen-sharing (VBSS) stream [est values]. `impaired` follows the leg's audio quality so a bad
 * network shows in both; CQD video thresholds (frame loss > 50 %, fps < 7 (VBSS < 2), post-FEC loss > 0.15) are
 * only crossed on impaired legs.
 */
export function videoStream(
  rng: Rng,
  dir: MediaStreamDirection,
  cls: NetClass,
  impaired: boolean,
  codec: VideoCodec,
  durationMs: number,
  sharing: boolean,
): MediaStream {
  const b = BASE[cls];
  const fps = sharing
    ? clamp(rng.logNormal(impaired ? 3 : 9, 0.4), 0.5, 30)
    : clamp(rng.logNormal(impaired ? 10 : 25, 0.2), 2, 30);
  const loss = clamp(rng.logNormal(impaired ? 0.04 : b.loss + 0.001, 0.8), 0, impaired ? 0.3 : 0.05);
  const freeze = impaired ? rng.int(200, 2500) : rng.int(0, 250);
  const rtt = Math.round(clamp(rng.logNormal(b.rtt, 0.35), 12, impaired ? 900 : 450));
  return {
    streamId: streamId(rng),
    startDateTime: null,
    endDateTime: null,
    streamDirection: dir,
    averageAudioDegradation: null,
    averageJitter: isoDurationMs(Math.round(clamp(rng.logNormal(b.jitter * 1.5, 0.5), 1, 80))),
    maxJitter: null,
    averagePacketLossRate: r6(loss),
    maxPacketLossRate: r6(Math.min(1, loss * rng.uniform(2, 6))),
    averageRatioOfConcealedSamples: null,
    maxRatioOfConcealedSamples: null,
    averageRoundTripTime: isoDurationMs(rtt),
    maxRoundTripTime: isoDurationMs(Math.round(rtt * rng.uniform(1.05, 1.8))),
    packetUtilization: Math.max(
      1,
      Math.round((durationMs / 1000) * rng.uniform(sharing ? 10 : 60, sharing ? 60 : 220)),
    ),
    averageBandwidthEstimate: Math.round(rng.logNormal(b.bandwidth, 0.4) * (impaired ? 0.4 : 1)),
    wasMediaBypassed: null,
    postForwardErrorCorrectionPacketLossRate: r6(loss * rng.uniform(0.1, 0.5)),
    averageVideoFrameLossPercentage: r6(impaired ? rng.uniform(2, 25) : rng.uniform(0, 2)),
    averageReceivedFrameRate: dir === 'calleeToCaller' ? r6(fps * rng.uniform(0.9, 1)) : null,
    lowFrameRateRatio: r6(impaired ? rng.uniform(0.1, 0.6) : rng.uniform(0, 0.05)),
    averageVideoPacketLossRate: r6(loss * rng.uniform(0.8, 1.2)),
    averageVideoFrameRate: r6(fps),
    lowVideoProcessingCapabilityRatio: r6(rng.chance(0.8) ? 0 : rng.uniform(0, 0.1)),
    averageAudioNetworkJitter: null,
    maxAudioNetworkJitter: null,
    audioCodec: 'unknown',
    videoCodec: codec,
    rmsFreezeDuration: isoDurationMs(Math.round(freeze * rng.uniform(1.1, 1.6))),
    averageFreezeDuration: isoDurationMs(freeze),
    isAudioForwardErrorCorrectionUsed: null,
  };
}

/** Network event ratios for an audio media: mostly 0, raised on poor legs. */
export function eventRatios(
  rng: Rng,
  poor: boolean,
): readonly [number, number, number | null, number | null] {
  if (!poor) {
    return rng.chance(0.5) ? [0, 0, null, null] : [0, rng.chance(0.9) ? 0 : r6(rng.uniform(0, 0.05)), 0, 0];
  }
  return [
    r6(rng.uniform(0, 0.35)),
    r6(rng.uniform(0.05, 0.45)),
    r6(rng.uniform(0, 0.2)),
    r6(rng.uniform(0, 0.3)),
  ];
}
