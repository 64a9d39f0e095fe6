// Shared by the resilience tests: admin calls.
import { adminRequest } from '../helpers/admin.js';
import type { TestServer } from '../helpers/server.js';

export const ADMIN_KEY = 'resilience-test-admin-key';

export async function admin(
  server: TestServer,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await adminRequest(`${server.url}/admin${route}`, ADMIN_KEY, method, body);
  return { status: r.status, json: r.json };
}
