// The request's path below the version, parsed once: the resilience step labels the request with it and the
// handler dispatches on it. A parse error is kept, not thrown, so that faults and throttling still come first.
import { parseResourcePath, type ResourcePath } from '../../graph/path/index.js';
import { parseSubscriptionPath, type SubscriptionPath } from '../../graph/path/subscriptions.js';

export type RequestTarget =
  | { kind: 'resource'; target: ResourcePath }
  | { kind: 'subscriptions'; target: SubscriptionPath }
  /** Not a path of this API (a 404 in Graph's shape). */
  | { kind: 'none' }
  | { kind: 'invalid'; error: unknown };

export function requestTarget(path: string, withSubscriptions: boolean): RequestTarget {
  try {
    const subscription = withSubscriptions ? parseSubscriptionPath(path) : undefined;
    if (subscription) return { kind: 'subscriptions', target: subscription };
    const target = parseResourcePath(path);
    return target ? { kind: 'resource', target } : { kind: 'none' };
  } catch (error) {
    return { kind: 'invalid', error };
  }
}
