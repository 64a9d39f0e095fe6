// Call explorer: search calls by participant, period, type, modality and quality; one call as a timeline of its
// sessions and segments, each audio stream with its metrics and the CQD threshold it broke.
import { api, tenantPath } from '../api.js';
import { h, num, pct, s, table } from '../dom.js';
import type { PageContext } from '../main.js';
import { defaultPeriod, field, filterForm, periodFields, select } from '../period.js';

interface CallRow {
  id: string;
  startDateTime: string;
  durationSeconds: number;
  type: string;
  modalities: string[];
  organizer: string;
  participants: number;
  audioStreams: number;
  poorStreams: number;
  failures: number;
  worst: string | null;
}

const time = (iso: string) => iso.replace('T', ' ').slice(0, 19);
const duration = (sec: number) =>
  sec >= 3600
    ? `${Math.floor(sec / 3600)} h ${Math.round((sec % 3600) / 60)} min`
    : sec >= 60
      ? `${Math.floor(sec / 60)} min ${sec % 60} s`
      : `${sec} s`;

export async function renderCalls(c: PageContext): Promise<void> {
  const p = defaultPeriod(c.params, c.nowMs);
  const get = (k: string) => c.params.get(k) ?? '';
  const q = new URLSearchParams({ from: p.from, to: p.to, limit: '50' });
  for (const k of ['user', 'type', 'modality', 'quality', 'before']) if (get(k)) q.set(k, get(k));
  const res = await api<{ value: CallRow[]; next: string | null }>(
    tenantPath(`/dashboard/calls?${q.toString()}`),
  );
  const next = new URLSearchParams(c.params);
  if (res.next) next.set('before', res.next);
  c.main.append(
    h('h1', {}, 'Call explorer'),
    filterForm('calls', 'Search calls', [
      ...periodFields(p),
      field(
        'user',
        'Participant id',
        h('input', { type: 'text', value: get('user'), placeholder: 'user GUID', size: 38 }),
      ),
      field(
        'type',
        'Type',
        select(
          [
            ['', 'any'],
            ['peerToPeer', 'peer to peer'],
            ['groupCall', 'group call'],
          ],
          get('type'),
        ),
      ),
      field(
        'modality',
        'Modality',
        select(
          [
            ['', 'any'],
            ['audio', 'audio'],
            ['video', 'video'],
            ['screenSharing', 'screen sharing'],
            ['data', 'data'],
          ],
          get('modality'),
        ),
      ),
      field(
        'quality',
        'Quality',
        select(
          [
            ['', 'any'],
            ['poor', 'a poor audio stream'],
            ['good', 'no poor audio stream'],
            ['failed', 'a failed segment'],
          ],
          get('quality'),
        ),
      ),
    ]),
    table(
      `Calls from ${p.from} to ${p.to}, newest first`,
      [
        'Start (UTC)',
        'Duration',
        'Type',
        'Modalities',
        'Organizer',
        'Participants',
        'Poor streams',
        'First threshold broken',
        '',
      ],
      res.value.map((r) => [
        time(r.startDateTime),
        duration(r.durationSeconds),
        r.type,
        r.modalities.join(', '),
        r.organizer || '—',
        num(r.participants),
        r.poorStreams
          ? h('span', { class: 'badge bad' }, `${r.poorStreams} of ${r.audioStreams}`)
          : `0 of ${r.audioStreams}`,
        r.worst ? `poor: ${r.worst}` : r.failures ? 'failed segment' : '—',
        h('a', { href: `#/call/${r.id}`, 'aria-label': `Open call ${r.id}` }, 'Open'),
      ]),
      { id: 'calls', 'data-count': res.value.length },
    ),
    res.next
      ? h('p', {}, h('a', { href: `#/calls?${next.toString()}`, class: 'button' }, 'Older calls'))
      : '',
  );
}

interface StreamView {
  label: string | null;
  cqdDirection: string;
  jitterMs: number | null;
  roundTripMs: number | null;
  packetLossRate: number | null;
  degradation: number | null;
  concealedRatio: number | null;
  quality: string;
  breaches: string[];
}

interface Endpoint {
  name: string;
  id: string | null;
  kind: string;
  platform: string;
}

interface CallDetail {
  id: string;
  type: string;
  modalities: string[];
  startDateTime: string;
  endDateTime: string;
  organizer: string | null;
  participants: { id: string; displayName: string | null }[];
  sessions: {
    id: string;
    startDateTime: string;
    endDateTime: string;
    modalities: string[];
    failureInfo: { stage: string; reason: string | null } | null;
    caller: Endpoint | null;
    callee: Endpoint | null;
    segments: {
      id: string;
      startDateTime: string;
      endDateTime: string;
      failureInfo: { stage: string; reason: string | null } | null;
      first: string;
      pair: string;
      streams: StreamView[];
    }[];
  }[];
}

function timeline(d: CallDetail): SVGElement {
  const start = Date.parse(d.startDateTime);
  const span = Math.max(1, Date.parse(d.endDateTime) - start);
  const W = 900;
  const left = 220;
  const rowH = 26;
  const rows = d.sessions.length;
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${rows * rowH + 24}`,
    role: 'img',
    'aria-label': `Timeline of ${rows} sessions`,
    class: 'chart timeline',
  });
  const x = (iso: string) => left + ((Date.parse(iso) - start) / span) * (W - left - 10);
  d.sessions.forEach((sess, i) => {
    const y = 4 + i * rowH;
    svg.append(
      s(
        'text',
        { x: left - 8, y: y + 15, 'text-anchor': 'end', class: 'tick' },
        `${sess.caller?.name ?? '?'} → ${sess.callee?.name ?? '?'}`.slice(0, 34),
      ),
    );
    for (const g of sess.segments) {
      const poor = g.streams.some((st) => st.quality === 'poor');
      const cls = g.failureInfo ? 'seg failed' : poor ? 'seg poor' : 'seg good';
      svg.append(
        s(
          'rect',
          {
            x: x(g.startDateTime),
            y: y + 3,
            width: Math.max(2, x(g.endDateTime) - x(g.startDateTime)),
            height: rowH - 8,
            class: cls,
          },
          s(
            'title',
            {},
            `${time(g.startDateTime)} – ${time(g.endDateTime)}${g.failureInfo ? ` failed (${g.failureInfo.stage})` : poor ? ' poor audio' : ''}`,
          ),
        ),
      );
    }
  });
  svg.append(s('text', { x: left, y: rows * rowH + 20, class: 'tick' }, time(d.startDateTime)));
  svg.append(
    s('text', { x: W - 10, y: rows * rowH + 20, 'text-anchor': 'end', class: 'tick' }, time(d.endDateTime)),
  );
  return svg;
}

const ms = (v: number | null) => (v === null ? '—' : `${v} ms`);

export async function renderCall(c: PageContext): Promise<void> {
  const d = await api<CallDetail>(tenantPath(`/dashboard/calls/${encodeURIComponent(c.rest)}`));
  const poor = d.sessions
    .flatMap((x) => x.segments.flatMap((g) => g.streams))
    .filter((st) => st.quality === 'poor').length;
  c.main.append(
    h('p', {}, h('a', { href: '#/calls' }, '← Call explorer')),
    h('h1', {}, `Call ${d.id}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Type'),
      h('dd', {}, d.type),
      h('dt', {}, 'Modalities'),
      h('dd', {}, d.modalities.join(', ')),
      h('dt', {}, 'Start (UTC)'),
      h('dd', {}, time(d.startDateTime)),
      h('dt', {}, 'End (UTC)'),
      h('dd', {}, time(d.endDateTime)),
      h('dt', {}, 'Organizer'),
      h('dd', {}, d.organizer ?? '—'),
      h('dt', {}, 'Poor audio streams'),
      h('dd', { 'data-figure': 'Poor audio streams' }, String(poor)),
    ),
    h('h2', {}, 'Participants'),
    h(
      'ul',
      { class: 'participants' },
      ...d.participants.map((p) =>
        h('li', {}, `${p.displayName ?? p.id} `, h('a', { href: `#/calls?user=${p.id}` }, 'their calls')),
      ),
    ),
    h('h2', {}, 'Timeline'),
    timeline(d),
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'key good' }, 'good'),
      h('span', { class: 'key poor' }, 'poor audio'),
      h('span', { class: 'key failed' }, 'failed'),
    ),
    ...d.sessions.map((sess, i) =>
      h(
        'section',
        { class: 'session', 'aria-label': `Session ${i + 1}` },
        h(
          'h2',
          {},
          `Session ${i + 1}: ${sess.caller?.name ?? '?'} (${sess.caller?.platform ?? '?'}) → ${sess.callee?.name ?? '?'} (${sess.callee?.platform ?? '?'})`,
        ),
        h(
          'p',
          {},
          `${time(sess.startDateTime)} – ${time(sess.endDateTime)} · ${sess.modalities.join(', ')}`,
          sess.failureInfo
            ? h(
                'span',
                { class: 'badge bad' },
                ` failed at ${sess.failureInfo.stage}: ${sess.failureInfo.reason ?? ''}`,
              )
            : null,
        ),
        ...sess.segments.map((g, j) =>
          table(
            `Segment ${j + 1} (${g.pair}, First is the ${g.first})${g.failureInfo ? ` — failed at ${g.failureInfo.stage}` : ''}`,
            [
              'Media',
              'Direction',
              'Jitter',
              'Packet loss',
              'Round trip',
              'Degradation',
              'Concealed',
              'Quality',
            ],
            g.streams.map((st) => [
              st.label ?? '—',
              st.cqdDirection,
              ms(st.jitterMs),
              pct(st.packetLossRate),
              ms(st.roundTripMs),
              st.degradation === null ? '—' : String(st.degradation),
              pct(st.concealedRatio),
              st.quality === 'poor'
                ? h('span', { class: 'badge bad' }, `poor: ${st.breaches.join('; ')}`)
                : st.quality === 'notAudio'
                  ? '—'
                  : st.quality,
            ]),
            { class: 'streams' },
          ),
        ),
      ),
    ),
  );
}
