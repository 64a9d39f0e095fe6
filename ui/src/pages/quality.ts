// Quality overview: CQD's audio poor stream rate, setup failure and drop rates against their targets, per day and
// broken down by network type, platform, subnet and CQD's First/Second endpoints.
import { api, tenantPath } from '../api.js';
import { barChart, rateBars, rateChart } from '../charts.js';
import { h, num, pct, stat, table } from '../dom.js';
import type { PageContext } from '../main.js';
import { defaultPeriod, filterForm, periodFields } from '../period.js';

interface Figures {
  calls: number;
  audioStreams: number;
  classifiedStreams: number;
  poorStreams: number;
  poorStreamRate: number | null;
  setupFailureRate: number | null;
  dropRate: number | null;
  poorBy: Record<string, number>;
}

interface Quality {
  from: string;
  to: string;
  targets: { poorStreamRate: number; setupFailureRate: number; dropRate: number };
  totals: Figures;
  daily: (Figures & { date: string })[];
  breakdowns: Record<string, (Figures & { key: string })[]>;
}

const DIMENSIONS: [string, string][] = [
  ['networkType', 'Network type (Second endpoint)'],
  ['platform', 'Platform (Second endpoint)'],
  ['subnet', 'Subnet (Second endpoint, top 15)'],
  ['direction', 'Stream direction (First / Second)'],
  ['pair', 'First and Second endpoint kinds'],
];

const METRICS: [string, string][] = [
  ['degradation', 'Network MOS degradation > 1.0'],
  ['roundTrip', 'Round trip > 500 ms'],
  ['packetLoss', 'Packet loss rate > 10%'],
  ['jitter', 'Jitter > 30 ms'],
  ['concealed', 'Concealed samples > 7%'],
];

export async function renderQuality(c: PageContext): Promise<void> {
  const p = defaultPeriod(c.params, c.nowMs);
  const q = await api<Quality>(tenantPath(`/dashboard/quality?from=${p.from}&to=${p.to}`));
  const t = q.totals;
  const ok = (v: number | null, target: number) => (v === null ? undefined : v <= target ? 'ok' : 'bad');
  const labels = q.daily.map((d) => d.date);
  c.main.append(
    h('h1', {}, 'Quality overview'),
    filterForm('quality', 'Period', periodFields(p)),
    h(
      'section',
      { class: 'stats', 'aria-label': 'Totals' },
      stat(
        'Poor stream rate',
        pct(t.poorStreamRate),
        `target ≤ ${pct(q.targets.poorStreamRate, 1)} · ${num(t.poorStreams)} of ${num(t.classifiedStreams)} classified audio streams`,
        ok(t.poorStreamRate, q.targets.poorStreamRate),
      ),
      stat(
        'Setup failure rate',
        pct(t.setupFailureRate),
        `target ≤ ${pct(q.targets.setupFailureRate, 1)}`,
        ok(t.setupFailureRate, q.targets.setupFailureRate),
      ),
      stat(
        'Drop rate',
        pct(t.dropRate),
        `target ≤ ${pct(q.targets.dropRate, 1)}`,
        ok(t.dropRate, q.targets.dropRate),
      ),
      stat('Calls', num(t.calls), `${q.from} to ${q.to}`),
      stat('Audio streams', num(t.audioStreams)),
    ),
    h(
      'section',
      { class: 'charts' },
      h(
        'figure',
        {},
        h('figcaption', {}, 'Calls and audio streams per day'),
        barChart('Calls and audio streams per day', labels, [
          { name: 'calls', values: q.daily.map((d) => d.calls), cls: 'calls' },
          { name: 'audio streams', values: q.daily.map((d) => d.audioStreams), cls: 'streams' },
        ]),
        h(
          'p',
          { class: 'legend' },
          h('span', { class: 'key calls' }, 'calls'),
          h('span', { class: 'key streams' }, 'audio streams'),
        ),
      ),
      h(
        'figure',
        {},
        h('figcaption', {}, 'Rates per day against CQD targets (dashed)'),
        rateChart('Poor stream, setup failure and drop rates per day with their targets', labels, [
          {
            name: 'poor stream rate',
            values: q.daily.map((d) => d.poorStreamRate),
            cls: 'poor',
            target: q.targets.poorStreamRate,
          },
          {
            name: 'setup failure rate',
            values: q.daily.map((d) => d.setupFailureRate),
            cls: 'setup',
            target: q.targets.setupFailureRate,
          },
          {
            name: 'drop rate',
            values: q.daily.map((d) => d.dropRate),
            cls: 'drop',
            target: q.targets.dropRate,
          },
        ]),
        h(
          'p',
          { class: 'legend' },
          h('span', { class: 'key poor' }, 'poor stream rate'),
          h('span', { class: 'key setup' }, 'setup failure rate'),
          h('span', { class: 'key drop' }, 'drop rate'),
        ),
      ),
    ),
    table(
      'Poor audio streams by the threshold they broke (a stream may break several)',
      ['Threshold', 'Poor streams'],
      METRICS.map(([k, label]) => [label, num(t.poorBy[k] ?? 0)]),
      { class: 'narrow' },
    ),
    h('h2', {}, 'Breakdowns'),
    ...DIMENSIONS.map(([dim, title]) => {
      const rows = q.breakdowns[dim] ?? [];
      return h(
        'section',
        { class: 'breakdown', 'aria-label': title },
        h('h3', {}, title),
        rateBars(
          `Poor stream rate by ${title}`,
          rows.map((r) => ({ key: r.key, rate: r.poorStreamRate })),
          q.targets.poorStreamRate,
        ),
        table(
          `${title}: audio streams and poor stream rate`,
          ['Value', 'Calls', 'Audio streams', 'Poor streams', 'Poor stream rate'],
          rows.map((r) => [
            r.key,
            num(r.calls),
            num(r.audioStreams),
            num(r.poorStreams),
            pct(r.poorStreamRate),
          ]),
          { 'data-dimension': dim },
        ),
      );
    }),
    h(
      'p',
      {},
      h(
        'a',
        { href: `#/calls?from=${p.from}&to=${p.to}&quality=poor` },
        'Explore the calls with a poor audio stream',
      ),
    ),
  );
}
