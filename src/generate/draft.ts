// The record being assembled: its PRNG stream, participants, sessions and the modalities seen so far.
import type { SessionDocument } from '../graph/model/index.js';
import type { Tenant } from './directory.js';
import type { UserAgents } from './useragents.js';
import { MS_PER_DAY } from './format.js';
import type { Party } from './identities.js';
import type { MediaSpec, PoorTally } from './media.js';
import { PartyFactory } from './parties.js';
import type { Plan } from './plan.js';
import { Rng } from './prng.js';
import { buildSession } from './sessions.js';
import type { LegEnd, LegSpec } from './sessions.js';

/** Everything one record accumulates while it is assembled. */
export class Draft {
  readonly rng: Rng;
  readonly parties: Party[] = [];
  readonly sessions: SessionDocument[] = [];
  readonly factory: PartyFactory;
  video = false;
  sharing = false;
  endMs: number;

  constructor(
    readonly plan: Plan,
    readonly tenant: Tenant,
    readonly poorScale: number,
    readonly tally: PoorTally,
    readonly stamp: Int32Array,
    readonly stampValue: number,
    relayChance: number,
    agents: UserAgents,
  ) {
    this.rng = new Rng(plan.seed);
    const day = Math.floor(plan.startMs / MS_PER_DAY);
    this.factory = new PartyFactory({ rng: this.rng, relayChance, agents, day }, tenant);
    this.endMs = plan.startMs;
  }

  /** Marks a directory person as taken in this record; false if already in. */
  take = (i: number): boolean => {
    if (this.stamp[i] === this.stampValue) return false;
    this.stamp[i] = this.stampValue;
    return true;
  };

  /**
   * Adds a participant unless already in. Directory people are de-duplicated by `take`, generated ids are random
   * GUIDs; only phone numbers (random digits) can collide, so only those are searched.
   */
  addParty(p: Party): boolean {
    if (p.kind === 'phone' || p.kind === 'bot' || p.kind === 'appInstance') {
      for (const q of this.parties) if (q.id === p.id) return false;
    }
    this.parties.push(p);
    return true;
  }

  media(over: Partial<MediaSpec>): MediaSpec {
    return {
      connected: true,
      data: true,
      video: false,
      sharing: 'none',
      callerMuted: false,
      poorScale: this.poorScale,
      tally: this.tally,
      videoCodec: 'h264',
      ...over,
    };
  }

  session(caller: LegEnd, callee: LegEnd, spec: LegSpec): void {
    const built = buildSession(this.rng, caller, callee, spec);
    this.sessions.push(built.session);
    for (const m of built.modalities) {
      if (m === 'video') this.video = true;
      if (m === 'screenSharing') this.sharing = true;
    }
    if (spec.endMs > this.endMs) this.endMs = spec.endMs;
  }
}
