// Client hardware as reported in call records: CPUs, audio endpoints and Wi-Fi adapters. Strings
// marked as sourced come from the Graph docs / PNP fixture; the rest are plausible estimates [est].
import { Weighted } from './prng.js';

export type Cpu = readonly [name: string, cores: number, mhz: number];

// Laptop CPUs [est]; the first is from the PNP fixture.
export const WINDOWS_CPUS: readonly Cpu[] = [
  ['12th Gen Intel(R) Core(TM) i9-12900H', 14, 1800],
  ['12th Gen Intel(R) Core(TM) i7-1265U', 10, 1800],
  ['13th Gen Intel(R) Core(TM) i7-1365U', 10, 1800],
  ['11th Gen Intel(R) Core(TM) i5-1145G7 @ 2.60GHz', 4, 2611],
  ['Intel(R) Core(TM) i7-10610U CPU @ 1.80GHz', 4, 2304],
  ['Intel(R) Core(TM) Ultra 7 165U', 12, 2100],
  ['AMD Ryzen 7 PRO 7840U w/ Radeon 780M Graphics', 8, 3301],
  ['Snapdragon(R) X Elite - X1E78100 - Qualcomm(R) Oryon(TM) CPU', 12, 3417],
];
// Virtual desktops: both from the Graph docs (list-sessions example).
export const VDI_CPUS: readonly Cpu[] = [
  ['Intel(R) Xeon(R) Platinum 8272CL CPU @ 2.60GHz', 2, 2594],
  ['AMD EPYC 7452 32-Core Processor', 8, 2346],
];
export const MAC_CPUS: readonly Cpu[] = [
  ['Apple M1', 8, 3204],
  ['Apple M2', 8, 3504],
  ['Apple M3 Pro', 11, 4056],
];
export const ROOM_CPUS: readonly Cpu[] = [
  ['Intel(R) Core(TM) i5-8365U CPU @ 1.60GHz', 4, 1896],
  ['11th Gen Intel(R) Core(TM) i7-1185G7E @ 2.80GHz', 4, 2803],
];

export type Audio = readonly [
  capture: string,
  captureDriver: string | null,
  render: string,
  renderDriver: string | null,
];

// Windows audio endpoints: Realtek from the PNP fixture; headset names [est].
export const WINDOWS_AUDIO = new Weighted<Audio>([
  [
    [
      'Realtek(R) Audio',
      'Realtek Semiconductor Corp.: 6.0.9780.1',
      'Realtek(R) Audio',
      'Realtek Semiconductor Corp.: 6.0.9780.1',
    ],
    0.3,
  ],
  [
    [
      'Microphone Array (Intel® Smart Sound Technology for Digital Microphones)',
      'Intel Corporation: 10.29.0.9677',
      'Speakers (Realtek(R) Audio)',
      'Realtek Semiconductor Corp.: 6.0.9549.1',
    ],
    0.15,
  ],
  [
    [
      'Headset Microphone (Jabra Evolve2 65)',
      'Microsoft: 10.0.22621.1',
      'Headset Earphone (Jabra Evolve2 65)',
      'Microsoft: 10.0.22621.1',
    ],
    0.2,
  ],
  [
    [
      'Microphone (Poly BT700)',
      'Microsoft: 10.0.22621.1',
      'Speakers (Poly BT700)',
      'Microsoft: 10.0.22621.1',
    ],
    0.12,
  ],
  [
    [
      'Microphone (Microsoft Modern USB Headset)',
      'Microsoft: 10.0.26100.1',
      'Speakers (Microsoft Modern USB Headset)',
      'Microsoft: 10.0.26100.1',
    ],
    0.1,
  ],
  [
    [
      'Echo Cancelling Speakerphone (Jabra SPEAK 510 USB)',
      'Microsoft: 10.0.22621.1',
      'Echo Cancelling Speakerphone (Jabra SPEAK 510 USB)',
      'Microsoft: 10.0.22621.1',
    ],
    0.08,
  ],
  [
    [
      'Headset (WH-1000XM4 Hands-Free AG Audio)',
      'Microsoft: 10.0.22621.2506',
      'Headset (WH-1000XM4 Hands-Free AG Audio)',
      'Microsoft: 10.0.22621.2506',
    ],
    0.05,
  ],
]);
// From the list-sessions doc example (a VM).
export const VDI_AUDIO: Audio = [
  'Microphone (Microsoft Virtual Audio Device (Simple) (WDM))',
  'Microsoft: 5.0.8638.1100',
  'Speakers (Microsoft Virtual Audio Device (Simple) (WDM))',
  'Microsoft: 5.0.8638.1100',
];
export const MAC_AUDIO = new Weighted<Audio>([
  [['MacBook Pro Microphone', null, 'MacBook Pro Speakers', null], 0.6],
  [['Jabra Evolve2 65', null, 'Jabra Evolve2 65', null], 0.25],
  [['AirPods Pro', null, 'AirPods Pro', null], 0.15],
]);
// Mobile / browser: "Default input/output device" as in the 2020 doc example.
export const DEFAULT_AUDIO: Audio = ['Default input device', null, 'Default output device', null];
export const ROOM_AUDIO = new Weighted<Audio>([
  [
    [
      'Echo Cancelling Speakerphone (Logitech Rally)',
      'Microsoft: 10.0.22621.1',
      'Echo Cancelling Speakerphone (Logitech Rally)',
      'Microsoft: 10.0.22621.1',
    ],
    0.5,
  ],
  [
    [
      'Microphone (Yealink MSpeech)',
      'Microsoft: 10.0.22621.1',
      'Speakers (Yealink MSpeech)',
      'Microsoft: 10.0.22621.1',
    ],
    0.5,
  ],
]);

// Wi-Fi adapters: the first from the PNP fixture, the rest [est].
export const WIFI_ADAPTERS: readonly (readonly [string, string])[] = [
  ['Intel(R) Wi-Fi 6E AX211 160MHz', 'Intel:23.110.0.5'],
  ['Intel(R) Wi-Fi 6 AX201 160MHz', 'Intel:22.250.1.2'],
  ['Intel(R) Wi-Fi 7 BE200 320MHz', 'Intel:23.60.1.2'],
  ['Realtek RTL8852BE WiFi 6 802.11ax PCIe Adapter', 'Realtek:6001.16.153.0'],
  ['MediaTek Wi-Fi 6 MT7921 Wireless LAN Card', 'MediaTek:3.4.0.1134'],
  ['Qualcomm FastConnect 7800 Wi-Fi 7 High Band Simultaneous (HBS) Network Adapter', 'Qualcomm:3.1.0.1380'],
];
export const WINDOWS_BUILDS = [
  'Microsoft:10.0.26100.4484',
  'Microsoft:10.0.22631.4890',
  'Microsoft:10.0.19045.5737',
];
