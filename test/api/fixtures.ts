// Hand-made call records for focused API tests, in the modern Graph shape (every declared property present, nulls
// explicit, typed endpoints). Ids are deterministic GUIDs derived from a seed string.
import { createHash } from 'node:crypto';
import type {
  CallRecordDocument,
  CommunicationsIdentitySet,
  Media,
  MediaStream,
  NetworkInfo,
  Participant,
  ParticipantEndpoint,
  ProductFamily,
  Segment,
  SessionDocument,
} from '../../src/graph/model/index.js';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { v2Set } from '../../src/generate/identities.js';

/** A deterministic GUID for `seed`. */
export function guid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

function identitySet(user: { id: string; displayName: string }): CommunicationsIdentitySet {
  return v2Set('user', {
    id: user.id,
    displayName: user.displayName,
    tenantId: DEMO_TENANT_ID,
    userPrincipalName: `${user.displayName.toLowerCase().replace(/\s+/g, '.')}@contoso.com`,
  });
}

function participant(id: string, displayName: string): Participant {
  return { id, identity: identitySet({ id, displayName }), administrativeUnitInfos: [] };
}

function endpoint(
  user: { id: string; displayName: string },
  productFamily: ProductFamily,
  platform: 'windows' | 'web',
): ParticipantEndpoint {
  return {
    '@odata.type': '#microsoft.graph.callRecords.participantEndpoint',
    name: null,
    cpuName: null,
    cpuCoresCount: null,
    cpuProcessorSpeedInMhz: null,
    userAgent: {
      '@odata.type': '#microsoft.graph.callRecords.clientUserAgent',
      headerValue: 'releases/CL2025.R25',
      applicationVersion: null,
      platform,
      productFamily,
      communicationServiceId: null,
      azureADAppId: null,
    },
    identity: {
      application: null,
      device: null,
      user: { id: user.id, displayName: user.displayName, tenantId: DEMO_TENANT_ID },
    },
    associatedIdentity: {
      '@odata.type': '#microsoft.graph.callRecords.userIdentity',
      id: user.id,
      displayName: user.displayName,
      userPrincipalName: null,
    },
    feedback: { text: null, rating: 'notRated', tokens: {} },
  };
}

function network(ip: string): NetworkInfo {
  return {
    bandwidthLowEventRatio: null,
    basicServiceSetIdentifier: null,
    connectionType: 'wired',
    delayEventRatio: null,
    dnsSuffix: null,
    ipAddress: ip,
    linkSpeed: 1_000_000_000,
    macAddress: null,
    networkTransportProtocol: 'udp',
    port: 50_010,
    receivedQualityEventRatio: null,
    reflexiveIPAddress: null,
    relayIPAddress: null,
    relayPort: null,
    sentQualityEventRatio: null,
    subnet: null,
    traceRouteHops: [],
    wifiBand: 'unknown',
    wifiBatteryCharge: null,
    wifiChannel: null,
    wifiMicrosoftDriver: null,
    wifiMicrosoftDriverVersion: null,
    wifiRadioType: 'unknown',
    wifiSignalStrength: null,
    wifiVendorDriver: null,
    wifiVendorDriverVersion: null,
  };
}

function stream(id: string, direction: 'callerToCallee' | 'calleeToCaller'): MediaStream {
  return {
    audioCodec: 'satin',
    averageAudioDegradation: null,
    averageAudioNetworkJitter: 'PT0.012S',
    averageBandwidthEstimate: 9_000_000,
    averageFreezeDuration: null,
    averageJitter: 'PT0.007S',
    averagePacketLossRate: 0,
    averageRatioOfConcealedSamples: 0.01,
    averageReceivedFrameRate: null,
    averageRoundTripTime: 'PT0.04S',
    averageVideoFrameLossPercentage: null,
    averageVideoFrameRate: null,
    averageVideoPacketLossRate: null,
    endDateTime: null,
    isAudioForwardErrorCorrectionUsed: false,
    lowFrameRateRatio: null,
    lowVideoProcessingCapabilityRatio: null,
    maxAudioNetworkJitter: 'PT0.05S',
    maxJitter: 'PT0.02S',
    maxPacketLossRate: 0.01,
    maxRatioOfConcealedSamples: 0.05,
    maxRoundTripTime: 'PT0.09S',
    packetUtilization: 1500,
    postForwardErrorCorrectionPacketLossRate: null,
    rmsFreezeDuration: null,
    startDateTime: null,
    streamDirection: direction,
    streamId: id,
    videoCodec: null,
    wasMediaBypassed: false,
  };
}

function media(seed: string): Media {
  return {
    label: 'main-audio',
    callerNetwork: network('10.0.0.5'),
    calleeNetwork: network('10.0.0.6'),
    callerDevice: null,
    calleeDevice: null,
    streams: [stream(`${seed}-1`, 'callerToCallee'), stream(`${seed}-2`, 'calleeToCaller')],
  };
}

export interface FixtureOptions {
  /** Start of the call (epoch ms). */
  startMs: number;
  durationMs?: number;
  /** Participants (>= 2); the first organizes. */
  participants?: number;
  /** Sessions; each has one segment. */
  sessions?: number;
  /** productFamily of every caller's client user agent. */
  productFamily?: ProductFamily;
  version?: number;
  /** The people on the call (first organizes); by default made-up users derived from the seed. */
  users?: { id: string; displayName: string }[];
}

/** A complete call record document: `seed` determines every id. */
export function makeRecord(seed: string, o: FixtureOptions): CallRecordDocument {
  const id = guid(`record:${seed}`);
  const duration = o.durationMs ?? 5 * 60_000;
  const start = iso(o.startMs);
  const end = iso(o.startMs + duration);
  const people =
    o.users ??
    Array.from({ length: Math.max(2, o.participants ?? 2) }, (_, i) => ({
      id: guid(`user:${seed}:${i}`),
      displayName: `User ${seed} ${i}`,
    }));
  const organizer = people[0]!;
  const sessions: SessionDocument[] = Array.from({ length: Math.max(1, o.sessions ?? 1) }, (_, i) => {
    const caller = people[i % people.length]!;
    const callee = people[(i + 1) % people.length]!;
    const sid = guid(`session:${seed}:${i}`);
    const segment: Segment = {
      id: guid(`segment:${seed}:${i}`),
      startDateTime: start,
      endDateTime: end,
      failureInfo: null,
      caller: endpoint(caller, o.productFamily ?? 'teams', 'windows'),
      callee: endpoint(callee, 'teams', 'web'),
      media: [media(`${seed}-${i}`)],
    };
    return {
      id: sid,
      modalities: ['audio'],
      startDateTime: start,
      endDateTime: end,
      isTest: false,
      failureInfo: null,
      caller: endpoint(caller, o.productFamily ?? 'teams', 'windows'),
      callee: endpoint(callee, 'teams', 'web'),
      segments: [segment],
    };
  });
  return {
    id,
    version: o.version ?? 1,
    type: people.length > 2 ? 'groupCall' : 'peerToPeer',
    modalities: ['audio'],
    lastModifiedDateTime: iso(o.startMs + duration + 10 * 60_000),
    startDateTime: start,
    endDateTime: end,
    joinWebUrl: null,
    organizer: {
      application: null,
      device: null,
      user: { id: organizer.id, displayName: organizer.displayName, tenantId: DEMO_TENANT_ID },
    },
    participants: people.slice(0, 130).map((p) => ({
      application: null,
      device: null,
      user: { id: p.id, displayName: p.displayName, tenantId: DEMO_TENANT_ID },
    })),
    organizer_v2: participant(organizer.id, organizer.displayName),
    participants_v2: people.map((p) => participant(p.id, p.displayName)),
    sessions,
  };
}
