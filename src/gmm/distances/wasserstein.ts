/**
 * p-Wasserstein distances between Gaussian mixtures and empirical samples, in one dimension and
 * sliced (Kolouri et al., CVPR 2018, §2.1–2.3 and §3.2).
 *
 * One dimension. For a mixture G with quantile function Q and a sample y_1..y_n whose order
 * statistics are y_(0) <= ... <= y_(n-1), the empirical quantile function is piecewise constant,
 * Q_y(u) = y_(i) on [i/n, (i+1)/n), and (Eq. 3 of the paper)
 *
 *   W_p^p(G, y) = int_0^1 |Q(u) - Q_y(u)|^p du = sum_i int_{i/n}^{(i+1)/n} |Q(u) - y_(i)|^p du.
 *
 * Two evaluations are offered:
 *  - method 'midpoint' (default, any p >= 1): each piece by the midpoint rule,
 *      W_p^p ~= (1/n) sum_i |Q(u_i) - y_(i)|^p,   u_i = (i + 1/2)/n,
 *    i.e. the i-th order statistic is matched with the GMM quantile at (i + 1/2)/n. This is the
 *    exact W_p^p between the sample and the n-point quantization {Q(u_i)} of G; it converges to the
 *    exact value as n grows and is what fitSW minimises.
 *  - method 'exact' (p = 2 only, Gaussian components with s_k > 0): exact integration with the
 *    breakpoints q_i = Q(i/n) and closed-form partial moments of each component on [q_i, q_{i+1}]:
 *      W_2^2 = sum_i sum_k w_k int_{a_ik}^{b_ik} (mu_k - y_(i) + s_k z)^2 phi(z) dz,
 *      a_ik = (q_i - mu_k)/s_k, b_ik = (q_{i+1} - mu_k)/s_k,
 *      int (c + s z)^2 phi = c^2 Z0 + 2 c s Z1 + s^2 Z2,  Z0 = Phi(b)-Phi(a), Z1 = phi(a)-phi(b),
 *      Z2 = Z0 + a phi(a) - b phi(b).
 *
 * Gradients use the derivative of the quantile function, obtained by differentiating F(Q(u)) = u:
 *
 *   dQ/dtheta = -(dF/dtheta)(Q) / f(Q),
 *   dF/dmu_k = -w_k phi(z_k)/s_k,  dF/ds_k = -w_k z_k phi(z_k)/s_k,  dF/dw_k = Phi(z_k) - F,
 *
 * with z_k = (x - mu_k)/s_k. The weight derivative is taken through the normalisation map
 * w -> w / sum(w) at sum(w) = 1 (F = sum_k w_k Phi_k / sum_j w_j), so it is the derivative along
 * the simplex plus nothing along (1,...,1); it satisfies sum_k w_k dL/dw_k = 0. (The derivative
 * with respect to unconstrained weights does not exist for the exact W_2: F(+inf) would move off 1.)
 *  - midpoint: dL/dtheta = (1/n) sum_i p |D_i|^{p-1} sgn(D_i) dQ(u_i)/dtheta,   D_i = Q(u_i) - y_(i).
 *  - exact (p = 2): substituting x = Q(u) in int 2 (Q - Q_y) dQ/dtheta du gives
 *      dW_2^2/dtheta = -2 sum_i int_{q_i}^{q_{i+1}} (x - y_(i)) dF(x)/dtheta dx,
 *    again in closed form per piece and component (see exactW2 below).
 *
 * Sliced: SW_p^p(G, Y) = E_theta W_p^p(G_theta, Y_theta) over uniform directions theta on S^{d-1},
 * estimated with L random directions; the slice of a d-dim GMM along theta is the 1-D mixture
 * (w_k, mu_k . theta, sqrt(theta^T Sigma_k theta)) (paper Eq. 12). Chain rule to the d-dim
 * parameters: dL/dmu_k = dL/dm_k theta,  dL/dSigma_k = dL/ds_k theta theta^T / (2 s_k).
 */
import type { GMMParams, Mixture1D, Points } from '../model/types.ts';
import { Rng } from '../../util/rng.ts';
import {
  INV_SQRT2PI, mixturePdf, mixtureQuantiles, normCdf, normPdf, normSf, validateMixture1D,
} from '../model/mixture1d.ts';
import { outerSumsWasm, projectRowsWasm, sliceComponentsWasm } from '../wasm/sliced.ts';
import { setSliceTask, slicePoolFor } from './slice-pool.ts';
import type { SliceJob } from './slice-job.ts';

export type { SliceJob };

// ---------------------------------------------------------------------------------------------
// Directions and projections (shared by the sliced distances)
// ---------------------------------------------------------------------------------------------

/**
 * L directions drawn uniformly on the unit sphere S^{d-1} (normalised standard normal vectors),
 * returned row-major as an L x d Float64Array.
 */
export function randomDirections(L: number, d: number, rng: Rng): Float64Array {
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`randomDirections: L must be a positive integer, got ${L}`);
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`randomDirections: d must be a positive integer, got ${d}`);
  const out = new Float64Array(L * d);
  for (let l = 0; l < L; l++) {
    let norm = 0;
    do {
      norm = 0;
      for (let j = 0; j < d; j++) {
        const v = rng.normal();
        out[l * d + j] = v;
        norm += v * v;
      }
    } while (norm < 1e-20);
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) out[l * d + j] /= norm;
  }
  return out;
}

/**
 * L directions evenly spaced on the half circle (angles pi l / L) for d = 2 — the paper's
 * equidistant "heptagon" slicing (Zhang 2023, §4.2), rotated by `offset` radians.
 */
export function circleDirections(L: number, offset = 0): Float64Array {
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`circleDirections: L must be a positive integer, got ${L}`);
  const out = new Float64Array(2 * L);
  for (let l = 0; l < L; l++) {
    const a = offset + (Math.PI * l) / L;
    out[2 * l] = Math.cos(a);
    out[2 * l + 1] = Math.sin(a);
  }
  return out;
}

/** Throws unless `p` has the shapes of GMMParams (k, d, weights, means, covariances). */
export function checkGMMParamsShape(p: GMMParams, name = 'gmm'): void {
  if (p === null || typeof p !== 'object') throw new TypeError(`${name}: expected GMM parameters, got ${p}`);
  const { k, d, covarianceType: ct } = p;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${name}.k must be a positive integer, got ${k}`);
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`${name}.d must be a positive integer, got ${d}`);
  if (ct !== 'full' && ct !== 'diag') throw new RangeError(`${name}.covarianceType must be 'full' or 'diag', got ${ct}`);
  if (!(p.weights instanceof Float64Array) || p.weights.length !== k) throw new RangeError(`${name}.weights must be a Float64Array of length ${k}`);
  if (!(p.means instanceof Float64Array) || p.means.length !== k * d) throw new RangeError(`${name}.means must be a Float64Array of length k*d = ${k * d}`);
  const cl = ct === 'full' ? k * d * d : k * d;
  if (!(p.covariances instanceof Float64Array) || p.covariances.length !== cl) {
    throw new RangeError(`${name}.covariances must be a Float64Array of length ${cl} for '${ct}'`);
  }
}

/** Throws unless `x` is a Points set with n >= 1 finite rows of dimension d (when given). */
export function checkPoints(x: Points, name = 'points', d?: number): void {
  if (x === null || typeof x !== 'object' || !(x.data instanceof Float64Array)) throw new TypeError(`${name}: expected Points {n, d, data: Float64Array}`);
  if (!Number.isInteger(x.n) || x.n < 1) throw new RangeError(`${name}.n must be a positive integer, got ${x.n}`);
  if (!Number.isInteger(x.d) || x.d < 1) throw new RangeError(`${name}.d must be a positive integer, got ${x.d}`);
  if (x.data.length !== x.n * x.d) throw new RangeError(`${name}.data has length ${x.data.length}, expected n*d = ${x.n * x.d}`);
  if (d !== undefined && x.d !== d) throw new RangeError(`${name}.d = ${x.d} does not match the model dimension ${d}`);
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i])) throw new RangeError(`${name}.data[${i}] (point ${Math.floor(i / x.d)}) is not finite: ${x.data[i]}`);
  }
}

/** theta^T Sigma_k theta for component k. */
export function projectedVariance(p: GMMParams, k: number, dir: ArrayLike<number>, dirOffset = 0): number {
  const d = p.d;
  let v = 0;
  if (p.covarianceType === 'diag') {
    for (let j = 0; j < d; j++) {
      const t = dir[dirOffset + j];
      v += p.covariances[k * d + j] * t * t;
    }
  } else {
    const base = k * d * d;
    for (let i = 0; i < d; i++) {
      let row = 0;
      for (let j = 0; j < d; j++) row += p.covariances[base + i * d + j] * dir[dirOffset + j];
      v += dir[dirOffset + i] * row;
    }
  }
  return v;
}

/**
 * The slice of a d-dim GMM along the unit vector `dir` (row `row` of a direction matrix):
 * the 1-D mixture (w_k, mu_k . theta, sqrt(theta^T Sigma_k theta)).
 */
export function projectGMM(p: GMMParams, dir: ArrayLike<number>, row = 0, out?: Mixture1D): Mixture1D {
  const { k, d } = p;
  const m = out ?? { weights: new Float64Array(k), means: new Float64Array(k), sds: new Float64Array(k) };
  const off = row * d;
  for (let c = 0; c < k; c++) {
    let mu = 0;
    for (let j = 0; j < d; j++) mu += p.means[c * d + j] * dir[off + j];
    m.weights[c] = p.weights[c];
    m.means[c] = mu;
    m.sds[c] = Math.sqrt(Math.max(0, projectedVariance(p, c, dir, off)));
  }
  return m;
}

/** Projections x_i . theta of all points along row `row` of a direction matrix. */
export function projectPoints(x: Points, dir: ArrayLike<number>, row = 0, out?: Float64Array): Float64Array {
  const { n, d, data } = x;
  const res = out ?? new Float64Array(n);
  const off = row * d;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[i * d + j] * dir[off + j];
    res[i] = s;
  }
  return res;
}

/**
 * Projections of all points on all L rows of a direction matrix, row-major L × n (out[l·n + i] = x_i · theta_l),
 * in one pass over the points, four directions at a time (each coordinate is loaded once for four dot products),
 * which is what dominates a step with n·d large (10,000 codes × 128 dimensions). Same sums, in the same order, as
 * projectPoints, so the results are identical.
 */
export function projectPointsAll(x: Points, dir: Float64Array, L: number, into?: Float64Array): Float64Array {
  const { n, d, data } = x;
  const out = into ?? new Float64Array(L * n);
  // The WebAssembly kernel (wasm/sliced.ts) computes the same sums in the same order.
  if (projectRowsWasm(data, n, d, dir, L, out)) return out;
  const L4 = L - (L % 4);
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    // Four directions at a time: each x_ij is loaded once for four sums (each sum keeps its order over j).
    for (let l = 0; l < L4; l += 4) {
      const o0 = l * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < d; j++) {
        const v = data[xo + j];
        s0 += v * dir[o0 + j];
        s1 += v * dir[o1 + j];
        s2 += v * dir[o2 + j];
        s3 += v * dir[o3 + j];
      }
      out[l * n + i] = s0;
      out[(l + 1) * n + i] = s1;
      out[(l + 2) * n + i] = s2;
      out[(l + 3) * n + i] = s3;
    }
    for (let l = L4; l < L; l++) {
      const off = l * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += data[xo + j] * dir[off + j];
      out[l * n + i] = s;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One dimension
// ---------------------------------------------------------------------------------------------

export type Wasserstein1DMethod = 'midpoint' | 'exact';

export interface Wasserstein1DOptions {
  /** Exponent p >= 1 of the ground cost |x - y|^p. Default 2. */
  p?: number;
  /** 'midpoint' (default) or 'exact' (p = 2 only); see the module docstring. */
  method?: Wasserstein1DMethod;
  /** Set when `sample` is already sorted ascending (skips the copy and sort). */
  sorted?: boolean;
}

/** Value W_p^p and gradients with respect to the mixture's weights, means and sds. */
export interface Wasserstein1DGrad {
  value: number;
  dWeights: Float64Array;
  dMeans: Float64Array;
  dSds: Float64Array;
}

function resolve1DOptions(opts: Wasserstein1DOptions, where: string): { p: number; method: Wasserstein1DMethod } {
  for (const key of Object.keys(opts)) {
    if (!['p', 'method', 'sorted'].includes(key)) throw new RangeError(`${where}: unknown option '${key}'`);
  }
  const p = opts.p ?? 2;
  if (!Number.isFinite(p) || p < 1) throw new RangeError(`${where}: p must be a finite number >= 1, got ${p}`);
  const method = opts.method ?? 'midpoint';
  if (method !== 'midpoint' && method !== 'exact') throw new RangeError(`${where}: method must be 'midpoint' or 'exact', got '${method}'`);
  if (method === 'exact' && p !== 2) throw new RangeError(`${where}: method 'exact' is implemented for p = 2 only, got p = ${p}`);
  return { p, method };
}

function sortedCopy(sample: ArrayLike<number>, sorted: boolean | undefined, where: string): Float64Array {
  if (sample.length === 0) throw new RangeError(`${where}: the sample is empty`);
  const y = Float64Array.from(sample);
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new RangeError(`${where}: sample[${i}] is not finite (${y[i]})`);
  if (!sorted) y.sort();
  return y;
}

export function midpointLevels(n: number): Float64Array {
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = (i + 0.5) / n;
  return u;
}

/**
 * W_p^p between a normalised 1-D mixture and the empirical measure of `sample` (POT's
 * wasserstein_1d convention: the p-th power, not its root). See the module docstring for methods.
 */
export function wasserstein1D(m: Mixture1D, sample: ArrayLike<number>, opts: Wasserstein1DOptions = {}): number {
  const { p, method } = resolve1DOptions(opts, 'wasserstein1D');
  validateMixture1D(m, 'wasserstein1D: mixture');
  const y = sortedCopy(sample, opts.sorted, 'wasserstein1D');
  if (method === 'exact') return exactW2(m, y, false).value;
  const q = mixtureQuantiles(m, midpointLevels(y.length));
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(q[i] - y[i]) ** p;
  return s / y.length;
}

/** W_p^p and its gradient with respect to the mixture parameters (see the module docstring). */
export function wasserstein1DGrad(m: Mixture1D, sample: ArrayLike<number>, opts: Wasserstein1DOptions = {}): Wasserstein1DGrad {
  const { p, method } = resolve1DOptions(opts, 'wasserstein1DGrad');
  validateMixture1D(m, 'wasserstein1DGrad: mixture');
  const y = sortedCopy(sample, opts.sorted, 'wasserstein1DGrad');
  if (method === 'exact') return exactW2(m, y, true);
  return midpointGrad(m, y, p);
}

/** Midpoint-rule W_p^p and gradient for a sorted sample y (no validation). */
export function midpointGrad(m: Mixture1D, y: Float64Array, p: number, levels?: Float64Array): Wasserstein1DGrad {
  const n = y.length;
  const K = m.weights.length;
  const u = levels ?? midpointLevels(n);
  const q = mixtureQuantiles(m, u);
  const dW = new Float64Array(K), dM = new Float64Array(K), dS = new Float64Array(K);
  const { weights: w, means: mu, sds: sd } = m;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const D = q[i] - y[i];
    const aD = Math.abs(D);
    value += aD ** p;
    if (D === 0 && p > 1) continue;
    // dL/dQ_i (times n)
    const g = p === 1 ? Math.sign(D) : p === 2 ? 2 * D : p * aD ** (p - 1) * Math.sign(D);
    if (g === 0) continue;
    const x = q[i];
    const f = mixturePdf(m, x);
    if (!(f > 0)) continue; // Q sits on a point mass or in a gap of zero density: dQ/dtheta undefined
    const upper = u[i] > 0.5;
    const c = g / f; // dL/dQ / f
    for (let k = 0; k < K; k++) {
      if (!(sd[k] > 0)) continue;
      const z = (x - mu[k]) / sd[k];
      const phi = INV_SQRT2PI * Math.exp(-0.5 * z * z);
      // dQ/dmu_k = w_k phi/s_k / f ; dQ/ds_k = w_k z phi / s_k / f ; dQ/dw_k = -(Phi_k - F)/f
      const a = (w[k] * phi) / sd[k];
      dM[k] += c * a;
      dS[k] += c * a * z;
      const PhiMinusF = upper ? (1 - u[i]) - normSf(z) : normCdf(z) - u[i];
      dW[k] -= c * PhiMinusF;
    }
  }
  for (let k = 0; k < K; k++) {
    dW[k] /= n;
    dM[k] /= n;
    dS[k] /= n;
  }
  return { value: value / n, dWeights: dW, dMeans: dM, dSds: dS };
}

// Antiderivatives used by the exact weight gradient: U' = Phi, Wf' = z Phi, Ubar' = Phi(-z), Wbar' = z Phi(-z).
function Ufun(z: number): number {
  if (z === -Infinity) return 0;
  return z * normCdf(z) + normPdf(z);
}
function Wfun(z: number): number {
  if (z === -Infinity) return 0;
  return 0.5 * ((z * z - 1) * normCdf(z) + z * normPdf(z));
}
function UbarFun(z: number): number {
  if (z === Infinity) return 0;
  return -(-z * normSf(z) + normPdf(z)); // -U(-z)
}
function WbarFun(z: number): number {
  if (z === Infinity) return 0;
  return 0.5 * ((z * z - 1) * normSf(z) - z * normPdf(z));
}

/**
 * Exact W_2^2 by piecewise integration (see the module docstring) and, when `withGrad`, its exact
 * gradient dW/dtheta = -2 sum_i int_{q_i}^{q_{i+1}} (x - y_i) dF/dtheta dx:
 *   mu_k:  2 w_k sum_i [ (mu_k - y_i) Z0 + s_k Z1 ]
 *   s_k:   2 w_k sum_i [ (mu_k - y_i) Z1 + s_k Z2 ]
 *   w_k:  -2 sum_i int (x - y_i) (Phi_k - F) dx, using Phi_k - F = sum_j w_j (Phi_k - Phi_j) on the
 *         lower pieces and = sum_j w_j (S_j - S_k) on the upper ones so that every integral converges:
 *         int (x - y) Phi_k dx = s_k [ (mu_k - y)(U(b) - U(a)) + s_k (W(b) - W(a)) ] with
 *         U = z Phi + phi, W = ((z^2-1) Phi + z phi)/2, and the mirrored forms for S_k.
 */
function exactW2(m: Mixture1D, y: Float64Array, withGrad: boolean): Wasserstein1DGrad {
  const n = y.length;
  const K = m.weights.length;
  const { weights: w, means: mu, sds: sd } = m;
  for (let k = 0; k < K; k++) {
    if (w[k] > 0 && !(sd[k] > 0)) throw new RangeError(`wasserstein1D: method 'exact' needs s_k > 0 for every component, sds[${k}] = ${sd[k]}`);
  }
  const levels = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) levels[i - 1] = i / n;
  const inner = mixtureQuantiles(m, levels);
  const dW = new Float64Array(K), dM = new Float64Array(K), dS = new Float64Array(K);
  let value = 0;
  const Ik = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const lo = i === 0 ? -Infinity : inner[i - 1];
    const hi = i === n - 1 ? Infinity : inner[i];
    const yi = y[i];
    const upperPiece = (i + 0.5) / n > 0.5;
    let Imix = 0;
    for (let k = 0; k < K; k++) {
      if (w[k] === 0) continue;
      const s = sd[k];
      const a = (lo - mu[k]) / s, b = (hi - mu[k]) / s;
      const pa = a === -Infinity ? 0 : normPdf(a), pb = b === Infinity ? 0 : normPdf(b);
      const Z0 = a > 0 ? normSf(a) - normSf(b) : normCdf(b) - normCdf(a);
      const Z1 = pa - pb;
      const Z2 = Z0 + (a === -Infinity ? 0 : a * pa) - (b === Infinity ? 0 : b * pb);
      const c = mu[k] - yi;
      value += w[k] * (c * c * Z0 + 2 * c * s * Z1 + s * s * Z2);
      if (!withGrad) continue;
      dM[k] += 2 * w[k] * (c * Z0 + s * Z1);
      dS[k] += 2 * w[k] * (c * Z1 + s * Z2);
      const I = upperPiece
        ? s * (c * (UbarFun(b) - UbarFun(a)) + s * (WbarFun(b) - WbarFun(a)))
        : s * (c * (Ufun(b) - Ufun(a)) + s * (Wfun(b) - Wfun(a)));
      Ik[k] = I;
      Imix += w[k] * I;
    }
    if (!withGrad) continue;
    for (let k = 0; k < K; k++) {
      if (w[k] === 0) continue;
      // lower pieces: -2 (I_k - Imix);  upper pieces (survival form): -2 (Imix - I_k)
      dW[k] += upperPiece ? -2 * (Imix - Ik[k]) : -2 * (Ik[k] - Imix);
    }
  }
  return { value, dWeights: dW, dMeans: dM, dSds: dS };
}

// ---------------------------------------------------------------------------------------------
// Sliced
// ---------------------------------------------------------------------------------------------

/** Pre-projected slices: one 1-D mixture per row of `directions` (L x d). */
export interface MixtureSlices {
  directions: Float64Array;
  slices: Mixture1D[];
}

export interface SlicedWassersteinOptions {
  /** Number of random directions (ignored when `directions` or pre-projected slices are given). Default 50. */
  L?: number;
  /** Ground-cost exponent, default 2. */
  p?: number;
  /** Seed of the direction generator. Default 0. */
  seed?: number;
  /** Explicit L x d direction matrix (unit rows). */
  directions?: Float64Array;
  /** 1-D evaluation method, default 'midpoint'. */
  method?: Wasserstein1DMethod;
}

function isSlices(s: GMMParams | MixtureSlices): s is MixtureSlices {
  return (s as MixtureSlices).slices !== undefined;
}

function resolveDirections(d: number, opts: SlicedWassersteinOptions, where: string): Float64Array {
  if (opts.directions !== undefined) {
    const dirs = opts.directions;
    if (!(dirs instanceof Float64Array) || dirs.length === 0 || dirs.length % d !== 0) {
      throw new RangeError(`${where}: directions must be a non-empty Float64Array of length L*d (d = ${d})`);
    }
    return dirs;
  }
  const L = opts.L ?? 50;
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`${where}: L must be a positive integer, got ${L}`);
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) throw new RangeError(`${where}: seed must be a finite number, got ${seed}`);
  return randomDirections(L, d, new Rng(seed));
}

function checkSlicedOptions(opts: SlicedWassersteinOptions, where: string): void {
  for (const key of Object.keys(opts)) {
    if (!['L', 'p', 'seed', 'directions', 'method'].includes(key)) throw new RangeError(`${where}: unknown option '${key}'`);
  }
}

/**
 * Sliced p-Wasserstein distance SW_p = ( (1/L) sum_l W_p^p(G_theta_l, Y_theta_l) )^{1/p} between a
 * d-dim GMM (or pre-projected slices with their directions) and a point set, with L random
 * directions (Monte Carlo estimate of the integral over S^{d-1}, Kolouri et al. Eq. 7/13).
 * Returns the root (as POT's sliced_wasserstein_distance does).
 */
export function slicedWasserstein(source: GMMParams | MixtureSlices, points: Points, opts: SlicedWassersteinOptions = {}): number {
  checkSlicedOptions(opts, 'slicedWasserstein');
  const p = opts.p ?? 2;
  if (!Number.isFinite(p) || p < 1) throw new RangeError(`slicedWasserstein: p must be a finite number >= 1, got ${p}`);
  let dirs: Float64Array, slices: Mixture1D[];
  if (isSlices(source)) {
    dirs = source.directions;
    slices = source.slices;
    checkPoints(points, 'slicedWasserstein: points');
    if (dirs.length !== slices.length * points.d) throw new RangeError(`slicedWasserstein: ${slices.length} slices need ${slices.length} directions of dimension ${points.d}`);
  } else {
    checkGMMParamsShape(source, 'slicedWasserstein: gmm');
    checkPoints(points, 'slicedWasserstein: points', source.d);
    dirs = resolveDirections(source.d, opts, 'slicedWasserstein');
    const L = dirs.length / source.d;
    slices = [];
    for (let l = 0; l < L; l++) slices.push(projectGMM(source, dirs, l));
  }
  const L = slices.length;
  const proj = new Float64Array(points.n);
  let total = 0;
  for (let l = 0; l < L; l++) {
    projectPoints(points, dirs, l, proj);
    total += wasserstein1D(slices[l], proj, { p, method: opts.method });
  }
  return (total / L) ** (1 / p);
}

/** SW_p^p and its gradient with respect to the d-dim GMM parameters. */
export interface SlicedGrad {
  value: number;
  dWeights: Float64Array;
  dMeans: Float64Array;
  /** Same layout as the covariances (k*d*d full, symmetric; k*d diag). */
  dCovariances: Float64Array;
}

/**
 * SW_p^p = (1/L) sum_l W_p^p(G_theta_l, Y_theta_l) and its gradient with respect to the GMM's
 * weights (through the normalisation map), means and covariances, for the given direction matrix.
 * `sortedProjections`, when given, holds the sorted projections of the data for each direction
 * (L x n) so that repeated calls can skip projecting and sorting.
 */
export function slicedWassersteinGrad(
  gmm: GMMParams, points: Points, directions: Float64Array,
  opts: { p?: number; method?: Wasserstein1DMethod } = {},
): SlicedGrad {
  checkGMMParamsShape(gmm, 'slicedWassersteinGrad: gmm');
  checkPoints(points, 'slicedWassersteinGrad: points', gmm.d);
  const p = opts.p ?? 2;
  const method = opts.method ?? 'midpoint';
  resolve1DOptions({ p, method }, 'slicedWassersteinGrad');
  return slicedGradUnchecked(gmm, points, directions, p, method);
}

/**
 * The slices of a GMM on every row of an L × d direction matrix: means[l·k + c] = mu_c . theta_l and
 * sds[l·k + c] = sqrt(max(0, theta_l^T Sigma_c theta_l)) — projectGMM's values, from the WebAssembly kernels
 * (wasm/sliced.ts: the same sums in the same order) for full covariances when they are in use.
 */
export function projectGMMAll(p: GMMParams, dirs: Float64Array, L: number): { means: Float64Array; sds: Float64Array } {
  const { k, d } = p;
  const means = new Float64Array(L * k), sds = new Float64Array(L * k);
  if (p.covarianceType === 'full' && sliceComponentsWasm(k, d, p.means, p.covariances, dirs, L, means, sds)) {
    for (let i = 0; i < sds.length; i++) sds[i] = Math.sqrt(Math.max(0, sds[i]));
    return { means, sds };
  }
  const slice: Mixture1D = { weights: new Float64Array(k), means: new Float64Array(k), sds: new Float64Array(k) };
  for (let l = 0; l < L; l++) {
    projectGMM(p, dirs, l, slice);
    means.set(slice.means, l * k);
    sds.set(slice.sds, l * k);
  }
  return { means, sds };
}

/**
 * Back-projection of slice sd gradients onto the covariances (chain rule of s = sqrt(theta^T Sigma theta):
 * dL/dSigma = dL/ds theta theta^T / (2 s)): dC_c = sum_l gs[c·L + l] theta_l theta_l^T (full, k × d × d) or its
 * diagonal (diag, k × d), with gs = dL/ds / (2 s) (0 for a slice with s = 0); `dC` is overwritten. Each entry is
 * summed over l in order, by the WebAssembly kernel for full covariances when it is in use (same bits).
 */
export function backProjectCovariances(k: number, d: number, full: boolean, dirs: Float64Array, L: number, gs: Float64Array, dC: Float64Array): void {
  if (full && outerSumsWasm(k, d, dirs, L, gs, dC)) return;
  dC.fill(0);
  for (let l = 0; l < L; l++) {
    const off = l * d;
    for (let c = 0; c < k; c++) {
      const g = gs[c * L + l];
      if (g === 0) continue;
      if (full) {
        const base = c * d * d;
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) dC[base + i * d + j] += g * dirs[off + i] * dirs[off + j];
      } else {
        for (let j = 0; j < d; j++) dC[c * d + j] += g * dirs[off + j] * dirs[off + j];
      }
    }
  }
}

const levelsCache = new Map<number, Float64Array>();

/**
 * The per-direction work of a sliced W_p^p gradient, for direction l of a SliceJob: sort the data's projections
 * (in place), take the empirical quantiles at the levels, and the 1-D value and gradient (midpointGrad or exactW2)
 * of the slice (weights, means[l·k + c], sds[l·k + c]); writes value[l], dW[l·k + c], dM[l·k + c] (dL/dm of the
 * slice means) and gs[c·L + l] = dL/ds / (2 s) (0 when s = 0). Directions are independent, so any thread may run
 * any l (slice-pool.ts); the caller sums the outputs over l in order.
 */
export function sliceTask(job: SliceJob, l: number): void {
  const { n, k, L, nLevels } = job;
  const proj = job.proj.subarray(l * n, (l + 1) * n);
  proj.sort();
  const slice: Mixture1D = { weights: job.weights, means: job.means.subarray(l * k, (l + 1) * k), sds: job.sds.subarray(l * k, (l + 1) * k) };
  let g: Wasserstein1DGrad;
  if (job.exact) g = exactW2(slice, proj, true);
  else {
    // Quantile trick (nLevels > 0 and < n): match the GMM quantiles at m = nLevels midpoint levels u_j = (j + 1/2)/m
    // with the full sample's empirical quantiles y_(floor(u_j n)) at the same levels: m quantile solves per slice
    // instead of n, and no minibatch bias (all points are projected and sorted).
    const useLevels = nLevels > 0 && nLevels < n;
    const m = useLevels ? nLevels : n;
    let levels = levelsCache.get(m);
    if (!levels) {
      levels = midpointLevels(m);
      if (levelsCache.size > 16) levelsCache.clear();
      levelsCache.set(m, levels);
    }
    let yq = proj;
    if (useLevels) {
      yq = new Float64Array(nLevels);
      for (let j = 0; j < nLevels; j++) yq[j] = proj[Math.min(n - 1, Math.floor(levels[j] * n))];
    }
    g = midpointGrad(slice, yq, job.p, levels);
  }
  job.value[l] = g.value;
  for (let c = 0; c < k; c++) {
    job.dW[l * k + c] = g.dWeights[c];
    job.dM[l * k + c] = g.dMeans[c];
    const s = slice.sds[c];
    job.gs[c * L + l] = s > 0 ? g.dSds[c] / (2 * s) : 0; // dL/dSigma = dL/ds * theta theta^T / (2 s)
  }
}

setSliceTask(sliceTask);

/** slicedWassersteinGrad without validation (hot loop of fitSW). */
export function slicedGradUnchecked(gmm: GMMParams, points: Points, directions: Float64Array, p: number, method: Wasserstein1DMethod, nLevels = 0): SlicedGrad {
  const { k, d } = gmm;
  const n = points.n;
  const L = directions.length / d;
  const full = gmm.covarianceType === 'full';
  const dW = new Float64Array(k), dM = new Float64Array(k * d);
  const dC = new Float64Array(full ? k * d * d : k * d);
  // The directions' 1-D work runs on the slice pool's threads when it pays (slice-pool.ts), else here.
  const pool = slicePoolFor(n * L);
  const job = pool ? pool.job(n, k, L) : sliceJobArrays(n, k, L);
  job.p = p;
  job.exact = method === 'exact';
  job.nLevels = method === 'midpoint' ? nLevels : 0;
  job.weights.set(gmm.weights);
  // All L projections of the points and of the components at once (each point read once).
  projectPointsAll(points, directions, L, job.proj);
  const sl = projectGMMAll(gmm, directions, L);
  job.means.set(sl.means);
  job.sds.set(sl.sds);
  if (pool) pool.run(L);
  else for (let l = 0; l < L; l++) sliceTask(job, l);
  // Sums over the directions in order (the same bits whichever thread ran a direction).
  let value = 0;
  for (let l = 0; l < L; l++) {
    value += job.value[l];
    const off = l * d;
    for (let c = 0; c < k; c++) {
      dW[c] += job.dW[l * k + c];
      const gm = job.dM[l * k + c];
      for (let j = 0; j < d; j++) dM[c * d + j] += gm * directions[off + j];
    }
  }
  backProjectCovariances(k, d, full, directions, L, job.gs, dC);
  const inv = 1 / L;
  for (let i = 0; i < dW.length; i++) dW[i] *= inv;
  for (let i = 0; i < dM.length; i++) dM[i] *= inv;
  for (let i = 0; i < dC.length; i++) dC[i] *= inv;
  return { value: value * inv, dWeights: dW, dMeans: dM, dCovariances: dC };
}

/** A SliceJob on plain arrays (one thread). */
export function sliceJobArrays(n: number, k: number, L: number): SliceJob {
  return {
    n, k, L, p: 2, exact: false, nLevels: 0, proj: new Float64Array(L * n), weights: new Float64Array(k), means: new Float64Array(L * k),
    sds: new Float64Array(L * k), value: new Float64Array(L), dW: new Float64Array(L * k), dM: new Float64Array(L * k), gs: new Float64Array(k * L),
  };
}
