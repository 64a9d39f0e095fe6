// Telephony facts per country of the synthetic tenant: calling codes and mobile ranges (to classify the E.164
// numbers of countries.ts), currency, how users there reach the PSTN (Calling Plan or an Operator Connect
// carrier), per-minute rates, the audio-conferencing bridge number and the Direct Routing SBC. Rates, carriers
// and trunks are [est]: no source gives them; the value sets follow the documented log rows.
import { COUNTRIES, type Country } from '../countries.js';

export interface Telco {
  country: Country;
  callingCode: string;
  /** National significant number prefixes of mobile ranges. */
  mobilePrefixes: readonly string[];
  currency: string;
  /** Carrier of the Operator Connect users of this country, or null when they use Microsoft Calling Plans. */
  operatorConnect: { name: string; reportsDuration: boolean } | null;
  /** Pay-per-minute rates in `currency`: domestic landline and mobile [est]. */
  domestic: { landline: number; mobile: number };
  /** What a call into this country costs per minute from abroad, in EUR [est]. */
  inbound: { landline: number; mobile: number };
  /** Connection fee per pay-per-minute call to a mobile, in `currency` [est]. */
  mobileConnectionFee: number;
  /** The toll number of the audio-conferencing bridge [est]. */
  bridge: string;
  /** The Direct Routing SBC of the office and the Azure regions of its media and signalling [est]. */
  trunk: { fqdn: (domain: string) => string; media: string; signaling: string };
}

const T = (t: Omit<Telco, 'country'> & { code: string }): Telco => ({ ...t, country: COUNTRIES[t.code]! });

export const TELCOS: readonly Telco[] = [
  T({
    code: 'NL',
    callingCode: '31',
    mobilePrefixes: ['6'],
    currency: 'EUR',
    operatorConnect: { name: 'KPN', reportsDuration: true },
    domestic: { landline: 0.021, mobile: 0.089 },
    inbound: { landline: 0.034, mobile: 0.118 },
    mobileConnectionFee: 0.03,
    bridge: '+31207941375',
    trunk: { fqdn: (d) => `ams-audiocodes01.${d}`, media: 'EUWE', signaling: 'EUWE' },
  }),
  T({
    code: 'DE',
    callingCode: '49',
    mobilePrefixes: ['15', '16', '17'],
    currency: 'EUR',
    operatorConnect: null,
    domestic: { landline: 0.019, mobile: 0.079 },
    inbound: { landline: 0.029, mobile: 0.105 },
    mobileConnectionFee: 0.02,
    bridge: '+4969365081530',
    trunk: { fqdn: (d) => `fra-ribbon01.${d}`, media: 'EUWE', signaling: 'EUNO' },
  }),
  T({
    code: 'BE',
    callingCode: '32',
    mobilePrefixes: ['47', '48', '49'],
    currency: 'EUR',
    operatorConnect: { name: 'Proximus', reportsDuration: false },
    domestic: { landline: 0.025, mobile: 0.095 },
    inbound: { landline: 0.038, mobile: 0.124 },
    mobileConnectionFee: 0.03,
    bridge: '+3225886201',
    trunk: { fqdn: (d) => `ams-audiocodes01.${d}`, media: 'EUWE', signaling: 'EUWE' },
  }),
  T({
    code: 'GB',
    callingCode: '44',
    mobilePrefixes: ['7'],
    currency: 'GBP',
    operatorConnect: null,
    domestic: { landline: 0.016, mobile: 0.048 },
    inbound: { landline: 0.024, mobile: 0.071 },
    mobileConnectionFee: 0.02,
    bridge: '+442036083241',
    trunk: { fqdn: (d) => `lon-audiocodes02.${d}`, media: 'UKSO', signaling: 'EUNO' },
  }),
  T({
    code: 'FR',
    callingCode: '33',
    mobilePrefixes: ['6', '7'],
    currency: 'EUR',
    operatorConnect: null,
    domestic: { landline: 0.02, mobile: 0.085 },
    inbound: { landline: 0.031, mobile: 0.112 },
    mobileConnectionFee: 0.02,
    bridge: '+33170750921',
    trunk: { fqdn: (d) => `fra-ribbon01.${d}`, media: 'EUWE', signaling: 'EUNO' },
  }),
  T({
    code: 'US',
    callingCode: '1',
    mobilePrefixes: [],
    currency: 'USD',
    operatorConnect: null,
    domestic: { landline: 0.012, mobile: 0.012 },
    inbound: { landline: 0.021, mobile: 0.021 },
    mobileConnectionFee: 0,
    bridge: '+12065388512',
    trunk: { fqdn: (d) => `nyc-ribbon01.${d}`, media: 'USEA', signaling: 'USEA' },
  }),
];

const BY_CODE = new Map(TELCOS.map((t) => [t.country.code, t]));
/** Longest calling codes first, so +1 never shadows a longer code. */
const BY_PREFIX = [...TELCOS].sort((a, b) => b.callingCode.length - a.callingCode.length);

export function telcoOf(countryCode: string): Telco {
  return BY_CODE.get(countryCode) ?? BY_CODE.get('US')!;
}

export interface NumberInfo {
  telco: Telco;
  mobile: boolean;
}

/** The country and kind of an E.164 number of the tenant's countries. */
export function numberInfo(e164: string): NumberInfo {
  const digits = e164.startsWith('+') ? e164.slice(1) : e164;
  const telco = BY_PREFIX.find((t) => digits.startsWith(t.callingCode)) ?? telcoOf('US');
  const national = digits.slice(telco.callingCode.length);
  return { telco, mobile: telco.mobilePrefixes.some((p) => national.startsWith(p)) };
}

/** EUR to other currencies, for international rates [est, fixed]. */
const FROM_EUR: Readonly<Record<string, number>> = { EUR: 1, GBP: 0.85, USD: 1.08 };

/** Per-minute rate of a call from a user in `from` to `to`, in `from`'s currency. */
export function perMinuteRate(from: Telco, to: NumberInfo): number {
  if (to.telco === from) return to.mobile ? from.domestic.mobile : from.domestic.landline;
  const eur = to.mobile ? to.telco.inbound.mobile : to.telco.inbound.landline;
  return eur * (FROM_EUR[from.currency] ?? 1);
}

/** Money rounded to the cent, as the usage reports show it. */
export function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/** Billed minutes of a connected call (started minutes). */
export function billedMinutes(durationS: number): number {
  return Math.max(1, Math.ceil(durationS / 60));
}

/** The conference id of an organizer's audio-conferencing bridge: 9 digits, stable per organizer [est]. */
export function conferenceIdOf(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (Math.imul(h, 31) + userId.charCodeAt(i)) >>> 0;
  return String(100_000_000 + (h % 900_000_000));
}
