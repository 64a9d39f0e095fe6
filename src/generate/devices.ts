// Client devices: one laptop/desktop, phone and browser per person, room consoles, and the
// clients of guests, federated users and ACS users. Host names and the platform mix are estimates.
import type { ClientPlatform, ClientUserAgent, ProductFamily } from '../graph/model/index.js';
import {
  DEFAULT_AUDIO,
  MAC_AUDIO,
  MAC_CPUS,
  ROOM_AUDIO,
  ROOM_CPUS,
  VDI_AUDIO,
  VDI_CPUS,
  WIFI_ADAPTERS,
  WINDOWS_AUDIO,
  WINDOWS_BUILDS,
  WINDOWS_CPUS,
} from './hardware.js';
import type { Audio, Cpu } from './hardware.js';
import { deepFreeze } from './identities.js';
import type { Rng } from './prng.js';
import { clientUa } from './useragents.js';

export type DeviceKind = 'desktop' | 'vdi' | 'mobile' | 'web' | 'room';

export interface AudioHardware {
  captureName: string | null;
  captureDriver: string | null;
  renderName: string | null;
  renderDriver: string | null;
}

export interface WifiAdapter {
  microsoftDriver: string | null;
  microsoftDriverVersion: string | null;
  vendorDriver: string | null;
  vendorDriverVersion: string | null;
}

/** How a device's user-agent header is written; the header is derived per week (clients update). */
export interface HeaderSpec {
  style: 'release' | 'csa' | 'web' | 'fixed';
  /** How many weekly release trains the client lags behind. */
  lagWeeks: number;
  /** Per-device salt for build numbers. */
  salt: number;
  /** Browser parts for 'web': os, osVer, browser, browserVer. */
  web: readonly [string, string, string, string] | null;
  /** The whole agent for 'fixed' (ACS SDK, Skype for Business). */
  fixed: ClientUserAgent | null;
}

/** One client a participant calls from. Built once per person (or per guest) and frozen. */
export interface DeviceProfile {
  /** Index in the tenant's device list (for the per-week user-agent cache). */
  id: number;
  kind: DeviceKind;
  platform: ClientPlatform;
  productFamily: ProductFamily;
  name: string | null;
  cpuName: string | null;
  cpuCoresCount: number | null;
  cpuProcessorSpeedInMhz: number | null;
  header: HeaderSpec;
  audio: AudioHardware;
  /** Driver strings reported on Wi-Fi (Windows only; other platforms report none). */
  wifi: WifiAdapter | null;
  /** Uses the Teams QoS port ranges (installed clients) rather than ephemeral ports. */
  qosPorts: boolean;
}

/** Hands out device ids while the tenant is built. */
export class DeviceRegistry {
  readonly devices: DeviceProfile[] = [];

  add(d: Omit<DeviceProfile, 'id'>): DeviceProfile {
    const device = deepFreeze({ id: this.devices.length, ...d });
    this.devices.push(device);
    return device;
  }
}

/** A Teams client's header style: the 2025 `releases/...` form (most) or `CallSignalingAgent (...)` [est]. */
function teamsHeader(rng: Rng, maxLag = 5): HeaderSpec {
  const style = rng.chance(0.65) ? 'release' : 'csa';
  return { style, lagWeeks: rng.int(0, maxLag), salt: rng.u32(), web: null, fixed: null };
}

export interface DeviceNaming {
  givenName: string;
  surname: string;
  countryCode: string;
  /** Seven/eight upper-case alphanumerics for Windows default host names, from faker. */
  hostSuffix: string;
}

function windowsHostName(rng: Rng, n: DeviceNaming): string {
  const u = rng.next();
  if (u < 0.35) return `DESKTOP-${n.hostSuffix.slice(0, 7)}`;
  if (u < 0.6) return `LAPTOP-${n.hostSuffix}`;
  if (u < 0.8) return `${n.countryCode}-LT${rng.int(10000, 99999)}`;
  // The 2025 fixture's host name is JOHNDOE-PC: NetBIOS names are 15 characters at most.
  return `${(n.givenName + n.surname)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 12)}-PC`;
}

interface DeviceInput {
  kind: DeviceKind;
  platform: ClientPlatform;
  productFamily?: ProductFamily;
  name: string | null;
  cpu: Cpu | null;
  header: HeaderSpec;
  audio: Audio;
  wifi?: WifiAdapter | null;
  qosPorts: boolean;
}

function device(reg: DeviceRegistry, d: DeviceInput): DeviceProfile {
  return reg.add({
    kind: d.kind,
    platform: d.platform,
    productFamily: d.productFamily ?? 'teams',
    name: d.name,
    cpuName: d.cpu?.[0] ?? null,
    cpuCoresCount: d.cpu?.[1] ?? null,
    cpuProcessorSpeedInMhz: d.cpu?.[2] ?? null,
    header: d.header,
    audio: {
      captureName: d.audio[0],
      captureDriver: d.audio[1],
      renderName: d.audio[2],
      renderDriver: d.audio[3],
    },
    wifi: d.wifi ?? null,
    qosPorts: d.qosPorts,
  });
}

function windowsWifi(rng: Rng): WifiAdapter {
  const [vendor, version] = rng.pick(WIFI_ADAPTERS);
  return {
    microsoftDriver: '',
    microsoftDriverVersion: rng.pick(WINDOWS_BUILDS),
    vendorDriver: vendor,
    vendorDriverVersion: version,
  };
}

/** The person's laptop/desktop: Windows (~87 %, a few on VDI) or macOS [est]. */
export function desktopDevice(rng: Rng, reg: DeviceRegistry, naming: DeviceNaming): DeviceProfile {
  const u = rng.next();
  if (u < 0.05) {
    const name = `VDI-${naming.countryCode}-${rng.int(100, 999)}`;
    const cpu = rng.pick(VDI_CPUS);
    return device(reg, {
      kind: 'vdi',
      platform: 'windows',
      name,
      cpu,
      header: teamsHeader(rng),
      audio: VDI_AUDIO,
      qosPorts: true,
    });
  }
  if (u < 0.87) {
    return device(reg, {
      kind: 'desktop',
      platform: 'windows',
      name: windowsHostName(rng, naming),
      cpu: rng.pick(WINDOWS_CPUS),
      header: teamsHeader(rng),
      audio: WINDOWS_AUDIO.sample(rng),
      wifi: windowsWifi(rng),
      qosPorts: true,
    });
  }
  const model = rng.chance(0.6) ? 'MacBook-Pro' : 'MacBook-Air';
  return device(reg, {
    kind: 'desktop',
    platform: 'macOS',
    name: `${naming.givenName.replace(/[^A-Za-z]/g, '')}s-${model}`,
    cpu: rng.pick(MAC_CPUS),
    header: teamsHeader(rng),
    audio: MAC_AUDIO.sample(rng),
    qosPorts: true,
  });
}

/** The person's phone: iOS 55 % / Android 45 % [est]. No host name or CPU reported [est]. */
export function mobileDevice(rng: Rng, reg: DeviceRegistry): DeviceProfile {
  const platform: ClientPlatform = rng.chance(0.55) ? 'iOS' : 'android';
  return device(reg, {
    kind: 'mobile',
    platform,
    name: null,
    cpu: null,
    header: teamsHeader(rng),
    audio: DEFAULT_AUDIO,
    qosPorts: true,
  });
}

const BROWSERS: readonly (readonly [string, string, string])[] = [
  ['Windows', '10', 'Edge'],
  ['Windows', '10', 'Chrome'],
  ['Mac OS X', '10.15', 'Chrome'],
  ['Mac OS X', '10.15', 'Safari'],
  ['Linux', '', 'Firefox'],
];

/**
 * A browser client. Header pattern of the old Skype web client (seen), reused for Teams web [est].
 */
export function webDevice(rng: Rng, reg: DeviceRegistry): DeviceProfile {
  const [os, osVer, browser] = rng.pick(BROWSERS);
  const browserVer = browser === 'Safari' ? `${rng.int(17, 18)}.${rng.int(0, 6)}` : `${rng.int(128, 141)}.0`;
  const header: HeaderSpec = {
    style: 'web',
    lagWeeks: rng.int(0, 2),
    salt: rng.u32(),
    web: [os, osVer, browser, browserVer],
    fixed: null,
  };
  return device(reg, {
    kind: 'web',
    platform: 'web',
    name: null,
    cpu: null,
    header,
    audio: DEFAULT_AUDIO,
    qosPorts: false,
  });
}

/** A Teams Rooms console [est]. */
export function roomDevice(rng: Rng, reg: DeviceRegistry, city: string, n: number): DeviceProfile {
  const name = `MTR-${city
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .slice(0, 6)}-${String(n).padStart(2, '0')}`;
  const header: HeaderSpec = {
    style: 'release',
    lagWeeks: rng.int(0, 3),
    salt: rng.u32(),
    web: null,
    fixed: null,
  };
  return device(reg, {
    kind: 'room',
    platform: 'roomSystem',
    name,
    cpu: rng.pick(ROOM_CPUS),
    header,
    audio: ROOM_AUDIO.sample(rng),
    qosPorts: true,
  });
}

function fixedHeader(ua: ClientUserAgent): HeaderSpec {
  return { style: 'fixed', lagWeeks: 0, salt: 0, web: null, fixed: ua };
}

/** A Skype for Business client of a federated partner (2020 doc strings). */
export function skypeForBusinessDevice(rng: Rng, reg: DeviceRegistry): DeviceProfile {
  const ua = clientUa(
    'UCCAPI/16.0.12527.20122 OC/16.0.12527.20194 (Skype for Business)',
    'windows',
    'skypeForBusiness',
  );
  return device(reg, {
    kind: 'desktop',
    platform: 'windows',
    productFamily: 'skypeForBusiness',
    name: null,
    cpu: rng.pick(WINDOWS_CPUS),
    header: fixedHeader(ua),
    audio: WINDOWS_AUDIO.sample(rng),
    qosPorts: false,
  });
}

/**
 * An Azure Communication Services web client [est header]. `productFamily` is `azureCommunicationServices` (the
 * opt-in enum member after `unknownFutureValue`) or, on older SDKs, `unknown`.
 */
export function acsDevice(
  rng: Rng,
  reg: DeviceRegistry,
  acsResourceId: string,
  appId: string,
): DeviceProfile {
  const sdk = `1.${rng.int(28, 38)}.${rng.int(1, 3)}`;
  const header = `azsdk-js-communication-calling/${sdk} (Windows NT 10.0; ${rng.chance(0.7) ? 'Chrome' : 'Edge'})`;
  const family: ProductFamily = rng.chance(0.8) ? 'azureCommunicationServices' : 'unknown';
  const ua = clientUa(header, 'web', family, {
    applicationVersion: sdk,
    communicationServiceId: acsResourceId,
    azureADAppId: appId,
  });
  return device(reg, {
    kind: 'web',
    platform: 'web',
    productFamily: family,
    name: null,
    cpu: null,
    header: fixedHeader(ua),
    audio: DEFAULT_AUDIO,
    qosPorts: false,
  });
}
