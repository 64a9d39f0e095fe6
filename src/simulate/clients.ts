// The participants of a finished call as the generator's building blocks see them: a Party (identities in every
// shape a record needs), a client device with its weekly user agent, an address plan, and a leg end per session.
// Phone numbers have no client: their legs end at a PSTN gateway or the conferencing bridge.
import {
  acsDevice,
  DeviceRegistry,
  desktopDevice,
  mobileDevice,
  webDevice,
  type DeviceProfile,
} from '../generate/devices.js';
import { MS_PER_DAY } from '../generate/format.js';
import { makeParty, type Party, type PartyKind } from '../generate/identities.js';
import { legNetwork, networkMix, type AddressPlan } from '../generate/network.js';
import { externalPlan } from '../generate/parties.js';
import type { Rng } from '../generate/prng.js';
import {
  clientCodec,
  clientEnd,
  PSTN_ENDPOINTS,
  pstnSide,
  serviceEnd,
  type LegEnd,
} from '../generate/sessions.js';
import { UserAgents } from '../generate/useragents.js';
import type { SimKind, SimParticipant } from './types.js';

const PARTY_KIND: Readonly<Record<SimKind, PartyKind>> = {
  user: 'user',
  federated: 'federated',
  phone: 'phone',
  guest: 'guest',
  acs: 'acs',
};

const ACS_ID = /^8:acs:([0-9a-f-]{36})_/i;
const HOST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

interface Client {
  party: Party;
  device: DeviceProfile | null;
  plan: AddressPlan;
}

/** An office address plan in 10.x for the tenant's own users [est, like the generator's directory plans]. */
function officePlan(rng: Rng): AddressPlan {
  const site = 10 + 8 * rng.int(0, 3);
  const team = rng.int(16, 111);
  const home: [number, number, number] = [192, 168, rng.pick([0, 1, 2, 178])];
  return {
    officeWired: [10, site, team],
    officeWifi: [10, site + 1, 128 + 4 * rng.int(0, 29)],
    home,
    officeHost: rng.int(10, 250),
    homeHost: rng.int(2, 254),
    officePublic: `203.0.113.${rng.int(10, 49)}`,
    homePublic: `198.51.100.${rng.int(1, 254)}`,
    dnsSuffix: '',
  };
}

/** Builds the client of every participant once per record, so all of a participant's sessions share a device. */
export class SimClients {
  readonly #rng: Rng;
  readonly #clients = new Map<string, Client>();
  readonly #agents: UserAgents;
  readonly #day: number;

  constructor(rng: Rng, participants: readonly SimParticipant[], startMs: number) {
    this.#rng = rng;
    this.#day = Math.floor(startMs / MS_PER_DAY);
    const reg = new DeviceRegistry();
    for (const p of participants) this.#clients.set(p.participantId, this.#client(reg, p));
    // Devices exist now: the user-agent cache is sized by the registry.
    this.#agents = new UserAgents(reg.devices);
  }

  #client(reg: DeviceRegistry, p: SimParticipant): Client {
    const rng = this.#rng;
    const { identity: i } = p;
    const acsResourceId = i.kind === 'acs' ? (ACS_ID.exec(i.id)?.[1] ?? rng.guid()) : undefined;
    const party = makeParty({
      kind: PARTY_KIND[i.kind],
      id: i.id,
      displayName: i.displayName,
      tenantId: i.tenantId,
      ...(acsResourceId ? { acsResourceId } : {}),
    });
    let device: DeviceProfile | null = null;
    if (i.kind === 'acs') device = acsDevice(rng, reg, acsResourceId!, rng.guid());
    else if (i.kind === 'guest') device = rng.chance(0.7) ? webDevice(rng, reg) : mobileDevice(rng, reg);
    else if (i.kind !== 'phone') {
      // Per call [est, as the generator]: laptop/desktop 83 %, phone 13 %, browser 4 %.
      const u = rng.next();
      const [givenName = 'User', surname = ''] = (i.displayName ?? '').split(/\s+/).filter(Boolean);
      const hostSuffix = Array.from({ length: 8 }, () => rng.pick([...HOST])).join('');
      device =
        u < 0.13
          ? mobileDevice(rng, reg)
          : u < 0.17
            ? webDevice(rng, reg)
            : desktopDevice(rng, reg, { givenName, surname, countryCode: 'US', hostSuffix });
    }
    const plan = i.kind === 'user' ? officePlan(rng) : externalPlan(rng);
    return { party, device, plan };
  }

  party(p: SimParticipant): Party {
    return this.#clients.get(p.participantId)!.party;
  }

  /**
   * A new leg end for one session: a client with a fresh network, or for a phone number the PSTN gateway (a P2P
   * call) or the audio-conferencing bridge (a group call).
   */
  end(p: SimParticipant, group: boolean): LegEnd {
    const rng = this.#rng;
    const c = this.#clients.get(p.participantId)!;
    if (!c.device) {
      return serviceEnd(group ? PSTN_ENDPOINTS.dialIn : PSTN_ENDPOINTS.callingPlan, pstnSide(rng));
    }
    const cls = networkMix(c.device.kind).sample(rng);
    return clientEnd({
      party: c.party,
      device: c.device,
      userAgent: this.#agents.of(c.device, this.#day),
      net: legNetwork(rng, c.device, c.plan, cls, group ? 0.25 : 0.4),
      audioCodec: clientCodec(rng, c.device),
    });
  }
}
