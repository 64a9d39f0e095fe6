// Stable keyed pseudonyms (HMAC-SHA256) for what identifies people and their machines in call records and telephony
// logs, so that production shapes can go into a test tenant. The same value maps to the same pseudonym everywhere
// (records and logs alike), and ids are kept, so joins still work: a Direct Routing row's correlationId still names
// its call record, a participant's user id still matches its sessions.
//
// Which string properties are rewritten is an explicit list by property name (PSEUDONYMIZED), and so is the list of
// string properties kept as they are (KEPT). A string under any other name that the schema does not declare with a
// non-string type (an enum, a date-time, a duration) is replaced by an opaque pseudonym: nothing is kept by guessing.
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { MODELS } from '../graph/model/index.js';

export type Category =
  'name' | 'upn' | 'email' | 'phone' | 'ip' | 'mac' | 'device' | 'host' | 'domain' | 'callId' | 'text';

/** String properties rewritten, by name, wherever they occur in a record or a log row. */
export const PSEUDONYMIZED: Readonly<Record<string, Category>> = {
  displayName: 'name',
  userDisplayName: 'name',
  userPrincipalName: 'upn',
  email: 'email',
  callerNumber: 'phone',
  calleeNumber: 'phone',
  userTelephoneNumber: 'phone',
  sourceNumber: 'phone',
  destinationNumber: 'phone',
  ipAddress: 'ip',
  reflexiveIPAddress: 'ip',
  relayIPAddress: 'ip',
  subnet: 'ip',
  clientLocalIpV4Address: 'ip',
  clientLocalIpV6Address: 'ip',
  clientPublicIpV4Address: 'ip',
  clientPublicIpV6Address: 'ip',
  macAddress: 'mac',
  basicServiceSetIdentifier: 'mac',
  name: 'device',
  captureDeviceName: 'device',
  renderDeviceName: 'device',
  trunkFullyQualifiedDomainName: 'host',
  dnsSuffix: 'domain',
  callId: 'callId',
  text: 'text',
};

/**
 * String properties kept as they are: ids (so that joins still resolve), tenant and app ids, country and currency
 * codes, product and driver versions, locations of Microsoft's data centres, failure reasons, meeting links (which
 * hold ids only). An `id` that is a phone number (a phone identity, a participant keyed by its number) is the
 * exception: it is a number and is rewritten as one.
 */
export const KEPT: ReadonlySet<string> = new Set([
  'id',
  'tenantId',
  'userId',
  'azureCommunicationServicesResourceId',
  'azureADAppId',
  'communicationServiceId',
  'applicationType',
  'applicationVersion',
  'headerValue',
  'cpuName',
  'captureDeviceDriver',
  'renderDeviceDriver',
  'wifiMicrosoftDriver',
  'wifiMicrosoftDriverVersion',
  'wifiVendorDriver',
  'wifiVendorDriverVersion',
  'label',
  'streamId',
  'reason',
  'joinWebUrl',
  'conferenceId',
  'correlationId',
  'transferorCorrelationId',
  'remediationId',
  'smsId',
  'smsType',
  'blockReason',
  'callType',
  'currency',
  'destinationContext',
  'destinationName',
  'licenseCapability',
  'inventoryType',
  'operator',
  'otherPartyCountryCode',
  'tenantCountryCode',
  'usageCountryCode',
  'usageLocation',
  'userCountryCode',
  'signalingLocation',
  'mediaPathLocation',
  'finalSipCodePhrase',
]);

/** Property names the schemas declare only with non-string types (enums, dates, durations): their text is kept. */
const STRUCTURAL: ReadonlySet<string> = (() => {
  const strings = new Set<string>();
  const others = new Set<string>();
  for (const model of Object.values(MODELS)) {
    for (const t of Object.values(model.types)) {
      if (t.kind === 'enum') continue;
      for (const p of t.properties) (p.type === 'Edm.String' ? strings : others).add(p.name);
    }
  }
  return new Set([...others].filter((n) => !strings.has(n)));
})();

/** Every string property the schemas declare (for the test that each is listed in PSEUDONYMIZED or KEPT). */
export function declaredStringProperties(): string[] {
  const names = new Set<string>();
  for (const model of Object.values(MODELS)) {
    for (const t of Object.values(model.types)) {
      if (t.kind === 'enum') continue;
      for (const p of t.properties) if (p.type === 'Edm.String') names.add(p.name);
    }
  }
  return [...names].sort();
}

const PHONE_ID = /^\+?\d[\d\s*]{5,}$/;

export class Pseudonymizer {
  readonly #key: Buffer;
  readonly #cache = new Map<string, string>();

  constructor(key: string) {
    if (key.length < 16) throw new Error('--pseudonymize-key: at least 16 characters');
    this.#key = Buffer.from(key, 'utf8');
  }

  #mac(category: string, value: string): Buffer {
    return createHmac('sha256', this.#key).update(category).update('\0').update(value).digest();
  }

  #hex(category: string, value: string, length: number): string {
    return this.#mac(category, value).toString('hex').slice(0, length);
  }

  /** The pseudonym of one value of a category ('' stays ''). */
  value(category: Category | 'opaque', raw: string): string {
    if (raw === '') return raw;
    const cacheKey = `${category}\0${raw}`;
    const hit = this.#cache.get(cacheKey);
    if (hit !== undefined) return hit;
    const out = this.#compute(category, raw);
    if (this.#cache.size > 100_000) this.#cache.clear();
    this.#cache.set(cacheKey, out);
    return out;
  }

  #domain(raw: string): string {
    return `d${this.#hex('domain', raw.toLowerCase().replace(/\.$/, ''), 8)}.example`;
  }

  #compute(category: Category | 'opaque', raw: string): string {
    switch (category) {
      case 'name':
        return `Person ${this.#hex('name', raw.trim(), 8)}`;
      case 'upn':
      case 'email': {
        const at = raw.lastIndexOf('@');
        // The same mailbox whether it is a UPN or an e-mail address; domains are rewritten on their own.
        const user = `u${this.#hex('mailbox', raw.toLowerCase(), 10)}`;
        return at < 0 ? user : `${user}@${this.#domain(raw.slice(at + 1))}`;
      }
      case 'phone': {
        const digits = raw.replace(/\D/g, '');
        const mac = this.#mac('phone', digits);
        let i = 0;
        // Same length and punctuation; every digit replaced ('*' of a masked number stays).
        return raw.replace(/\d/g, () => String(mac[i++ % mac.length]! % 10));
      }
      case 'ip':
        return this.#ip(raw);
      case 'mac': {
        const mac = this.#mac('mac', raw.toLowerCase());
        let i = 0;
        return raw.replace(/[0-9a-f]/gi, () => (mac[i++ % mac.length]! % 16).toString(16).toUpperCase());
      }
      case 'device':
        return `DEVICE-${this.#hex('device', raw, 8).toUpperCase()}`;
      case 'host': {
        const dot = raw.indexOf('.');
        if (dot < 0) return `h${this.#hex('host', raw.toLowerCase(), 8)}`;
        return `h${this.#hex('host', raw.toLowerCase(), 8)}.${this.#domain(raw.slice(dot + 1))}`;
      }
      case 'domain':
        return this.#domain(raw);
      case 'callId': {
        const at = raw.lastIndexOf('@');
        return at < 0
          ? `x${this.#hex('callId', raw, 16)}`
          : `${raw.slice(0, at)}@${this.#ip(raw.slice(at + 1))}`;
      }
      case 'text':
      case 'opaque':
        return `x${this.#hex(category, raw, 16)}`;
    }
  }

  #ip(raw: string): string {
    const v = isIP(raw);
    const mac = this.#mac('ip', raw.toLowerCase());
    if (v === 4) return `10.${mac[0]}.${mac[1]}.${mac[2]}`;
    if (v === 6) {
      const groups = [0, 1, 2, 3, 4, 5, 6].map((i) => mac.readUInt16BE(i * 2).toString(16));
      return `fd00:${groups.join(':')}`;
    }
    return `x${mac.toString('hex').slice(0, 16)}`;
  }

  /** The category a string under `key` takes: a pseudonym's, 'keep', or 'opaque' for anything unlisted. */
  static rule(key: string, value: string): Category | 'keep' | 'opaque' {
    if (key === 'id' || key === 'userId') return PHONE_ID.test(value) ? 'phone' : 'keep';
    const category = PSEUDONYMIZED[key];
    if (category) return category;
    if (KEPT.has(key) || STRUCTURAL.has(key) || key.startsWith('@') || key.includes('@odata.')) return 'keep';
    return 'opaque';
  }

  /** A copy of a record or a log row with every listed value rewritten. */
  apply<T>(value: T): T {
    return this.#walk(value, '') as T;
  }

  #walk(value: unknown, key: string): unknown {
    if (typeof value === 'string') {
      const rule = Pseudonymizer.rule(key, value);
      return rule === 'keep' ? value : this.value(rule, value);
    }
    if (Array.isArray(value)) return value.map((v) => this.#walk(v, key));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.#walk(v, k);
      return out;
    }
    return value;
  }
}
