// Picks up signing keys rotated by another process (`callrecords keys rotate`) on an unref'd timer.
import type { KeyRing } from '../auth/keys.js';
import { Periodic } from '../periodic.js';

export interface KeyReloadOptions {
  keys: Pick<KeyRing, 'reload'>;
  /** Real milliseconds between reloads (default one minute). */
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

export class KeyReload {
  readonly #loop: Periodic<void>;

  constructor(o: KeyReloadOptions) {
    this.#loop = new Periodic(() => o.keys.reload(), {
      intervalMs: o.intervalMs ?? 60_000,
      onError: o.onError,
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
