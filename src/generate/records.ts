// Expands a plan into a full call record (P2P in p2p.ts, group calls in group.ts) and adds the record-level
// fields: type, modalities, version and lastModifiedDateTime, join URL, deprecated organizer/participants.
import type { CallRecordDocument, Modality } from '../graph/model/index.js';
import { Draft } from './draft.js';
import { adHoc, meeting } from './group.js';
import { p2p } from './p2p.js';
import type { Tenant } from './directory.js';
import { UserAgents } from './useragents.js';
import { isoInstant } from './format.js';
import type { Party } from './identities.js';
import type { PoorTally } from './media.js';
import type { Plan } from './plan.js';

/** Deprecated `participants` is capped at 130 entries. */
const LEGACY_PARTICIPANTS_CAP = 130;
/** Share of records updated by late telemetry (version 2) [est within the brief's 10-20 %]. */
const P_VERSION_2 = 0.15;

export class RecordFactory {
  readonly #tenant: Tenant;
  readonly #poorScale: number;
  readonly #stamp: Int32Array;
  readonly #agents: UserAgents;
  #stampValue = 0;
  /** Quality weight of the audio streams built so far (see `calibrate`). */
  readonly tally: PoorTally = { weight: 0, streams: 0 };

  constructor(tenant: Tenant, poorScale: number) {
    this.#tenant = tenant;
    this.#poorScale = poorScale;
    this.#stamp = new Int32Array(tenant.people.length);
    this.#agents = new UserAgents(tenant.devices);
  }

  build(plan: Plan): CallRecordDocument {
    this.#stampValue = (this.#stampValue + 1) | 0 || 1;
    const group = plan.kind !== 'p2p';
    const d = new Draft(
      plan,
      this.#tenant,
      this.#poorScale,
      this.tally,
      this.#stamp,
      this.#stampValue,
      group ? 0.25 : 0.4,
      this.#agents,
    );
    const recordId = d.rng.guid();
    let organizer: Party;
    let joinWebUrl = '';
    switch (plan.kind) {
      case 'p2p':
        organizer = p2p(d);
        break;
      case 'adhoc':
      case 'escalated':
        organizer = adHoc(d, plan.kind === 'escalated');
        break;
      case 'meeting':
      case 'townhall':
        organizer = meeting(d);
        joinWebUrl = meetUrl(this.#tenant.tenantId, organizer.id, plan.series?.threadId ?? d.rng.guid());
        break;
    }
    const modalities: Modality[] = ['audio'];
    if (d.video) modalities.push('video');
    if (d.sharing) modalities.push('screenSharing');
    const version = d.rng.chance(P_VERSION_2) ? 2 : 1;
    // lastModifiedDateTime 5-40 min after the end; late updates at the far end.
    const lag = version === 1 ? d.rng.int(300_000, 1_200_000) : d.rng.int(1_200_000, 2_400_000);
    const legacy = d.parties.slice(0, LEGACY_PARTICIPANTS_CAP).map((p) => p.legacy);
    return {
      id: recordId,
      version,
      type: group ? 'groupCall' : 'peerToPeer',
      modalities,
      lastModifiedDateTime: isoInstant(d.endMs + lag),
      startDateTime: isoInstant(plan.startMs),
      endDateTime: isoInstant(d.endMs),
      joinWebUrl,
      organizer: organizer.legacy,
      participants: legacy,
      organizer_v2: organizer.v2,
      sessions: d.sessions,
      participants_v2: d.parties.map((p) => p.v2),
    };
  }
}

/** Teams meeting join URL, exact format of Teams (thread id = base64 of a GUID string). */
export function meetUrl(tenantId: string, organizerId: string, threadGuid: string): string {
  const thread = Buffer.from(threadGuid, 'latin1').toString('base64');
  return (
    `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${thread}%40thread.v2/0?context=` +
    `%7b%22Tid%22%3a%22${tenantId}%22%2c%22Oid%22%3a%22${organizerId}%22%7d`
  );
}
