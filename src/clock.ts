// The server's notion of "now". Retention, record arrival, token lifetimes and subscription expiry read it, so
// a virtual clock can be frozen, set or advanced without touching callers.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ClockState {
  /** Current virtual time (epoch ms). */
  now: number;
  /** Frozen clocks do not move by themselves. */
  frozen: boolean;
  /** Virtual minus real time, in ms (0 for real time). */
  offsetMs: number;
}

/** Real time shifted by an offset, or frozen at an instant. Defaults to real time. */
export class VirtualClock implements Clock {
  #offset = 0;
  #frozenAt: number | undefined;
  readonly #real: () => number;

  constructor(real: () => number = Date.now) {
    this.#real = real;
  }

  now(): number {
    return this.#frozenAt ?? this.#real() + this.#offset;
  }

  state(): ClockState {
    const now = this.now();
    return { now, frozen: this.#frozenAt !== undefined, offsetMs: now - this.#real() };
  }

  set(ms: number): void {
    if (this.#frozenAt !== undefined) this.#frozenAt = ms;
    else this.#offset = ms - this.#real();
  }

  advance(ms: number): void {
    this.set(this.now() + ms);
  }

  freeze(): void {
    this.#frozenAt = this.now();
  }

  resume(): void {
    if (this.#frozenAt === undefined) return;
    this.#offset = this.#frozenAt - this.#real();
    this.#frozenAt = undefined;
  }

  reset(): void {
    this.#offset = 0;
    this.#frozenAt = undefined;
  }

  /** Restores a saved state (offset for a running clock, the instant for a frozen one). */
  restore(s: { frozen: boolean; now: number; offsetMs: number }): void {
    if (s.frozen) this.#frozenAt = s.now;
    else {
      this.#frozenAt = undefined;
      this.#offset = s.offsetMs;
    }
  }
}

/** The setting under which the admin API keeps the virtual clock, so that a restart resumes the same time. */
export const CLOCK_SETTING = 'virtual-clock';

/** A clock at the state saved under CLOCK_SETTING, or real time when none was saved. */
export async function savedClock(settings: {
  getSetting(key: string): Promise<string | undefined>;
}): Promise<VirtualClock> {
  const clock = new VirtualClock();
  const saved = await settings.getSetting(CLOCK_SETTING);
  if (saved) clock.restore(JSON.parse(saved) as ClockState);
  return clock;
}

/** Parses an ISO-8601 duration such as PT2H, P1D, -PT30M or P1DT2H3M4.5S into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(-)?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text.trim(),
  );
  if (!m || text.trim().endsWith('T') || /^-?P$/.test(text.trim())) return undefined;
  const [, neg, w, d, h, min, s] = m;
  const ms =
    (Number(w ?? 0) * 7 * 86_400 + Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60) *
      1000 +
    Math.round(Number(s ?? 0) * 1000);
  return neg ? -ms : ms;
}
