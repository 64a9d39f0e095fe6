// Simulated calls as JSON: Graph's `call` resource (only properties Graph documents for it), its participants in
// Graph's `participant` shape, and the event log (the simulator's own, outside Graph's shapes).
import type { CallSimulator } from './engine.js';
import type { SimCall, SimIdentity, SimModality, SimParticipant } from './types.js';

type Json = Record<string, unknown>;

/** Times in the admin views: whole milliseconds, `2026-11-20T12:00:02Z` (records use Graph's 7-digit form). */
export function adminTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function identitySet(i: SimIdentity): Json {
  const identity: Json = { '@odata.type': '#microsoft.graph.identity', id: i.id, displayName: i.displayName };
  if (i.tenantId !== null) identity.tenantId = i.tenantId;
  return { '@odata.type': '#microsoft.graph.identitySet', [i.slot]: identity };
}

function participantInfo(p: SimParticipant): Json {
  return {
    '@odata.type': '#microsoft.graph.participantInfo',
    identity: identitySet(p.identity),
    endpointType: null,
    region: null,
    languageId: null,
    countryCode: null,
    participantId: p.participantId,
  };
}

function invitation(p: SimParticipant): Json {
  return {
    '@odata.type': '#microsoft.graph.invitationParticipantInfo',
    identity: identitySet(p.identity),
    endpointType: null,
    replacesCallId: null,
  };
}

const current = (call: SimCall): SimModality[] => call.modalityLog[call.modalityLog.length - 1]!.modalities;

/** The call in Graph's `call` shape (`@odata.type` #microsoft.graph.call). */
export function callView(sim: CallSimulator, call: SimCall): Json {
  const state = sim.state(call);
  const source = call.participants[0]!;
  return {
    '@odata.type': '#microsoft.graph.call',
    id: call.id,
    state,
    direction: call.direction,
    subject: call.subject,
    callbackUri: null,
    callChainId: call.callChainId,
    tenantId: call.tenantId,
    myParticipantId: source.participantId,
    source: participantInfo(source),
    targets: call.participants.filter((p) => p.role === 'target').map(invitation),
    requestedModalities: current(call),
    activeModalities: sim.activeModalities(call),
    mediaState: {
      '@odata.type': '#microsoft.graph.callMediaState',
      audio: state === 'established' ? 'active' : 'inactive',
    },
    mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
    callRoutes: [],
    resultInfo: null,
    chatInfo: null,
    meetingInfo: null,
    callOptions: null,
    toneInfo: null,
    transcription: null,
  };
}

const MEDIA_TYPE: Readonly<Record<SimModality, string>> = {
  audio: 'audio',
  video: 'video',
  videoBasedScreenSharing: 'videoBasedScreenSharing',
};

/** The participants in the call now (answered and not left), in Graph's `participant` shape. */
export function participantsView(sim: CallSimulator, call: SimCall, now: number): Json[] {
  const state = sim.state(call);
  return call.participants
    .filter((p) => p.legs.some((l) => l.joinMs <= now && (l.leaveMs === undefined || l.leaveMs > now)))
    .map((p) => ({
      '@odata.type': '#microsoft.graph.participant',
      id: p.participantId,
      info: participantInfo(p),
      isInLobby: false,
      isMuted: false,
      mediaStreams: (p.identity.kind === 'phone' ? (['audio'] as const) : current(call)).map((m) => ({
        '@odata.type': '#microsoft.graph.mediaStream',
        mediaType: MEDIA_TYPE[m],
        label: null,
        sourceId: null,
        direction: state === 'hold' && p.role === 'source' ? 'inactive' : 'sendReceive',
        serverMuted: false,
      })),
      metadata: null,
      recordingInfo: null,
    }));
}

/** The event log up to now, oldest first. */
export function eventsView(call: SimCall, now: number): Json[] {
  return call.events
    .filter((e) => e.atMs <= now)
    .sort((a, b) => a.atMs - b.atMs)
    .map((e) => ({
      dateTime: adminTime(e.atMs),
      type: e.type,
      ...(e.participantId ? { participantId: e.participantId } : {}),
      ...(e.modalities ? { modalities: e.modalities } : {}),
    }));
}
