// Participants of one record and the client each one uses: directory people (laptop, phone or browser), rooms,
// guests, federated users, ACS users, PSTN numbers, bots and resource accounts.
import type { DeviceProfile } from './devices.js';
import type { UserAgents } from './useragents.js';
import type { Person, ServiceParty, Tenant } from './directory.js';
import { makeParty } from './identities.js';
import type { Party } from './identities.js';
import type { ClientSide } from './media.js';
import { legNetwork, networkMix } from './network.js';
import type { AddressPlan, NetClass } from './network.js';
import type { Rng } from './prng.js';
import { clientCodec, clientEnd } from './sessions.js';
import type { LegEnd } from './sessions.js';

/** Something that can join a call: produces a fresh client (device + network) for each session. */
export class Joiner {
  constructor(
    readonly party: Party,
    readonly ctx: LegContext,
    readonly plan: AddressPlan,
    readonly device: DeviceProfile,
    readonly person: Person | null,
  ) {}

  /** A new leg end; `otherDevice` asks for a different device than usual (rejoin from the phone). */
  leg(otherDevice = false): LegEnd {
    const c = this.ctx;
    const device = this.person ? personDevice(c.rng, this.person, otherDevice) : this.device;
    return clientEnd(client(c, this.party, device, this.plan));
  }
}

/** Device mix of a person per call [est]: laptop/desktop ~83 %, phone ~13 %, browser ~4 %. */
function personDevice(rng: Rng, p: Person, other: boolean): DeviceProfile {
  const u = rng.next();
  if (other) return u < 0.7 ? p.mobile : p.desktop;
  return u < 0.13 ? p.mobile : u < 0.17 ? p.web : p.desktop;
}

/** What every leg of one record shares. */
export interface LegContext {
  rng: Rng;
  /** How often a leg goes through a Teams relay. */
  relayChance: number;
  agents: UserAgents;
  /** Epoch day of the record (user agents follow the weekly release train). */
  day: number;
}

function client(c: LegContext, party: Party, device: DeviceProfile, plan: AddressPlan): ClientSide {
  const rng = c.rng;
  const cls: NetClass = networkMix(device.kind).sample(rng);
  return {
    party,
    device,
    userAgent: c.agents.of(device, c.day),
    net: legNetwork(rng, device, plan, cls, c.relayChance),
    audioCodec: clientCodec(rng, device),
  };
}

/** External address plans (guests' homes and companies), built per record from the record PRNG. */
export function externalPlan(rng: Rng): AddressPlan {
  const corporate = rng.chance(0.5);
  const home: [number, number, number] = corporate
    ? [172, rng.int(16, 31), rng.int(0, 255)]
    : [192, 168, rng.pick([0, 1, 2, 178])];
  return {
    officeWired: home,
    officeWifi: [home[0], home[1], home[2] & 0xfc],
    home,
    officeHost: rng.int(2, 254),
    homeHost: rng.int(2, 254),
    officePublic: `198.51.100.${rng.int(1, 254)}`,
    homePublic: `198.51.100.${rng.int(1, 254)}`,
    dnsSuffix: '',
  };
}

/** Builds the per-record joiners. */
export class PartyFactory {
  readonly #rng: Rng;
  readonly #tenant: Tenant;
  readonly #ctx: LegContext;

  constructor(ctx: LegContext, tenant: Tenant) {
    this.#rng = ctx.rng;
    this.#tenant = tenant;
    this.#ctx = ctx;
  }

  person(index: number): Joiner {
    const p = this.#tenant.people[index]!;
    return new Joiner(p.party, this.#ctx, p.addresses, p.desktop, p);
  }

  room(index: number): Joiner {
    const r = this.#tenant.rooms[index]!;
    return new Joiner(r.party, this.#ctx, r.addresses, r.device, null);
  }

  #external(party: Party, devices: readonly DeviceProfile[]): Joiner {
    const rng = this.#rng;
    const device = rng.pick(devices);
    return new Joiner(party, this.#ctx, externalPlan(rng), device, null);
  }

  #name(): string {
    return this.#rng.pick(this.#tenant.externalNames);
  }

  /** An anonymous meeting guest [est identity values]. */
  guest(): Joiner {
    const t = this.#tenant;
    const party = makeParty({
      kind: 'guest',
      id: this.#rng.guid(),
      displayName: this.#name(),
      tenantId: t.tenantId,
    });
    return this.#external(party, t.guestDevices);
  }

  /** A user of a partner tenant (federation / B2B). */
  federated(partner = this.#rng.int(0, this.#tenant.partners.length - 1)): Joiner {
    const t = this.#tenant;
    const { tenantId } = t.partners[partner]!;
    const party = makeParty({ kind: 'federated', id: this.#rng.guid(), displayName: this.#name(), tenantId });
    return this.#external(party, t.guestDevices);
  }

  /** An Azure Communication Services user; id in the ACS MRI form `8:acs:<resource>_<guid>` [est]. */
  acs(): Joiner {
    const t = this.#tenant;
    const party = makeParty({
      kind: 'acs',
      id: `8:acs:${t.acsResourceId}_${this.#rng.guid()}`,
      displayName: this.#name(),
      tenantId: t.tenantId,
      acsResourceId: t.acsResourceId,
    });
    return this.#external(party, t.acsDevices);
  }

  /** A PSTN number in one of the tenant's countries (mobile or landline). */
  phone(): Party {
    const rng = this.#rng;
    const c = this.#tenant.countries.sample(rng);
    const id = rng.chance(0.5) ? c.mobile(rng) : c.landline(rng);
    return makeParty({ kind: 'phone', id, displayName: null, tenantId: null });
  }

  bot(): ServiceParty {
    return this.#rng.pick(this.#tenant.bots);
  }

  appInstance(): ServiceParty {
    return this.#rng.pick(this.#tenant.appInstances);
  }
}
