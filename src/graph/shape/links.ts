// Continuation links: the options a link carries, the digest that ties a token to them, and the URL itself.
import { createHash } from 'node:crypto';

/** A digest of the options a page depends on, so a token cannot be replayed against another query. */
export function queryDigest(parts: Record<string, string | undefined>): string {
  const h = createHash('sha256');
  for (const key of Object.keys(parts).sort()) {
    const v = parts[key];
    if (v !== undefined) h.update(`${key}=${v}\n`);
  }
  return h.digest('base64url').slice(0, 22);
}

/** The options (other than $skiptoken) that a continuation link must carry, as decoded text. */
export function carriedOptions(
  rawOptions: ReadonlyMap<string, string>,
  names: readonly string[],
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const n of names) out[n] = rawOptions.get(n);
  return out;
}

/** An absolute URL on this server: path below the service root plus options, `$` kept readable. */
export function serviceUrl(
  serviceRoot: string,
  path: string,
  options: Record<string, string | undefined>,
): string {
  const query = Object.entries(options)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%24/g, '$').replace(/%2C/g, ',')}`)
    .join('&');
  return `${serviceRoot}/${path}${query ? `?${query}` : ''}`;
}

export function quoteKey(id: string): string {
  return `'${id.replace(/'/g, "''")}'`;
}
