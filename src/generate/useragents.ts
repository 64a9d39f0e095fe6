// User agents: Teams header values follow a weekly release train per device, so they move
// during the period. Patterns are the ones seen in public payloads; the platform ids inside
// `CallSignalingAgent (N/...)` and the build-number scheme are estimates.
import type {
  ClientPlatform,
  ClientUserAgent,
  ProductFamily,
  ServiceRole,
  ServiceUserAgent,
} from '../graph/model/index.js';
import type { DeviceProfile } from './devices.js';
import { civilFromDays, MS_PER_DAY } from './format.js';
import { deepFreeze } from './identities.js';
import { hashSeed, Rng } from './prng.js';

export const CLIENT_UA = '#microsoft.graph.callRecords.clientUserAgent';
export const SERVICE_UA = '#microsoft.graph.callRecords.serviceUserAgent';

/** ISO week number of a day number (days since epoch). */
function isoWeek(day: number): number {
  const weekday = (((day + 3) % 7) + 7) % 7; // Monday = 0
  const thursday = day - weekday + 3;
  const [y] = civilFromDays(thursday);
  const jan1 = Math.floor(Date.UTC(y, 0, 1) / MS_PER_DAY);
  return Math.floor((thursday - jan1) / 7) + 1;
}

/**
 * `releases/CL<yyyy>.R<nn>` current on `day`. `releases/CL2025.R25` was seen on 2025-08-15 (ISO week 33) in the
 * PNP fixture; we assume one release train per week, numbered ISO week - 8 [est].
 */
function release(day: number): string {
  const [y] = civilFromDays(day);
  return `releases/CL${y}.R${String(Math.max(1, isoWeek(day) - 8)).padStart(2, '0')}`;
}

/** New Teams app version `<yy><ddd>.<n>.<n>.<n>` built on `day` [est pattern from `26033.600.4339.5819`]. */
function appVersion(rng: Rng, day: number): string {
  const [y] = civilFromDays(day);
  const doy = day - Math.floor(Date.UTC(y, 0, 1) / MS_PER_DAY) + 1;
  return `${y % 100}${String(doy).padStart(3, '0')}.${rng.int(600, 2300)}.${rng.int(3000, 4800)}.${rng.int(1000, 9999)}`;
}

/** Week number (Monday-based, since the epoch) of an epoch-day. */
export function weekOf(day: number): number {
  return Math.floor((day + 3) / 7);
}

/**
 * The user agent each device reports, per week: clients follow the weekly release train with a per-device lag, so
 * header values move during the period. Cached per device and week; the objects are frozen and shared.
 */
export class UserAgents {
  readonly #week: Int32Array;
  readonly #ua: (ClientUserAgent | undefined)[];

  constructor(devices: readonly DeviceProfile[]) {
    this.#week = new Int32Array(devices.length).fill(-1);
    this.#ua = new Array<ClientUserAgent | undefined>(devices.length);
  }

  of(d: DeviceProfile, day: number): ClientUserAgent {
    const week = weekOf(day);
    if (this.#week[d.id] === week) return this.#ua[d.id]!;
    const ua = Object.freeze(buildUserAgent(d, week));
    this.#week[d.id] = week;
    this.#ua[d.id] = ua;
    return ua;
  }
}

function buildUserAgent(d: DeviceProfile, week: number): ClientUserAgent {
  const h = d.header;
  if (h.fixed) return h.fixed;
  const day = week * 7 - 3 - 7 * h.lagWeeks; // Monday of the client's release week
  const rng = new Rng(hashSeed(h.salt, week));
  const rel = release(day);
  switch (h.style) {
    case 'csa': {
      const [y] = civilFromDays(day);
      const id = CSA_PLATFORM_ID[d.platform] ?? 49;
      return clientUa(
        `CallSignalingAgent (${id}/${appVersion(rng, day - rng.int(3, 12))}//;release_main/${y};${rel})`,
        d.platform,
        d.productFamily,
      );
    }
    case 'web': {
      const [os, osVer, browser, browserVer] = h.web!;
      const header = `Web CallSignalingAgent(PluginLess/${appVersion(rng, day - rng.int(3, 30))}/os=${os}; osVer=${osVer}; proc=x64; deviceType=Desktop; browser=${browser}; browserVer=${browserVer})`;
      return clientUa(header, d.platform, d.productFamily);
    }
    default:
      return clientUa(rel, d.platform, d.productFamily);
  }
}

// Platform ids inside CallSignalingAgent (N/...): 27 and 49 were seen for desktop; the others are made up [est].
const CSA_PLATFORM_ID: Partial<Record<ClientPlatform, number>> = {
  windows: 49,
  macOS: 50,
  iOS: 56,
  android: 54,
  roomSystem: 49,
};

export function clientUa(
  headerValue: string | null,
  platform: ClientPlatform,
  productFamily: ProductFamily,
  extra?: {
    applicationVersion?: string | null;
    communicationServiceId?: string | null;
    azureADAppId?: string | null;
  },
): ClientUserAgent {
  return {
    '@odata.type': CLIENT_UA,
    headerValue,
    applicationVersion: extra?.applicationVersion ?? null,
    platform,
    productFamily,
    communicationServiceId: extra?.communicationServiceId ?? null,
    azureADAppId: extra?.azureADAppId ?? null,
  };
}

/** The conferencing service side of a group-call leg as in the PNP fixture: everything unknown. */
export const CONFERENCE_UA_UNKNOWN: ClientUserAgent = deepFreeze(clientUa(null, 'unknown', 'unknown'));

export function serviceUa(role: ServiceRole, headerValue: string | null = null): ServiceUserAgent {
  return deepFreeze({ '@odata.type': SERVICE_UA, headerValue, applicationVersion: null, role });
}
