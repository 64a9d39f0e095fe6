// Resilience testing: Graph-accurate throttling, fault and latency injection, Retry-After compliance.
// The pieces are plain classes; buildApp wires them into the Graph routes, the admin API and the notifier.
import type { Clock } from '../clock.js';
import { loadProfile } from './budgets.js';
import { ComplianceTracker } from './compliance.js';
import { MemoryCounterStore, type CounterStore } from './counters.js';
import { FaultInjector, parseFaultRules } from './faults.js';
import type { SharedFaultRules } from './shared-faults.js';
import { Throttler } from './throttle.js';

export { GRAPH_PROFILE, loadProfile, bucketsFor, profileSchema } from './budgets.js';
export type { Budget, Profile } from './budgets.js';
export { ComplianceTracker } from './compliance.js';
export type { EarlyRetries } from './compliance.js';
export { MemoryCounterStore } from './counters.js';
export type { Bucket, CounterStore, Decision } from './counters.js';
export { FaultInjector, faultBanner, faultRuleSchema, parseFaultRules, FAULT_STATUSES } from './faults.js';
export type { FaultRule, FaultRuleInput, FaultStatus, InjectedFault } from './faults.js';
export { Throttler } from './throttle.js';
export { SharedFaultRules, FAULTS_SETTING } from './shared-faults.js';
export type { ThrottleOutcome } from './throttle.js';

export interface ResilienceSettings {
  /** `off`, `graph` or a budget file. */
  throttling: string;
  rateLimitHeaders: boolean;
  faults: readonly unknown[];
  faultSeed: number;
}

export interface Resilience {
  throttler: Throttler | undefined;
  rateLimitHeaders: boolean;
  faults: FaultInjector;
  /** The rule set shared by every instance (the admin API changes it here); without it, `faults` alone. */
  rules?: SharedFaultRules;
  compliance: ComplianceTracker;
}

export function buildResilience(s: ResilienceSettings, clock: Clock, counters?: CounterStore): Resilience {
  const profile = loadProfile(s.throttling);
  const faults = new FaultInjector(s.faultSeed);
  try {
    faults.add(parseFaultRules(s.faults));
  } catch (err) {
    throw new Error(`invalid configuration: faults: ${(err as Error).message}`, { cause: err });
  }
  return {
    throttler: profile ? new Throttler(profile, counters ?? new MemoryCounterStore(), clock) : undefined,
    rateLimitHeaders: s.rateLimitHeaders,
    faults,
    compliance: new ComplianceTracker(),
  };
}
