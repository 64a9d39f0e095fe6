// Media of one segment: labels, per-side networks and devices, streams. Label choice: `data`,
// `main-audio`, `main-video`, and `applicationsharing-video` for screen sharing [est — the one label we use].
import type {
  AudioCodec,
  ClientUserAgent,
  DeviceInfo,
  Media,
  MediaStream,
  Modality,
  VideoCodec,
} from '../graph/model/index.js';
import type { DeviceProfile } from './devices.js';
import { r6 } from './format.js';
import { deepFreeze } from './identities.js';
import type { Party } from './identities.js';
import { clientNetworkInfo, mediaPort, NET, PORT_BASE, serviceNetworkInfo } from './network.js';
import type { LegNetwork, NetClass } from './network.js';
import { Weighted } from './prng.js';
import type { Rng } from './prng.js';
import { audioStream, emptyStream, eventRatios, POOR_WEIGHT, videoStream } from './streams.js';

export const LABEL = {
  data: 'data',
  audio: 'main-audio',
  video: 'main-video',
  sharing: 'applicationsharing-video',
} as const;

/** A participant's client in one session. */
export interface ClientSide {
  party: Party;
  device: DeviceProfile;
  /** The agent the device reports this week. */
  userAgent: ClientUserAgent;
  net: LegNetwork;
  audioCodec: AudioCodec;
}

/**
 * One end of a segment: a client, or a service (conference, PSTN gateway, voicemail, bot) with its codec. A PSTN
 * gateway side adds its own quality weight (the far end's network); a conference side adds none.
 */
export type Side =
  | { client: ClientSide }
  | { client: null; cls: NetClass; audioCodec: AudioCodec; pstn: boolean; weighted: boolean };

/** What flows in a segment. */
export interface MediaSpec {
  /** False for calls that never connected (no QoE on any stream). */
  connected: boolean;
  /** Group legs carry a `data` media first (PNP fixture). */
  data: boolean;
  video: boolean;
  /** Screen sharing: 'send' for the presenter, 'receive' for viewers. */
  sharing: 'none' | 'send' | 'receive';
  /** The caller never unmuted: its audio stream has no metrics (CQD "unclassified"). */
  callerMuted: boolean;
  /** Scale of the per audio stream probability of being poor (calibrated by the generator). */
  poorScale: number;
  /** Accumulates the quality weight of every measured audio stream (used to calibrate `poorScale`). */
  tally: PoorTally;
  videoCodec: VideoCodec;
}

export interface PoorTally {
  weight: number;
  streams: number;
}

export interface SegmentMedia {
  media: Media[];
  modalities: Modality[];
  /** Any audio stream came out poor: drives feedback and mid-call drops. */
  impaired: boolean;
}

/** Device info with nothing reported (data/video/sharing media, and the service side). Shared and frozen. */
export const NULL_DEVICE: DeviceInfo = deepFreeze(nullDevice(null));
/** The conference side of an audio media: PNP reports only `howlingEventCount: 0`. */
const SERVICE_AUDIO_DEVICE: DeviceInfo = deepFreeze(nullDevice(0));

/** A deviceInfo with no telemetry (every property null but the howling count). */
export function nullDevice(howling: number | null): DeviceInfo {
  return {
    captureDeviceName: null,
    captureDeviceDriver: null,
    renderDeviceName: null,
    renderDeviceDriver: null,
    sentSignalLevel: null,
    receivedSignalLevel: null,
    sentNoiseLevel: null,
    receivedNoiseLevel: null,
    initialSignalLevelRootMeanSquare: null,
    cpuInsufficentEventRatio: null,
    renderNotFunctioningEventRatio: null,
    captureNotFunctioningEventRatio: null,
    deviceGlitchEventRatio: null,
    lowSpeechToNoiseEventRatio: null,
    lowSpeechLevelEventRatio: null,
    deviceClippingEventRatio: null,
    howlingEventCount: howling,
    renderZeroVolumeEventRatio: null,
    renderMuteEventRatio: null,
    micGlitchRate: null,
    speakerGlitchRate: null,
  };
}

/** Audio device telemetry of a client [values anchored on the doc/fixture samples]. */
function clientAudioDevice(rng: Rng, d: DeviceProfile, connected: boolean): DeviceInfo {
  if (!connected) return NULL_DEVICE;
  const glitches = rng.chance(0.5);
  return {
    captureDeviceName: d.audio.captureName,
    captureDeviceDriver: d.audio.captureDriver,
    renderDeviceName: d.audio.renderName,
    renderDeviceDriver: d.audio.renderDriver,
    sentSignalLevel: rng.int(-32, -16),
    receivedSignalLevel: rng.chance(0.4) ? null : rng.int(-24, -8),
    sentNoiseLevel: rng.int(-82, -55),
    receivedNoiseLevel: rng.chance(0.4) ? null : rng.int(-90, -60),
    initialSignalLevelRootMeanSquare: rng.chance(0.5) ? null : r6(rng.uniform(20, 160)),
    cpuInsufficentEventRatio: rng.chance(0.97) ? 0 : r6(rng.uniform(0.01, 0.2)),
    renderNotFunctioningEventRatio: 0,
    captureNotFunctioningEventRatio: 0,
    deviceGlitchEventRatio: rng.chance(0.93) ? 0 : r6(rng.uniform(0.01, 0.1)),
    lowSpeechToNoiseEventRatio: rng.chance(0.9) ? 0 : r6(rng.uniform(0.01, 0.2)),
    lowSpeechLevelEventRatio: rng.chance(0.9) ? 0 : r6(rng.uniform(0.01, 0.2)),
    deviceClippingEventRatio: rng.chance(0.95) ? 0 : r6(rng.uniform(0.01, 0.1)),
    howlingEventCount: 0,
    renderZeroVolumeEventRatio: rng.chance(0.995) ? 0 : 1,
    renderMuteEventRatio: rng.chance(0.995) ? 0 : 1,
    micGlitchRate: glitches ? rng.int(0, 180) : null,
    speakerGlitchRate: glitches ? rng.int(0, 400) : null,
  };
}

const VIDEO_CODECS = new Weighted<VideoCodec>([
  ['h264', 0.85],
  ['av1', 0.1],
  ['h264s', 0.05],
]);

export function pickVideoCodec(rng: Rng): VideoCodec {
  return VIDEO_CODECS.sample(rng);
}

function sideClass(s: Side): NetClass {
  return s.client ? s.client.net.cls : s.cls;
}

/** POOR_WEIGHT of a side that carries its own network (client or PSTN far end); -1 for a conference side. */
function sideWeight(s: Side): number {
  if (s.client) return POOR_WEIGHT[s.client.net.cls];
  return s.weighted ? POOR_WEIGHT[s.cls] : -1;
}

/** Mean weight over the sides that carry their own network. */
function meanWeight(a: Side, b: Side): number {
  const wa = sideWeight(a);
  const wb = sideWeight(b);
  if (wa < 0) return wb < 0 ? 1 : wb;
  return wb < 0 ? wa : (wa + wb) / 2;
}

function network(
  rng: Rng,
  s: Side,
  base: number,
  servicePort: number,
  ratios: Parameters<typeof clientNetworkInfo>[2],
) {
  return s.client
    ? clientNetworkInfo(s.client.net, mediaPort(rng, s.client.net, base), ratios)
    : serviceNetworkInfo(servicePort);
}

/**
 * Builds the media list of a segment between `caller` and `callee`. Audio-stream quality: each stream is poor with
 * probability `poorScale * mean(POOR_WEIGHT of the sides)`; the reverse stream is correlated with the first
 * (P = 0.5 when the first is poor) while keeping the same marginal probability.
 */
export function segmentMedia(
  rng: Rng,
  caller: Side,
  callee: Side,
  spec: MediaSpec,
  durationMs: number,
): SegmentMedia {
  const media: Media[] = [];
  const modalities: Modality[] = ['audio'];
  const c1 = sideClass(caller);
  const c2 = sideClass(callee);
  // Metrics look like the worse network on the path (a conference side counts as wired).
  const worse = POOR_WEIGHT[c1] >= POOR_WEIGHT[c2] ? c1 : c2;
  const pstn = (!caller.client && caller.pstn) || (!callee.client && callee.pstn);
  const measurable = spec.connected && durationMs >= 5000;

  if (spec.data) {
    media.push({
      label: LABEL.data,
      callerNetwork: network(rng, caller, PORT_BASE.data, 3481, null),
      calleeNetwork: network(rng, callee, PORT_BASE.data, 3481, null),
      callerDevice: NULL_DEVICE,
      calleeDevice: NULL_DEVICE,
      streams: [emptyStream(rng, 'callerToCallee', 0), emptyStream(rng, 'calleeToCaller', 0)],
    });
  }

  // Audio.
  const w = meanWeight(caller, callee);
  const p = Math.min(0.95, spec.poorScale * w);
  const poor1 = rng.chance(p);
  const poor2 = poor1 ? rng.chance(0.5) : rng.chance(p >= 1 ? 0 : (p * 0.5) / (1 - p));
  const impaired = measurable && (poor1 || poor2);
  const codecUp = caller.client ? caller.client.audioCodec : caller.audioCodec;
  const codecDown = callee.client ? callee.client.audioCodec : callee.audioCodec;
  let up: MediaStream;
  let down: MediaStream;
  if (measurable) {
    const streams = spec.callerMuted ? 1 : 2;
    spec.tally.weight += w * streams;
    spec.tally.streams += streams;
  }
  if (!measurable) {
    up = emptyStream(rng, 'callerToCallee', 0, codecUp);
    down = emptyStream(rng, 'calleeToCaller', 0, codecDown);
  } else {
    up = spec.callerMuted
      ? emptyStream(rng, 'callerToCallee', rng.int(0, 40), codecUp)
      : audioStream(rng, 'callerToCallee', worse, poor1, codecUp, durationMs, pstn);
    down = audioStream(rng, 'calleeToCaller', worse, poor2, codecDown, durationMs, pstn);
  }
  media.push({
    label: LABEL.audio,
    callerNetwork: network(
      rng,
      caller,
      PORT_BASE.audio,
      3479,
      measurable && caller.client ? eventRatios(rng, impaired) : null,
    ),
    calleeNetwork: network(
      rng,
      callee,
      PORT_BASE.audio,
      3479,
      measurable && callee.client ? eventRatios(rng, impaired) : null,
    ),
    callerDevice: caller.client
      ? clientAudioDevice(rng, caller.client.device, measurable)
      : SERVICE_AUDIO_DEVICE,
    calleeDevice: callee.client
      ? clientAudioDevice(rng, callee.client.device, measurable)
      : SERVICE_AUDIO_DEVICE,
    streams: [up, down],
  });

  if (spec.video) {
    modalities.push('video');
    media.push(
      visualMedia(rng, LABEL.video, caller, callee, spec, durationMs, worse, impaired, measurable, false),
    );
  }
  if (spec.sharing !== 'none') {
    modalities.push('screenSharing');
    media.push(
      visualMedia(rng, LABEL.sharing, caller, callee, spec, durationMs, worse, impaired, measurable, true),
    );
  }
  return { media, modalities, impaired };
}

function visualMedia(
  rng: Rng,
  label: string,
  caller: Side,
  callee: Side,
  spec: MediaSpec,
  durationMs: number,
  cls: NetClass,
  impaired: boolean,
  measurable: boolean,
  sharing: boolean,
): Media {
  const base = sharing ? PORT_BASE.sharing : PORT_BASE.video;
  const port = sharing ? 3481 : 3480;
  // The direction that carries pixels: a presenter sends, a viewer receives; cameras usually both ways.
  const sends = sharing ? spec.sharing === 'send' : rng.chance(0.7);
  const receives = sharing ? spec.sharing === 'receive' : true;
  const codec = spec.videoCodec;
  return {
    label,
    callerNetwork: network(rng, caller, base, port, null),
    calleeNetwork: network(rng, callee, base, port, null),
    callerDevice: NULL_DEVICE,
    calleeDevice: NULL_DEVICE,
    streams: [
      measurable && sends
        ? videoStream(rng, 'callerToCallee', cls, impaired, codec, durationMs, sharing)
        : emptyStream(rng, 'callerToCallee', 0, 'unknown', codec),
      measurable && receives
        ? videoStream(rng, 'calleeToCaller', cls, impaired, codec, durationMs, sharing)
        : emptyStream(rng, 'calleeToCaller', 0, 'unknown', codec),
    ],
  };
}

/** The network class of a PSTN gateway side. */
export const PSTN_CLASS: NetClass = NET.pstn;
