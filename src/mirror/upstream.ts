// The upstream Graph API as the mirror reads it: the list of call records in a window (ids and versions), one record
// whole (sessions with segments and participants_v2, every page of each), and a telephony log function over a range.
// Every request is paced inside Graph's budgets, authenticated, and retried by the HTTP client.
import { randomUUID } from 'node:crypto';
import type { Pacer, RequestClass } from './budget.js';
import { UpstreamError, type HttpAnswer, type HttpClient } from './http.js';
import type { TokenSource } from './token.js';

type Obj = Record<string, unknown>;

export interface ListedRecord {
  id: string;
  version: number;
  startMs: number;
}

/** The national clouds Graph documents, with what each serves of the call records API. */
export const CLOUDS = {
  global: {
    graph: 'https://graph.microsoft.com',
    authority: 'https://login.microsoftonline.com',
    participants: true,
  },
  usgov: {
    graph: 'https://graph.microsoft.us',
    authority: 'https://login.microsoftonline.us',
    participants: false,
  },
  dod: {
    graph: 'https://dod-graph.microsoft.us',
    authority: 'https://login.microsoftonline.us',
    participants: false,
  },
  china: {
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    authority: 'https://login.chinacloudapi.cn',
    participants: false,
  },
} as const;

export type CloudName = keyof typeof CLOUDS;

export interface UpstreamOptions {
  http: HttpClient;
  tokens: TokenSource;
  pacer: Pacer;
  /** The Graph base URL without a version segment. */
  base: string;
  /** Whether participants_v2 is served (Global only). */
  participants: boolean;
}

/** The ISO text Graph's filters and function parameters take. */
export const iso = (ms: number): string => new Date(ms).toISOString();

export class Upstream {
  readonly #o: UpstreamOptions;

  constructor(o: UpstreamOptions) {
    this.#o = o;
  }

  get base(): string {
    return this.#o.base;
  }

  /** GET with the token; a 401 gets one more try with a new token. 404 is returned, other 4xx thrown. */
  async #get(url: string, kind: RequestClass, key: string): Promise<HttpAnswer> {
    for (let attempt = 0; ; attempt++) {
      await this.#o.pacer.acquire(kind, key);
      const res = await this.#o.http.request(url, {}, async () => ({
        authorization: `Bearer ${await this.#o.tokens.token()}`,
        accept: 'application/json',
        // Copy what is stored, not what an older client may see: opt-in enum members as themselves.
        prefer: 'include-unknown-enum-members',
        'client-request-id': randomUUID(),
      }));
      if (res.status === 401 && attempt === 0) {
        this.#o.tokens.invalidate();
        continue;
      }
      if (res.status === 200 || res.status === 404) return res;
      throw new UpstreamError(
        `GET ${new URL(url).pathname}: HTTP ${res.status} ${errorText(res.text)}`,
        res.status,
        res.text,
      );
    }
  }

  async #json(url: string, kind: RequestClass, key: string): Promise<Obj | undefined> {
    const res = await this.#get(url, kind, key);
    if (res.status === 404) return undefined;
    try {
      return JSON.parse(res.text) as Obj;
    } catch {
      throw new UpstreamError(`GET ${new URL(url).pathname}: the answer is not JSON`, res.status);
    }
  }

  /** The records that started in [fromMs, toMs), page by page. */
  async *list(fromMs: number, toMs: number): AsyncGenerator<ListedRecord[]> {
    const filter = `startDateTime ge ${iso(fromMs)} and startDateTime lt ${iso(toMs)}`;
    let url: string | undefined =
      `${this.#o.base}/v1.0/communications/callRecords?$select=id,version,startDateTime&$filter=${encodeURIComponent(filter)}`;
    while (url) {
      const page = await this.#json(url, 'list', '');
      if (!page) throw new UpstreamError('the call records list answered 404', 404);
      const value = Array.isArray(page.value) ? (page.value as Obj[]) : [];
      yield value.map((r) => ({
        id: String(r.id),
        version: Number(r.version ?? 0),
        startMs: Date.parse(String(r.startDateTime)),
      }));
      url = nextLink(page, '@odata.nextLink');
    }
  }

  /** A record with every session (and its segments) and every participant; undefined when upstream has it no more. */
  async record(id: string): Promise<Obj | undefined> {
    try {
      return await this.#record(id);
    } finally {
      this.#o.pacer.done(id);
    }
  }

  async #record(id: string): Promise<Obj | undefined> {
    const path = `${this.#o.base}/v1.0/communications/callRecords/${encodeURIComponent(id)}`;
    const record = await this.#json(
      `${path}?$expand=${encodeURIComponent('sessions($expand=segments)')}`,
      'record',
      id,
    );
    if (!record) return undefined;
    const sessions = Array.isArray(record.sessions) ? [...(record.sessions as Obj[])] : [];
    let next = nextLink(record, 'sessions@odata.nextLink');
    while (next) {
      const page = await this.#json(next, 'record', id);
      if (!page) return undefined;
      sessions.push(...((page.value as Obj[] | undefined) ?? []));
      next = nextLink(page, '@odata.nextLink');
    }
    const participants: Obj[] = [];
    if (this.#o.participants) {
      let url: string | undefined = `${path}/participants_v2`;
      while (url) {
        const page = await this.#json(url, 'record', id);
        if (!page) return undefined;
        participants.push(...((page.value as Obj[] | undefined) ?? []));
        url = nextLink(page, '@odata.nextLink');
      }
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(record)) if (!k.includes('@')) out[k] = v;
    out.sessions = sessions;
    if (this.#o.participants) out.participants_v2 = participants;
    return out;
  }

  /** Every row of a log function over [fromMs, toMs). */
  async log(version: 'v1.0' | 'beta', fn: string, fromMs: number, toMs: number): Promise<Obj[]> {
    const rows: Obj[] = [];
    let url: string | undefined =
      `${this.#o.base}/${version}/communications/callRecords/${fn}(fromDateTime=${iso(fromMs)},toDateTime=${iso(toMs)})`;
    while (url) {
      const page = await this.#json(url, 'log', `${version}/${fn}`);
      if (!page) throw new UpstreamError(`${fn} answered 404`, 404);
      rows.push(...((page.value as Obj[] | undefined) ?? []));
      url = nextLink(page, '@odata.nextLink');
    }
    return rows;
  }
}

function nextLink(page: Obj, name: string): string | undefined {
  const v = page[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function errorText(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    return e ? `${e.code ?? ''}: ${e.message ?? ''}`.slice(0, 300) : '';
  } catch {
    return '';
  }
}
