/**
 * Fixed-basis Gaussian mixtures (Lu, Ding, Wu & Yuan 2023, "An efficient Gaussian mixture model and
 * its application to neural network"): n Gaussian components with fixed, evenly spaced means and a
 * common fixed standard deviation; only the mixing weights pi are learned.
 *
 * Basis (§2.1). For data in [a, b]: r = (b - a)/n, sigma = t r (t usually in [1, 5]), and a half-width
 * d = sigma * dRatio (the paper uses d = sigma/4 or sigma/6). The paper writes mu_i = a + i r; we use
 * the symmetric grid of bin centres mu_i = a + (i + 1/2) r, i = 0..n-1, so that "the mu_i closest to
 * x" is exactly the histogram bin of x (the paper's grid is the same shifted by half a bin).
 *
 * Algorithm 1 (§2.4, Eq. 7–8). For every data point x_j with nearest centre mu_i, with
 * k_mid = (mu_i - d, mu_i + d], k_side+ = (mu_i + r - d, mu_i + r], k_side- = (mu_i - r, mu_i - r + d]
 * and P_m(k) = int_k phi_m the mass of basis component m on the interval k,
 *     dL_m = P_m(k_mid) - (P_m(k_side+) + P_m(k_side-))/2,     pi_m <- pi_m + lr dL_m   for all m,
 * then finally clip pi at 0 and renormalise. (The paper's line 11 writes k_side- relative to x_j; we
 * use mu_i, symmetric with k_side+.) The per-point updates are additive, so the pass over the data
 * equals pi = 1/n + lr (K * c), a discrete convolution of the bin counts c with the kernel
 * K[m - i] = dL_m (which only depends on m - i on the uniform grid); it is computed that way.
 *
 * Algorithm 2 (simplified). dL = P_i(k_mid) - P_i(k_side) (the same for every i); for every x_j with
 * nearest centre mu_i: pi_i <- pi_i + lr dL and pi_m <- pi_m - lr dL / n for m != i; finally
 * clip at 0 and renormalise. In closed form pi_m = 1/n + lr dL (c_m (1 + 1/n) - N/n).
 *
 * Step size. The paper's update (Eq. 8) has no step size, i.e. lr = 1. For Algorithm 1 that is the
 * default: with N >> n the initial 1/n is negligible and pi is the smoothed histogram. For
 * Algorithm 2, lr = 1 gives pi_m proportional to max(0, c_m - N/(n+1)) (every bin with fewer than
 * the average count is zeroed), so the default 'auto' step is lr = 1/(N dL), each point moving mass
 * 1/N; then the uniform start cancels exactly and pi is the normalised histogram of nearest-centre
 * counts. Pass lr = 1 to reproduce the literal paper update.
 *
 * Accuracy metric L (Eq. 9), with centres mu_1 < ... < mu_n and half-width d:
 *   L = |P_t(x <= mu_1 - d) - P_g(x <= mu_1 - d)| + sum_i |P_t(mu_i - d < x <= mu_i + d) - P_g(...)|
 *       + |P_t(x > mu_n + d) - P_g(x > mu_n + d)|,
 * computed for a target given as a known 1-D mixture (exact CDFs) or as points (empirical
 * frequencies). The paper's Table 1 (8 random Gaussian components, 5000 points, n = 200) reports
 * L ~ 0.044–0.071.
 */
import type { Mixture1D, Points } from '../model/types.ts';
import { mixtureCdf, mixtureMoments, mixturePdf, mixtureSf, normCdf, validateMixture1D } from '../model/mixture1d.ts';
import { Rng } from '../../util/rng.ts';
import { GMM } from '../model/gmm.ts';
import { symEigen } from '../linalg/dense.ts';
import { HistoryRecorder } from './history.ts';
import { GMMOptionError, oneOf, optional, positiveInt, validateCommon } from './options.ts';
import { countAtMost, describe, pointsMoments, validatePoints } from '../model/points.ts';
import type { FitResult } from './contract.ts';

export interface FixedBasis1DOptions {
  /** Number of basis components n (grid size). Default 200. */
  n?: number;
  /** sigma = t * r. Default 3. */
  t?: number;
  /** Half-width d = dRatio * sigma of the intervals k_mid / k_side and of Eq. 9. Default 0.25. */
  dRatio?: number;
  /** Algorithm 1 or 2 of the paper. Default 2. */
  algorithm?: 1 | 2;
  /** Per-point step size, or 'auto' (1 for Algorithm 1, 1/(N dL) for Algorithm 2). Default 'auto'. */
  lr?: number | 'auto';
  /** Grid range [a, b]; default [min(x), max(x)]. */
  range?: [number, number];
}

/** A fitted 1-D fixed-basis mixture and its basis. */
export interface FixedBasis1D {
  mixture: Mixture1D;
  /** Grid centres mu_i (ascending), spacing r, common sd sigma, half-width d. */
  centers: Float64Array;
  r: number;
  sigma: number;
  d: number;
  algorithm: 1 | 2;
  /** Nearest-centre counts of the data. */
  counts: Float64Array;
}

const FB1D_KEYS = ['n', 't', 'dRatio', 'algorithm', 'lr', 'range'];

/** Validates and fills the 1-D options (throws naming the offending option). */
export function resolveFixedBasis1DOptions(opts: FixedBasis1DOptions, where = 'fitFixedBasis1D'): Required<Omit<FixedBasis1DOptions, 'range'>> & { range?: [number, number] } {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${where}: options must be an object`);
  for (const key of Object.keys(opts)) if (!FB1D_KEYS.includes(key)) throw new RangeError(`${where}: unknown option '${key}' (allowed: ${FB1D_KEYS.join(', ')})`);
  const n = opts.n ?? 200;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`${where}: n must be an integer >= 2, got ${n}`);
  const t = opts.t ?? 3;
  if (!(Number.isFinite(t) && t > 0)) throw new RangeError(`${where}: t must be a finite number > 0, got ${t}`);
  const dRatio = opts.dRatio ?? 0.25;
  if (!(Number.isFinite(dRatio) && dRatio > 0)) throw new RangeError(`${where}: dRatio must be a finite number > 0, got ${dRatio}`);
  const algorithm = opts.algorithm ?? 2;
  if (algorithm !== 1 && algorithm !== 2) throw new RangeError(`${where}: algorithm must be 1 or 2, got ${algorithm}`);
  const lr = opts.lr ?? 'auto';
  if (lr !== 'auto' && !(Number.isFinite(lr) && lr > 0)) throw new RangeError(`${where}: lr must be 'auto' or a finite number > 0, got ${lr}`);
  const range = opts.range;
  if (range !== undefined) {
    if (!Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1]) || !(range[1] > range[0])) {
      throw new RangeError(`${where}: range must be [a, b] with finite a < b, got ${JSON.stringify(range)}`);
    }
  }
  return { n, t, dRatio, algorithm, lr, range };
}

/** Grid of n bin centres over [a, b]: mu_i = a + (i + 1/2) r, r = (b - a)/n, sigma = t r. */
export function fixedBasisGrid(a: number, b: number, n: number, t: number): { centers: Float64Array; r: number; sigma: number } {
  if (!(Number.isFinite(a) && Number.isFinite(b) && b > a)) throw new RangeError(`fixedBasisGrid: need finite a < b, got [${a}, ${b}]`);
  const r = (b - a) / n;
  const centers = new Float64Array(n);
  for (let i = 0; i < n; i++) centers[i] = a + (i + 0.5) * r;
  return { centers, r, sigma: t * r };
}

/** Mass of N(0, sigma^2) on (lo, hi]. */
function massOn(lo: number, hi: number, sigma: number): number {
  const zl = lo / sigma, zh = hi / sigma;
  return zl > 0 ? normCdf(-zl) - normCdf(-zh) : normCdf(zh) - normCdf(zl);
}

/**
 * Algorithm-1 kernel K[Delta + n - 1] = dL_m for m - i = Delta: the mass of component m (centre
 * mu_i + Delta r) on k_mid minus the mean of its masses on k_side+ and k_side-.
 */
export function algorithm1Kernel(n: number, r: number, sigma: number, d: number): Float64Array {
  const K = new Float64Array(2 * n - 1);
  for (let D = -(n - 1); D <= n - 1; D++) {
    const c = D * r; // component centre relative to mu_i
    const mid = massOn(-d - c, d - c, sigma);
    const sidePlus = massOn(r - d - c, r - c, sigma);
    const sideMinus = massOn(-r - c, -r + d - c, sigma);
    K[D + n - 1] = mid - 0.5 * (sidePlus + sideMinus);
  }
  return K;
}

/** Nearest-centre counts of the sample on the grid (points outside the grid go to the end bins). */
export function nearestCenterCounts(x: ArrayLike<number>, a: number, r: number, n: number): Float64Array {
  const c = new Float64Array(n);
  for (let j = 0; j < x.length; j++) {
    let i = Math.floor((x[j] - a) / r);
    if (i < 0) i = 0;
    else if (i >= n) i = n - 1;
    c[i]++;
  }
  return c;
}

/** Clip at 0 and renormalise (the paper's final step); falls back to uniform if nothing is left. */
function clipRenormalise(pi: Float64Array): void {
  let s = 0;
  for (let i = 0; i < pi.length; i++) {
    if (!(pi[i] > 0)) pi[i] = 0;
    s += pi[i];
  }
  if (!(s > 0)) {
    pi.fill(1 / pi.length);
    return;
  }
  for (let i = 0; i < pi.length; i++) pi[i] /= s;
}

/** Fits a 1-D fixed-basis mixture to a sample with Algorithm 1 or 2 (see the module docstring). */
export function fitFixedBasis1D(x: ArrayLike<number>, opts: FixedBasis1DOptions = {}): FixedBasis1D {
  const o = resolveFixedBasis1DOptions(opts);
  const N = x.length;
  if (N < 2) throw new RangeError(`fitFixedBasis1D: needs at least 2 points, got ${N}`);
  let lo = Infinity, hi = -Infinity;
  for (let j = 0; j < N; j++) {
    const v = x[j];
    if (!Number.isFinite(v)) throw new RangeError(`fitFixedBasis1D: x[${j}] is not finite (${v})`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const [a, b] = o.range ?? [lo, hi];
  if (!(b > a)) throw new RangeError('fitFixedBasis1D: all points are equal; the grid range is empty (pass range)');
  const { centers, r, sigma } = fixedBasisGrid(a, b, o.n, o.t);
  const d = o.dRatio * sigma;
  const n = o.n;
  const counts = nearestCenterCounts(x, a, r, n);
  const pi = new Float64Array(n).fill(1 / n);
  if (o.algorithm === 1) {
    const K = algorithm1Kernel(n, r, sigma, d);
    const lr = o.lr === 'auto' ? 1 : o.lr;
    for (let m = 0; m < n; m++) {
      let s = 0;
      for (let i = 0; i < n; i++) if (counts[i] > 0) s += counts[i] * K[m - i + n - 1];
      pi[m] += lr * s;
    }
  } else {
    const dL = massOn(-d, d, sigma) - 0.5 * (massOn(r - d, r, sigma) + massOn(-r, -r + d, sigma));
    if (!(dL > 0)) throw new RangeError(`fitFixedBasis1D: the Algorithm-2 increment dL = ${dL} is not positive; decrease dRatio or t`);
    if (o.lr === 'auto') {
      // lr = 1/(N dL): the closed form's 1/n − N/n · 1/N cancels, pi_m = c_m (1 + 1/n)/N. Written that way so that an
      // empty bin is exactly 0 (the sum 1/n + (−1/n) leaves a rounding residue, ~1e-17, in every empty bin: a flat
      // floor under the density that the slab search of fitFixedBasis would read as rows of spurious valleys).
      for (let m = 0; m < n; m++) pi[m] = (counts[m] * (1 + 1 / n)) / N;
    } else {
      for (let m = 0; m < n; m++) pi[m] += o.lr * dL * (counts[m] * (1 + 1 / n) - N / n);
    }
  }
  clipRenormalise(pi);
  return {
    mixture: { weights: pi, means: centers.slice(), sds: new Float64Array(n).fill(sigma) },
    centers, r, sigma, d, algorithm: o.algorithm, counts,
  };
}

/**
 * The accuracy metric L of Eq. 9 between a target (a known 1-D mixture, or a sample given as an
 * array of numbers) and a mixture `gmm`, on the intervals (mu_i - d, mu_i + d] of `centers`.
 * 0 <= L and, when the intervals do not overlap (2d <= r), L <= 2.
 */
export function fixedBasisLoss(target: Mixture1D | ArrayLike<number>, gmm: Mixture1D, centers: ArrayLike<number>, d: number): number {
  validateMixture1D(gmm, 'fixedBasisLoss: gmm');
  if (!(Number.isFinite(d) && d > 0)) throw new RangeError(`fixedBasisLoss: d must be a finite number > 0, got ${d}`);
  const n = centers.length;
  if (n < 1) throw new RangeError('fixedBasisLoss: needs at least one centre');
  for (let i = 1; i < n; i++) if (!(centers[i] > centers[i - 1])) throw new RangeError(`fixedBasisLoss: centres must be strictly increasing (index ${i})`);
  let Ft: (x: number) => number, St: (x: number) => number;
  if ((target as Mixture1D).weights !== undefined) {
    const tm = target as Mixture1D;
    validateMixture1D(tm, 'fixedBasisLoss: target');
    Ft = (x) => mixtureCdf(tm, x);
    St = (x) => mixtureSf(tm, x);
  } else {
    const arr = Float64Array.from(target as ArrayLike<number>);
    if (arr.length === 0) throw new RangeError('fixedBasisLoss: the target sample is empty');
    for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) throw new RangeError(`fixedBasisLoss: target[${i}] is not finite`);
    arr.sort();
    const N = arr.length;
    const atMost = (x: number) => {
      let lo = 0, hi = N;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (arr[mid] <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    Ft = (x) => atMost(x) / N;
    St = (x) => (N - atMost(x)) / N;
  }
  const Fg = (x: number) => mixtureCdf(gmm, x);
  const Sg = (x: number) => mixtureSf(gmm, x);
  // interval probability P(lo < X <= hi), from the tail that keeps precision
  const prob = (F: (x: number) => number, S: (x: number) => number, lo: number, hi: number) =>
    lo > 0 ? S(lo) - S(hi) : F(hi) - F(lo);
  let L = Math.abs(Ft(centers[0] - d) - Fg(centers[0] - d));
  for (let i = 0; i < n; i++) {
    L += Math.abs(prob(Ft, St, centers[i] - d, centers[i] + d) - prob(Fg, Sg, centers[i] - d, centers[i] + d));
  }
  L += Math.abs(St(centers[n - 1] + d) - Sg(centers[n - 1] + d));
  return L;
}

// ---------------------------------------------------------------------------------------------
// The d > 1 model: a product of per-coordinate fixed-basis densities
// ---------------------------------------------------------------------------------------------

export const FIXED_BASIS_JSON_FORMAT = 'gmmgen-fixed-basis-product';
export const FIXED_BASIS_JSON_VERSION = 1;

/** One coordinate's fixed-basis mixture on disk: centres start + i·spacing (i = 0..n−1), common sd sigma. */
export interface FixedBasisMarginalJson {
  start: number;
  spacing: number;
  sigma: number;
  weights: number[];
}

export interface FixedBasisProductJson {
  format: typeof FIXED_BASIS_JSON_FORMAT;
  version: typeof FIXED_BASIS_JSON_VERSION;
  d: number;
  /** 'coordinates': z = x − center (the paper's per-latent-variable model); 'pca': z = Vᵀ(x − center). */
  frame: 'coordinates' | 'pca';
  center: number[];
  /** d×d rows, column j = axis j ('pca' only; null for 'coordinates'). */
  axes: number[][] | null;
  marginals: FixedBasisMarginalJson[];
  meta?: Record<string, unknown>;
}

/**
 * The fixed-basis model of a d-dimensional point set (Lu et al. 2023 apply their 1-D method to each latent
 * variable of the MNIST autoencoder): independent 1-D fixed-basis mixtures f_j, one per coordinate z_j of a frame
 * z = Vᵀ(x − m) (V orthogonal, so |det V| = 1):
 *
 *   p(x) = Π_j f_j(z_j),      f_j(t) = Σ_i π_ji N(t | a_j + i r_j, σ_j²).
 *
 * frame 'coordinates' (the paper): V = I, m = 0, z = x — every latent variable on its own. frame 'pca' (an
 * extension): m the data mean and V the principal axes, so that the independent coordinates are at least
 * uncorrelated. Sampled jointly by drawing every z_j from its mixture and mapping back x = m + V z; the
 * log-density is exact (log-sum-exp over each marginal's basis). It is not a k-component GMM (as a GMM it would
 * have Π_j n_j components), so the latent sets store it as its own model type (src/latent/model-set.ts).
 */
export class FixedBasisProduct {
  readonly frame: 'coordinates' | 'pca';
  readonly meta?: Record<string, unknown>;
  private cumulative: Float64Array[] | null = null;

  constructor(
    readonly d: number,
    readonly center: Float64Array,
    /** d×d row-major, column j = axis j; null = identity (frame 'coordinates'). */
    readonly axes: Float64Array | null,
    readonly marginals: Mixture1D[],
    meta?: Record<string, unknown>,
  ) {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`FixedBasisProduct: d must be a positive integer, got ${d}`);
    if (center.length !== d) throw new RangeError(`FixedBasisProduct: center must have ${d} entries, got ${center.length}`);
    if (axes !== null && axes.length !== d * d) throw new RangeError(`FixedBasisProduct: axes must be ${d}×${d}, got ${axes.length} entries`);
    if (marginals.length !== d && marginals.length !== 0) throw new RangeError(`FixedBasisProduct: needs ${d} marginals, got ${marginals.length}`);
    marginals.forEach((m, j) => validateMixture1D(m, `FixedBasisProduct: marginal ${j}`));
    this.frame = axes === null ? 'coordinates' : 'pca';
    if (meta !== undefined) this.meta = meta;
  }

  /** Frame coordinates of the points (n×d). */
  toFrame(points: Points): Float64Array {
    const { n, d, data } = points;
    const out = new Float64Array(n * d);
    const V = this.axes;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        if (V === null) { out[i * d + j] = data[i * d + j] - this.center[j]; continue; }
        let s = 0;
        for (let a = 0; a < d; a++) s += V[a * d + j] * (data[i * d + a] - this.center[a]);
        out[i * d + j] = s;
      }
    }
    return out;
  }

  /** log p(x_i) = Σ_j log f_j(z_ij), each by a log-sum-exp over the basis (finite far out in the tails). */
  logPdf(points: Points): Float64Array {
    validatePoints(points, 'points', this.d);
    const z = this.toFrame(points), d = this.d;
    const out = new Float64Array(points.n);
    for (let i = 0; i < points.n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += logMixturePdf(this.marginals[j], z[i * d + j]);
      out[i] = s;
    }
    return out;
  }

  /** Mean negative log-likelihood of the points. */
  nll(points: Points): number {
    const lp = this.logPdf(points);
    let s = 0;
    for (let i = 0; i < lp.length; i++) s -= lp[i];
    return s / lp.length;
  }

  /** n joint samples (same seed → same samples). */
  sample(n: number, seed: number | Rng = 0): Points {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`FixedBasisProduct.sample: n must be a non-negative integer, got ${n}`);
    const rng = seed instanceof Rng ? seed : new Rng(seed);
    const cum = (this.cumulative ??= this.marginals.map((m) => {
      const c = new Float64Array(m.weights.length);
      let s = 0;
      for (let i = 0; i < c.length; i++) { s += m.weights[i]; c[i] = s; }
      return c;
    }));
    const d = this.d, data = new Float64Array(n * d), z = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const m = this.marginals[j], c = cum[j];
        // Inverse-CDF draw of the basis component (binary search on the cumulative weights).
        const u = rng.uniform() * c[c.length - 1];
        let lo = 0, hi = c.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (c[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        z[j] = m.means[lo] + m.sds[lo] * rng.normal();
      }
      const V = this.axes;
      for (let a = 0; a < d; a++) {
        let s = this.center[a];
        if (V === null) s += z[a];
        else for (let j = 0; j < d; j++) s += V[a * d + j] * z[j];
        data[i * d + a] = s;
      }
    }
    return { n, d, data };
  }

  /** Mean and covariance of the density (x = m + V z, independent z_j): m + V E z and V diag(Var z_j) Vᵀ. */
  moments(): { mean: Float64Array; cov: Float64Array } {
    const d = this.d, V = this.axes;
    const ez = new Float64Array(d), vz = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const { mean, variance } = mixtureMoments(this.marginals[j]);
      ez[j] = mean;
      vz[j] = variance;
    }
    const mean = this.center.slice(), cov = new Float64Array(d * d);
    for (let a = 0; a < d; a++) {
      if (V === null) { mean[a] += ez[a]; cov[a * d + a] = vz[a]; continue; }
      for (let j = 0; j < d; j++) mean[a] += V[a * d + j] * ez[j];
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += V[a * d + j] * vz[j] * V[b * d + j];
        cov[a * d + b] = s;
        cov[b * d + a] = s;
      }
    }
    return { mean, cov };
  }

  /** A copy with other metadata. */
  withMeta(meta: Record<string, unknown> | undefined): FixedBasisProduct {
    return new FixedBasisProduct(this.d, this.center, this.axes, this.marginals, meta);
  }

  toJSON(): FixedBasisProductJson {
    const d = this.d;
    const json: FixedBasisProductJson = {
      format: FIXED_BASIS_JSON_FORMAT, version: FIXED_BASIS_JSON_VERSION, d, frame: this.frame, center: Array.from(this.center),
      axes: this.axes === null ? null : Array.from({ length: d }, (_, a) => Array.from(this.axes!.subarray(a * d, (a + 1) * d))),
      marginals: this.marginals.map((m, j) => {
        const n = m.means.length;
        const spacing = n > 1 ? (m.means[n - 1] - m.means[0]) / (n - 1) : 0;
        for (let i = 0; i < n; i++) {
          if (Math.abs(m.means[i] - (m.means[0] + i * spacing)) > 1e-9 * (Math.abs(m.means[i]) + Math.abs(spacing) * n) || m.sds[i] !== m.sds[0]) {
            throw new RangeError(`FixedBasisProduct.toJSON: marginal ${j} is not a fixed basis (evenly spaced means, one sd)`);
          }
        }
        return { start: m.means[0], spacing, sigma: m.sds[0], weights: Array.from(m.weights) };
      }),
    };
    if (this.meta !== undefined) json.meta = this.meta;
    return json;
  }

  /** Parses and validates a FixedBasisProductJson; errors name the field. */
  static fromJSON(json: unknown): FixedBasisProduct {
    const fail = (msg: string): never => { throw new RangeError(`fixed-basis model JSON: ${msg}`); };
    if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('expected an object');
    const o = json as Record<string, unknown>;
    if (o.format !== FIXED_BASIS_JSON_FORMAT) fail(`field 'format' must be '${FIXED_BASIS_JSON_FORMAT}', got ${describe(o.format)}`);
    if (o.version !== FIXED_BASIS_JSON_VERSION) fail(`unsupported version ${describe(o.version)} (this build reads version ${FIXED_BASIS_JSON_VERSION})`);
    const d = o.d;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) fail(`field 'd' must be a positive integer, got ${describe(d)}`);
    const dd = d as number;
    const numbers = (v: unknown, len: number, what: string): Float64Array => {
      if (!Array.isArray(v) || v.length !== len) fail(`field '${what}' must be an array of ${len} numbers`);
      const out = Float64Array.from(v as number[]);
      for (let i = 0; i < len; i++) if (typeof (v as unknown[])[i] !== 'number' || !Number.isFinite(out[i])) fail(`field '${what}[${i}]' must be a finite number, got ${describe((v as unknown[])[i])}`);
      return out;
    };
    if (o.frame !== 'coordinates' && o.frame !== 'pca') fail(`field 'frame' must be 'coordinates' or 'pca', got ${describe(o.frame)}`);
    const center = numbers(o.center, dd, 'center');
    let axes: Float64Array | null = null;
    if (o.frame === 'pca') {
      if (!Array.isArray(o.axes) || o.axes.length !== dd) fail(`field 'axes' must be ${dd} rows of ${dd} numbers for frame 'pca'`);
      axes = new Float64Array(dd * dd);
      (o.axes as unknown[]).forEach((row, a) => axes!.set(numbers(row, dd, `axes[${a}]`), a * dd));
    } else if (o.axes !== null && o.axes !== undefined) fail(`field 'axes' must be null for frame 'coordinates'`);
    if (!Array.isArray(o.marginals) || o.marginals.length !== dd) fail(`field 'marginals' must be an array of ${dd} marginals`);
    const marginals = (o.marginals as unknown[]).map((mj, j) => {
      if (mj === null || typeof mj !== 'object') fail(`marginals[${j}] must be an object`);
      const m = mj as Record<string, unknown>;
      for (const key of ['start', 'spacing', 'sigma'] as const) {
        if (typeof m[key] !== 'number' || !Number.isFinite(m[key])) fail(`marginals[${j}].${key} must be a finite number, got ${describe(m[key])}`);
      }
      if (!((m.sigma as number) > 0)) fail(`marginals[${j}].sigma must be > 0, got ${m.sigma}`);
      if (!Array.isArray(m.weights) || m.weights.length < 1) fail(`marginals[${j}].weights must be a non-empty array`);
      const n = (m.weights as unknown[]).length;
      const w = numbers(m.weights, n, `marginals[${j}].weights`);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        if (w[i] < 0) fail(`marginals[${j}].weights[${i}] must be >= 0, got ${w[i]}`);
        sum += w[i];
      }
      if (!(Math.abs(sum - 1) < 1e-4)) fail(`marginals[${j}].weights must sum to 1, got ${sum}`);
      for (let i = 0; i < n; i++) w[i] /= sum;
      const means = new Float64Array(n);
      for (let i = 0; i < n; i++) means[i] = (m.start as number) + i * (m.spacing as number);
      return { weights: w, means, sds: new Float64Array(n).fill(m.sigma as number) } satisfies Mixture1D;
    });
    const meta = o.meta;
    if (meta !== undefined && (meta === null || typeof meta !== 'object' || Array.isArray(meta))) fail(`field 'meta' must be an object`);
    return new FixedBasisProduct(dd, center, axes, marginals, meta as Record<string, unknown> | undefined);
  }
}

/** log f(x) of a 1-D mixture by log-sum-exp over its components (no underflow to −∞ in the far tails). */
export function logMixturePdf(m: Mixture1D, x: number): number {
  const { weights: w, means: mu, sds: s } = m;
  let mx = -Infinity;
  const K = w.length;
  for (let i = 0; i < K; i++) {
    if (!(w[i] > 0)) continue;
    const z = (x - mu[i]) / s[i];
    const l = Math.log(w[i] / s[i]) - 0.5 * z * z;
    if (l > mx) mx = l;
  }
  if (mx === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < K; i++) {
    if (!(w[i] > 0)) continue;
    const z = (x - mu[i]) / s[i];
    sum += Math.exp(Math.log(w[i] / s[i]) - 0.5 * z * z - mx);
  }
  return mx + Math.log(sum) - 0.5 * Math.log(2 * Math.PI);
}

export const FIXED_BASIS_OPTION_KEYS = ['nBasis', 't', 'dRatio', 'algorithm', 'lr', 'nSamples', 'frame'] as const;

/**
 * fitGMM('fixed-basis', target, options).
 *
 * d = 1 (the paper): k is the number of basis components n (the paper uses 200); the result is the
 * k-component fixed-basis mixture (Algorithm `algorithm`, σ = t·r). history.loss = [L] (Eq. 9 between the
 * data and the fit).
 *
 * d > 1: the density model is `product` (FixedBasisProduct): an nBasis-component fixed-basis fit per coordinate
 * of the frame `frame` — 'coordinates' (default; the paper's model for the MNIST latent variables, every
 * coordinate on its own) or 'pca' (extension: the data's principal coordinates). This is what the latent sets
 * store and sample. To honour the one GMM contract with k components, `gmm` is a k-component GMM read off the
 * data (an extension, not in the paper): the 1-D fixed-basis density of the first principal coordinate is cut
 * into k slabs at its k − 1 deepest valleys (local minima of the fixed-basis
 * density, lowest first; when there are fewer valleys the heaviest slab is split at its median until
 * there are k), each slab becomes a component with the fixed-basis mass of the slab as weight and the
 * mean and covariance (+ regCovar·I) of the data inside it. history.loss = the mean over coordinates of
 * the per-coordinate L.
 */
export function fitFixedBasis(target: Points | GMM, options: Record<string, unknown>): FitResult & { product?: FixedBasisProduct } {
  const common = validateCommon(options, { allowed: FIXED_BASIS_OPTION_KEYS, where: 'fitFixedBasis', defaults: { regCovar: 1e-6 } });
  if (common.init instanceof GMM) throw new GMMOptionError('fitFixedBasis: option init cannot be a GMM (the basis is fixed; init is ignored by this method)');
  const nSamples = optional('nSamples', options.nSamples, 5000, positiveInt);
  const nBasis = optional('nBasis', options.nBasis, 200, positiveInt);
  const frame = optional('frame', options.frame, 'coordinates' as const, (k, v) => oneOf(k, v, ['coordinates', 'pca'] as const));
  const o1 = resolveFixedBasis1DOptions({
    t: options.t as number | undefined, dRatio: options.dRatio as number | undefined,
    algorithm: options.algorithm as 1 | 2 | undefined, lr: options.lr as number | 'auto' | undefined,
  }, 'fitFixedBasis');
  const rec = new HistoryRecorder('L', common.onStep);
  const pts = target instanceof GMM ? target.sample(nSamples, new Rng(common.seed).fork()).points : target;
  validatePoints(pts, 'fitFixedBasis: target');
  const { n, d, data } = pts;
  if (d === 1) {
    if (common.k < 2) throw new GMMOptionError('fitFixedBasis: k (the number of basis components) must be >= 2 in one dimension');
    const fb = fitFixedBasis1D(data, { n: common.k, t: o1.t, dRatio: o1.dRatio, algorithm: o1.algorithm, lr: o1.lr });
    const gmm = new GMM({
      k: common.k, d: 1, covarianceType: common.covarianceType, weights: fb.mixture.weights, means: fb.mixture.means,
      covariances: fb.mixture.sds.map((s) => s * s),
    }, { method: 'fixed-basis', algorithm: o1.algorithm, t: o1.t });
    const L = fixedBasisLoss(target instanceof GMM ? target.project([1]) : data, fb.mixture, fb.centers, fb.d);
    rec.record(L, () => gmm);
    return { gmm, history: rec.finish({ iterations: 1, converged: true, finalNll: target instanceof GMM ? undefined : gmm.nll(pts) }) };
  }
  if (common.k > n) throw new GMMOptionError(`fitFixedBasis: k = ${common.k} exceeds the number of points n = ${n}`);
  const { mean, cov } = pointsMoments(pts);
  const eig = symEigen(cov, d);
  // Principal axes by decreasing variance.
  const axes = new Float64Array(d * d);
  for (let j = 0; j < d; j++) for (let a = 0; a < d; a++) axes[a * d + j] = eig.vectors[a * d + (d - 1 - j)];
  const zPca = new FixedBasisProduct(d, mean, axes, []).toFrame(pts);
  const coordinates = frame === 'coordinates';
  const z = coordinates ? pts.data : zPca;
  const col = new Float64Array(n);
  const fit1D = (src: Float64Array, j: number): FixedBasis1D => {
    for (let i = 0; i < n; i++) col[i] = src[i * d + j];
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { lo = Math.min(lo, col[i]); hi = Math.max(hi, col[i]); }
    if (!(hi > lo)) { hi = lo + 1e-6; lo -= 1e-6; }
    return fitFixedBasis1D(col, { n: nBasis, t: o1.t, dRatio: o1.dRatio, algorithm: o1.algorithm, lr: o1.lr, range: [lo, hi] });
  };
  const marginals: Mixture1D[] = [];
  let Lsum = 0;
  for (let j = 0; j < d; j++) {
    const fb = fit1D(z, j);
    marginals.push(fb.mixture);
    Lsum += fixedBasisLoss(col, fb.mixture, fb.centers, fb.d);
  }
  const meta = { method: 'fixed-basis', frame, algorithm: o1.algorithm, t: o1.t, nBasis };
  const product = coordinates ? new FixedBasisProduct(d, new Float64Array(d), null, marginals, meta) : new FixedBasisProduct(d, mean, axes, marginals, meta);
  // Slabs along the first principal coordinate.
  const fb = fit1D(zPca, 0);
  const cuts = slabCuts(fb, common.k, zPca, d, n);
  const k = common.k;
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    while (c < cuts.length && zPca[i * d] > cuts[c]) c++;
    label[i] = c;
  }
  const weights = new Float64Array(k), means = new Float64Array(k * d), covs = new Float64Array(k * d * d);
  const edges = [-Infinity, ...cuts, Infinity];
  for (let c = 0; c < k; c++) weights[c] = mixtureMass(fb.mixture, edges[c], edges[c + 1]);
  let ws = 0;
  for (let c = 0; c < k; c++) { weights[c] = Math.max(weights[c], 1e-12); ws += weights[c]; }
  for (let c = 0; c < k; c++) weights[c] /= ws;
  const globalScale = Math.max(1e-12, eig.values.reduce((s, v) => s + Math.max(v, 0), 0) / d);
  for (let c = 0; c < k; c++) {
    let m = 0;
    for (let i = 0; i < n; i++) if (label[i] === c) { m++; for (let a = 0; a < d; a++) means[c * d + a] += data[i * d + a]; }
    if (m === 0) {
      // Empty slab: a component at the slab centre along the first axis, data covariance.
      const zc = Number.isFinite(edges[c]) && Number.isFinite(edges[c + 1]) ? (edges[c] + edges[c + 1]) / 2 : Number.isFinite(edges[c]) ? edges[c] : edges[c + 1];
      for (let a = 0; a < d; a++) means[c * d + a] = mean[a] + axes[a * d] * zc;
      covs.set(cov, c * d * d);
    } else {
      for (let a = 0; a < d; a++) means[c * d + a] /= m;
      const S = covs.subarray(c * d * d, (c + 1) * d * d);
      for (let i = 0; i < n; i++) {
        if (label[i] !== c) continue;
        for (let a = 0; a < d; a++) {
          const da = data[i * d + a] - means[c * d + a];
          for (let b = 0; b <= a; b++) S[a * d + b] += da * (data[i * d + b] - means[c * d + b]);
        }
      }
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) { S[a * d + b] /= m; S[b * d + a] = S[a * d + b]; }
    }
    // Ridge: regCovar plus a tiny fraction of the overall variance (slabs with fewer than d points are singular).
    for (let a = 0; a < d; a++) covs[c * d * d + a * d + a] += common.regCovar + 1e-6 * globalScale;
  }
  let full = new GMM({ k, d, covarianceType: 'full', weights, means, covariances: covs }, { method: 'fixed-basis', algorithm: o1.algorithm, t: o1.t, nBasis });
  if (common.covarianceType === 'diag') {
    const dc = new Float64Array(k * d);
    for (let c = 0; c < k; c++) for (let a = 0; a < d; a++) dc[c * d + a] = covs[c * d * d + a * d + a];
    full = new GMM({ k, d, covarianceType: 'diag', weights, means, covariances: dc }, full.meta);
  }
  rec.record(Lsum / d, () => full);
  return { gmm: full, product, history: rec.finish({ iterations: 1, converged: true, finalNll: target instanceof GMM ? undefined : full.nll(pts) }) };
}

/** Mass of a 1-D mixture on (lo, hi]. */
function mixtureMass(m: Mixture1D, lo: number, hi: number): number {
  const F = (x: number) => (x === -Infinity ? 0 : x === Infinity ? 1 : mixtureCdf(m, x));
  return Math.max(0, F(hi) - F(lo));
}

/** k − 1 cut points along the first coordinate (see fitFixedBasis). */
function slabCuts(fb: FixedBasis1D, k: number, z: Float64Array, d: number, n: number): number[] {
  const c = fb.centers, nb = c.length;
  const f = new Float64Array(nb);
  for (let i = 0; i < nb; i++) f[i] = mixturePdf(fb.mixture, c[i]);
  const valleys: { x: number; f: number }[] = [];
  for (let i = 1; i < nb - 1; i++) if (f[i] < f[i - 1] && f[i] <= f[i + 1]) valleys.push({ x: c[i], f: f[i] });
  valleys.sort((a, b) => a.f - b.f);
  const cuts = valleys.slice(0, k - 1).map((v) => v.x).sort((a, b) => a - b);
  const zs = new Float64Array(n);
  for (let i = 0; i < n; i++) zs[i] = z[i * d];
  zs.sort();
  while (cuts.length < k - 1) {
    // Split the slab holding the most points at its median.
    const edges = [-Infinity, ...cuts, Infinity];
    let best = 0, bestCount = -1, bestLo = 0, bestHi = 0;
    for (let s = 0; s < edges.length - 1; s++) {
      const lo = countAtMost(zs, edges[s]), hi = countAtMost(zs, edges[s + 1]);
      if (hi - lo > bestCount) { bestCount = hi - lo; best = s; bestLo = lo; bestHi = hi; }
    }
    if (bestCount < 2) {
      // Not enough points to split: cut beyond the data.
      cuts.push(zs[n - 1] + (cuts.length + 1) * fb.r);
    } else {
      const mid = (bestLo + bestHi) >> 1;
      cuts.push(0.5 * (zs[mid - 1] + zs[mid]));
    }
    void best;
    cuts.sort((a, b) => a - b);
  }
  return cuts;
}

