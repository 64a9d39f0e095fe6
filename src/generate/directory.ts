// The tenant's directory and everything per person that stays fixed over the period: identities, devices, address
// plan, department and activity. This is the only place faker is used (names, job titles, host names).
// The English locale's entry point: the package's main one loads every locale (about 5x the start-up CPU), once
// in each generation thread. Its instance's definitions are English over the base locale, and English wins
// wherever both define a value, so a Faker built from them draws what one built from English alone draws.
import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';
import {
  acsDevice,
  DeviceRegistry,
  desktopDevice,
  mobileDevice,
  roomDevice,
  skypeForBusinessDevice,
  webDevice,
} from './devices.js';
import type { DeviceProfile } from './devices.js';
import { serviceUa } from './useragents.js';
import { countryMix } from './countries.js';
import type { Country } from './countries.js';
import { freezeParty, makeParty } from './identities.js';
import type { Party } from './identities.js';
import type { AddressPlan } from './network.js';
import { hashSeed, Rng } from './prng.js';
import type { ServiceUserAgent } from '../graph/model/index.js';
import type { ResolvedOptions } from './options.js';

/** A member of the tenant's directory (the subset of an Entra user the call data refers to). */
export interface DirectoryUser {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  userPrincipalName: string;
  mail: string;
  jobTitle: string;
  department: string;
  officeLocation: string;
  city: string;
  /** Country name, e.g. "Netherlands". */
  country: string;
  /** ISO 3166-1 alpha-2 code. */
  usageLocation: string;
  /** Business phone in E.164. */
  phoneNumber: string;
  mobilePhone: string;
}

export interface Person {
  index: number;
  user: DirectoryUser;
  party: Party;
  desktop: DeviceProfile;
  mobile: DeviceProfile;
  web: DeviceProfile;
  addresses: AddressPlan;
  department: number;
  /** Team within the department (people who meet together). */
  team: number;
}

export interface Room {
  party: Party;
  device: DeviceProfile;
  addresses: AddressPlan;
}

export interface ServiceParty {
  party: Party;
  userAgent: ServiceUserAgent;
}

export interface PartnerTenant {
  tenantId: string;
  domain: string;
}

export interface Tenant {
  tenantId: string;
  domain: string;
  people: Person[];
  /** Indices of people per department. */
  departments: number[][];
  /** Cumulative activity weights over people (heavy callers call more). */
  activityCum: Float64Array;
  rooms: Room[];
  /** Recording / transcription bots that join meetings. */
  bots: ServiceParty[];
  /** Auto attendant and call queue resource accounts. */
  appInstances: ServiceParty[];
  partners: PartnerTenant[];
  /** Names for guests, federated and ACS participants (drawn per record with the record PRNG). */
  externalNames: string[];
  acsResourceId: string;
  acsAppId: string;
  acsDevices: DeviceProfile[];
  guestDevices: DeviceProfile[];
  country: Country;
  countries: ReturnType<typeof countryMix>;
  /** Every client device (index = DeviceProfile.id). */
  devices: DeviceProfile[];
}

const DEPARTMENTS: readonly (readonly [string, number])[] = [
  ['Sales', 0.18],
  ['Engineering', 0.2],
  ['Marketing', 0.08],
  ['Customer Support', 0.12],
  ['Finance', 0.07],
  ['Human Resources', 0.05],
  ['Operations', 0.1],
  ['IT', 0.06],
  ['Legal', 0.03],
  ['Product Management', 0.06],
  ['Executive', 0.05],
];

const HOME_NETS: readonly (readonly [number, number, number])[] = [
  [192, 168, 0],
  [192, 168, 1],
  [192, 168, 2],
  [192, 168, 178],
  [192, 168, 68],
  [10, 0, 0],
];

const ascii = (s: string) => s.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '');

function siteOf(country: Country, countries: readonly string[]): number {
  return Math.max(0, countries.indexOf(country.code));
}

function addressPlan(rng: Rng, site: number, team: number, index: number, domain: string): AddressPlan {
  const octet = 10 + site * 8;
  return {
    officeWired: [10, octet, 16 + (team % 96)],
    officeWifi: [10, octet + 1, 128 + 4 * (index % 30)],
    home: rng.pick(HOME_NETS),
    officeHost: rng.int(10, 250),
    homeHost: rng.int(2, 254),
    officePublic: `203.0.113.${10 + site * 10 + rng.int(0, 3)}`,
    homePublic: `198.51.100.${rng.int(1, 254)}`,
    dnsSuffix: rng.chance(0.7) ? `corp.${domain}` : '',
  };
}

/** Builds the tenant (deterministic in `seed`, `users`, `tenantId` and `timeZone`). */
export function buildTenant(opts: ResolvedOptions): Tenant {
  const f = new (english.constructor as typeof Faker)({ locale: english.rawDefinitions });
  f.seed(hashSeed(opts.seed, 0x7e4a47));
  const rng = new Rng(hashSeed(opts.seed, 0xd1ec7));
  const reg = new DeviceRegistry();
  const countries = countryMix(opts.timeZone);
  const countryCodes = countries.values.map((c) => c.code);
  const company = ascii(f.company.name().split(/[\s,-]/)[0] ?? 'contoso').toLowerCase() || 'contoso';
  const domain = `${company}.com`;
  const tenantId = opts.tenantId;
  const adminUnits = countryCodes.map(() => rng.guid());

  const upns = new Set<string>();
  const people: Person[] = [];
  const departments: number[][] = DEPARTMENTS.map(() => []);
  const deptPick = DEPARTMENTS.map(([, w]) => w);
  const cum = new Float64Array(opts.users);
  let total = 0;
  for (let i = 0; i < opts.users; i++) {
    const givenName = f.person.firstName();
    const surname = f.person.lastName();
    let local = `${ascii(givenName)}.${ascii(surname)}`.toLowerCase();
    if (upns.has(local)) local += String(upns.size);
    upns.add(local);
    const country = countries.sample(rng);
    const site = siteOf(country, countryCodes);
    const dept = i === 0 ? DEPARTMENTS.length - 1 : weightedIndex(rng, deptPick);
    const team = Math.floor(departments[dept]!.length / 8);
    departments[dept]!.push(i);
    const city = country.cities[0]!;
    const user: DirectoryUser = {
      id: rng.guid(),
      displayName: `${givenName} ${surname}`,
      givenName,
      surname,
      userPrincipalName: `${local}@${domain}`,
      mail: `${local}@${domain}`,
      jobTitle: i === 0 ? 'Chief Executive Officer' : f.person.jobTitle(),
      department: DEPARTMENTS[dept]![0],
      officeLocation: `${city} ${rng.int(1, 6)}.${String(rng.int(1, 40)).padStart(2, '0')}`,
      city,
      country: country.name,
      usageLocation: country.code,
      phoneNumber: country.landline(rng),
      mobilePhone: country.mobile(rng),
    };
    const naming = {
      givenName,
      surname,
      countryCode: country.code,
      hostSuffix: f.string.alphanumeric({ length: 8, casing: 'upper' }),
    };
    const party = freezeParty(
      makeParty({
        kind: 'user',
        id: user.id,
        displayName: user.displayName,
        tenantId,
        userPrincipalName: user.userPrincipalName,
        administrativeUnitIds: rng.chance(0.7) ? [adminUnits[site]!] : [],
      }),
    );
    people.push({
      index: i,
      user,
      party,
      desktop: desktopDevice(rng, reg, naming),
      mobile: mobileDevice(rng, reg),
      web: webDevice(rng, reg),
      addresses: addressPlan(rng, site, dept * 16 + team, i, domain),
      department: dept,
      team,
    });
    // Activity is heavy-tailed [est]: a few people call a lot (sales, support, managers).
    total += rng.logNormal(1, 0.6);
    cum[i] = total;
  }

  const rooms: Room[] = [];
  const roomCount = Math.max(1, Math.round(opts.users / 25));
  for (let r = 0; r < roomCount; r++) {
    const country = r === 0 ? countries.values[0]! : countries.sample(rng);
    const site = siteOf(country, countryCodes);
    const city = country.cities[0]!;
    const name = `${city} ${rng.int(1, 6)}.${String(rng.int(1, 30)).padStart(2, '0')} Meeting Room`;
    const party = freezeParty(
      makeParty({
        kind: 'room',
        id: rng.guid(),
        displayName: name,
        tenantId,
        userPrincipalName: `room.${ascii(city).toLowerCase()}.${r + 1}@${domain}`,
      }),
    );
    rooms.push({
      party,
      device: roomDevice(rng, reg, city, r + 1),
      addresses: addressPlan(rng, site, 100 + r, r, domain),
    });
  }

  // Service participants: header values are Teams audit-log user agents; names [est].
  const service = (kind: 'bot' | 'appInstance', name: string, ua: ServiceUserAgent): ServiceParty => ({
    party: freezeParty(makeParty({ kind, id: rng.guid(), displayName: name, tenantId })),
    userAgent: ua,
  });
  const bots = [
    service('bot', 'Meeting Recorder', serviceUa('customBot', 'SkypeBot Call Recorder Teams')),
    service('bot', 'Transcription', serviceUa('customBot', 'SkypeBot Transcription Bot Teams')),
  ];
  const appInstances = [
    service(
      'appInstance',
      'Main Line Auto Attendant',
      serviceUa('skypeForBusinessAutoAttendant', 'CaaEnterpriseBot'),
    ),
    service('appInstance', 'Service Desk Queue', serviceUa('skypeForBusinessCallQueues', 'CaaEnterpriseBot')),
  ];

  const partners: PartnerTenant[] = [];
  for (let p = 0; p < 4; p++) {
    const name = ascii(f.company.name().split(/[\s,-]/)[0] ?? 'fabrikam').toLowerCase() || 'fabrikam';
    partners.push({ tenantId: rng.guid(), domain: `${name}.com` });
  }
  const externalNames: string[] = [];
  for (let n = 0; n < 400; n++) externalNames.push(f.person.fullName());

  const acsResourceId = rng.guid();
  const acsAppId = rng.guid();
  const acsDevices = Array.from({ length: 8 }, () => acsDevice(rng, reg, acsResourceId, acsAppId));
  const guestDevices: DeviceProfile[] = [];
  for (let g = 0; g < 24; g++) {
    const u = rng.next();
    guestDevices.push(
      u < 0.55
        ? webDevice(rng, reg)
        : u < 0.8
          ? desktopDevice(rng, reg, {
              givenName: 'Guest',
              surname: String(g),
              countryCode: 'EXT',
              hostSuffix: f.string.alphanumeric({ length: 8, casing: 'upper' }),
            })
          : u < 0.95
            ? mobileDevice(rng, reg)
            : skypeForBusinessDevice(rng, reg),
    );
  }

  return {
    tenantId,
    domain,
    people,
    departments,
    activityCum: cum,
    rooms,
    bots,
    appInstances,
    partners,
    externalNames,
    acsResourceId,
    acsAppId,
    acsDevices,
    guestDevices,
    country: countries.values[0]!,
    countries,
    devices: reg.devices,
  };
}

function weightedIndex(rng: Rng, weights: readonly number[]): number {
  let sum = 0;
  for (const w of weights) sum += w;
  let u = rng.next() * sum;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}
