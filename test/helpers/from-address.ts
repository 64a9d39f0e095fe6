// HTTP requests from a chosen loopback source address (127.0.0.2, …), so that tests can be two callers at once.
import { request } from 'node:http';

export interface FromReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown> | undefined;
}

export function requestFrom(
  localAddress: string,
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<FromReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: o.method ?? 'GET',
      headers: o.headers ?? {},
      localAddress,
      agent: false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
      });
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
