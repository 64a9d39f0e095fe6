// Fault injection rules: which requests (route glob or resource kind, method, tenant, app) or webhook deliveries a
// rule matches, when it fires (every time, every Nth match, or with a probability drawn from a seeded generator, so
// the same seed and the same requests give the same faults), and what it does. No Fastify here: the HTTP glue is in
// src/api/graph/resilience.ts and src/api/admin/faults.ts.
import { z } from 'zod';
import { hashSeed, Rng } from '../generate/prng.js';
import { MAX_GLOB_LENGTH, RouteGlob } from './glob.js';

export const FAULT_STATUSES = [429, 500, 502, 503, 504, 507] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

const latency = z.union([
  z.number().int().min(0).max(600_000),
  z.tuple([z.number().int().min(0).max(600_000), z.number().int().min(0).max(600_000)]),
]);

export const faultRuleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[\w.-]{1,64}$/)
      .optional(),
    /** `request`: Graph requests; `delivery`: outgoing webhook deliveries (change and lifecycle notifications). */
    on: z.enum(['request', 'delivery']).default('request'),
    /** Glob on the URL path (`*` within a segment, `**` across segments), case-insensitive. */
    route: z.string().min(1).max(MAX_GLOB_LENGTH).optional(),
    /** A resource kind (`records`, `record`, `sessions`, `function`, `subscriptions`…) or a log function's name. */
    resource: z.string().min(1).optional(),
    method: z.string().min(1).optional(),
    tenant: z.string().min(1).optional(),
    app: z.string().min(1).optional(),
    probability: z.number().min(0).max(1).optional(),
    everyNth: z.number().int().min(1).optional(),
    /** Seed of this rule's generator (default: the server's fault seed). */
    seed: z.number().int().optional(),
    status: z.union(FAULT_STATUSES.map((s) => z.literal(s))).optional(),
    /** `Retry-After` of an injected status, in seconds (default 1; 0 sends none). */
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    /** Added latency (requests) or delay (deliveries) in real ms: fixed, or a [min, max] range. */
    latencyMs: latency.optional(),
    /** Requests: destroy the socket without an answer. Deliveries: never send the notification. */
    drop: z.boolean().optional(),
    /** Deliveries only: send the notification twice. */
    duplicate: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (r.probability !== undefined && r.everyNth !== undefined)
      issue('probability and everyNth exclude each other');
    if (Array.isArray(r.latencyMs) && r.latencyMs[0] > r.latencyMs[1])
      issue('latencyMs: [min, max] with min <= max');
    if (r.on === 'request') {
      if (r.duplicate) issue('duplicate applies to deliveries (on: "delivery")');
      if (r.status === undefined && r.latencyMs === undefined && !r.drop)
        issue('a request rule needs an effect: status, latencyMs or drop');
      if (r.drop && r.status !== undefined) issue('drop and status exclude each other');
    } else {
      if (
        r.status !== undefined ||
        r.route !== undefined ||
        r.method !== undefined ||
        r.resource !== undefined
      )
        issue(
          'a delivery rule takes tenant, app (the subscription owner), the trigger and latencyMs, drop or duplicate',
        );
      if (r.latencyMs === undefined && !r.drop && !r.duplicate)
        issue('a delivery rule needs an effect: latencyMs, drop or duplicate');
    }
  });
export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.output<typeof faultRuleSchema> & { id: string };

/** What a request looks like to the rules. */
export interface RequestFacts {
  method: string;
  /** URL path without the query. */
  path: string;
  /** The resource kind and, for log functions, the function name. */
  resources: string[];
  tenantId: string;
  appId: string;
}

export interface DeliveryFacts {
  tenantId: string;
  appId: string;
}

export interface InjectedFault {
  rule: FaultRule;
  /** Value of the `x-callrecords-fault` header. */
  label: string;
  status?: FaultStatus;
  retryAfterSeconds?: number;
  latencyMs?: number;
  drop?: boolean;
  duplicate?: boolean;
}

interface Active {
  rule: FaultRule;
  rng: Rng;
  matched: number;
  injected: number;
  glob: RouteGlob | undefined;
}

const eq = (want: string | undefined, got: string) =>
  want === undefined || want.toLowerCase() === got.toLowerCase();

/** Parses rules (throws an Error naming the problem). */
export function parseFaultRules(input: unknown): z.output<typeof faultRuleSchema>[] {
  const parsed = z.array(faultRuleSchema).safeParse(input);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

export class FaultInjector {
  readonly #active: Active[] = [];
  #next = 1;

  constructor(readonly seed: number) {}

  /** Adds validated rules; a rule without an id gets `f1`, `f2`… */
  add(rules: readonly z.output<typeof faultRuleSchema>[]): FaultRule[] {
    const added = rules.map((r) => {
      const id = r.id ?? `f${this.#next++}`;
      if (this.#active.some((a) => a.rule.id === id)) throw new Error(`a fault rule with id '${id}' exists`);
      const rule: FaultRule = { ...r, id };
      return {
        rule,
        rng: new Rng(hashSeed(r.seed ?? this.seed)),
        matched: 0,
        injected: 0,
        glob: r.route ? new RouteGlob(r.route) : undefined,
      };
    });
    this.#active.push(...added);
    return added.map((a) => a.rule);
  }

  /**
   * Makes `rules` (with ids) the active set, as another instance left it: a rule already active unchanged keeps
   * its counts and generator, so syncing the same set again changes nothing.
   */
  replaceAll(rules: readonly FaultRule[]): void {
    const kept = new Map(this.#active.map((a) => [a.rule.id, a]));
    const next = rules.map((rule) => {
      const old = kept.get(rule.id);
      if (old && JSON.stringify(old.rule) === JSON.stringify(rule)) return old;
      return {
        rule,
        rng: new Rng(hashSeed(rule.seed ?? this.seed)),
        matched: 0,
        injected: 0,
        glob: rule.route ? new RouteGlob(rule.route) : undefined,
      };
    });
    this.#active.splice(0, this.#active.length, ...next);
  }

  /** The active rules as given (no counts). */
  rules(): FaultRule[] {
    return this.#active.map((a) => a.rule);
  }

  remove(id: string): boolean {
    const i = this.#active.findIndex((a) => a.rule.id === id);
    if (i < 0) return false;
    this.#active.splice(i, 1);
    return true;
  }

  clear(): void {
    this.#active.length = 0;
  }

  list(): (FaultRule & { matched: number; injected: number })[] {
    return this.#active.map((a) => ({ ...a.rule, matched: a.matched, injected: a.injected }));
  }

  get size(): number {
    return this.#active.length;
  }

  /** The first rule that matches and fires; every matching rule advances its own count and generator. */
  forRequest(f: RequestFacts): InjectedFault | undefined {
    return this.#pick('request', (a) => {
      const r = a.rule;
      return (
        eq(r.method, f.method) &&
        eq(r.tenant, f.tenantId) &&
        eq(r.app, f.appId) &&
        (a.glob === undefined || a.glob.test(f.path)) &&
        (r.resource === undefined || f.resources.some((k) => eq(r.resource, k)))
      );
    });
  }

  forDelivery(f: DeliveryFacts): InjectedFault | undefined {
    return this.#pick('delivery', (a) => eq(a.rule.tenant, f.tenantId) && eq(a.rule.app, f.appId));
  }

  #pick(on: 'request' | 'delivery', matches: (a: Active) => boolean): InjectedFault | undefined {
    let chosen: InjectedFault | undefined;
    for (const a of this.#active) {
      if (a.rule.on !== on || !matches(a)) continue;
      a.matched += 1;
      const draw = a.rng.next();
      const r = a.rule;
      const fires = r.everyNth !== undefined ? a.matched % r.everyNth === 0 : draw < (r.probability ?? 1);
      if (!fires || chosen) continue;
      a.injected += 1;
      chosen = this.#effect(a);
    }
    return chosen;
  }

  #effect(a: Active): InjectedFault {
    const r = a.rule;
    const latencyMs = Array.isArray(r.latencyMs)
      ? r.latencyMs[0] + Math.floor(a.rng.next() * (r.latencyMs[1] - r.latencyMs[0] + 1))
      : r.latencyMs;
    const parts = [r.id];
    if (latencyMs !== undefined) parts.push(`${r.on === 'delivery' ? 'delay' : 'latency'}=${latencyMs}ms`);
    if (r.status !== undefined) parts.push(`status=${r.status}`);
    if (r.drop) parts.push('drop');
    if (r.duplicate) parts.push('duplicate');
    return {
      rule: r,
      label: parts.join('; '),
      ...(r.status !== undefined ? { status: r.status, retryAfterSeconds: r.retryAfterSeconds ?? 1 } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(r.drop ? { drop: true } : {}),
      ...(r.duplicate ? { duplicate: true } : {}),
    };
  }
}

/** The start-up banner: one line per active rule, so faults are never silently on. */
export function faultBanner(rules: readonly FaultRule[]): string {
  if (rules.length === 0) return '';
  const describe = (r: FaultRule) => {
    const where = [
      r.on,
      r.method,
      r.route,
      r.resource && `resource=${r.resource}`,
      r.tenant && `tenant=${r.tenant}`,
      r.app && `app=${r.app}`,
    ].filter(Boolean);
    const when = r.everyNth
      ? `every ${r.everyNth}th`
      : r.probability !== undefined
        ? `p=${r.probability}`
        : 'always';
    const what = [
      r.status && `status ${r.status}`,
      r.latencyMs !== undefined && `latency ${JSON.stringify(r.latencyMs)}ms`,
      r.drop && 'drop',
      r.duplicate && 'duplicate',
    ].filter(Boolean);
    return `  ${r.id}: ${where.join(' ')} | ${when} | ${what.join(', ')}`;
  };
  return [
    `FAULT INJECTION ACTIVE: ${rules.length} rule(s) (GET /admin/faults; clear with DELETE /admin/faults)`,
  ]
    .concat(rules.map(describe))
    .join('\n');
}
