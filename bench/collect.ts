// Builds the URL sets the scenarios walk round-robin, by reading the running server as a client would (following
// nextLinks, taking ids from the pages), then captures one real response per URL for the bare server to replay.
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Scenario {
  name: string;
  what: string;
  urls: string[];
}

interface Page {
  value: { id: string; startDateTime?: string }[];
  '@odata.nextLink'?: string;
}

/** Headers that belong to the connection or the moment, not to the response; the bare server sets its own. */
const SKIP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const MS_PER_DAY = 86_400_000;

/** Evenly spaced picks, at most n, first and last included. */
export function pick<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]!);
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export class Client {
  constructor(
    readonly base: string,
    readonly token: string,
    /** Sent on the captured requests (and by the load): the bare server replays the compressed bytes. */
    readonly acceptEncoding?: string,
  ) {}

  /** The response's bytes as they came over the wire (fetch would decompress them), for the bare server. */
  raw(url: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(
        this.base + url,
        {
          headers: {
            authorization: `Bearer ${this.token}`,
            'accept-encoding': this.acceptEncoding ?? 'identity',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            if (res.statusCode !== 200) reject(new Error(`GET ${url}: ${res.statusCode}`));
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (!SKIP_HEADERS.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
            }
            resolve({ status: res.statusCode ?? 0, headers, body });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** The path and query exactly as fetch and autocannon send them (percent-encoded the WHATWG way). */
  norm(pathAndQuery: string): string {
    const u = new URL(pathAndQuery, this.base);
    return u.pathname + u.search;
  }

  async fetch(url: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const res = await fetch(this.base + url, {
      headers: { authorization: `Bearer ${this.token}`, 'accept-encoding': 'identity' },
    });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200)
      throw new Error(`GET ${url}: ${res.status} ${body.toString('utf8').slice(0, 300)}`);
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!SKIP_HEADERS.has(k)) headers[k] = v;
    });
    return { status: res.status, headers, body };
  }

  async json<T>(url: string): Promise<T> {
    return JSON.parse((await this.fetch(url)).body.toString('utf8')) as T;
  }

  /** Follows nextLinks from `first`, at most `max` pages; returns each page's URL and body. */
  async walk(first: string, max: number): Promise<{ url: string; page: Page }[]> {
    const out: { url: string; page: Page }[] = [];
    for (let url: string | undefined = this.norm(first); url && out.length < max;) {
      const page: Page = await this.json<Page>(url);
      // Only what the scenarios need: a walk over a million records must not hold every body.
      out.push({
        url,
        page: { ...page, value: page.value.map((r) => ({ id: r.id, startDateTime: r.startDateTime })) },
      });
      const next: string | undefined = page['@odata.nextLink'];
      url = next ? this.norm(next) : undefined;
    }
    return out;
  }
}

export async function buildScenarios(
  c: Client,
  o: { samples: number; maxWalk: number; log: (s: string) => void },
): Promise<Scenario[]> {
  const n = o.samples;
  const list = await c.walk('/v1.0/communications/callRecords', o.maxWalk);
  const pages = list.map((p) => p.url);
  const records = list.flatMap((p) => p.page.value);
  o.log(`list: ${pages.length} pages, ${records.length} records walked`);
  const ids = records.map((r) => r.id);
  const times = records.map((r) => Date.parse(r.startDateTime ?? '')).filter((t) => !Number.isNaN(t));
  // No spread: a deep walk has more times than a call may have arguments.
  const tMin = times.reduce((a, b) => Math.min(a, b), Infinity);
  const tMax = times.reduce((a, b) => Math.max(a, b), -Infinity);

  const participantsUrls = pick([...ids].reverse(), n).map((id) =>
    c.norm(`/beta/communications/callRecords/${id}/participants_v2`),
  );
  const participantIds = new Set<string>();
  for (const url of participantsUrls.slice(0, 100)) {
    for (const p of (await c.json<Page>(url)).value) participantIds.add(p.id);
  }

  const span = Math.max(tMax - tMin - MS_PER_DAY, 0);
  const windows = Array.from({ length: n }, (_, i) => tMin + Math.floor((i * span) / n)).map(
    (from) => `startDateTime ge ${iso(from)} and startDateTime lt ${iso(from + MS_PER_DAY)}`,
  );

  // getPstnCalls: distinct 90-day ranges ending a minute apart, each walked to its deepest full page.
  const now = Date.now();
  const pstn = (i: number) => {
    const to = now - i * 60_000;
    return `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${iso(to - 90 * MS_PER_DAY)},toDateTime=${iso(to)})`;
  };
  const probe = await c.walk(pstn(0), 30);
  const full = probe.filter((p) => p.page.value.length === probe[0]?.page.value.length);
  const depth = Math.max(full.length - 1, 0);
  const ranges = Math.min(n, Math.max(20, Math.floor(300 / (depth + 1))));
  const pstnUrls: string[] = [];
  for (let i = 0; i < ranges; i++) {
    const walked = i === 0 ? probe : await c.walk(pstn(i), depth + 1);
    const deepest = walked[Math.min(depth, walked.length - 1)];
    if (deepest) pstnUrls.push(deepest.url);
  }
  o.log(`getPstnCalls: ${probe.length} pages in the 90-day range, page ${depth + 1} of ${ranges} ranges`);

  return [
    { name: 'list', what: 'list pages, first to last, via nextLinks', urls: pick(pages, n) },
    {
      name: 'list-deep',
      what: 'the deepest quarter of list pages',
      urls: pick(pages.slice(Math.floor(pages.length * 0.75)), n),
    },
    {
      name: 'get-expand',
      what: 'one record, $expand=sessions($expand=segments)',
      urls: pick(ids, n).map((id) =>
        c.norm(`/v1.0/communications/callRecords/${id}?$expand=sessions($expand=segments)`),
      ),
    },
    {
      name: 'get',
      what: 'one record, no query options',
      urls: pick(ids, n).map((id) => c.norm(`/v1.0/communications/callRecords/${id}`)),
    },
    { name: 'participants', what: 'participants_v2 page of one record (beta)', urls: participantsUrls },
    {
      name: 'pstn-deep',
      what: `getPstnCalls page ${depth + 1} of a 90-day range`,
      urls: pstnUrls,
    },
    {
      name: 'filter-time',
      what: 'first page of a one-day startDateTime window',
      urls: windows.map((f) => c.norm(`/v1.0/communications/callRecords?$filter=${f}`)),
    },
    {
      name: 'filter-participant',
      what: "first page of participants_v2/any(p:p/id eq '…')",
      urls: pick([...participantIds], n).map((id) =>
        c.norm(`/v1.0/communications/callRecords?$filter=participants_v2/any(p:p/id eq '${id}')`),
      ),
    },
  ];
}

/** Fetches every scenario URL once (also a warm-up) and writes the responses where the bare server reads them. */
export async function capture(c: Client, scenarios: Scenario[], dir: string): Promise<Map<string, number>> {
  mkdirSync(dir, { recursive: true });
  const index: { url: string; status: number; headers: Record<string, string>; file: string }[] = [];
  const sizes = new Map<string, number>();
  for (const url of scenarios.flatMap((s) => s.urls)) {
    if (sizes.has(url)) continue;
    const r = c.acceptEncoding ? await c.raw(url) : await c.fetch(url);
    sizes.set(url, r.body.length);
    const file = `${index.length}.body`;
    writeFileSync(path.join(dir, file), r.body);
    index.push({ url, status: r.status, headers: r.headers, file });
  }
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
  return sizes;
}
