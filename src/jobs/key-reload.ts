// Picks up signing keys rotated by another process (`callrecords keys rotate`) on an unref'd timer.
import type { KeyRing } from '../auth/keys.js';

export interface KeyReloadOptions {
  keys: Pick<KeyRing, 'reload'>;
  /** Real milliseconds between reloads (default one minute). */
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

export class KeyReload {
  readonly #o: KeyReloadOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(o: KeyReloadOptions) {
    this.#o = o;
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => {
      this.#running = this.#o.keys.reload().catch((err: unknown) => this.#o.onError?.(err));
    }, this.#o.intervalMs ?? 60_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
