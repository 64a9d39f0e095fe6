// The period form shared by the quality, calls and telephony pages: whole UTC days, From and To both included.
import { h } from './dom.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function defaultPeriod(params: URLSearchParams, nowMs: number): { from: string; to: string } {
  return { from: params.get('from') ?? iso(nowMs - 29 * DAY), to: params.get('to') ?? iso(nowMs) };
}

/** A filter form; on submit the hash gets the fields as its query (so a view can be bookmarked). */
export function filterForm(page: string, label: string, fields: HTMLElement[]): HTMLFormElement {
  const form = h(
    'form',
    { class: 'filters', 'aria-label': label },
    ...fields,
    h('button', { type: 'submit' }, 'Apply'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v !== '') q.set(k, v);
    location.hash = `#/${page}?${q.toString()}`;
  });
  return form;
}

export function field(id: string, label: string, control: HTMLInputElement | HTMLSelectElement): HTMLElement {
  control.id = id;
  control.name = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

export function periodFields(p: { from: string; to: string }): HTMLElement[] {
  return [
    field('from', 'From', h('input', { type: 'date', value: p.from, required: true })),
    field('to', 'To', h('input', { type: 'date', value: p.to, required: true })),
  ];
}

export function select(options: [string, string][], value: string | null): HTMLSelectElement {
  return h(
    'select',
    {},
    ...options.map(([v, l]) => h('option', { value: v, selected: v === (value ?? '') }, l)),
  );
}
