// Hand-written SVG charts: a bar chart of counts per day and a line chart of rates per day with target lines. Each
// chart carries a text alternative (role="img" and a label) and a data table for screen readers is on the page.
import { s } from './dom.js';

const W = 560;
const H = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

function axis(svg: SVGElement, labels: string[], max: number, fmt: (v: number) => string): void {
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = PAD.top + ih - (ih * i) / 4;
    svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }));
    svg.append(s('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, fmt(v)));
  }
  const step = Math.max(1, Math.ceil(labels.length / 6));
  labels.forEach((l, i) => {
    if (i % step !== 0) return;
    const x = PAD.left + (iw * (i + 0.5)) / labels.length;
    svg.append(s('text', { x, y: H - 8, 'text-anchor': 'middle', class: 'tick' }, l.slice(5)));
  });
}

export interface Series {
  name: string;
  values: (number | null)[];
  cls: string;
}

export function barChart(title: string, labels: string[], series: Series[]): SVGElement {
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart' });
  const max = Math.max(1, ...series.flatMap((x) => x.values.map((v) => v ?? 0)));
  axis(svg, labels, max, (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(0)));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const slot = iw / Math.max(1, labels.length);
  const bw = (slot * 0.8) / series.length;
  series.forEach((ser, si) =>
    ser.values.forEach((v, i) => {
      const hgt = (ih * (v ?? 0)) / max;
      svg.append(
        s(
          'rect',
          {
            x: PAD.left + slot * i + slot * 0.1 + bw * si,
            y: PAD.top + ih - hgt,
            width: bw,
            height: hgt,
            class: ser.cls,
          },
          s('title', {}, `${labels[i]}: ${ser.name} ${v ?? 0}`),
        ),
      );
    }),
  );
  return svg;
}

/** Rates per day as lines, and each target as a dashed line of the same colour. */
export function rateChart(
  title: string,
  labels: string[],
  series: (Series & { target: number })[],
): SVGElement {
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart' });
  const max = Math.max(0.01, ...series.flatMap((x) => [x.target * 1.5, ...x.values.map((v) => v ?? 0)]));
  axis(svg, labels, max, (v) => `${(v * 100).toFixed(1)}%`);
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (iw * (i + 0.5)) / Math.max(1, labels.length);
  const y = (v: number) => PAD.top + ih - (ih * v) / max;
  for (const ser of series) {
    svg.append(
      s(
        'line',
        { x1: PAD.left, x2: W - PAD.right, y1: y(ser.target), y2: y(ser.target), class: `target ${ser.cls}` },
        s('title', {}, `${ser.name} target ${(ser.target * 100).toFixed(1)}%`),
      ),
    );
    const pts = ser.values
      .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
      .filter(Boolean);
    if (pts.length) svg.append(s('polyline', { points: pts.join(' '), class: `line ${ser.cls}` }));
    ser.values.forEach((v, i) => {
      if (v !== null)
        svg.append(
          s(
            'circle',
            { cx: x(i), cy: y(v), r: 2.5, class: `dot ${ser.cls}` },
            s('title', {}, `${labels[i]}: ${ser.name} ${(v * 100).toFixed(2)}%`),
          ),
        );
    });
  }
  return svg;
}

/** One horizontal bar per value: the poor stream rate, with the target as a vertical mark. */
export function rateBars(
  title: string,
  rows: { key: string; rate: number | null }[],
  target: number,
): SVGElement {
  const rowH = 22;
  const height = rows.length * rowH + 10;
  const left = 170;
  const width = W - left - 60;
  const max = Math.max(target * 2, ...rows.map((r) => r.rate ?? 0));
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${height}`,
    role: 'img',
    'aria-label': title,
    class: 'chart bars',
  });
  rows.forEach((r, i) => {
    const yy = 5 + i * rowH;
    const w = ((r.rate ?? 0) / max) * width;
    svg.append(
      s('text', { x: left - 8, y: yy + 14, 'text-anchor': 'end', class: 'tick' }, r.key.slice(0, 26)),
    );
    svg.append(
      s('rect', {
        x: left,
        y: yy + 3,
        width: Math.max(1, w),
        height: rowH - 8,
        class: (r.rate ?? 0) > target ? 'bar bad' : 'bar ok',
      }),
    );
    svg.append(
      s(
        'text',
        { x: left + w + 6, y: yy + 14, class: 'tick' },
        r.rate === null ? '—' : `${(r.rate * 100).toFixed(2)}%`,
      ),
    );
  });
  const tx = left + (target / max) * width;
  svg.append(
    s(
      'line',
      { x1: tx, x2: tx, y1: 0, y2: height, class: 'target poor' },
      s('title', {}, `target ${(target * 100).toFixed(1)}%`),
    ),
  );
  return svg;
}
