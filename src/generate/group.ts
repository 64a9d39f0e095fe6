// Group-call records: ad hoc group calls, P2P calls escalated to group calls, scheduled meetings and town halls.
// Each participant leg is a session with the conferencing service; failures and rejoins add sessions.
import type { Draft } from './draft.js';
import type { Party } from './identities.js';
import type { MediaSpec } from './media.js';
import { pickVideoCodec } from './media.js';
import { NET } from './network.js';
import type { Joiner } from './parties.js';
import { meetingSize, pickColleagues } from './plan.js';
import type { Rng } from './prng.js';
import {
  CONFERENCE_ENDPOINTS,
  CONFERENCE_SIDE,
  failure,
  P_MIDCALL_FAILURE,
  P_SETUP_FAILURE,
  agentEnd,
  PSTN_ENDPOINTS,
  pstnSide,
  serviceEnd,
} from './sessions.js';
import type { LegEnd } from './sessions.js';
import { adHocDurationMs, joinOffsetMs, meetingOverrunMs } from './time.js';

interface Attendance {
  joiner: Joiner;
  joinMs: number;
  leaveMs: number;
  media: MediaSpec;
}

/**
 * The sessions of one participant in a group call: a failed setup is usually retried, a mid-call drop is usually
 * followed by a rejoin (an extra session), some people rejoin from their phone, a few switch networks mid-session.
 */
function attend(d: Draft, a: Attendance, conference: LegEnd): void {
  const { rng } = d;
  let t = a.joinMs;
  const leave = a.leaveMs;
  if (rng.chance(P_SETUP_FAILURE)) {
    const end = t + rng.int(1_000, 15_000);
    d.session(a.joiner.leg(), conference, {
      startMs: t,
      endMs: end,
      failure: failure(rng, 'callSetup'),
      media: { ...a.media, connected: false },
    });
    t = end + rng.int(5_000, 60_000);
    if (!rng.chance(0.8) || t > leave - 15_000) return;
  }
  if (leave - t > 60_000 && rng.chance(P_MIDCALL_FAILURE)) {
    const cut = t + Math.round((leave - t) * rng.uniform(0.15, 0.85));
    d.session(a.joiner.leg(), conference, {
      startMs: t,
      endMs: cut,
      failure: failure(rng, 'midcall'),
      media: a.media,
    });
    t = cut + rng.int(10_000, 120_000);
    if (rng.chance(0.7) && t < leave - 15_000) {
      d.session(a.joiner.leg(), conference, { startMs: t, endMs: leave, failure: null, media: a.media });
    }
    return;
  }
  if (leave - t > 600_000 && rng.chance(0.04)) {
    // Left and came back (e.g. moved from the laptop to the phone).
    const cut = t + Math.round((leave - t) * rng.uniform(0.2, 0.8));
    d.session(a.joiner.leg(), conference, { startMs: t, endMs: cut, failure: null, media: a.media });
    t = cut + rng.int(5_000, 90_000);
    d.session(a.joiner.leg(true), conference, { startMs: t, endMs: leave, failure: null, media: a.media });
    return;
  }
  const leg = a.joiner.leg();
  const switchAt =
    leave - t > 300_000 && rng.chance(0.03)
      ? { atMs: t + Math.round((leave - t) * rng.uniform(0.2, 0.8)), caller: a.joiner.leg(true) }
      : undefined;
  d.session(leg, conference, { startMs: t, endMs: leave, failure: null, media: a.media, switchAt });
}

function conferenceEnd(rng: Rng): LegEnd {
  // [est] PNP's all-unknown agent most of the time, a service role otherwise.
  const u = rng.next();
  const ep =
    u < 0.65
      ? CONFERENCE_ENDPOINTS.unknown
      : u < 0.9
        ? CONFERENCE_ENDPOINTS.mcu
        : CONFERENCE_ENDPOINTS.mediaController;
  return serviceEnd(ep, CONFERENCE_SIDE);
}

function leaveTime(rng: Rng, joinMs: number, endMs: number): number {
  if (rng.chance(0.18))
    return joinMs + Math.max(20_000, Math.round((endMs - joinMs) * rng.uniform(0.2, 0.9)));
  return Math.max(joinMs + 20_000, endMs - rng.int(0, 60_000));
}

/** Ad hoc group call, or a P2P call that was escalated by adding people (first session is the P2P part). */
export function adHoc(d: Draft, escalated: boolean): Party {
  const { rng, plan, factory } = d;
  d.take(plan.organizer);
  const host = factory.person(plan.organizer);
  d.addParty(host.party);
  const others = pickColleagues(rng, d.tenant, plan.organizer, rng.int(2, 5), d.take).map((i) =>
    factory.person(i),
  );
  if (others.length === 0 || rng.chance(0.1))
    others.push(rng.chance(0.5) ? factory.federated() : factory.guest());
  let t = plan.startMs;
  const video = rng.chance(0.3);
  const presenter = rng.chance(0.25) ? rng.int(0, others.length) : -1;
  const media = (i: number) =>
    d.media({
      video: video && rng.chance(0.75),
      sharing: presenter < 0 ? 'none' : presenter === i ? 'send' : 'receive',
      videoCodec: pickVideoCodec(rng),
    });
  if (escalated) {
    // A called B; after a few minutes they added more people.
    const b = others.shift()!;
    const p2pEnd = t + rng.int(60_000, 600_000);
    d.session(host.leg(), b.leg(), {
      startMs: t,
      endMs: p2pEnd,
      failure: null,
      media: { ...media(-1), data: false },
    });
    t = p2pEnd + rng.int(2_000, 20_000);
    others.unshift(b);
  }
  const end = t + adHocDurationMs(rng);
  const conference = conferenceEnd(rng);
  attend(d, { joiner: host, joinMs: t, leaveMs: leaveTime(rng, t, end), media: media(0) }, conference);
  others.forEach((o, i) => {
    if (!escalated && i > 0 && !rng.chance(0.85)) return; // did not pick up
    d.addParty(o.party);
    const join = t + rng.int(3_000, 40_000);
    attend(
      d,
      { joiner: o, joinMs: join, leaveMs: leaveTime(rng, join, end), media: media(i + 1) },
      conference,
    );
  });
  return host.party;
}

/** Scheduled meeting (one-off or recurring) or the weekly town hall. */
export function meeting(d: Draft): Party {
  const { rng, plan, factory, tenant } = d;
  const townHall = plan.kind === 'townhall';
  const people = tenant.people.length;
  d.take(plan.organizer);
  const organizer = factory.person(plan.organizer);
  const invited: Joiner[] = [];
  if (townHall) {
    // Everyone is invited; ~80 % come, at least 140 and at most 300 interactive attendees [est].
    const target = Math.min(300, Math.max(140, Math.round(0.8 * people)));
    const order = Int32Array.from({ length: people }, (_, i) => i);
    for (let i = 0; i < people && invited.length < target - 1; i++) {
      const j = rng.int(i, people - 1);
      const v = order[j]!;
      order[j] = order[i]!;
      if (d.take(v)) invited.push(factory.person(v));
    }
    while (invited.length < target - 1) invited.push(rng.chance(0.6) ? factory.federated() : factory.guest());
  } else {
    const list = plan.series
      ? plan.series.attendees.filter((i) => rng.chance(0.85) && d.take(i))
      : pickColleagues(rng, tenant, plan.organizer, meetingSize(rng, people) - 1, d.take);
    for (const i of list) invited.push(factory.person(i));
    // [est] externals and extra endpoints in some meetings.
    if (rng.chance(0.12)) for (let n = rng.int(1, 3); n > 0; n--) invited.push(factory.guest());
    if (rng.chance(0.12)) {
      const partner = rng.int(0, tenant.partners.length - 1);
      for (let n = rng.int(1, 4); n > 0; n--) invited.push(factory.federated(partner));
    }
    if (rng.chance(0.03)) for (let n = rng.int(1, 2); n > 0; n--) invited.push(factory.acs());
    if (rng.chance(0.3)) invited.push(factory.room(rng.int(0, tenant.rooms.length - 1)));
  }
  const organizerAttends = townHall || invited.length === 0 || rng.chance(0.92);
  const attendees = organizerAttends ? [organizer, ...invited] : invited;

  const endMs = Math.max(
    plan.startMs + 120_000,
    plan.slotMs + plan.lengthMinutes * 60_000 + meetingOverrunMs(rng, plan.lengthMinutes),
  );
  const video = townHall || rng.chance(0.5);
  const sharingMeeting = townHall ? rng.chance(0.9) : rng.chance(0.4);
  const videoCodec = pickVideoCodec(rng);
  const conference = conferenceEnd(rng);
  const big = attendees.length > 10;
  attendees.forEach((j, i) => {
    // The first attendee opens the meeting at the plan's start; the others join around the slot.
    const joinMs =
      i === 0
        ? plan.startMs
        : Math.max(plan.startMs + rng.int(1_000, 60_000), plan.slotMs + joinOffsetMs(rng));
    if (i > 0 && joinMs >= endMs - 30_000) return;
    if (!d.addParty(j.party)) return;
    const presenter = townHall ? i < 3 : i === 0;
    attend(
      d,
      {
        joiner: j,
        joinMs,
        leaveMs: i === 0 ? endMs : leaveTime(rng, joinMs, endMs),
        media: d.media({
          video: video && (townHall ? presenter || rng.chance(0.6) : rng.chance(0.75)),
          sharing: !sharingMeeting ? 'none' : presenter && i === 0 ? 'send' : 'receive',
          callerMuted: !presenter && rng.chance(townHall ? 0.85 : big ? 0.4 : 0.1),
          videoCodec,
        }),
      },
      conference,
    );
  });
  // A recording or transcription bot joins some meetings [est] for the whole meeting.
  if (!townHall && rng.chance(0.05)) {
    const bot = factory.bot();
    if (d.addParty(bot.party)) {
      const botEnd = agentEnd(bot, {
        client: null,
        cls: NET.wired,
        audioCodec: 'satin',
        pstn: false,
        weighted: true,
      });
      d.session(botEnd, conference, {
        startMs: Math.min(endMs - 60_000, plan.startMs + rng.int(5_000, 60_000)),
        endMs,
        failure: null,
        media: d.media({ data: false }),
      });
    }
  }
  // PSTN dial-in attendees through the audio-conferencing bridge [est]. A planned dial-out (telephony hook) has the
  // bridge call the numbers instead: the conference is the caller of those legs.
  const dialOuts = plan.dialOuts ?? 0;
  if (!townHall && (dialOuts > 0 || rng.chance(0.06))) {
    for (let n = dialOuts > 0 ? dialOuts : rng.int(1, 2); n > 0; n--) {
      const phone = factory.phone();
      if (!d.addParty(phone)) continue;
      const joinMs = Math.max(plan.startMs + rng.int(1_000, 60_000), plan.slotMs + joinOffsetMs(rng));
      if (joinMs >= endMs - 30_000) continue;
      const bridge = serviceEnd(PSTN_ENDPOINTS.dialIn, pstnSide(rng));
      const leg = {
        startMs: joinMs,
        endMs: leaveTime(rng, joinMs, endMs),
        failure: null,
        media: d.media({}),
      };
      if (dialOuts > 0) d.session(conference, bridge, leg);
      else d.session(bridge, conference, leg);
    }
  }
  return organizer.party;
}
