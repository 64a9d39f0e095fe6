// Parses `/subscriptions` paths (below /v1.0 or /beta): the collection, one subscription (`subscriptions/{id}` or
// `subscriptions('{id}')`) and its bound action `reauthorize` (also namespace-qualified).
import { GraphError, badRequest } from '../../errors.js';

export type SubscriptionPath =
  { kind: 'subscriptions' } | { kind: 'subscription'; id: string } | { kind: 'reauthorize'; id: string };

const KEYED = /^([A-Za-z_][\w.]*)\((.*)\)$/s;

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`The URL segment '${raw}' is not correctly percent-encoded.`);
  }
}

const unknownSegment = (seg: string) =>
  new GraphError('unknownSegment', { message: `Resource not found for the segment '${seg}'.` });

/**
 * Whether the first segment can be `subscriptions` once decoded, looking at its first 13 characters only: nearly
 * every request is not under /subscriptions and leaves here. An encoded spelling has a '%' among them.
 */
function mayBeSubscriptions(path: string): boolean {
  let i = 0;
  while (path.charCodeAt(i) === 47 /* '/' */) i++;
  const head = path.slice(i, i + 13);
  return head.includes('%') || head.toLowerCase() === 'subscriptions';
}

/** Undefined when the path is not under /subscriptions. */
export function parseSubscriptionPath(path: string): SubscriptionPath | undefined {
  if (!mayBeSubscriptions(path)) return undefined;
  const segs = path
    .split('/')
    .filter((s) => s.length > 0)
    .map(decode);
  const [first, ...rest] = segs;
  if (first === undefined) return undefined;
  const keyed = KEYED.exec(first);
  const root = keyed ? keyed[1]! : first;
  if (root.toLowerCase() !== 'subscriptions') return undefined;
  let id: string | undefined;
  if (keyed) id = keyed[2]!.replace(/^'(.*)'$/s, '$1');
  else id = rest.shift();
  if (id === undefined) return { kind: 'subscriptions' };
  const action = rest.shift();
  if (action === undefined) return { kind: 'subscription', id };
  if (rest.length > 0) throw unknownSegment(rest[0]!);
  const name = action.toLowerCase();
  if (name === 'reauthorize' || name === 'microsoft.graph.reauthorize') return { kind: 'reauthorize', id };
  throw unknownSegment(action);
}
