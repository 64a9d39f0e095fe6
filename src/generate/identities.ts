// Identity shapes as the service emits them in 2025 (PNP fixture): every slot present, null when unused; plain
// `identity` objects carry `tenantId` as a dynamic property. Objects for directory members are built once and
// frozen, then shared by every record they appear in.
import type {
  CommunicationsIdentitySet,
  Identity,
  IdentitySet,
  Participant,
  ParticipantEndpoint,
} from '../graph/model/index.js';

/** What a participant is; decides the identity-set slot and the endpoint shape. */
export type PartyKind = 'user' | 'room' | 'federated' | 'guest' | 'phone' | 'acs' | 'bot' | 'appInstance';

/** Slots of the deprecated identitySet shape (organizer, participants, endpoint.identity). */
type LegacySlot = 'user' | 'guest' | 'phone' | 'acsUser' | 'application' | 'applicationInstance';
/** Slots of communicationsIdentitySet (organizer_v2/participants_v2). */
export type V2Slot =
  'user' | 'guest' | 'phone' | 'azureCommunicationServicesUser' | 'application' | 'applicationInstance';

const LEGACY_SLOT: Readonly<Record<PartyKind, LegacySlot>> = {
  user: 'user',
  room: 'user',
  federated: 'user',
  guest: 'guest',
  phone: 'phone',
  acs: 'acsUser',
  bot: 'application',
  appInstance: 'applicationInstance',
};

const V2_SLOT: Readonly<Record<PartyKind, V2Slot>> = {
  user: 'user',
  room: 'user',
  federated: 'user',
  guest: 'guest',
  phone: 'phone',
  acs: 'azureCommunicationServicesUser',
  bot: 'application',
  appInstance: 'applicationInstance',
};

/** A participant of one record, with every identity shape it needs. */
export interface Party {
  kind: PartyKind;
  /** participants_v2 id: Entra object id, E.164 number, ACS MRI, app id ... */
  id: string;
  displayName: string | null;
  /** The participants_v2 / organizer_v2 entry. */
  v2: Participant;
  /** Deprecated identitySet: organizer, participants, participantEndpoint.identity. */
  legacy: IdentitySet;
  /** participantEndpoint.associatedIdentity. */
  associated: Identity;
}

export interface PartyInput {
  kind: PartyKind;
  id: string;
  displayName: string | null;
  tenantId: string | null;
  userPrincipalName?: string | null;
  acsResourceId?: string;
  administrativeUnitIds?: readonly string[];
}

function legacySet(slot: LegacySlot, identity: Identity): IdentitySet {
  const set: IdentitySet = {
    acsUser: null,
    spoolUser: null,
    phone: null,
    guest: null,
    encrypted: null,
    onPremises: null,
    acsApplicationInstance: null,
    spoolApplicationInstance: null,
    applicationInstance: null,
    application: null,
    device: null,
    user: null,
  };
  set[slot] = identity;
  return set;
}

/** A communicationsIdentitySet in the 2025 shape: every slot present, only `slot` filled. */
export function v2Set(slot: V2Slot, identity: Identity): CommunicationsIdentitySet {
  const set: CommunicationsIdentitySet = {
    endpointType: null,
    acsUser: null,
    spoolUser: null,
    phone: null,
    guest: null,
    encrypted: null,
    onPremises: null,
    acsApplicationInstance: null,
    spoolApplicationInstance: null,
    applicationInstance: null,
    application: null,
    device: null,
    azureCommunicationServicesUser: null,
    assertedIdentity: null,
    user: null,
  };
  set[slot] = identity;
  return set;
}

/** The identity object put in a v2 identity-set slot. */
function v2Identity(p: PartyInput): Identity {
  switch (p.kind) {
    case 'user':
    case 'room':
    case 'federated':
      return {
        '@odata.type': '#microsoft.graph.userIdentity',
        id: p.id,
        displayName: p.displayName,
        tenantId: p.tenantId,
        ipAddress: null,
        userPrincipalName: p.userPrincipalName ?? null,
      };
    case 'acs':
      return {
        '@odata.type': '#microsoft.graph.azureCommunicationServicesUserIdentity',
        id: p.id,
        displayName: p.displayName,
        tenantId: p.tenantId,
        azureCommunicationServicesResourceId: p.acsResourceId ?? null,
      };
    default:
      return { id: p.id, displayName: p.displayName, tenantId: p.tenantId };
  }
}

/** participantEndpoint.associatedIdentity, typed by the kind of participant [est for non-user kinds]. */
function associatedIdentity(p: PartyInput): Identity {
  switch (p.kind) {
    case 'user':
    case 'room':
    case 'federated':
      return {
        '@odata.type': '#microsoft.graph.callRecords.userIdentity',
        id: p.id,
        displayName: p.displayName,
        tenantId: p.tenantId,
        userPrincipalName: p.userPrincipalName ?? null,
      };
    case 'guest':
      return {
        '@odata.type': '#microsoft.graph.communicationsGuestIdentity',
        id: p.id,
        displayName: p.displayName,
        tenantId: p.tenantId,
        email: null,
      };
    case 'acs':
      return {
        '@odata.type': '#microsoft.graph.azureCommunicationServicesUserIdentity',
        id: p.id,
        displayName: p.displayName,
        tenantId: p.tenantId,
        azureCommunicationServicesResourceId: p.acsResourceId ?? null,
      };
    case 'bot':
      return {
        '@odata.type': '#microsoft.graph.communicationsApplicationIdentity',
        id: p.id,
        displayName: p.displayName,
        tenantId: p.tenantId,
        applicationType: null,
        hidden: false,
      };
    case 'appInstance':
      return {
        '@odata.type': '#microsoft.graph.communicationsApplicationInstanceIdentity',
        id: p.id,
        displayName: p.displayName,
        tenantId: p.tenantId,
        hidden: false,
      };
    case 'phone':
      return { '@odata.type': '#microsoft.graph.communicationsPhoneIdentity', id: p.id, displayName: null };
  }
}

export function makeParty(p: PartyInput): Party {
  const legacyIdentity: Identity = { id: p.id, displayName: p.displayName, tenantId: p.tenantId };
  return {
    kind: p.kind,
    id: p.id,
    displayName: p.displayName,
    v2: {
      id: p.id,
      identity: v2Set(V2_SLOT[p.kind], v2Identity(p)),
      administrativeUnitInfos: (p.administrativeUnitIds ?? []).map((id) => ({ id })),
    },
    legacy: legacySet(LEGACY_SLOT[p.kind], legacyIdentity),
    associated: associatedIdentity(p),
  };
}

/** Deep-freezes a party built once for the whole run (directory members, rooms, bots). */
export function freezeParty(party: Party): Party {
  deepFreeze(party);
  return party;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** Feedback when the user was not asked (PNP fixture). Shared and frozen. */
export const NOT_RATED: ParticipantEndpoint['feedback'] = deepFreeze({
  text: null,
  rating: 'notRated',
  tokens: {},
});
