// The admin API, called with the admin key the user signed in with (kept in sessionStorage: gone with the tab).
const KEY = 'callrecords.adminKey';
const TENANT = 'callrecords.tenant';

export const session = {
  get key(): string | null {
    return sessionStorage.getItem(KEY);
  },
  set key(v: string | null) {
    if (v === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, v);
  },
  get tenant(): string | null {
    return sessionStorage.getItem(TENANT);
  },
  set tenant(v: string | null) {
    if (v === null) sessionStorage.removeItem(TENANT);
    else sessionStorage.setItem(TENANT, v);
  },
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; key?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${init.key ?? session.key ?? ''}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/admin${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new ApiError(res.status, body.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

export const tenantPath = (rest: string) => `/tenants/${encodeURIComponent(session.tenant ?? '')}${rest}`;
