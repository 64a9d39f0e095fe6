// Late telemetry: a record first arrives without what clients upload later (audio device telemetry and the
// participants' call-quality ratings), then version 2 brings them, with a later lastModifiedDateTime.
import type {
  CallRecordDocument,
  Endpoint,
  ParticipantEndpoint,
  ServiceEndpoint,
  SessionDocument,
  UserFeedback,
  UserFeedbackRating,
} from '../graph/model/index.js';
import { LABEL } from '../generate/media.js';
import type { Rng } from '../generate/prng.js';
import { nullDevice } from '../generate/media.js';
import { TOKENS } from '../generate/sessions.js';
import { classifyAudioStream } from '../generate/streams.js';

type AnyEndpoint = Endpoint | ParticipantEndpoint | ServiceEndpoint | null;

/** Human endpoints carry feedback (notRated when not asked); services and phone legs carry none. */
function setFeedback(ep: AnyEndpoint, fb: UserFeedback): void {
  if (ep && 'feedback' in ep && ep.feedback !== null) ep.feedback = structuredClone(fb);
}

const NOT_RATED: UserFeedback = { text: null, rating: 'notRated', tokens: {} };

/** Version 1 as it first arrives: client audio-device telemetry and ratings are not in yet. */
export function withoutLateTelemetry(doc: CallRecordDocument): CallRecordDocument {
  const first = structuredClone(doc);
  for (const s of first.sessions) {
    setFeedback(s.caller, NOT_RATED);
    setFeedback(s.callee, NOT_RATED);
    for (const g of s.segments) {
      setFeedback(g.caller, NOT_RATED);
      setFeedback(g.callee, NOT_RATED);
      for (const m of g.media) {
        if (m.callerDevice?.captureDeviceName != null) m.callerDevice = nullDevice(null);
        if (m.calleeDevice?.captureDeviceName != null) m.calleeDevice = nullDevice(null);
      }
    }
  }
  return first;
}

function impaired(s: SessionDocument): boolean {
  return s.segments.some((g) =>
    g.media.some((m) => m.label === LABEL.audio && m.streams.some((x) => classifyAudioStream(x) === 'poor')),
  );
}

/** A rating after the call [est]: low after poor audio (with one token set), good or excellent otherwise. */
function rating(rng: Rng, poor: boolean): UserFeedback {
  const value: UserFeedbackRating = poor
    ? rng.pick(['bad', 'poor', 'fair'] as const)
    : rng.pick(['good', 'excellent', 'excellent'] as const);
  const token = poor ? rng.int(0, TOKENS.length - 1) : -1;
  const tokens: Record<string, boolean> = {};
  TOKENS.forEach((t, i) => (tokens[t] = i === token));
  return { text: null, rating: value, tokens };
}

/** Version 2: everything of `doc`, and every human participant rated the call. */
export function withLateTelemetry(doc: CallRecordDocument, rng: Rng): CallRecordDocument {
  const late = structuredClone(doc);
  late.version = 2;
  for (const s of late.sessions) {
    const poor = impaired(s);
    const callerFb = rating(rng, poor);
    const calleeFb = rating(rng, poor);
    setFeedback(s.caller, callerFb);
    setFeedback(s.callee, calleeFb);
    for (const g of s.segments) {
      setFeedback(g.caller, callerFb);
      setFeedback(g.callee, calleeFb);
    }
  }
  return late;
}
