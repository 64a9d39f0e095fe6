// Which notification URLs the server calls. Graph calls https only; for local development, http is accepted for
// loopback hosts in demo mode or with the dev flag (`--webhook-allow-http`, CALLRECORDS_WEBHOOK_ALLOW_HTTP).
import { isIP } from 'node:net';
import { GraphError } from '../errors.js';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** The parsed URL, or a 400 as Graph words it. */
export function checkNotificationUrl(raw: string, o: { allowHttpLoopback: boolean }): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GraphError('invalidSubscriptionRequest', {
      message: `The notification URL '${raw}' is not a valid absolute URL.`,
    });
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'https') return url;
  if (scheme === 'http' && o.allowHttpLoopback && isLoopbackHost(url.hostname)) return url;
  throw new GraphError('invalidSubscriptionRequest', {
    message: `NotificationUrl scheme='${scheme}' is not supported.`,
  });
}

/** Scheme, host and path: what logs and the deliveries list show (query strings may carry secrets). */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
