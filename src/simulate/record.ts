// Turns a finished simulated call into a call record with the generator's building blocks. Two parties throughout:
// a peer-to-peer record with one session. More (from the start, or added later): a group call with one session
// per participant leg against the conferencing service; a P2P call escalated by adding people keeps its P2P part
// as the first session, as Teams does. Media follow the modalities used in each leg; held time carries no media.
import type { CallRecordDocument, MediaStream, Modality, SessionDocument } from '../graph/model/index.js';
import { isoInstant } from '../generate/format.js';
import type { MediaSpec } from '../generate/media.js';
import { LABEL, pickVideoCodec } from '../generate/media.js';
import { Rng } from '../generate/prng.js';
import { buildSession, CONFERENCE_ENDPOINTS, CONFERENCE_SIDE, serviceEnd } from '../generate/sessions.js';
import type { LegEnd } from '../generate/sessions.js';
import { SimClients } from './clients.js';
import type { Leg, SimCall, SimModality, SimParticipant } from './types.js';

/** Per audio stream chance of being poor is this times the networks' weight: ~3 % of streams [est, generator]. */
const POOR_SCALE = 0.035;
/** The deprecated `participants` list is capped at 130 entries. */
const LEGACY_PARTICIPANTS_CAP = 130;

/** What flowed in [a, b): media time, and when video and sharing were first and last on. */
export interface Usage {
  activeMs: number;
  videoMs: number;
  sharingMs: number;
  video?: [number, number];
  sharing?: [number, number];
}

function modalitiesAt(call: SimCall, t: number): SimModality[] {
  let current = call.modalityLog[0]?.modalities ?? ['audio'];
  for (const m of call.modalityLog) if (m.atMs <= t) current = m.modalities;
  return current;
}

function heldAt(call: SimCall, t: number): boolean {
  return call.holds.some((h) => h.fromMs <= t && t < (h.toMs ?? Infinity));
}

/** Media time in [a, b) per modality; time on hold counts as nothing when `holdApplies` (the source's legs). */
export function usage(call: SimCall, a: number, b: number, holdApplies: boolean): Usage {
  const cuts = new Set([a, b]);
  const cut = (t: number) => t > a && t < b && cuts.add(t);
  for (const m of call.modalityLog) cut(m.atMs);
  if (holdApplies) for (const h of call.holds) [h.fromMs, h.toMs ?? b].forEach(cut);
  const points = [...cuts].sort((x, y) => x - y);
  const u: Usage = { activeMs: 0, videoMs: 0, sharingMs: 0 };
  for (let i = 0; i + 1 < points.length; i++) {
    const t0 = points[i]!;
    const t1 = points[i + 1]!;
    const mid = (t0 + t1) / 2;
    if (holdApplies && heldAt(call, mid)) continue;
    const on = modalitiesAt(call, mid);
    u.activeMs += t1 - t0;
    if (on.includes('video')) {
      u.videoMs += t1 - t0;
      u.video = [u.video?.[0] ?? t0, t1];
    }
    if (on.includes('videoBasedScreenSharing')) {
      u.sharingMs += t1 - t0;
      u.sharing = [u.sharing?.[0] ?? t0, t1];
    }
  }
  return u;
}

/**
 * Streams were drawn for the whole leg; scale their packet counts to the time each medium really flowed (held
 * time, video turned on late), and time-stamp visual streams that did not run for the whole leg.
 */
function applyUsage(session: SessionDocument, u: Usage, spanMs: number): void {
  if (spanMs <= 0) return;
  for (const segment of session.segments) {
    for (const media of segment.media) {
      const visual = media.label === LABEL.video ? u.video : media.label === LABEL.sharing ? u.sharing : null;
      const onMs =
        media.label === LABEL.video ? u.videoMs : media.label === LABEL.sharing ? u.sharingMs : u.activeMs;
      if (media.label === LABEL.data) continue;
      for (const s of media.streams) scaleStream(s, onMs / spanMs, visual && onMs < spanMs ? visual : null);
    }
  }
}

function scaleStream(s: MediaStream, fraction: number, window: [number, number] | null): void {
  if (s.packetUtilization !== null && s.packetUtilization > 0) {
    s.packetUtilization = Math.max(1, Math.round(s.packetUtilization * fraction));
    if (window) {
      s.startDateTime = isoInstant(window[0]);
      s.endDateTime = isoInstant(window[1]);
    }
  }
}

/** Legs closed at `endMs`; a leg that would start at or after the end never happened (the call was not answered). */
function legsOf(p: SimParticipant, endMs: number): Required<Leg>[] {
  return p.legs
    .filter((l, i) => l.joinMs < endMs || (p.role === 'source' && i === 0))
    .map((l) => ({ joinMs: l.joinMs, leaveMs: Math.max(l.joinMs, Math.min(l.leaveMs ?? endMs, endMs)) }));
}

/** Builds version 1 of the record of `call`, hung up at `endMs` (not yet normalized). */
export function buildRecord(call: SimCall, endMs: number): CallRecordDocument {
  const rng = new Rng(call.options.seed);
  const clients = new SimClients(rng, call.participants, call.createdMs);
  const tally = { weight: 0, streams: 0 };
  const videoCodec = pickVideoCodec(rng);
  const sessions: SessionDocument[] = [];
  const modalities = new Set<Modality>(['audio']);
  const group = call.groupSinceMs !== undefined;
  const [source, ...others] = call.participants;
  if (!source || !others[0]) throw new Error('a simulated call has a source and at least one target');

  const add = (
    caller: LegEnd,
    callee: LegEnd,
    leg: Required<Leg>,
    o: { holdApplies: boolean; data: boolean; connected: boolean; audioOnly: boolean; presenter: boolean },
  ) => {
    const u = usage(call, leg.joinMs, leg.leaveMs, o.holdApplies);
    const media: MediaSpec = {
      connected: o.connected,
      data: o.data,
      video: !o.audioOnly && u.videoMs > 0,
      sharing: o.audioOnly || u.sharingMs === 0 ? 'none' : o.presenter ? 'send' : 'receive',
      callerMuted: false,
      poorScale: POOR_SCALE,
      tally,
      videoCodec,
    };
    const spec = { startMs: leg.joinMs, endMs: leg.leaveMs, failure: null, media };
    const built = buildSession(rng, caller, callee, spec);
    applyUsage(built.session, u, leg.leaveMs - leg.joinMs);
    for (const m of built.modalities) modalities.add(m);
    sessions.push(built.session);
  };
  const phone = (p: SimParticipant) => p.identity.kind === 'phone';

  if (!group) {
    const target = others[0];
    const answered = legsOf(target, endMs).length > 0;
    add(
      clients.end(source, false),
      clients.end(target, false),
      { joinMs: call.createdMs, leaveMs: endMs },
      {
        holdApplies: true,
        data: false,
        connected: answered,
        audioOnly: phone(source) || phone(target),
        presenter: true,
      },
    );
  } else {
    const since = call.groupSinceMs!;
    if (since > call.createdMs) {
      // Escalated: the two parties talked peer to peer until more people were added.
      const target = others[0];
      add(
        clients.end(source, false),
        clients.end(target, false),
        { joinMs: call.createdMs, leaveMs: since },
        {
          holdApplies: true,
          data: false,
          connected: true,
          audioOnly: phone(source) || phone(target),
          presenter: true,
        },
      );
    }
    // [est] the PNP fixture's all-unknown conference agent most of the time, an MCU otherwise.
    const conference = serviceEnd(
      rng.chance(0.7) ? CONFERENCE_ENDPOINTS.unknown : CONFERENCE_ENDPOINTS.mcu,
      CONFERENCE_SIDE,
    );
    for (const p of call.participants) {
      for (const leg of legsOf(p, endMs)) {
        if (leg.joinMs < since) continue;
        const me = clients.end(p, true);
        // A calling number dials in; invited numbers are dialled out by the bridge (the conference calls them).
        const dialOut = phone(p) && p.role !== 'source';
        add(dialOut ? conference : me, dialOut ? me : conference, leg, {
          holdApplies: p.role === 'source',
          data: !phone(p),
          connected: true,
          audioOnly: phone(p),
          presenter: p.role === 'source',
        });
      }
    }
  }

  const parties = call.participants.map((p) => clients.party(p));
  const organizer = parties[0]!;
  const order: Modality[] = ['audio', 'video', 'screenSharing'];
  return {
    id: call.callChainId,
    version: 1,
    type: group ? 'groupCall' : 'peerToPeer',
    modalities: order.filter((m) => modalities.has(m)),
    lastModifiedDateTime: isoInstant(endMs),
    startDateTime: isoInstant(call.createdMs),
    endDateTime: isoInstant(endMs),
    joinWebUrl: '',
    organizer: organizer.legacy,
    participants: parties.slice(0, LEGACY_PARTICIPANTS_CAP).map((p) => p.legacy),
    organizer_v2: organizer.v2,
    participants_v2: parties.map((p) => p.v2),
    sessions,
  };
}
