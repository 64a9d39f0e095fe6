// Small, fast, seeded randomness for the hot paths of the generator. Faker is only used to build the directory;
// everything per record draws from an sfc32 stream seeded from (seed, day, record) so output is reproducible.

/** 32-bit mixer (murmur3 finaliser); spreads small integers such as day numbers over the whole range. */
export function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Combines numbers (any finite value, including seeds above 2^32) into one 32-bit seed. */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    const v = Math.floor(Math.abs(p));
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    h = mix32(h ^ lo ^ (p < 0 ? 0x5bd1e995 : 0));
    h = mix32((h + hi + 0x27d4eb2f) >>> 0);
  }
  return h;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(x: number): string {
  return HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

function hex4(x: number): string {
  return HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Normal quantiles at (k + 0.5) / 4097 for k = 0..4096: symmetric, 4097 points for 4096 intervals. */
const NORMAL_TABLE = Float64Array.from({ length: 4097 }, (_, k) => normalQuantile((k + 0.5) / 4097));

/** sfc32 (Chris Doty-Humphrey's small fast counter generator): 128-bit state, passes PractRand to 2^40+. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = mix32(seed ^ 0xdeadbeef);
    this.#b = mix32(seed + 0x6a09e667);
    this.#c = mix32(seed ^ 0xbb67ae85);
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /**
   * Standard normal by table lookup of the inverse CDF with linear interpolation (one PRNG draw, no transcendental
   * functions). Tails are cut at about ±3.7 sigma, which is fine for clamped metrics and durations.
   */
  normal(): number {
    const x = this.u32() / 1048576; // [0, 4096)
    const i = x | 0;
    const lo = NORMAL_TABLE[i]!;
    return lo + (NORMAL_TABLE[i + 1]! - lo) * (x - i);
  }

  /** Log-normal with the given median and shape (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** A random (version 4 format) GUID. */
  guid(): string {
    const a = this.u32();
    const b = this.u32();
    const c = this.u32();
    const d = this.u32();
    return (
      hex8(a) +
      '-' +
      hex4(b >>> 16) +
      '-' +
      hex4((b & 0x0fff) | 0x4000) +
      '-' +
      hex4(((c >>> 16) & 0x3fff) | 0x8000) +
      '-' +
      hex4(c & 0xffff) +
      hex8(d)
    );
  }
}

/**
 * A categorical distribution sampled by linear scan over a cumulative table (the tables here have < 30 entries,
 * where a scan beats a binary search). Built once per generator, never per record.
 */
export class Weighted<T> {
  readonly values: readonly T[];
  readonly #cum: Float64Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map((e) => e[0]);
    this.#cum = new Float64Array(entries.length);
    let total = 0;
    entries.forEach(([, w], i) => {
      total += w;
      this.#cum[i] = total;
    });
    for (let i = 0; i < entries.length; i++) this.#cum[i] = this.#cum[i]! / total;
  }

  sample(rng: Rng): T {
    const u = rng.next();
    const cum = this.#cum;
    const n = cum.length - 1;
    for (let i = 0; i < n; i++) if (u < cum[i]!) return this.values[i]!;
    return this.values[n]!;
  }

  /** Probability of the entry at `index`. */
  probability(index: number): number {
    return this.#cum[index]! - (index > 0 ? this.#cum[index - 1]! : 0);
  }
}

/** Draws from a large cumulative table (e.g. per-user activity) by binary search. */
export function sampleCumulative(cum: Float64Array, rng: Rng): number {
  const u = rng.next() * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < cum[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
