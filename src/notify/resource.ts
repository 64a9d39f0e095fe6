// The `resource` of a call records subscription: `communications/callRecords` (a leading slash is optional), or the
// participant form `/communications/callRecords?$filter=participants/any(p:p/id eq '{id}')`.

export interface CallRecordsResource {
  /** Only records with this participant (an Entra object id, or a phone number) are notified. */
  participantId: string | null;
}

const PATH = 'communications/callrecords';
const PARTICIPANT_FILTER =
  /^\s*participants(?:_v2)?\/any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$/i;

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Undefined when the resource is not one this server can notify about. */
export function parseCallRecordsResource(resource: string): CallRecordsResource | undefined {
  const q = resource.indexOf('?');
  const path = (q < 0 ? resource : resource.slice(0, q)).trim().replace(/^\//, '').replace(/\/$/, '');
  if (path.toLowerCase() !== PATH) return undefined;
  if (q < 0) return { participantId: null };
  // Split by hand: URLSearchParams would turn the '+' of a phone number into a space.
  const pairs = resource
    .slice(q + 1)
    .split('&')
    .filter((p) => p.length > 0);
  if (pairs.length !== 1) return undefined;
  const pair = pairs[0]!;
  const eq = pair.indexOf('=');
  if (eq < 0 || decode(pair.slice(0, eq)).toLowerCase() !== '$filter') return undefined;
  const m = PARTICIPANT_FILTER.exec(decode(pair.slice(eq + 1)));
  if (!m || m[2] === '') return undefined;
  return { participantId: m[2]!.replace(/''/g, "'") };
}
