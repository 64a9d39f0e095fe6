// One admin API request as the tests make it: the admin key as the bearer token, a JSON body when there is one.

export interface AdminAnswer {
  status: number;
  /** The parsed answer, `{}` when it had no body. */
  json: Record<string, unknown>;
  text: string;
}

/** `method` on `url` (a full /admin/… URL) with `key`; resolves whatever the status. */
export async function adminRequest(
  url: string,
  key: string,
  method: string,
  body?: unknown,
): Promise<AdminAnswer> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}
