// The log rows a call record implies, so that the logs and the records tell one story: a P2P call through a
// mediation server is a Calling Plan / Operator Connect call (a PSTN row), through a gateway a Direct Routing call
// (a DR row whose correlationId is the record's id), and each bridge leg of a meeting is a conf_in or conf_out row
// of the organizer. Users, numbers and times are the record's. Calls that never connected leave no PSTN row (the
// usage report lists connected calls) but do leave a failed Direct Routing row.
import type {
  CallRecordDocument,
  DirectRoutingLogRow,
  Media,
  PstnCallLogRow,
  SessionDocument,
} from '../../graph/model/index.js';
import { hashSeed, Rng, Weighted } from '../prng.js';
import type { Accounts } from './accounts.js';
import { directRoutingRow, OUTBOUND_FAILURES, type FailureCode } from './direct-routing.js';
import { conferenceRow, userCallRow, type PstnLeg, type TenantFacts } from './pstn.js';

export interface CallRows {
  pstnCalls: PstnCallLogRow[];
  directRoutingCalls: DirectRoutingLogRow[];
}

/** Why an outbound call that reached the SBC was never answered [est]. */
const UNANSWERED = new Weighted<FailureCode>([
  [487, 0.55],
  [486, 0.2],
  [480, 0.2],
  [408, 0.05],
]);

type Endpoint = SessionDocument['caller'];

function roleOf(e: Endpoint): string | undefined {
  const ua = (e as { userAgent?: { role?: unknown } } | null)?.userAgent;
  return typeof ua?.role === 'string' ? ua.role : undefined;
}

const ms = (iso: string) => Date.parse(iso);
const PSTN_ROLES = new Set(['mediationServer', 'gateway']);
const BRIDGE_ROLE = 'audioTeleconferencerController';

function mainAudio(s: SessionDocument): Media | undefined {
  const media = s.segments[0]?.media ?? [];
  return media.find((m) => m.label === 'main-audio') ?? media[0];
}

export class RecordLogs {
  constructor(
    readonly accounts: Accounts,
    readonly seed: number,
    readonly tenant: TenantFacts,
    readonly domain: string,
  ) {}

  /** Appends the rows implied by `record` to `out`. */
  add(record: CallRecordDocument, out: CallRows): void {
    const rng = new Rng(
      hashSeed(
        this.seed,
        0x7e1e4c,
        parseInt(record.id.slice(0, 8), 16),
        parseInt(record.id.slice(9, 13), 16),
      ),
    );
    if (record.type === 'peerToPeer') this.#p2p(rng, record, out);
    else this.#conference(rng, record, out);
  }

  #p2p(rng: Rng, record: CallRecordDocument, out: CallRows): void {
    const s = record.sessions[0];
    if (!s) return;
    const callerRole = roleOf(s.caller);
    const calleeRole = roleOf(s.callee);
    const role = [callerRole, calleeRole].find((r) => r !== undefined && PSTN_ROLES.has(r));
    const phone = record.participants_v2.find((p) => p.id.startsWith('+'));
    const account = record.participants_v2.map((p) => this.accounts.byId(p.id)).find((a) => a);
    if (!role || !phone || !account) return;
    const direction = role === callerRole ? 'in' : 'out';
    const startMs = ms(record.startDateTime);
    const endMs = ms(record.endDateTime);
    const connected = s.failureInfo === null && endMs > startMs;
    if (role === 'gateway') {
      const failure: FailureCode | undefined = connected
        ? undefined
        : direction === 'in'
          ? 487
          : s.failureInfo
            ? OUTBOUND_FAILURES.sample(rng)
            : UNANSWERED.sample(rng);
      const call = {
        account,
        external: phone.id,
        direction,
        correlationId: record.id,
        startDateTime: record.startDateTime,
        startMs,
        ...(failure ? { failure } : { end: { dateTime: record.endDateTime, ms: endMs } }),
      } as const;
      out.directRoutingCalls.push(directRoutingRow(rng, call, this.domain));
      return;
    }
    if (!connected) return;
    const media = mainAudio(s);
    const net = direction === 'in' ? media?.calleeNetwork : media?.callerNetwork;
    const leg: PstnLeg = {
      account,
      external: phone.id,
      direction,
      startDateTime: record.startDateTime,
      endDateTime: record.endDateTime,
      startMs,
      endMs,
      localIp: net?.ipAddress || null,
      publicIp: net?.reflexiveIPAddress || null,
    };
    out.pstnCalls.push(userCallRow(rng, leg, this.tenant));
  }

  /** Bridge legs pair with the record's phone participants in order (each phone joins in one leg). */
  #conference(rng: Rng, record: CallRecordDocument, out: CallRows): void {
    const legs = record.sessions.filter(
      (s) => roleOf(s.caller) === BRIDGE_ROLE || roleOf(s.callee) === BRIDGE_ROLE,
    );
    if (legs.length === 0) return;
    const phones = record.participants_v2.filter((p) => p.id.startsWith('+'));
    const organizer = this.accounts.byId(record.organizer_v2?.id);
    if (!organizer || phones.length !== legs.length) return;
    legs.forEach((s, i) => {
      const startMs = ms(s.startDateTime);
      const endMs = ms(s.endDateTime);
      if (s.failureInfo !== null || endMs <= startMs) return;
      const leg: PstnLeg = {
        account: organizer,
        external: phones[i]!.id,
        direction: roleOf(s.caller) === BRIDGE_ROLE ? 'in' : 'out',
        startDateTime: s.startDateTime,
        endDateTime: s.endDateTime,
        startMs,
        endMs,
        localIp: null,
        publicIp: null,
      };
      out.pstnCalls.push(conferenceRow(rng, leg, this.tenant));
    });
  }
}
