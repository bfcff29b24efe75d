/**
 * Seeded pseudo-random numbers for everything in gmmgen that must be reproducible
 * (initialisations, sampling, crops, train/validation splits).
 *
 * Generator: xoshiro128** (Blackman & Vigna) seeded through splitmix32, so any integer seed
 * (including 0) gives a well-mixed state. Uniforms carry 53 random bits; normals use the
 * Marsaglia polar method with the spare value cached.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;
  readonly seed: number;

  constructor(seed = 0) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    this.seed = seed;
    let x = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
    const splitmix = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [a, b). */
  range(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    if (!(n > 0) || !Number.isInteger(n)) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Fills `out` with independent N(0, 1) values and returns it. */
  normals(out: Float64Array | Float32Array): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /**
   * Index drawn with probability proportional to `weights` (finite, ≥ 0, not all zero). Weights whose sum overflows
   * (e.g. two of 1e308) are drawn as weights / max, so they keep their proportions.
   * @throws Error naming the first weight that is negative or not finite, or when all weights are zero.
   */
  categorical(weights: ArrayLike<number>): number {
    let total = 0, max = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0 && w < Infinity)) throw new Error(`Rng.categorical: weights must be finite and >= 0, got ${w} at index ${i}`);
      total += w;
      if (w > max) max = w;
    }
    if (!(total > 0)) throw new Error('Rng.categorical: weights must have a positive sum');
    // Multiplying by 1 is exact: weights with a finite sum give the same draws as without the rescaling.
    const scale = total === Infinity ? 1 / max : 1;
    if (scale !== 1) {
      total = 0;
      for (let i = 0; i < weights.length; i++) total += weights[i] * scale;
    }
    let u = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] * scale;
      if (u < 0) return i;
    }
    // Rounding left u >= 0: return the last index with positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** An independent generator derived from this one (for workers, per-class streams, ...). */
  fork(): Rng {
    return new Rng(this.nextUint32() * 4096 + (this.nextUint32() >>> 20));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
