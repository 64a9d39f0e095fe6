// Networks of client legs: connection type mix, addressing (RFC 1918 with the subnet as the
// network address), Wi-Fi details, relays and ports. Proportions are estimates; value shapes follow the samples.
import type { NetworkInfo, WifiBand, WifiRadioType } from '../graph/model/index.js';
import type { DeviceKind, DeviceProfile } from './devices.js';
import { Weighted } from './prng.js';
import type { Rng } from './prng.js';

/** Network classes used for quality: index into the per-class metric tables in streams.ts. */
export const NET = { wired: 0, wifi5: 1, wifi24: 2, mobile: 3, tunnel: 4, pstn: 5 } as const;
export type NetClass = (typeof NET)[keyof typeof NET];

/** Where a person's addresses come from; built once per person. */
export interface AddressPlan {
  /** Office wired access: first three octets of a /24, e.g. [10, 12, 34]. */
  officeWired: readonly [number, number, number];
  /** Office Wi-Fi /22 network (third octet a multiple of 4). */
  officeWifi: readonly [number, number, number];
  /** Home router network, a /24 (192.168.x.0 or 10.0.x.0). */
  home: readonly [number, number, number];
  officeHost: number;
  homeHost: number;
  /** Public addresses (documentation ranges, never real ones) seen as reflexive addresses. */
  officePublic: string;
  homePublic: string;
  dnsSuffix: string;
}

/** A client leg's network, from which each media's NetworkInfo is built (ports differ per media). */
export interface LegNetwork {
  cls: NetClass;
  connectionType: NetworkInfo['connectionType'];
  ipAddress: string;
  subnet: string;
  linkSpeed: number | null;
  macAddress: string;
  reflexiveIPAddress: string;
  relayIPAddress: string;
  relayPort: number;
  dnsSuffix: string;
  transport: 'udp' | 'tcp';
  wifiBand: WifiBand;
  wifiRadioType: WifiRadioType;
  wifiChannel: number | null;
  wifiSignalStrength: number | null;
  wifiBatteryCharge: number | null;
  wifiMicrosoftDriver: string | null;
  wifiMicrosoftDriverVersion: string | null;
  wifiVendorDriver: string | null;
  wifiVendorDriverVersion: string | null;
  basicServiceSetIdentifier: string | null;
  qosPorts: boolean;
}

// Connection mix per kind of device [est]; with the device mix this gives ~38 % wired, ~50 % Wi-Fi (2/3 of it
// 5 GHz), ~7 % mobile, ~5 % VPN over all client legs.
const MIX: Readonly<Record<DeviceKind, Weighted<NetClass>>> = {
  desktop: new Weighted<NetClass>([
    [NET.wired, 0.44],
    [NET.wifi5, 0.33],
    [NET.wifi24, 0.14],
    [NET.mobile, 0.02],
    [NET.tunnel, 0.07],
  ]),
  vdi: new Weighted<NetClass>([
    [NET.wired, 0.7],
    [NET.tunnel, 0.3],
  ]),
  web: new Weighted<NetClass>([
    [NET.wired, 0.3],
    [NET.wifi5, 0.4],
    [NET.wifi24, 0.2],
    [NET.mobile, 0.05],
    [NET.tunnel, 0.05],
  ]),
  mobile: new Weighted<NetClass>([
    [NET.wifi5, 0.4],
    [NET.wifi24, 0.2],
    [NET.mobile, 0.4],
  ]),
  room: new Weighted<NetClass>([
    [NET.wired, 0.92],
    [NET.wifi5, 0.08],
  ]),
};

export function networkMix(kind: DeviceKind): Weighted<NetClass> {
  return MIX[kind];
}

const WIFI5_CHANNELS = [
  36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108, 112, 116, 132, 136, 149, 153, 157, 161,
];
const WIFI24_CHANNELS = [1, 6, 11];
const WIFI5_SPEEDS = [866700000, 526500000, 1201000000, 400000000, 300000000, 780000000];
const WIFI24_SPEEDS = [54000000, 72200000, 144400000, 57800000];
const WIFI5_RADIOS = new Weighted<WifiRadioType>([
  ['wifi80211ac', 0.45],
  ['wifi80211ax', 0.45],
  ['wifi80211n', 0.1],
]);
const WIFI24_RADIOS = new Weighted<WifiRadioType>([
  ['wifi80211n', 0.6],
  ['wifi80211ax', 0.25],
  ['wifi80211g', 0.15],
]);

function ip(o: readonly [number, number, number], host: number): string {
  return `${o[0]}.${o[1]}.${o[2]}.${host}`;
}

/** Teams media relays: 52.112.0.0/14 [doc/fixture range]. */
function relayAddress(rng: Rng): string {
  return `52.${rng.int(112, 115)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** Addresses the network of one client leg of class `cls` (relayed through a Teams relay with `relayChance`). */
export function legNetwork(
  rng: Rng,
  device: DeviceProfile,
  plan: AddressPlan,
  cls: NetClass,
  relayChance: number,
): LegNetwork {
  const atOffice = cls === NET.wired || ((cls === NET.wifi5 || cls === NET.wifi24) && rng.chance(0.5));
  let ipAddress: string;
  let subnet: string;
  let linkSpeed: number | null;
  let macAddress = '';
  let reflexive = '';
  let dnsSuffix = '';
  if (cls === NET.wired) {
    ipAddress = ip(plan.officeWired, plan.officeHost);
    subnet = ip(plan.officeWired, 0);
    linkSpeed = rng.chance(0.5) ? 4294967295 : 1000000000;
    macAddress = '00-00-00-00-00-00';
    dnsSuffix = plan.dnsSuffix;
  } else if (cls === NET.tunnel) {
    // VPN pool 10.250.0.0/16 handed out as /20s.
    const third = rng.int(0, 255);
    ipAddress = `10.250.${third}.${rng.int(2, 254)}`;
    subnet = `10.250.${third & 0xf0}.0`;
    linkSpeed = 100000000;
    macAddress = '00-00-00-00-00-00-00-00';
    dnsSuffix = plan.dnsSuffix;
  } else if (cls === NET.mobile) {
    const second = rng.int(64, 127);
    const third = rng.int(0, 255);
    ipAddress = `10.${second}.${third}.${rng.int(2, 254)}`;
    subnet = `10.${second}.${third}.0`;
    linkSpeed = null;
  } else if (atOffice) {
    const o = plan.officeWifi;
    const third = o[2] + rng.int(0, 3);
    ipAddress = `${o[0]}.${o[1]}.${third}.${rng.int(2, 254)}`;
    subnet = ip(o, 0);
    linkSpeed = rng.pick(cls === NET.wifi5 ? WIFI5_SPEEDS : WIFI24_SPEEDS);
    dnsSuffix = plan.dnsSuffix;
  } else {
    ipAddress = ip(plan.home, plan.homeHost);
    subnet = ip(plan.home, 0);
    linkSpeed = rng.pick(cls === NET.wifi5 ? WIFI5_SPEEDS : WIFI24_SPEEDS);
  }
  if (rng.chance(0.4)) reflexive = atOffice || cls === NET.tunnel ? plan.officePublic : plan.homePublic;
  const tcp = rng.chance(cls === NET.tunnel ? 0.15 : 0.03);
  const relayed = tcp || rng.chance(cls === NET.tunnel ? 0.8 : relayChance);
  const isWifi = cls === NET.wifi5 || cls === NET.wifi24;
  const w = isWifi ? device.wifi : null;
  const detailed = isWifi && device.platform !== 'web';
  const signal =
    isWifi && device.platform !== 'iOS' && device.platform !== 'web'
      ? Math.max(15, Math.min(100, Math.round((cls === NET.wifi5 ? 82 : 66) + rng.normal() * 12)))
      : null;
  return {
    cls,
    connectionType: cls === NET.wired ? 'wired' : isWifi ? 'wifi' : cls === NET.mobile ? 'mobile' : 'tunnel',
    ipAddress,
    subnet,
    linkSpeed,
    macAddress,
    reflexiveIPAddress: reflexive,
    relayIPAddress: relayed ? relayAddress(rng) : '',
    relayPort: tcp ? 443 : rng.int(3478, 3481),
    dnsSuffix,
    transport: tcp ? 'tcp' : 'udp',
    wifiBand: !detailed ? 'unknown' : cls === NET.wifi5 ? 'frequency50GHz' : 'frequency24GHz',
    wifiRadioType: !detailed ? 'unknown' : (cls === NET.wifi5 ? WIFI5_RADIOS : WIFI24_RADIOS).sample(rng),
    wifiChannel: !detailed ? null : rng.pick(cls === NET.wifi5 ? WIFI5_CHANNELS : WIFI24_CHANNELS),
    wifiSignalStrength: signal,
    wifiBatteryCharge: w ? (rng.chance(0.5) ? 100 : rng.int(15, 99)) : null,
    wifiMicrosoftDriver: w?.microsoftDriver ?? null,
    wifiMicrosoftDriverVersion: w?.microsoftDriverVersion ?? null,
    wifiVendorDriver: w?.vendorDriver ?? null,
    wifiVendorDriverVersion: w?.vendorDriverVersion ?? null,
    basicServiceSetIdentifier: w ? '' : null,
    qosPorts: device.qosPorts,
  };
}

/** Teams QoS port ranges [est]: audio 50000-50019, video 50020-50039, sharing (and data) 50040-50059. */
export const PORT_BASE = { audio: 50000, video: 50020, sharing: 50040, data: 50040 } as const;

/** A client side NetworkInfo for one media. `ratios` are the four event ratios (null on `data`). */
export function clientNetworkInfo(
  n: LegNetwork,
  port: number,
  ratios: readonly [number, number, number | null, number | null] | null,
): NetworkInfo {
  return {
    ipAddress: n.ipAddress,
    subnet: n.subnet,
    linkSpeed: n.linkSpeed,
    connectionType: n.connectionType,
    port,
    reflexiveIPAddress: n.reflexiveIPAddress,
    relayIPAddress: n.relayIPAddress,
    relayPort: n.relayPort,
    macAddress: n.macAddress,
    wifiMicrosoftDriver: n.wifiMicrosoftDriver,
    wifiMicrosoftDriverVersion: n.wifiMicrosoftDriverVersion,
    wifiVendorDriver: n.wifiVendorDriver,
    wifiVendorDriverVersion: n.wifiVendorDriverVersion,
    wifiChannel: n.wifiChannel,
    wifiBand: n.wifiBand,
    basicServiceSetIdentifier: n.basicServiceSetIdentifier,
    wifiRadioType: n.wifiRadioType,
    wifiSignalStrength: n.wifiSignalStrength,
    wifiBatteryCharge: n.wifiBatteryCharge,
    dnsSuffix: n.dnsSuffix,
    sentQualityEventRatio: ratios ? ratios[0] : null,
    receivedQualityEventRatio: ratios ? ratios[1] : null,
    delayEventRatio: ratios ? ratios[2] : null,
    bandwidthLowEventRatio: ratios ? ratios[3] : null,
    networkTransportProtocol: n.transport,
    traceRouteHops: [],
  };
}

const SERVICE_NETWORKS: readonly NetworkInfo[] = [3478, 3479, 3480, 3481].map((port) =>
  Object.freeze({ ...serviceNetwork(port), traceRouteHops: Object.freeze([]) as unknown as [] }),
);

/**
 * The conferencing / media-processor side of a leg, exactly as in the PNP fixture (port 3478-3481). Shared and
 * frozen: it never varies beyond the port.
 */
export function serviceNetworkInfo(port: number): NetworkInfo {
  return SERVICE_NETWORKS[port - 3478] ?? serviceNetwork(port);
}

function serviceNetwork(port: number): NetworkInfo {
  return {
    ipAddress: '',
    subnet: null,
    linkSpeed: 0,
    connectionType: 'wired',
    port,
    reflexiveIPAddress: '',
    relayIPAddress: null,
    relayPort: null,
    macAddress: null,
    wifiMicrosoftDriver: null,
    wifiMicrosoftDriverVersion: null,
    wifiVendorDriver: null,
    wifiVendorDriverVersion: null,
    wifiChannel: null,
    wifiBand: 'unknown',
    basicServiceSetIdentifier: null,
    wifiRadioType: 'unknown',
    wifiSignalStrength: null,
    wifiBatteryCharge: null,
    dnsSuffix: null,
    sentQualityEventRatio: null,
    receivedQualityEventRatio: null,
    delayEventRatio: null,
    bandwidthLowEventRatio: null,
    networkTransportProtocol: 'udp',
    traceRouteHops: [],
  };
}

/** A client port in the QoS range of the media, or an ephemeral port for browsers. */
export function mediaPort(rng: Rng, n: LegNetwork, base: number): number {
  return n.qosPorts ? base + rng.int(0, 19) : rng.int(49152, 65535);
}
