// Parses the resource path of a Graph URL (below /v1.0 or /beta) into a typed target. Keys may be written as
// segments (`callRecords/{id}`) or in parentheses (`callRecords('{id}')`), as OData allows.
import { GraphError } from '../../errors.js';

export type ResourcePath =
  | { kind: 'records' }
  | { kind: 'recordsCount' }
  | { kind: 'record'; recordId: string }
  | { kind: 'sessions'; recordId: string }
  | { kind: 'sessionsCount'; recordId: string }
  | { kind: 'session'; recordId: string; sessionId: string }
  | { kind: 'segments'; recordId: string; sessionId: string }
  | { kind: 'segmentsCount'; recordId: string; sessionId: string }
  | { kind: 'segment'; recordId: string; sessionId: string; segmentId: string }
  | { kind: 'participants'; recordId: string }
  | { kind: 'participantsCount'; recordId: string }
  | { kind: 'participant'; recordId: string; participantId: string }
  | { kind: 'organizer'; recordId: string }
  | { kind: 'function'; name: string; rawParameters: string };

/** Segments split on '/', each percent-decoded; `name('key')` is split into name and key. */
interface Segment {
  name: string;
  key?: string;
  raw: string;
}

const KEYED = /^([A-Za-z_][\w.]*)\((.*)\)$/s;

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new GraphError('badRequest', {
      message: `The URL segment '${raw}' is not correctly percent-encoded.`,
    });
  }
}

function parseKey(text: string, raw: string): string {
  const named = /^\w+=(.*)$/s.exec(text);
  const value = named ? named[1]! : text;
  const quoted = /^'((?:[^']|'')*)'$/s.exec(value);
  if (quoted) return quoted[1]!.replace(/''/g, "'");
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(value))
    return value;
  throw new GraphError('badRequest', {
    message: `Bad Request - Error in query syntax: invalid key in '${raw}'.`,
  });
}

function splitSegments(path: string): Segment[] {
  return path
    .split('/')
    .filter((s) => s.length > 0)
    .map((raw) => {
      const text = decode(raw);
      const keyed = KEYED.exec(text);
      if (!keyed) return { name: text, raw: text };
      return { name: keyed[1]!, key: keyed[2]!, raw: text };
    });
}

const FUNCTIONS = new Map(
  [
    'getPstnCalls',
    'getDirectRoutingCalls',
    'getSmsLog',
    'getPstnBlockedUsersLog',
    'getPstnOnlineMeetingDialoutReport',
  ].map((f) => [f.toLowerCase(), f]),
);

const unknownSegment = (seg: Segment) =>
  new GraphError('unknownSegment', { message: `Resource not found for the segment '${seg.raw}'.` });

/** Undefined means the path is not part of the surface this server implements (a 404). */
export function parseResourcePath(path: string): ResourcePath | undefined {
  const segs = splitSegments(path);
  const [root, coll, ...rest] = segs;
  if (!root || root.name.toLowerCase() !== 'communications' || root.key !== undefined) return undefined;
  if (!coll) return undefined;
  if (coll.name.toLowerCase() !== 'callrecords') {
    throw unknownSegment(coll);
  }
  let recordId: string;
  if (coll.key !== undefined) {
    recordId = parseKey(coll.key, coll.raw);
  } else {
    const first = rest.shift();
    if (!first) return { kind: 'records' };
    if (first.name.toLowerCase() === '$count' && first.key === undefined) {
      if (rest.length > 0) throw unknownSegment(rest[0]!);
      return { kind: 'recordsCount' };
    }
    if (first.key !== undefined) {
      const qualified = first.name.toLowerCase().startsWith('microsoft.graph.callrecords.');
      const fn = FUNCTIONS.get(
        (qualified ? first.name.slice('microsoft.graph.callRecords.'.length) : first.name).toLowerCase(),
      );
      if (fn) {
        if (rest.length > 0) throw unknownSegment(rest[0]!);
        return { kind: 'function', name: fn, rawParameters: first.key };
      }
      throw unknownSegment(first);
    }
    recordId = first.name;
  }
  return parseRecordChild(recordId, rest);
}

function parseRecordChild(recordId: string, rest: Segment[]): ResourcePath {
  const nav = rest.shift();
  if (!nav) return { kind: 'record', recordId };
  const keyOf = (seg: Segment, next: Segment[]): string | undefined => {
    if (seg.key !== undefined) return parseKey(seg.key, seg.raw);
    const k = next.shift();
    if (!k) return undefined;
    if (k.key !== undefined) throw unknownSegment(k);
    return k.name;
  };
  const done = (r: ResourcePath): ResourcePath => {
    if (rest.length > 0) throw unknownSegment(rest[0]!);
    return r;
  };
  switch (nav.name.toLowerCase()) {
    case 'organizer_v2':
      if (nav.key !== undefined) throw unknownSegment(nav);
      return done({ kind: 'organizer', recordId });
    case 'participants_v2': {
      if (nav.key === undefined && rest[0]?.name.toLowerCase() === '$count') {
        rest.shift();
        return done({ kind: 'participantsCount', recordId });
      }
      const participantId = keyOf(nav, rest);
      return done(
        participantId === undefined
          ? { kind: 'participants', recordId }
          : { kind: 'participant', recordId, participantId },
      );
    }
    case 'sessions': {
      if (nav.key === undefined && rest[0]?.name.toLowerCase() === '$count') {
        rest.shift();
        return done({ kind: 'sessionsCount', recordId });
      }
      const sessionId = keyOf(nav, rest);
      if (sessionId === undefined) return { kind: 'sessions', recordId };
      const sub = rest.shift();
      if (!sub) return { kind: 'session', recordId, sessionId };
      if (sub.name.toLowerCase() !== 'segments') throw unknownSegment(sub);
      if (sub.key === undefined && rest[0]?.name.toLowerCase() === '$count') {
        rest.shift();
        return done({ kind: 'segmentsCount', recordId, sessionId });
      }
      const segmentId = keyOf(sub, rest);
      return done(
        segmentId === undefined
          ? { kind: 'segments', recordId, sessionId }
          : { kind: 'segment', recordId, sessionId, segmentId },
      );
    }
    default:
      throw unknownSegment(nav);
  }
}
