// Who in the tenant has which telephony licenses: the PSTN connectivity of each person's country, a Calling Plan
// (or Phone System for Operator Connect), an audio-conferencing license and, for a few, SMS. Deterministic per
// (seed, person). Shares are [est]; license names are the report's.
import type { AdministrativeUnitInfo } from '../../graph/model/index.js';
import type { DirectoryUser, Person, Tenant } from '../directory.js';
import { hashSeed, Rng, Weighted } from '../prng.js';
import { telcoOf, type Telco } from './tariffs.js';

/** Domestic plan, domestic + international plan, pay-as-you-go plan; MCOEV = Phone System (Operator Connect). */
export type CallingLicense = 'MCOPSTN1' | 'MCOPSTN2' | 'MCOPSTNU' | 'MCOEV';

export interface Account {
  index: number;
  user: DirectoryUser;
  telco: Telco;
  license: CallingLicense;
  /** Audio Conferencing (dial-out to domestic numbers included) or pay-per-minute conferencing. */
  conferencing: 'MCOMEETADD' | 'MCOMEETACPEA';
  /** Holds the SMS license (MCOSMS1). */
  sms: boolean;
  administrativeUnitInfos: AdministrativeUnitInfo[];
}

const CALLING_PLANS = new Weighted<CallingLicense>([
  ['MCOPSTN1', 0.55],
  ['MCOPSTN2', 0.3],
  ['MCOPSTNU', 0.15],
]);

/** The tenant's people with their telephony licenses, by index and by user id. */
export class Accounts {
  readonly list: Account[];
  readonly #byId = new Map<string, Account>();

  constructor(
    readonly tenant: Tenant,
    seed: number,
  ) {
    this.list = tenant.people.map((p) => account(p, seed));
    for (const a of this.list) this.#byId.set(a.user.id, a);
  }

  byId(userId: string | null | undefined): Account | undefined {
    return userId ? this.#byId.get(userId) : undefined;
  }
}

function account(p: Person, seed: number): Account {
  const rng = new Rng(hashSeed(seed, 0x7e1ec0, p.index));
  const telco = telcoOf(p.user.usageLocation);
  const plan = CALLING_PLANS.sample(rng);
  return {
    index: p.index,
    user: p.user,
    telco,
    license: telco.operatorConnect ? 'MCOEV' : plan,
    conferencing: rng.chance(0.25) ? 'MCOMEETACPEA' : 'MCOMEETADD',
    sms: rng.chance(0.12),
    administrativeUnitInfos: p.party.v2.administrativeUnitInfos.map((u) => ({ id: u.id })),
  };
}
