// The one timer loop of the background jobs: a task run every `intervalMs` real milliseconds on an unref'd timer
// (a job never keeps the process alive), runs never overlapping, whether the timer or a caller asked for them, and
// `stop` waiting for the run in flight so that shutdown never cuts a job in the middle of its work.
export interface PeriodicOptions {
  /** Real milliseconds between ticks. */
  intervalMs: number;
  /** Called with a run's error; the loop goes on. */
  onError?: (err: unknown) => void;
  /** Checked on each tick: the tick is skipped when it answers false (nothing due). */
  due?: () => boolean;
}

export class Periodic<T> {
  readonly #task: () => Promise<T>;
  readonly #o: PeriodicOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(task: () => Promise<T>, o: PeriodicOptions) {
    this.#task = task;
    this.#o = o;
  }

  /** True once `stop` was called: a long run checks it between its batches. */
  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => {
      if (this.#o.due && !this.#o.due()) return;
      this.run().catch((err: unknown) => this.#o.onError?.(err));
    }, this.#o.intervalMs);
    this.#timer.unref();
  }

  /** Runs the task now, after the run in flight if there is one; rejects with the task's error. */
  run(): Promise<T> {
    const run = this.#running.catch(() => undefined).then(() => this.#task());
    this.#running = run;
    return run;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running.catch(() => undefined);
  }
}
