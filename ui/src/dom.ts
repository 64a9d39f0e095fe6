// A small element builder: text always goes in as text (never HTML), so names from call records cannot inject.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  }
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(
  tag: string,
  attrs: Record<string, string | number> = {},
  ...children: (Node | string)[]
): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

export const pct = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;
export const num = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : x.toLocaleString('en-US');

/** A table with a caption, header cells and rows of cells. */
export function table(caption: string, head: string[], rows: Child[][], attrs: Attrs = {}): HTMLTableElement {
  return h(
    'table',
    attrs,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...(rows.length ? rows : [[h('em', {}, 'none')]]).map((r) =>
        h('tr', {}, ...r.map((c) => h('td', {}, c))),
      ),
    ),
  );
}

/** A figure card: a label and a big value. */
export function stat(label: string, value: string, note?: string, status?: 'ok' | 'bad'): HTMLElement {
  return h(
    'div',
    { class: `stat ${status ?? ''}`, role: 'group', 'aria-label': label },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value', 'data-figure': label }, value),
    note ? h('div', { class: 'stat-note' }, note) : null,
  );
}
