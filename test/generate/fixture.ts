// The dataset the generator tests share: 200 people x 30 days, generated once per test file (process).
import { generateCallRecords } from '../../src/generate/index.js';
import type { GenerateOptions } from '../../src/generate/index.js';
import type { CallRecordDocument, MediaStream, NetworkInfo } from '../../src/graph/model/index.js';

export const TENANT_ID = 'dc368399-474c-4d40-900c-6265431fd81f';

export const OPTIONS: GenerateOptions = {
  tenantId: TENANT_ID,
  seed: 20250901,
  users: 200,
  days: 30,
  // A Monday; the window covers August 2025 (including four Thursdays).
  until: new Date('2025-09-01T00:00:00Z'),
};

let cached: CallRecordDocument[] | undefined;

export function dataset(): CallRecordDocument[] {
  cached ??= [...generateCallRecords(OPTIONS)];
  return cached;
}

export interface AudioMediaView {
  record: CallRecordDocument;
  callerNetwork: NetworkInfo | null;
  calleeNetwork: NetworkInfo | null;
  streams: MediaStream[];
}

/** Every `main-audio` media of every segment. */
export function* audioMedia(records: readonly CallRecordDocument[]): Generator<AudioMediaView> {
  for (const record of records) {
    for (const s of record.sessions) {
      for (const g of s.segments) {
        for (const m of g.media) {
          if (m.label === 'main-audio') {
            yield {
              record,
              callerNetwork: m.callerNetwork,
              calleeNetwork: m.calleeNetwork,
              streams: m.streams,
            };
          }
        }
      }
    }
  }
}

/** Local wall-clock parts of an instant in a time zone (test-side only; uses Intl). */
export function localParts(
  iso: string,
  timeZone = 'Europe/Amsterdam',
): { weekday: number; hour: number; minute: number } {
  const fmt = formatter(timeZone);
  const parts = fmt.formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { weekday, hour: Number(get('hour')), minute: Number(get('minute')) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function share(part: number, total: number): number {
  return total === 0 ? 0 : part / total;
}
