// Sessions and segments: endpoints, feedback, failures and timing of one leg. A group-call leg is a session between
// a participant and the conferencing service; a P2P call is one session between the two parties.
import type {
  AudioCodec,
  ClientUserAgent,
  Endpoint,
  FailureInfo,
  Modality,
  ParticipantEndpoint,
  Segment,
  ServiceEndpoint,
  ServiceUserAgent,
  SessionDocument,
  UserFeedback,
  UserFeedbackRating,
} from '../graph/model/index.js';
import { CONFERENCE_UA_UNKNOWN, serviceUa } from './useragents.js';
import type { DeviceProfile } from './devices.js';
import { isoInstant } from './format.js';
import { deepFreeze, NOT_RATED } from './identities.js';
import type { Party } from './identities.js';
import type { ServiceParty } from './directory.js';
import { segmentMedia } from './media.js';
import type { ClientSide, MediaSpec, Side } from './media.js';
import { NET } from './network.js';
import { Weighted } from './prng.js';
import type { Rng } from './prng.js';

export const PARTICIPANT_ENDPOINT = '#microsoft.graph.callRecords.participantEndpoint';
export const SERVICE_ENDPOINT = '#microsoft.graph.callRecords.serviceEndpoint';

/** Reliability targets (QER): setup failures <= 1 %, drops 1-3 %. Per session [est within those bounds]. */
export const P_SETUP_FAILURE = 0.0075;
export const P_MIDCALL_FAILURE = 0.02;

// failureInfo.reason: no real strings were found — these phrases are SYNTHETIC.
const SETUP_REASONS = [
  'Call setup failed: ICE connectivity checks failed',
  'Call setup failed: media negotiation timed out',
  'Call setup failed: signalling timeout',
  'Call setup failed: no media path to the relay',
];
const MIDCALL_REASONS = [
  'Media dropped midcall: connectivity lost',
  'Media dropped midcall: network interface changed',
  'Media dropped midcall: no packets received',
  'Call ended unexpectedly: client closed',
];

export function failure(rng: Rng, stage: 'callSetup' | 'midcall'): FailureInfo {
  return { stage, reason: rng.pick(stage === 'callSetup' ? SETUP_REASONS : MIDCALL_REASONS) };
}

function serviceEndpoint(userAgent: Endpoint['userAgent']): ServiceEndpoint {
  return deepFreeze({ '@odata.type': SERVICE_ENDPOINT, userAgent });
}

/** Conference-side endpoints of group-call legs: the PNP all-unknown client agent, or a service role [est]. */
export const CONFERENCE_ENDPOINTS = {
  unknown: serviceEndpoint(CONFERENCE_UA_UNKNOWN),
  mcu: serviceEndpoint(serviceUa('skypeForBusinessAudioVideoMcu')),
  mediaController: serviceEndpoint(serviceUa('mediaController')),
} as const;

/** PSTN legs: Calling Plan via a mediation server, Direct Routing via a gateway (SBC) [est mapping]. */
export const PSTN_ENDPOINTS = {
  callingPlan: serviceEndpoint(serviceUa('mediationServer')),
  directRouting: serviceEndpoint(serviceUa('gateway')),
  dialIn: serviceEndpoint(serviceUa('audioTeleconferencerController')),
} as const;
export const VOICEMAIL_ENDPOINT = serviceEndpoint(serviceUa('voicemail', 'MicrosoftTeamsVoicemailService'));
export const ECHO_ENDPOINT = serviceEndpoint(serviceUa('customBot', 'Teams Echo'));

/** The conference as one end of a segment. */
export const CONFERENCE_SIDE: Side = {
  client: null,
  cls: NET.wired,
  audioCodec: 'satin',
  pstn: false,
  weighted: false,
};

const PSTN_CODECS = new Weighted<AudioCodec>([
  ['silkNarrow', 0.3],
  ['pcmu', 0.35],
  ['pcma', 0.35],
]);

export function pstnSide(rng: Rng): Side {
  return { client: null, cls: NET.pstn, audioCodec: PSTN_CODECS.sample(rng), pstn: true, weighted: true };
}

const TEAMS_CODECS = new Weighted<AudioCodec>([
  ['satin', 0.78],
  ['satinFullband', 0.07],
  ['silkWide', 0.05],
  ['opus', 0.1],
]);

/** Audio codec a client sends with [est]: SATIN on Teams clients (PNP), Opus in browsers/ACS, RTAudio on SfB. */
export function clientCodec(rng: Rng, d: DeviceProfile): AudioCodec {
  if (d.productFamily === 'skypeForBusiness') return rng.chance(0.5) ? 'rtAudio16' : 'silkWide';
  if (d.platform === 'web') return 'opus';
  return TEAMS_CODECS.sample(rng);
}

export const TOKENS = [
  'NoSound',
  'OtherNoSound',
  'Echo',
  'Noisy',
  'LowVolume',
  'Stopped',
  'DistortedSound',
  'Interruptions',
];
const RATINGS_IMPAIRED = new Weighted<UserFeedbackRating>([
  ['bad', 0.25],
  ['poor', 0.3],
  ['fair', 0.25],
  ['good', 0.15],
  ['excellent', 0.05],
]);
const RATINGS_FINE = new Weighted<UserFeedbackRating>([
  ['bad', 0.02],
  ['poor', 0.04],
  ['fair', 0.12],
  ['good', 0.42],
  ['excellent', 0.4],
]);

/**
 * Rate My Call: asked after ~1 in 10 calls (QER); poor calls are over-represented among answers, so impaired legs
 * answer twice as often [est]. Low ratings carry one or two tokens.
 */
export function feedback(rng: Rng, party: Party, impaired: boolean): UserFeedback | null {
  if (party.kind === 'bot' || party.kind === 'appInstance' || party.kind === 'phone') return null;
  if (party.kind === 'room' || !rng.chance(impaired ? 0.2 : 0.09)) return NOT_RATED;
  const rating = (impaired ? RATINGS_IMPAIRED : RATINGS_FINE).sample(rng);
  const tokens: Record<string, boolean> = {};
  const low = rating === 'bad' || rating === 'poor' || rating === 'fair';
  const a = low ? (impaired ? rng.pick([5, 6, 7]) : rng.pick([2, 3, 4])) : -1;
  const b = low && rng.chance(0.3) ? rng.int(0, 7) : -1;
  for (let i = 0; i < TOKENS.length; i++) tokens[TOKENS[i]!] = i === a || i === b;
  // Shared by the session's and the segment's endpoint, so frozen like every shared object.
  return deepFreeze({ text: null, rating, tokens });
}

/** A participant's endpoint (client, or a bot / resource account with its service agent). */
export function participantEndpoint(
  party: Party,
  device: DeviceProfile | null,
  userAgent: ClientUserAgent | ServiceUserAgent,
  fb: UserFeedback | null,
): ParticipantEndpoint {
  return {
    '@odata.type': PARTICIPANT_ENDPOINT,
    name: device?.name ?? null,
    cpuName: device?.cpuName ?? null,
    cpuCoresCount: device?.cpuCoresCount ?? null,
    cpuProcessorSpeedInMhz: device?.cpuProcessorSpeedInMhz ?? null,
    userAgent,
    identity: party.legacy,
    associatedIdentity: party.associated,
    feedback: fb,
  };
}

/** One end of a leg: how it appears as an endpoint and as a media side (plain data, no closures: hot path). */
export interface LegEnd {
  side: Side;
  /** The human whose feedback is asked, if any. */
  party: Party | null;
  /** A service end's (frozen, shared) endpoint. */
  fixed: ServiceEndpoint | null;
  /** A bot / resource account: its identity and service agent. */
  agent: ServiceParty | null;
}

export function clientEnd(c: ClientSide): LegEnd {
  return { side: { client: c }, party: c.party, fixed: null, agent: null };
}

export function serviceEnd(endpoint: ServiceEndpoint, side: Side): LegEnd {
  return { side, party: null, fixed: endpoint, agent: null };
}

/** A bot or resource account: a participant endpoint with a service agent; its media is handled in the cloud. */
export function agentEnd(agent: ServiceParty, side: Side): LegEnd {
  return { side, party: null, fixed: null, agent };
}

function endpointOf(e: LegEnd, fb: UserFeedback | null): Endpoint | ParticipantEndpoint | ServiceEndpoint {
  if (e.fixed) return e.fixed;
  const c = e.side.client;
  if (c) return participantEndpoint(c.party, c.device, c.userAgent, fb);
  return participantEndpoint(e.agent!.party, null, e.agent!.userAgent, null);
}

export interface LegSpec {
  startMs: number;
  endMs: number;
  failure: FailureInfo | null;
  media: MediaSpec;
  isTest?: boolean;
  /** Optional second segment [startMs of the switch, new caller end] for a network change mid-session. */
  switchAt?: { atMs: number; caller: LegEnd };
}

export interface BuiltSession {
  session: SessionDocument;
  modalities: Modality[];
  impaired: boolean;
}

/**
 * Builds a session with one segment (or two, after a network switch) between `caller` and `callee`. Session and
 * segment ids are random v4 GUIDs (122 random bits: unique without bookkeeping); the first segment shares the
 * session id (PNP fixture).
 */
export function buildSession(rng: Rng, caller: LegEnd, callee: LegEnd, spec: LegSpec): BuiltSession {
  const id = rng.guid();
  const sw = spec.switchAt;
  const first = segmentMedia(
    rng,
    caller.side,
    callee.side,
    spec.media,
    (sw ? sw.atMs : spec.endMs) - spec.startMs,
  );
  const second = sw ? segmentMedia(rng, sw.caller.side, callee.side, spec.media, spec.endMs - sw.atMs) : null;
  const impaired = first.impaired || (second?.impaired ?? false);
  // Feedback is asked once, at the end of the call; the segments repeat the session's endpoints (PNP).
  const lastCaller = sw ? sw.caller : caller;
  const callerFb = lastCaller.party ? feedback(rng, lastCaller.party, impaired) : null;
  const calleeFb = callee.party ? feedback(rng, callee.party, impaired) : null;
  const startDateTime = isoInstant(spec.startMs);
  const endDateTime = isoInstant(spec.endMs);
  // Segments repeat the session's endpoints; the objects are shared (same content, never mutated here).
  const callerEp = endpointOf(caller, callerFb);
  const calleeEp = endpointOf(callee, calleeFb);
  const segments: Segment[] = [];
  if (sw) {
    const at = isoInstant(sw.atMs);
    segments.push(
      {
        id,
        startDateTime,
        endDateTime: at,
        failureInfo: null,
        caller: endpointOf(caller, caller.party ? NOT_RATED : null),
        callee: calleeEp,
        media: first.media,
      },
      {
        id: rng.guid(),
        startDateTime: at,
        endDateTime,
        failureInfo: spec.failure ? { ...spec.failure } : null,
        caller: endpointOf(sw.caller, callerFb),
        callee: calleeEp,
        media: second!.media,
      },
    );
  } else {
    segments.push({
      id,
      startDateTime,
      endDateTime,
      failureInfo: spec.failure ? { ...spec.failure } : null,
      caller: callerEp,
      callee: calleeEp,
      media: first.media,
    });
  }
  const session: SessionDocument = {
    id,
    modalities: first.modalities,
    startDateTime,
    endDateTime,
    isTest: spec.isTest ?? false,
    failureInfo: spec.failure,
    caller: callerEp,
    callee: calleeEp,
    segments,
  };
  return { session, modalities: first.modalities, impaired };
}
