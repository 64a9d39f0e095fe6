// State other instances change through the store (the virtual clock, fault rules) is re-read when the change bus
// says so (Redis pub/sub: at once) and on a short poll (without Redis, or when a message was missed), on an unref'd
// timer that never keeps the process alive.
import { CLOCK_SETTING, type ClockState, type VirtualClock } from '../clock.js';
import { Periodic } from '../periodic.js';
import type { ChangeBus } from './types.js';

export const CLOCK_TOPIC = 'clock';

/** Follows the virtual clock saved in the store by whichever instance moved it last. */
export class SharedClock {
  #seen: string | undefined | null = null;

  constructor(
    private readonly o: {
      clock: VirtualClock;
      settings: { getSetting(key: string): Promise<string | undefined> };
      bus: ChangeBus;
      /** Called after the clock was moved by another instance (deliver what became due). */
      onChange?: () => Promise<unknown>;
      onError?: (err: unknown) => void;
    },
  ) {
    o.bus.subscribe(CLOCK_TOPIC, () => void this.refresh().catch((err: unknown) => o.onError?.(err)));
  }

  /** Remembers the state this instance just saved, so its own change is not applied twice. */
  saved(value: string): void {
    this.#seen = value;
  }

  async refresh(): Promise<void> {
    const raw = await this.o.settings.getSetting(CLOCK_SETTING);
    if (this.#seen === null) {
      this.#seen = raw; // the state the clock was built from
      return;
    }
    if (raw === this.#seen) return;
    this.#seen = raw;
    if (raw === undefined) this.o.clock.reset();
    else this.o.clock.restore(JSON.parse(raw) as ClockState);
    await this.o.onChange?.();
  }
}

/** Re-reads shared state every `intervalMs`, the tasks one after another, an error in one not stopping the rest. */
export class Poller {
  readonly #loop: Periodic<void>;

  constructor(
    intervalMs: number,
    private readonly tasks: (() => Promise<void>)[],
    private readonly onError: (err: unknown) => void,
  ) {
    this.#loop = new Periodic(() => this.runOnce(), { intervalMs });
  }

  start(): void {
    this.#loop.start();
  }

  async runOnce(): Promise<void> {
    for (const task of this.tasks) await task().catch(this.onError);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
