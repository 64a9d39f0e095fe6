// JSON text of the telephony log rows, per version: every declared property of the row type (and no other), in
// the order Graph's documentation examples show, with currency amounts written with their scale (`0.00`, `12.83`)
// as Graph's Edm.Decimal serializer does. The beta shape is the superset; v1.0 drops the beta-only properties.
import { allProperties, NS, type GraphVersion } from '../model/index.js';

/** Property order of the documentation examples; declared properties not listed follow in declared order. */
const EXAMPLE_ORDER: Readonly<Record<string, readonly string[]>> = {
  [`${NS}.pstnCallLogRow`]: [
    'id',
    'callId',
    'userId',
    'userPrincipalName',
    'userDisplayName',
    'startDateTime',
    'endDateTime',
    'duration',
    'charge',
    'callType',
    'currency',
    'calleeNumber',
    'usageCountryCode',
    'tenantCountryCode',
    'connectionCharge',
    'callerNumber',
    'destinationContext',
    'destinationName',
    'conferenceId',
    'licenseCapability',
    'inventoryType',
    'operator',
    'callDurationSource',
  ],
  [`${NS}.directRoutingLogRow`]: [
    'id',
    'correlationId',
    'userId',
    'userPrincipalName',
    'userDisplayName',
    'startDateTime',
    'inviteDateTime',
    'failureDateTime',
    'endDateTime',
    'duration',
    'callType',
    'successfulCall',
    'callerNumber',
    'calleeNumber',
    'mediaPathLocation',
    'signalingLocation',
    'finalSipCode',
    'callEndSubReason',
    'finalSipCodePhrase',
    'trunkFullyQualifiedDomainName',
    'mediaBypassEnabled',
  ],
  [`${NS}.smsLogRow`]: [
    'smsId',
    'userId',
    'userPrincipalName',
    'userDisplayName',
    'userCountryCode',
    'tenantCountryCode',
    'sourceNumber',
    'destinationNumber',
    'sentDateTime',
    'callCharge',
    'currency',
    'smsType',
    'destinationContext',
    'destinationName',
    'otherPartyCountryCode',
    'licenseCapability',
    'smsUnits',
  ],
  [`${NS}.pstnBlockedUsersLogRow`]: [
    'userId',
    'userPrincipalName',
    'userDisplayName',
    'blockDateTime',
    'userTelephoneNumber',
    'userBlockMode',
    'blockReason',
    'remediationId',
  ],
  [`${NS}.pstnOnlineMeetingDialoutReport`]: [
    'userId',
    'userPrincipalName',
    'userDisplayName',
    'usageLocation',
    'destinationContext',
    'currency',
    'totalCalls',
    'totalCallCharge',
    'totalCallSeconds',
  ],
};

/** A currency amount as Graph writes an Edm.Decimal with scale 2: `0.00`, `1.5` -> `1.50`, `0.0125` kept. */
export function decimalText(value: number): string {
  const fixed = value.toFixed(2);
  return Number(fixed) === value ? fixed : String(value);
}

interface Column {
  name: string;
  key: string;
  decimal: boolean;
}

const plans = new Map<string, Column[]>();

function columns(version: GraphVersion, typeName: string): Column[] {
  const cacheKey = `${version} ${typeName}`;
  let plan = plans.get(cacheKey);
  if (plan) return plan;
  const declared = allProperties(version, typeName);
  const order = EXAMPLE_ORDER[typeName] ?? [];
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  plan = declared
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p.name) - rank(b.p.name) || a.i - b.i)
    .map(({ p }) => ({ name: p.name, key: JSON.stringify(p.name), decimal: p.type === 'Edm.Decimal' }));
  plans.set(cacheKey, plan);
  return plan;
}

/** The row as JSON text in `version`'s shape. Missing properties are written as null (or left out). */
export function logRowText(
  version: GraphVersion,
  typeName: string,
  row: Readonly<Record<string, unknown>>,
  omitNulls = false,
): string {
  let out = '{';
  for (const c of columns(version, typeName)) {
    const v = row[c.name];
    if ((v === null || v === undefined) && omitNulls) continue;
    if (out.length > 1) out += ',';
    out +=
      c.key +
      ':' +
      (v === null || v === undefined
        ? 'null'
        : c.decimal && typeof v === 'number'
          ? decimalText(v)
          : JSON.stringify(v));
  }
  return out + '}';
}

/**
 * How the stored beta text of a row type becomes `version`'s text without parsing it: when `version`'s columns are
 * the first columns of the beta order (v1.0 only drops beta-only properties, which come last), its text is the
 * stored text cut before the first dropped property. `cut` is that property's `,"name":`; '' when nothing is
 * dropped; undefined when the columns are no prefix (then the row is parsed and written again).
 */
const cuts = new Map<string, { cut: string; kept: number } | undefined>();

function cutOf(version: GraphVersion, typeName: string): { cut: string; kept: number } | undefined {
  const cacheKey = `${version} ${typeName}`;
  if (cuts.has(cacheKey)) return cuts.get(cacheKey);
  const served = columns(version, typeName);
  const stored = columns('beta', typeName);
  let plan: { cut: string; kept: number } | undefined;
  if (served.every((c, i) => stored[i]?.name === c.name && stored[i].decimal === c.decimal)) {
    const first = stored[served.length];
    plan = { cut: first ? `,${first.key}:` : '', kept: served.length };
  }
  cuts.set(cacheKey, plan);
  return plan;
}

/**
 * Whether `end` in a JSON object's text is at its top level (not inside a nested value or a string) with `count`
 * properties before it. A string value cannot hold an unescaped quote, so `,"name":` found by indexOf is a
 * property unless it is nested.
 */
function topLevelAfter(text: string, end: number, count: number): boolean {
  let depth = 0;
  let commas = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string: to the next quote not escaped by an odd number of backslashes.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0 || q >= end) return false;
        let b = q - 1;
        while (text.charCodeAt(b) === 92 /* \ */) b--;
        i = q;
        if ((q - b) % 2 === 1) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
    else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
    else if (c === 44 /* , */ && depth === 1) commas++;
  }
  return depth === 1 && commas + 1 === count;
}

/** Stored (beta-shape) row text as `version` serves it. Beta without omit-values=nulls is the stored text itself. */
export function servedLogRowText(
  version: GraphVersion,
  typeName: string,
  stored: string,
  omitNulls: boolean,
): string {
  return logRowServer(version, typeName, omitNulls)(stored);
}

/** servedLogRowText for a whole page: the plan is looked up once, not per row. */
export function logRowServer(
  version: GraphVersion,
  typeName: string,
  omitNulls: boolean,
): (stored: string) => string {
  const parse = (stored: string) =>
    logRowText(version, typeName, JSON.parse(stored) as Record<string, unknown>, omitNulls);
  const plan = omitNulls ? undefined : cutOf(version, typeName);
  if (plan === undefined) return parse;
  if (plan.cut === '') return (stored) => stored;
  const { cut, kept } = plan;
  // The stored text is logRowText's own output, so its values need no rewriting: only the tail goes.
  return (stored) => {
    const at = stored.indexOf(cut);
    return at > 0 && topLevelAfter(stored, at, kept) ? stored.slice(0, at) + '}' : parse(stored);
  };
}
