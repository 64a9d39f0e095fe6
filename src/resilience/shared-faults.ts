// Fault rules shared by every instance: the rule set lives in a store setting, changed compare-and-set (so two
// instances adding rules at once both succeed, with distinct ids), and each instance mirrors it into its own
// FaultInjector when told over the change bus or when its poll sees a new value. Counts (`matched`, `injected`) and
// `everyNth` / `probability` draws stay per instance: each instance decides for the requests it serves.
import type { ChangeBus } from '../coord/types.js';
import type { faultRuleSchema } from './faults.js';
import { type FaultInjector, type FaultRule } from './faults.js';
import type { z } from 'zod';

export const FAULTS_SETTING = 'fault-rules';
export const FAULTS_TOPIC = 'faults';

interface State {
  /** The number of the next generated id (`f<next>`). */
  next: number;
  rules: FaultRule[];
}

export interface SettingsStore {
  getSetting(key: string): Promise<string | undefined>;
  compareAndSetSetting(key: string, expected: string | undefined, value: string): Promise<boolean>;
}

type ParsedRule = z.output<typeof faultRuleSchema>;

export class SharedFaultRules {
  #seen: string | undefined;

  constructor(
    private readonly store: SettingsStore,
    private readonly bus: ChangeBus,
    readonly injector: FaultInjector,
  ) {
    bus.subscribe(FAULTS_TOPIC, () => void this.refresh().catch(() => {}));
  }

  /**
   * Adds the configured rules that the shared set does not hold yet (by id; rules without one are numbered in
   * order, f1, f2…), so instances started with the same configuration agree on one set.
   */
  async init(configured: readonly ParsedRule[]): Promise<void> {
    await this.#update((state) => {
      configured.forEach((r, i) => {
        const id = r.id ?? `f${i + 1}`;
        if (!state.rules.some((x) => x.id === id)) state.rules.push({ ...r, id });
      });
      state.next = Math.max(state.next, configured.length + 1);
      return undefined;
    });
  }

  /** Adds rules, numbering those without an id; throws when an id is taken. */
  async add(rules: readonly ParsedRule[]): Promise<FaultRule[]> {
    const added = await this.#update((state) => {
      const fresh: FaultRule[] = [];
      const taken = (id: string) => state.rules.some((x) => x.id === id) || fresh.some((x) => x.id === id);
      for (const r of rules) {
        let id = r.id;
        if (id === undefined)
          do id = `f${state.next++}`;
          while (taken(id));
        else if (taken(id)) throw new Error(`a fault rule with id '${id}' exists`);
        fresh.push({ ...r, id });
      }
      state.rules.push(...fresh);
      return fresh;
    });
    return added ?? [];
  }

  async remove(id: string): Promise<boolean> {
    return (
      (await this.#update((state) => {
        const i = state.rules.findIndex((r) => r.id === id);
        if (i < 0) return false;
        state.rules.splice(i, 1);
        return true;
      })) ?? false
    );
  }

  async clear(): Promise<void> {
    await this.#update((state) => {
      state.rules = [];
      return undefined;
    });
  }

  /** Mirrors the shared set into this instance's injector when it changed. */
  async refresh(): Promise<void> {
    const raw = await this.store.getSetting(FAULTS_SETTING);
    this.#apply(raw);
  }

  #apply(raw: string | undefined): void {
    if (raw === this.#seen) return;
    this.#seen = raw;
    this.injector.replaceAll(raw === undefined ? [] : (JSON.parse(raw) as State).rules);
  }

  async #update<T>(change: (state: State) => T): Promise<T | undefined> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const raw = await this.store.getSetting(FAULTS_SETTING);
      const state: State = raw === undefined ? { next: 1, rules: [] } : (JSON.parse(raw) as State);
      const result = change(state);
      const value = JSON.stringify(state);
      if (value !== raw && !(await this.store.compareAndSetSetting(FAULTS_SETTING, raw, value))) continue;
      this.#apply(value);
      if (value !== raw) await this.bus.publish(FAULTS_TOPIC);
      return result;
    }
    throw new Error('the fault rules kept changing under this update');
  }
}
