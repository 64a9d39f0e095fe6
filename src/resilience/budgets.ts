// Throttling budgets: Graph's published limits for call records and PSTN logs as the `graph` profile,
// or a JSON file of the same shape. A budget applies to a class of resources and is counted per a set of
// dimensions (app, tenant, record, collection); each request is counted against every budget that applies.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ResourcePath } from '../graph/path/index.js';
import type { Bucket } from './counters.js';

/** Which requests a budget counts. */
export const RESOURCE_CLASSES = ['all', 'callRecords', 'list', 'record', 'pstnLogs'] as const;
export type ResourceClass = (typeof RESOURCE_CLASSES)[number];
export const DIMENSIONS = ['app', 'tenant', 'record', 'collection'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const budgetSchema = z.strictObject({
  name: z.string().min(1),
  resources: z.enum(RESOURCE_CLASSES),
  per: z.array(z.enum(DIMENSIONS)).min(1),
  limit: z.number().int().min(1),
  windowSeconds: z.number().positive().max(86_400),
});
export const profileSchema = z.strictObject({
  name: z.string().min(1).default('custom'),
  budgets: z.array(budgetSchema),
});
export type Budget = z.infer<typeof budgetSchema>;
export type Profile = z.infer<typeof profileSchema>;

/** Microsoft Graph's limits. Per-record and list budgets are counted per app and tenant. */
export const GRAPH_PROFILE: Profile = {
  name: 'graph',
  budgets: [
    {
      name: 'Graph, per app across tenants',
      resources: 'all',
      per: ['app'],
      limit: 130_000,
      windowSeconds: 10,
    },
    {
      name: 'call records, per app across tenants',
      resources: 'callRecords',
      per: ['app'],
      limit: 15_000,
      windowSeconds: 20,
    },
    {
      name: 'call records, per tenant',
      resources: 'callRecords',
      per: ['tenant'],
      limit: 10_000,
      windowSeconds: 20,
    },
    {
      name: 'call records, per app per tenant',
      resources: 'callRecords',
      per: ['app', 'tenant'],
      limit: 1500,
      windowSeconds: 20,
    },
    {
      name: 'call records, per call record',
      resources: 'record',
      per: ['app', 'tenant', 'record'],
      limit: 40,
      windowSeconds: 20,
    },
    { name: 'call records, list', resources: 'list', per: ['app', 'tenant'], limit: 40, windowSeconds: 20 },
    { name: 'PSTN logs, per tenant', resources: 'pstnLogs', per: ['tenant'], limit: 1000, windowSeconds: 60 },
    {
      name: 'PSTN logs, per app per tenant',
      resources: 'pstnLogs',
      per: ['app', 'tenant'],
      limit: 200,
      windowSeconds: 60,
    },
    {
      name: 'PSTN logs, per collection',
      resources: 'pstnLogs',
      per: ['app', 'tenant', 'collection'],
      limit: 50,
      windowSeconds: 60,
    },
  ],
};

/** `off` (undefined), `graph`, or a path to a JSON budget file. */
export function loadProfile(setting: string): Profile | undefined {
  if (setting === 'off') return undefined;
  if (setting === 'graph') return GRAPH_PROFILE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(setting, 'utf8'));
  } catch (err) {
    throw new Error(`throttling: cannot read the budget file ${setting}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`throttling: invalid budget file ${setting}: ${issues}`);
  }
  return parsed.data;
}

export interface Caller {
  appId: string;
  tenantId: string;
}

function classesOf(target: ResourcePath): ResourceClass[] {
  if (target.kind === 'function') return ['all', 'pstnLogs'];
  if (target.kind === 'records' || target.kind === 'recordsCount') return ['all', 'callRecords', 'list'];
  return ['all', 'callRecords', 'record'];
}

/** The buckets one request is counted in. */
export function bucketsFor(profile: Profile, caller: Caller, target: ResourcePath): Bucket[] {
  const classes = classesOf(target);
  const values: Record<Dimension, string> = {
    app: caller.appId,
    tenant: caller.tenantId,
    record: 'recordId' in target ? target.recordId.toLowerCase() : '-',
    collection: target.kind === 'function' ? target.name : target.kind,
  };
  return profile.budgets
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => classes.includes(b.resources))
    .map(({ b, i }) => ({
      key: `${i}|${b.per.map((d) => values[d]).join('|')}`,
      limit: b.limit,
      windowMs: Math.round(b.windowSeconds * 1000),
      name: b.name,
    }));
}
