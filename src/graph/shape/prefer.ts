// The Prefer header (RFC 7240) as Graph reads it for these collections.

export interface Preferences {
  maxPageSize?: number;
  includeUnknownEnumMembers: boolean;
  omitNulls: boolean;
}

/** Parses every Prefer header value; unknown preferences are ignored, as RFC 7240 requires. */
export function parsePrefer(header: string | string[] | undefined): Preferences {
  const prefs: Preferences = { includeUnknownEnumMembers: false, omitNulls: false };
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const value of values) {
    for (const part of value.split(',')) {
      const [token = '', ...rest] = part.split(';');
      const [name = '', raw] = token.split('=').map((s) => s.trim());
      const arg = raw?.replace(/^"(.*)"$/, '$1');
      switch (name.toLowerCase()) {
        case 'odata.maxpagesize':
        case 'maxpagesize': {
          const n = arg !== undefined && /^\d{1,9}$/.test(arg) ? Number(arg) : NaN;
          if (n > 0) prefs.maxPageSize = n;
          break;
        }
        case 'odata.include-annotations':
          break;
        case 'include-unknown-enum-members':
          prefs.includeUnknownEnumMembers = true;
          break;
        case 'omit-values':
          if (arg?.toLowerCase() === 'nulls') prefs.omitNulls = true;
          break;
      }
      void rest;
    }
  }
  return prefs;
}

/** The effective page size and the Preference-Applied values to echo. */
export function pageSize(prefs: Preferences, max: number, top?: number): number {
  let size = max;
  if (prefs.maxPageSize !== undefined) size = Math.min(size, prefs.maxPageSize);
  if (top !== undefined) size = Math.min(size, top);
  return Math.max(1, size);
}

export function preferenceApplied(
  prefs: Preferences,
  appliedPageSize: number | undefined,
): string | undefined {
  const applied: string[] = [];
  if (prefs.maxPageSize !== undefined && appliedPageSize !== undefined) {
    applied.push(`odata.maxpagesize=${appliedPageSize}`);
  }
  if (prefs.includeUnknownEnumMembers) applied.push('include-unknown-enum-members');
  if (prefs.omitNulls) applied.push('omit-values=nulls');
  return applied.length > 0 ? applied.join(',') : undefined;
}
