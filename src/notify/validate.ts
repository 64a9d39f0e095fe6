// The validation handshake Graph performs before it creates a subscription (or accepts a new notificationUrl):
// a POST to `notificationUrl?validationToken=…` that must be answered 200, text/plain, with the decoded token.
import { randomUUID } from 'node:crypto';
import { GraphError } from '../errors.js';
import type { OutboundPolicy } from '../net/outbound-policy.js';
import { post, type HttpOutcome } from './http.js';

/** Graph's tokens read like this one, spaces and colons included, so receivers must decode the query properly. */
export function newValidationToken(): string {
  return `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
}

export function validationUrl(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.append('validationToken', token);
  return u.toString();
}

export interface Handshake {
  outcome: HttpOutcome;
  /** Undefined when the endpoint answered as required. */
  error?: GraphError;
}

/**
 * A URL the outbound policy refuses gets the same answer as one that did not answer 200, and as fast as the policy
 * decides: the subscriber learns nothing about what lies behind an internal address, because nothing is sent there.
 */
export async function handshake(url: string, timeoutMs: number, policy: OutboundPolicy): Promise<Handshake> {
  const token = newValidationToken();
  const outcome = await post(validationUrl(url, token), {
    body: '',
    contentType: 'text/plain; charset=utf-8',
    timeoutMs,
    policy,
    readBody: true,
  });
  if (outcome.timedOut) return { outcome, error: new GraphError('webhookValidationTimeout') };
  const textPlain = outcome.contentType?.toLowerCase().startsWith('text/plain') ?? false;
  if (outcome.status !== 200 || !textPlain) {
    return { outcome, error: new GraphError('webhookValidationFailed') };
  }
  if (outcome.body !== token) {
    return {
      outcome,
      error: new GraphError('webhookValidationFailed', {
        message:
          'Subscription validation request failed. Response must exactly match validationToken query parameter.',
      }),
    };
  }
  return { outcome };
}
