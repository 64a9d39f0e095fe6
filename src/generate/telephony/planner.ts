// Extra calls for the telephony logs, planned into the record generator's calendar (GenerateHooks.extraPlans) so
// that each one gets a full call record: the reception line (customers calling Customer Support and Sales, who
// also call out) on Calling Plans and Operator Connect with some over Direct Routing, and meetings whose bridge
// dials out to phone numbers. Each local day has its own PRNG stream. Volumes are [est]: a 200-person tenant with
// a busy customer line makes ~170 PSTN calls a working day, several 1,000-row pages of PSTN calls in 30 days.
import type { Tenant } from '../directory.js';
import type { Plan } from '../plan.js';
import { hashSeed, Rng, sampleCumulative } from '../prng.js';
import { TimePatterns, WEEKDAY_FACTOR, type LocalDay } from '../time.js';

/** Reception-line calls per person and working day, and the share answered or made over Direct Routing [est]. */
export const RECEPTION_CALLS_PER_PERSON = 0.85;
const DIRECT_ROUTING_SHARE = 0.15;
/** Meetings a day whose organizer has the bridge call people out, per person [est]. */
const DIAL_OUT_MEETINGS_PER_PERSON = 0.012;

export class TelephonyPlanner {
  readonly #seed: number;
  readonly #patterns = new TimePatterns();
  #pools: { support: number[]; sales: number[] } | undefined;

  constructor(seed: number) {
    this.#seed = seed;
  }

  #pool(tenant: Tenant) {
    this.#pools ??= {
      support: tenant.people.filter((p) => p.user.department === 'Customer Support').map((p) => p.index),
      sales: tenant.people.filter((p) => p.user.department === 'Sales').map((p) => p.index),
    };
    return this.#pools;
  }

  /** The extra plans of one local day (for GenerateHooks.extraPlans). */
  plans = (tenant: Tenant, day: LocalDay): Plan[] => {
    const rng = new Rng(hashSeed(this.#seed, day.day, 0x7e1e9a));
    const factor = WEEKDAY_FACTOR[day.weekday]!;
    const people = tenant.people.length;
    const { support, sales } = this.#pool(tenant);
    const anyone = () => sampleCumulative(tenant.activityCum, rng);
    const from = (pool: number[]) => (pool.length > 0 ? pool[rng.int(0, pool.length - 1)]! : anyone());
    const plans: Plan[] = [];
    const base = { slotMs: 0, lengthMinutes: 0, series: null };
    const calls = Math.round(people * RECEPTION_CALLS_PER_PERSON * factor * rng.uniform(0.92, 1.08));
    for (let i = 0; i < calls; i++) {
      const inbound = rng.chance(0.6);
      const u = rng.next();
      const organizer = inbound
        ? u < 0.6
          ? from(support)
          : u < 0.9
            ? from(sales)
            : anyone()
        : u < 0.6
          ? from(sales)
          : anyone();
      plans.push({
        ...base,
        kind: 'p2p',
        startMs: day.midnightUtc + this.#patterns.callTimeOfDay(rng),
        organizer,
        seed: rng.u32(),
        pstn: {
          direction: inbound ? 'in' : 'out',
          gateway: rng.chance(DIRECT_ROUTING_SHARE) ? 'directRouting' : 'callingPlan',
        },
      });
    }
    const meetings = Math.round(people * DIAL_OUT_MEETINGS_PER_PERSON * factor * rng.uniform(0.7, 1.3));
    for (let i = 0; i < meetings; i++) {
      const slotMs = day.midnightUtc + this.#patterns.meetingSlotMinutes(rng) * 60_000;
      plans.push({
        kind: 'meeting',
        startMs: slotMs - rng.int(0, 180_000),
        organizer: anyone(),
        seed: rng.u32(),
        slotMs,
        lengthMinutes: this.#patterns.meetingLength.sample(rng),
        series: null,
        dialOuts: rng.chance(0.75) ? 1 : 2,
      });
    }
    return plans;
  };
}
