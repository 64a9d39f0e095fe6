// The simulator's model of an active call: who is in it (with their legs in virtual time), which modalities are on,
// when it was held, and an event log. Pure data; the engine (engine.ts) changes it, record.ts turns it into a record.

/** Modalities a simulated call can carry (Graph's `modality` values the simulator supports). */
export type SimModality = 'audio' | 'video' | 'videoBasedScreenSharing';

/** What a participant is, as the record shows it (Entra user, another tenant's user, phone, guest, ACS user). */
export type SimKind = 'user' | 'federated' | 'phone' | 'guest' | 'acs';

export interface SimIdentity {
  kind: SimKind;
  /** Entra object id, E.164 number, guest id or ACS id: the participant's id in participants_v2. */
  id: string;
  displayName: string | null;
  /** The participant's own tenant (users and guests); null for phone numbers. */
  tenantId: string | null;
  /** The identitySet slot the client used (`user`, `phone`, `guest`, `acsUser`, ...), echoed in the call view. */
  slot: string;
}

/** One uninterrupted presence of a participant in the call. */
export interface Leg {
  joinMs: number;
  /** Unset while the participant is in the call. */
  leaveMs?: number;
}

export interface SimParticipant {
  /** The Graph participant id (a GUID) of this participant in the call. */
  participantId: string;
  identity: SimIdentity;
  role: 'source' | 'target' | 'added';
  legs: Leg[];
}

export type SimEventType =
  | 'created'
  | 'established'
  | 'joined'
  | 'left'
  | 'escalated'
  | 'modalitiesChanged'
  | 'held'
  | 'resumed'
  | 'terminated';

export interface SimEvent {
  /** Virtual time of the event (epoch ms). */
  atMs: number;
  type: SimEventType;
  participantId?: string;
  modalities?: SimModality[];
}

export interface SimulationOptions {
  /** Seconds after the first record arrives when a version 2 with late telemetry replaces it. */
  lateUpdateAfterSeconds?: number;
  /** Seed of the record's random metrics (devices, networks, quality); random when unset. */
  seed?: number;
}

export interface SimCall {
  id: string;
  tenantId: string;
  /** Also the id of the call record the call becomes (as on Graph). */
  callChainId: string;
  subject: string | null;
  direction: 'incoming' | 'outgoing';
  createdMs: number;
  /** createdMs + the establishing time; targets answer at this instant. */
  establishedMs: number;
  /** Source first, then targets and added participants in the order they came. */
  participants: SimParticipant[];
  /** The modalities on now, and every change with its time (the first entry at createdMs). */
  modalityLog: { atMs: number; modalities: SimModality[] }[];
  /** Periods the source held the call. */
  holds: { fromMs: number; toMs?: number }[];
  /** When the call became a group call (createdMs for a call started with several targets). */
  groupSinceMs?: number;
  events: SimEvent[];
  /** The last change made to the call (virtual time): later changes never go before it. */
  lastChangeMs: number;
  options: SimulationOptions & { seed: number };
}
