// Options of the generator, their defaults and validation.

export interface GenerateOptions {
  /** Tenant id (GUID) written into every identity. */
  tenantId: string;
  /** Same seed + options => identical output (byte-identical JSON). */
  seed: number;
  /** Size of the tenant's directory (people; rooms and bots come on top). Default 200. */
  users: number;
  /** Length of the period in days. Default 30. */
  days: number;
  /** End of the period (exclusive): records start in [until - days, until). */
  until: Date;
  /** IANA time zone of working hours. Default 'Europe/Amsterdam'. */
  timeZone?: string;
  /** Target audio Poor Stream Rate (CQD classification). Default 0.03. */
  poorStreamRate?: number;
  /** Records (P2P calls + group calls/meetings organised) per person per working day. Default 1.5. */
  callsPerUserPerDay?: number;
}

export const DEFAULTS = {
  users: 200,
  days: 30,
  timeZone: 'Europe/Amsterdam',
  poorStreamRate: 0.03,
  callsPerUserPerDay: 1.5,
} as const;

export type ResolvedOptions = Required<GenerateOptions>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Applies defaults (also to fields a JavaScript caller left undefined) and validates. */
export function resolveOptions(opts: GenerateOptions): ResolvedOptions {
  const o = opts as Partial<GenerateOptions> & Pick<GenerateOptions, 'tenantId' | 'seed' | 'until'>;
  const r: ResolvedOptions = {
    tenantId: o.tenantId,
    seed: o.seed,
    until: o.until,
    users: o.users ?? DEFAULTS.users,
    days: o.days ?? DEFAULTS.days,
    timeZone: o.timeZone ?? DEFAULTS.timeZone,
    poorStreamRate: o.poorStreamRate ?? DEFAULTS.poorStreamRate,
    callsPerUserPerDay: o.callsPerUserPerDay ?? DEFAULTS.callsPerUserPerDay,
  };
  if (typeof r.tenantId !== 'string' || !GUID.test(r.tenantId))
    throw new RangeError('tenantId must be a GUID');
  if (!Number.isFinite(r.seed)) throw new RangeError('seed must be a finite number');
  if (!(r.until instanceof Date) || Number.isNaN(r.until.getTime()))
    throw new RangeError('until must be a valid Date');
  if (!Number.isInteger(r.users) || r.users < 2) throw new RangeError('users must be an integer >= 2');
  if (!(r.days > 0)) throw new RangeError('days must be > 0');
  if (!(r.poorStreamRate >= 0 && r.poorStreamRate <= 0.5))
    throw new RangeError('poorStreamRate must be in [0, 0.5]');
  if (!(r.callsPerUserPerDay >= 0)) throw new RangeError('callsPerUserPerDay must be >= 0');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: r.timeZone });
  } catch {
    throw new RangeError(`unknown time zone: ${r.timeZone}`);
  }
  return r;
}
