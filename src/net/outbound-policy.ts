// Where the server may send a request of its own (webhook validation, notifications, lifecycle notifications):
// public unicast addresses only, unless an operator allow-lists a range, or demo/dev mode allows loopback. A name
// is resolved and every address it resolves to is checked, at each connection (the `lookup` hook of the socket),
// so a name that re-resolves to an internal address later (DNS rebinding) is refused then too.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { blockListOf, GLOBAL_IPV6, LOOPBACK, SPECIAL_IPV4, SPECIAL_IPV6 } from './special-addresses.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses (the default asks the system resolver, as sockets do). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface OutboundPolicyOptions {
  /** Demo and dev mode: loopback addresses and names are allowed (local receivers). */
  allowLoopback: boolean;
  /** Addresses or CIDR ranges allowed although special (receivers on the operator's own network or host). */
  allow?: readonly string[];
  lookup?: Resolver;
}

/** The request was refused before any connection: its target is not a public address. */
export class OutboundRefusedError extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
  constructor(readonly reason: string) {
    super(`outbound request refused: ${reason}`);
    this.name = 'OutboundRefusedError';
  }
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });
const familyOf = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/** Parses `10.0.0.0/8`, `fd00::/8` or a single address into BlockList arguments; throws on anything else. */
export function parseCidr(entry: string): [address: string, prefix: number] {
  const [address = '', prefix] = entry.trim().split('/');
  const v = isIP(address);
  const bits = prefix === undefined ? (v === 6 ? 128 : 32) : Number(prefix);
  if (v === 0 || !Number.isInteger(bits) || bits < 0 || bits > (v === 6 ? 128 : 32)) {
    throw new Error(`'${entry}' is not an IP address or CIDR range`);
  }
  return [address, bits];
}

export class OutboundPolicy {
  readonly #allowLoopback: boolean;
  readonly #resolve: Resolver;
  readonly #loopback = blockListOf(LOOPBACK);
  readonly #special4 = blockListOf(SPECIAL_IPV4);
  readonly #special6 = blockListOf(SPECIAL_IPV6);
  readonly #global6 = blockListOf([GLOBAL_IPV6]);
  readonly #mapped = blockListOf([['::ffff:0:0', 96, 'IPv4-mapped']]);
  readonly #allow = blockListOf([]);

  constructor(o: OutboundPolicyOptions) {
    this.#allowLoopback = o.allowLoopback;
    this.#resolve = o.lookup ?? systemResolver;
    for (const entry of o.allow ?? []) {
      const [address, prefix] = parseCidr(entry);
      this.#allow.addSubnet(address, prefix, familyOf(address));
    }
  }

  /** Why an address may not be contacted, or undefined when it may. */
  refusal(ip: string): string | undefined {
    const v = isIP(ip);
    if (v === 0) return 'not an IP address';
    const type = v === 6 ? 'ipv6' : 'ipv4';
    // IPv4-mapped forms are refused whatever the allow-list says: a v4 range would otherwise match them too.
    if (v === 6 && this.#mapped.check(ip, 'ipv6')) return 'IPv4-mapped IPv6 address';
    if (this.#allow.check(ip, type)) return undefined;
    if (this.#loopback.check(ip, type)) return this.#allowLoopback ? undefined : 'loopback address';
    if (v === 4) return this.#special4.check(ip, 'ipv4') ? 'special-purpose address' : undefined;
    if (this.#special6.check(ip, 'ipv6') || !this.#global6.check(ip, 'ipv6'))
      return 'special-purpose address';
    return undefined;
  }

  /** The checks that need no resolver: scheme-independent parts of the URL and a literal address. */
  checkUrl(url: URL): void {
    if (url.username !== '' || url.password !== '') throw new OutboundRefusedError('credentials in the URL');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) {
      const why = this.refusal(host);
      if (why) throw new OutboundRefusedError(why);
      return;
    }
    const name = host.toLowerCase().replace(/\.$/, '');
    if (!this.#allowLoopback && (name === 'localhost' || name.endsWith('.localhost')))
      throw new OutboundRefusedError('loopback name');
  }

  /** Resolves a name and returns its addresses if every one of them is allowed. */
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const addresses = await this.#resolve(hostname);
    if (addresses.length === 0) throw new OutboundRefusedError('the name has no address');
    for (const a of addresses) {
      const why = this.refusal(a.address);
      if (why) throw new OutboundRefusedError(`${hostname} resolves to a ${why}`);
    }
    return addresses;
  }

  /** A socket `lookup` hook: every connection resolves and checks again. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (usable.length === 0) {
          callback(new OutboundRefusedError('no address of the requested family'), '', 0);
        } else if (options.all) {
          (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, usable);
        } else {
          callback(null, usable[0]!.address, usable[0]!.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
