// Countries of the synthetic tenant: offices, E.164 number plans (simplified; area codes are real, subscriber
// digits random) and which mix of countries a tenant in a given time zone has [est].
import { Weighted } from './prng.js';
import type { Rng } from './prng.js';

export interface Country {
  /** ISO 3166-1 alpha-2, as in `usageLocation`. */
  code: string;
  name: string;
  /** Office cities (the first is the main office). */
  cities: readonly string[];
  /** A geographic (landline) number in E.164. */
  landline(rng: Rng): string;
  /** A mobile number in E.164. */
  mobile(rng: Rng): string;
}

function digits(rng: Rng, n: number): string {
  let s = String(rng.int(1, 9));
  for (let i = 1; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

export const COUNTRIES: Readonly<Record<string, Country>> = {
  NL: {
    code: 'NL',
    name: 'Netherlands',
    cities: ['Amsterdam', 'Rotterdam', 'Utrecht', 'Eindhoven'],
    landline: (r) => '+31' + r.pick(['20', '10', '30', '40']) + digits(r, 7),
    mobile: (r) => '+316' + digits(r, 8),
  },
  DE: {
    code: 'DE',
    name: 'Germany',
    cities: ['Berlin', 'Munich', 'Hamburg'],
    landline: (r) => '+49' + r.pick(['30', '89', '40']) + digits(r, 8),
    mobile: (r) => '+49' + r.pick(['151', '160', '171', '176']) + digits(r, 8),
  },
  BE: {
    code: 'BE',
    name: 'Belgium',
    cities: ['Brussels', 'Antwerp'],
    landline: (r) => '+32' + r.pick(['2', '3']) + digits(r, 7),
    mobile: (r) => '+324' + r.pick(['7', '8', '9']) + digits(r, 7),
  },
  GB: {
    code: 'GB',
    name: 'United Kingdom',
    cities: ['London', 'Manchester'],
    // London 20 + 8 digits, Manchester 161 + 7 (ten national digits); the same draws either way.
    landline: (r) => {
      const area = r.pick(['20', '161']);
      const tail = digits(r, 7) + String(r.int(0, 9));
      return '+44' + area + tail.slice(0, 10 - area.length);
    },
    mobile: (r) => '+447' + digits(r, 9),
  },
  FR: {
    code: 'FR',
    name: 'France',
    cities: ['Paris', 'Lyon'],
    landline: (r) => '+33' + r.pick(['1', '4']) + digits(r, 8),
    mobile: (r) => '+33' + r.pick(['6', '7']) + digits(r, 8),
  },
  US: {
    code: 'US',
    name: 'United States',
    cities: ['New York', 'Seattle', 'Chicago'],
    // NANP exchange codes start with 2-9.
    landline: (r) => '+1' + r.pick(['212', '206', '312', '646']) + String(r.int(2, 9)) + digits(r, 6),
    mobile: (r) => '+1' + r.pick(['917', '425', '773']) + String(r.int(2, 9)) + digits(r, 6),
  },
};

type Mix = readonly (readonly [string, number])[];

// Where a tenant's people sit, by the tenant's time zone [est]. Unknown zones fall back to a US-centred mix.
const ZONE_MIX: Readonly<Record<string, Mix>> = {
  'Europe/Amsterdam': [
    ['NL', 0.62],
    ['DE', 0.12],
    ['BE', 0.09],
    ['GB', 0.07],
    ['FR', 0.05],
    ['US', 0.05],
  ],
  'Europe/Brussels': [
    ['BE', 0.6],
    ['NL', 0.15],
    ['FR', 0.15],
    ['DE', 0.05],
    ['GB', 0.05],
  ],
  'Europe/Berlin': [
    ['DE', 0.7],
    ['NL', 0.1],
    ['GB', 0.1],
    ['US', 0.1],
  ],
  'Europe/Paris': [
    ['FR', 0.7],
    ['BE', 0.1],
    ['GB', 0.1],
    ['US', 0.1],
  ],
  'Europe/London': [
    ['GB', 0.7],
    ['NL', 0.1],
    ['DE', 0.1],
    ['US', 0.1],
  ],
};

const DEFAULT_MIX: Mix = [
  ['US', 0.8],
  ['GB', 0.1],
  ['DE', 0.05],
  ['NL', 0.05],
];

export function countryMix(timeZone: string): Weighted<Country> {
  const mix =
    ZONE_MIX[timeZone] ?? (timeZone.startsWith('Europe/') ? ZONE_MIX['Europe/Amsterdam']! : DEFAULT_MIX);
  return new Weighted(mix.map(([code, w]) => [COUNTRIES[code]!, w] as const));
}
