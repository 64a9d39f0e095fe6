// One instance: everything in this process. The default when no Redis is configured; several instances without
// Redis each keep their own counters, replay cache and simulated calls (docs/scaling.md).
import { EventEmitter } from 'node:events';
import { Lockout } from '../auth/lockout.js';
import { MemoryCounterStore } from '../resilience/counters.js';
import type { SimCall } from '../simulate/types.js';
import type {
  ActiveCallStore,
  ChangeBus,
  Coordination,
  FailureLog,
  ReplayGuard,
  StoredCall,
} from './types.js';

export class MemoryReplayGuard implements ReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  use(key: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    for (const [k, until] of this.#seen) if (until <= now) this.#seen.delete(k);
    if (this.#seen.has(key)) return Promise.resolve(false);
    this.#seen.set(key, now + ttlMs);
    return Promise.resolve(true);
  }
}

export class LocalBus implements ChangeBus {
  readonly #events = new EventEmitter().setMaxListeners(0);

  publish(topic: string): Promise<void> {
    this.#events.emit(topic);
    return Promise.resolve();
  }

  subscribe(topic: string, listener: () => void): void {
    this.#events.on(topic, listener);
  }

  /** Delivers a topic that arrived from elsewhere (the Redis subscriber). */
  emit(topic: string): void {
    this.#events.emit(topic);
  }
}

/** Calls kept as JSON text, so what a caller holds is a copy and the text is the compare-and-set token. */
export class MemoryCallStore implements ActiveCallStore {
  readonly #tenants = new Map<string, Map<string, string>>();

  #calls(tenantId: string): Map<string, string> {
    let calls = this.#tenants.get(tenantId);
    if (!calls) this.#tenants.set(tenantId, (calls = new Map<string, string>()));
    return calls;
  }

  get(tenantId: string, id: string): Promise<StoredCall | undefined> {
    const token = this.#tenants.get(tenantId)?.get(id.toLowerCase());
    return Promise.resolve(token === undefined ? undefined : { call: JSON.parse(token) as SimCall, token });
  }

  list(tenantId: string): Promise<SimCall[]> {
    const calls = [...(this.#tenants.get(tenantId)?.values() ?? [])];
    return Promise.resolve(calls.map((c) => JSON.parse(c) as SimCall));
  }

  add(call: SimCall, max: number): Promise<boolean> {
    const calls = this.#calls(call.tenantId);
    if (calls.size >= max) return Promise.resolve(false);
    calls.set(call.id.toLowerCase(), JSON.stringify(call));
    return Promise.resolve(true);
  }

  replace(token: string, call: SimCall): Promise<boolean> {
    const calls = this.#calls(call.tenantId);
    if (calls.get(call.id.toLowerCase()) !== token) return Promise.resolve(false);
    calls.set(call.id.toLowerCase(), JSON.stringify(call));
    return Promise.resolve(true);
  }

  remove(token: string, call: SimCall): Promise<boolean> {
    const calls = this.#calls(call.tenantId);
    if (calls.get(call.id.toLowerCase()) !== token) return Promise.resolve(false);
    calls.delete(call.id.toLowerCase());
    if (calls.size === 0) this.#tenants.delete(call.tenantId);
    return Promise.resolve(true);
  }
}

export function memoryCoordination(): Coordination {
  const logs = new Map<string, FailureLog>();
  return {
    kind: 'memory',
    counters: new MemoryCounterStore(),
    failures(name, windowMs) {
      let log = logs.get(name);
      if (!log) logs.set(name, (log = new Lockout({ windowMs })));
      return log;
    },
    replay: new MemoryReplayGuard(),
    bus: new LocalBus(),
    calls: new MemoryCallStore(),
    health: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
  };
}
