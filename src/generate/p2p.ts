// P2P records: internal calls (some unanswered or sent to voicemail), PSTN in/out, federated and ACS users,
// resource accounts (auto attendant / call queue) and echo test calls. One session with one segment.
import type { Draft } from './draft.js';
import type { Party } from './identities.js';
import { pickVideoCodec } from './media.js';
import { pickColleagues } from './plan.js';
import { Weighted } from './prng.js';
import {
  CONFERENCE_SIDE,
  ECHO_ENDPOINT,
  failure,
  P_MIDCALL_FAILURE,
  P_SETUP_FAILURE,
  agentEnd,
  PSTN_ENDPOINTS,
  pstnSide,
  serviceEnd,
  VOICEMAIL_ENDPOINT,
} from './sessions.js';
import type { LegEnd } from './sessions.js';
import { p2pDurationMs } from './time.js';

type P2PVariant = 'internal' | 'pstnOut' | 'pstnIn' | 'federated' | 'acs' | 'appInstance' | 'echo';
// [est] Most P2P calls are internal; PSTN ~12 %, federated and resource accounts a few %, echo tests ~1 %.
const P2P_VARIANTS = new Weighted<P2PVariant>([
  ['internal', 0.78],
  ['pstnOut', 0.07],
  ['pstnIn', 0.05],
  ['federated', 0.04],
  ['acs', 0.015],
  ['appInstance', 0.025],
  ['echo', 0.01],
]);

/** Fills a P2P record; returns its organizer (the caller, or the PSTN number of an inbound call). */
export function p2p(d: Draft): Party {
  const { rng, plan, factory } = d;
  const forced = plan.pstn;
  const variant: P2PVariant = forced
    ? forced.direction === 'in'
      ? 'pstnIn'
      : 'pstnOut'
    : P2P_VARIANTS.sample(rng);
  d.take(plan.organizer);
  const a = factory.person(plan.organizer);
  const setupFail = rng.chance(P_SETUP_FAILURE);
  const canMiss = variant === 'internal' || variant === 'federated' || variant === 'pstnOut';
  const unanswered = !setupFail && canMiss && rng.chance(0.07);
  const voicemail = unanswered && variant === 'internal' && rng.chance(0.4);
  let duration: number;
  if (setupFail) duration = rng.int(0, 12_000);
  else if (voicemail) duration = rng.int(8_000, 60_000);
  else if (unanswered) duration = 0;
  else if (variant === 'echo') duration = rng.int(10_000, 40_000);
  else duration = p2pDurationMs(rng);
  const dropped = !setupFail && !unanswered && duration > 20_000 && rng.chance(P_MIDCALL_FAILURE);
  const fail = setupFail ? failure(rng, 'callSetup') : dropped ? failure(rng, 'midcall') : null;
  const humans = variant === 'internal' || variant === 'federated' || variant === 'acs';
  const video = humans && !unanswered && rng.chance(0.3);
  const sharing = humans && !unanswered && rng.chance(0.12);
  const media = d.media({
    data: false,
    connected: !setupFail && !(unanswered && !voicemail),
    video,
    sharing: sharing ? (rng.chance(0.6) ? 'send' : 'receive') : 'none',
    videoCodec: pickVideoCodec(rng),
  });
  const spec = { startMs: plan.startMs, endMs: plan.startMs + duration, failure: fail, media };

  let organizer = a.party;
  let caller: LegEnd = a.leg();
  let callee: LegEnd;
  d.addParty(a.party);
  switch (variant) {
    case 'internal': {
      const [b] = pickColleagues(rng, d.tenant, plan.organizer, 1, d.take);
      const other = d.factory.person(b ?? (plan.organizer + 1) % d.tenant.people.length);
      d.addParty(other.party);
      callee = voicemail ? serviceEnd(VOICEMAIL_ENDPOINT, CONFERENCE_SIDE) : other.leg();
      break;
    }
    case 'federated':
    case 'acs': {
      const other = variant === 'acs' ? factory.acs() : factory.federated();
      d.addParty(other.party);
      callee = other.leg();
      // Customers reach people through the ACS app: the ACS user calls.
      if (variant === 'acs') [caller, callee] = [callee, caller];
      break;
    }
    case 'pstnOut':
    case 'pstnIn': {
      const phone = factory.phone();
      d.addParty(phone);
      const gateway = forced
        ? PSTN_ENDPOINTS[forced.gateway]
        : rng.chance(0.5)
          ? PSTN_ENDPOINTS.callingPlan
          : PSTN_ENDPOINTS.directRouting;
      callee = serviceEnd(gateway, pstnSide(rng));
      if (variant === 'pstnIn') {
        [caller, callee] = [callee, caller];
        organizer = phone;
        d.parties.reverse();
      }
      break;
    }
    case 'appInstance': {
      const app = factory.appInstance();
      d.addParty(app.party);
      callee = agentEnd(app, CONFERENCE_SIDE);
      break;
    }
    case 'echo':
      callee = serviceEnd(ECHO_ENDPOINT, CONFERENCE_SIDE);
      break;
  }
  d.session(caller, callee, { ...spec, isTest: variant === 'echo' });
  return organizer;
}
