/**
 * Cramér 2-distance between one-dimensional Gaussian mixtures in closed form, and the sliced
 * Cramér 2-distance between d-dimensional mixtures / point sets (Zhang 2023, §3.3–3.4, §4.2).
 *
 * For G1 = sum_j p_j N(mu_j, s_j^2) and G2 = sum_k p'_k N(mu'_k, s'_k^2) (point masses s = 0 allowed,
 * so a sample is G2 = (1/n) sum_i delta_{x_i}),
 *
 *   C_2^2(G1, G2) = int (F1(x) - F2(x))^2 dx.
 *
 * Paper Eq. 1, with U(t) = t Phi(t) + phi(t) (U' = Phi) and s_jk = sqrt(s_j^2 + s'_k^2):
 *   C_2^2 = sum_jk p_j p'_k s_jk [U(d_jk / s_jk) + U(-d_jk / s_jk)] - sum_jj' p_j p_j' s_jj' U(d_jj'/s_jj')
 *           - sum_kk' p'_k p'_k' s_kk' U(d_kk'/s_kk'),                d = difference of means.
 * Paper Eq. 2 (symmetric), with V(t) = (U(t) + U(-t))/2 = t erf(t/sqrt2)/2 + phi(t):
 *   C_2^2 = 2 sum_jk p_j p'_k s V(d/s) - sum_jj' p_j p_j' s V(d/s) - sum_kk' p'_k p'_k' s V(d/s).
 * For s = 0 the limits are s U(d/s) -> max(d, 0) and s V(d/s) -> |d|/2.
 *
 * Note kappa(d, s) = s V(d/s) = E|Z|/2 for Z ~ N(d, s^2), so C_2^2 is half the energy distance.
 *
 * Numerically careful form ('stable', the default). Write the two mixtures as one signed mixture
 * with coefficients c = (p, -p') (sum c = 0) and split kappa(d, s) = |d|/2 + s g(d/s) with
 *   g(t) = V(t) - |t|/2 = phi(t) - |t| Phi(-|t|)   (>= 0, <= phi(0), ~ phi(t)/t^2 for large |t|).
 * Then  C_2^2 = A + B  with
 *   A = -(1/2) sum_ab c_a c_b |m_a - m_b| = int C(x)^2 dx,   C(x) = sum_a c_a H(x - m_a),
 *       a step function: after sorting all means, A = sum_j (m_(j+1) - m_(j)) C_j^2 is a sum of
 *       non-negative terms (no cancellation) in O(N log N) instead of O(N^2) for N point masses;
 *   B = -sum_ab c_a c_b s_ab g(d_ab / s_ab), only over pairs with s_ab > 0 (pairs of point masses
 *       contribute nothing), whose terms are O(s) instead of O(|d|).
 * The paper's Eq. 1/2 subtract O(|d|)-sized terms (it reports ~15 bits lost in float64, §6); the
 * split form keeps the large, |d|-sized part exact. Eq. 1 and Eq. 2 are also exported for checks.
 *
 * Gradients (with respect to the first mixture):
 *   d kappa/d d = V'(t) = erf(t/sqrt2)/2,  d kappa/d s = phi(t) (U(t) - t U'(t) = phi(t)),
 *   dL/dmu_a = -2 p_a sum_b c_b V'(t_ab),   dL/ds_a = -2 p_a sum_b c_b phi(t_ab) s_a / s_ab,
 *   dL/dp_a  = -2 sum_b c_b kappa_ab   (derivative of Eq. 1 as a polynomial in free weights, i.e.
 *             what automatic differentiation of the paper's formula returns; only its component
 *             along the simplex is meaningful),
 * so |dL/dmu_a| <= 4 p_a and |dL/ds_a| <= 4 p_a (Theorem 3: |V'| <= 1/2, phi <= 1, s_a/s_ab <= 1).
 *
 * Sliced (§3.4): S_2^2(X, Y) ~= (1/L) sum_l C_2^2(<X, nu_l>, <Y, nu_l>) (the average over directions;
 * the paper's sum is L times this). The slice of a GMM is (p_j, mu_j . nu, ||S_j nu||) with
 * Sigma_j = S_j^T S_j, so dL/dmu_j = sum_l dL/dm_jl nu_l and, for Sigma = S^T S,
 * dL/dS_j = sum_l dL/ds_jl (S_j nu_l) nu_l^T / s_jl = 2 S_j dL/dSigma_j.
 */
import type { CovarianceType, GMMParams, Mixture1D, Points } from '../model/types.ts';
import { Rng } from '../../util/rng.ts';
import { INV_SQRT2PI, erf, normCdf, normPdf, normSf, validateMixture1D } from '../model/mixture1d.ts';
import { backProjectCovariances, checkGMMParamsShape, checkPoints, projectGMM, projectGMMAll, projectPointsAll, randomDirections } from './wasserstein.ts';
import { factorGradFullWasm, gramFullWasm } from '../wasm/sliced.ts';
import { countAtMost, isPoints } from '../model/points.ts';

// ---------------------------------------------------------------------------------------------
// Scalar kernels
// ---------------------------------------------------------------------------------------------

/** U(t) = t Phi(t) + phi(t), the antiderivative of Phi (= GELU(t) + phi(t)). */
export function cramerU(t: number): number {
  if (t < 0) {
    // t Phi(t) + phi(t) = phi(t) - |t| Phi(-|t|): evaluated as g(t) for t < 0 (no overflow/cancellation blow-up)
    return gFun(t);
  }
  return t + gFun(t); // U(t) = t + U(-t) for t >= 0
}

/** V(t) = (U(t) + U(-t))/2 = t erf(t/sqrt 2)/2 + phi(t) = |t|/2 + g(t). */
export function cramerV(t: number): number {
  return 0.5 * Math.abs(t) + gFun(t);
}

/** g(t) = V(t) - |t|/2 = phi(t) - |t| Phi(-|t|) >= 0. */
export function gFun(t: number): number {
  const a = Math.abs(t);
  if (a > 38) return 0;
  return INV_SQRT2PI * Math.exp(-0.5 * a * a) - a * normSf(a);
}

/** kappa(d, s) = s V(d/s) (= |d|/2 when s = 0). */
function kappa(d: number, s: number): number {
  return s > 0 ? s * cramerV(d / s) : 0.5 * Math.abs(d);
}

// ---------------------------------------------------------------------------------------------
// One dimension
// ---------------------------------------------------------------------------------------------

export type CramerForm = 'stable' | 'eq1' | 'eq2';

/** C_2^2 by the paper's Eq. 1, term by term (for reference and tests). */
export function cramer2Eq1(g1: Mixture1D, g2: Mixture1D): number {
  const sU = (d: number, s: number) => (s > 0 ? s * cramerU(d / s) : Math.max(d, 0));
  let cross = 0, self1 = 0, self2 = 0;
  for (let j = 0; j < g1.weights.length; j++) {
    for (let k = 0; k < g2.weights.length; k++) {
      const s = Math.hypot(g1.sds[j], g2.sds[k]);
      const d = g1.means[j] - g2.means[k];
      cross += g1.weights[j] * g2.weights[k] * (sU(d, s) + sU(-d, s));
    }
    for (let k = 0; k < g1.weights.length; k++) {
      self1 += g1.weights[j] * g1.weights[k] * sU(g1.means[j] - g1.means[k], Math.hypot(g1.sds[j], g1.sds[k]));
    }
  }
  for (let j = 0; j < g2.weights.length; j++) {
    for (let k = 0; k < g2.weights.length; k++) {
      self2 += g2.weights[j] * g2.weights[k] * sU(g2.means[j] - g2.means[k], Math.hypot(g2.sds[j], g2.sds[k]));
    }
  }
  return cross - self1 - self2;
}

/** C_2^2 by the paper's symmetric Eq. 2, term by term (for reference and tests). */
export function cramer2Eq2(g1: Mixture1D, g2: Mixture1D): number {
  let cross = 0, self1 = 0, self2 = 0;
  for (let j = 0; j < g1.weights.length; j++) {
    for (let k = 0; k < g2.weights.length; k++) {
      cross += g1.weights[j] * g2.weights[k] * kappa(g1.means[j] - g2.means[k], Math.hypot(g1.sds[j], g2.sds[k]));
    }
    for (let k = 0; k < g1.weights.length; k++) {
      self1 += g1.weights[j] * g1.weights[k] * kappa(g1.means[j] - g1.means[k], Math.hypot(g1.sds[j], g1.sds[k]));
    }
  }
  for (let j = 0; j < g2.weights.length; j++) {
    for (let k = 0; k < g2.weights.length; k++) {
      self2 += g2.weights[j] * g2.weights[k] * kappa(g2.means[j] - g2.means[k], Math.hypot(g2.sds[j], g2.sds[k]));
    }
  }
  return 2 * cross - self1 - self2;
}

export interface Cramer2Grad {
  value: number;
  /** d/dp of Eq. 1 as a polynomial in the free weights of the first mixture. */
  dWeights: Float64Array;
  dMeans: Float64Array;
  dSds: Float64Array;
}

/** Sorted view of a 1-D mixture's means with their signed coefficients. */
interface SortedAtoms {
  values: Float64Array; // ascending
  coef: Float64Array; // signed coefficients aligned with values
}

function sortedAtoms(m1: Mixture1D, m2: Mixture1D, target2Sorted: boolean): SortedAtoms {
  const n1 = m1.weights.length, n2 = m2.weights.length;
  // Sort the first mixture (small) by index; the second by index unless already sorted.
  const i1 = Array.from({ length: n1 }, (_, i) => i).sort((a, b) => m1.means[a] - m1.means[b]);
  let i2: ArrayLike<number>;
  if (target2Sorted) i2 = { length: n2 } as ArrayLike<number>;
  else i2 = Array.from({ length: n2 }, (_, i) => i).sort((a, b) => m2.means[a] - m2.means[b]);
  const values = new Float64Array(n1 + n2), coef = new Float64Array(n1 + n2);
  let a = 0, b = 0, t = 0;
  while (a < n1 || b < n2) {
    const ib = b < n2 ? (target2Sorted ? b : i2[b]) : -1;
    if (b >= n2 || (a < n1 && m1.means[i1[a]] <= m2.means[ib])) {
      values[t] = m1.means[i1[a]];
      coef[t++] = m1.weights[i1[a++]];
    } else {
      values[t] = m2.means[ib];
      coef[t++] = -m2.weights[ib];
      b++;
    }
  }
  return { values, coef };
}

/** Largest index i with values[i] < x (or -1): number of entries strictly below x. */
function countBelow(v: Float64Array, x: number): number {
  let lo = 0, hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Core of the stable form. `g2Sorted`: the second mixture's means are ascending (skips a sort).
 * When `withGrad`, fills gradients with respect to the first mixture.
 */
export function cramer2Core(g1: Mixture1D, g2: Mixture1D, withGrad: boolean, g2Sorted = false): Cramer2Grad {
  const n1 = g1.weights.length, n2 = g2.weights.length;
  const dW = new Float64Array(n1), dM = new Float64Array(n1), dS = new Float64Array(n1);
  // ---- A: the step-function part, exact and cancellation-free
  const { values, coef } = sortedAtoms(g1, g2, g2Sorted);
  const N = values.length;
  const P = new Float64Array(N + 1), PM = new Float64Array(N + 1);
  let A = 0;
  for (let j = 0; j < N; j++) {
    P[j + 1] = P[j] + coef[j];
    PM[j + 1] = PM[j] + coef[j] * values[j];
    if (j + 1 < N) A += (values[j + 1] - values[j]) * P[j + 1] * P[j + 1];
  }
  if (withGrad) {
    const T = P[N], TM = PM[N];
    for (let a = 0; a < n1; a++) {
      const m = g1.means[a];
      const lo = countBelow(values, m), hi = countAtMost(values, m);
      const Cb = P[lo], Ca = T - P[hi], Mb = PM[lo], Ma = TM - PM[hi];
      // A = -1/2 sum_ab c_a c_b |m_a - m_b|
      dM[a] += -g1.weights[a] * (Cb - Ca);
      dW[a] += -(m * (Cb - Ca) - (Mb - Ma));
    }
  }
  // ---- B: the smooth part, pairs with s_ab > 0
  let B = 0;
  // B = -sum_ab c_a c_b s_ab g(t_ab) over ordered pairs of the signed mixture c = (p, -p').
  // pairs(ma, mb, mult, gradFactor): adds mult * sum_{a in ma, b in mb} w_a w_b s g to B
  // (mult = -1 for (g1,g1) and (g2,g2), +2 for the two orderings of the cross pairs) and, when
  // gradFactor > 0 (ma = g1), gradFactor * mult * d/d(params of a) into the gradients.
  const pairs = (ma: Mixture1D, mb: Mixture1D, mult: number, gradFactor: number) => {
    const na = ma.weights.length, nb = mb.weights.length;
    let allAtomsB = true;
    for (let b = 0; b < nb; b++) if (mb.sds[b] > 0) { allAtomsB = false; break; }
    for (let a = 0; a < na; a++) {
      const sa = ma.sds[a], wa = ma.weights[a], mua = ma.means[a];
      if (sa === 0 && allAtomsB) continue;
      const sa2 = sa * sa;
      let accB = 0, accM = 0, accS = 0;
      for (let b = 0; b < nb; b++) {
        const sb = mb.sds[b];
        const s2 = sa2 + sb * sb;
        if (!(s2 > 0)) continue;
        const s = Math.sqrt(s2);
        const t = (mua - mb.means[b]) / s;
        const at = Math.abs(t);
        if (at > 38) continue;
        const phi = INV_SQRT2PI * Math.exp(-0.5 * t * t);
        const tail = normSf(at); // Phi(-|t|)
        const wb = mb.weights[b];
        accB += wb * s * (phi - at * tail);
        if (gradFactor) {
          accM += wb * (t > 0 ? -tail : t < 0 ? tail : 0); // d(s g(d/s))/dd = -sign(t) Phi(-|t|)
          if (sa > 0) accS += (wb * phi * sa) / s; // d(s g(d/s))/ds_a = phi(t) s_a / s
        }
      }
      B += mult * wa * accB;
      if (gradFactor) {
        dW[a] += gradFactor * mult * accB;
        dM[a] += gradFactor * mult * wa * accM;
        dS[a] += gradFactor * mult * wa * accS;
      }
    }
  };
  const gf = withGrad ? 1 : 0;
  pairs(g1, g1, -1, 2 * gf); // c_a c_b = p_a p_b; a appears as first and second index
  pairs(g1, g2, 2, gf); // c_a c_b = -p_a p'_b, both orderings
  pairs(g2, g2, -1, 0);
  return { value: A + B, dWeights: dW, dMeans: dM, dSds: dS };
}

/**
 * Closed-form Cramér 2-distance squared C_2^2(G1, G2) = int (F1 - F2)^2 between 1-D mixtures
 * (weights summing to 1; point masses allowed). `form`: 'stable' (default, see module docstring),
 * 'eq1' or 'eq2' (the paper's formulas verbatim).
 */
export function cramer2(g1: Mixture1D, g2: Mixture1D, opts: { form?: CramerForm } = {}): number {
  for (const key of Object.keys(opts)) if (key !== 'form') throw new RangeError(`cramer2: unknown option '${key}'`);
  validateMixture1D(g1, 'cramer2: first mixture');
  validateMixture1D(g2, 'cramer2: second mixture');
  const form = opts.form ?? 'stable';
  if (form === 'eq1') return cramer2Eq1(g1, g2);
  if (form === 'eq2') return cramer2Eq2(g1, g2);
  if (form !== 'stable') throw new RangeError(`cramer2: form must be 'stable', 'eq1' or 'eq2', got '${form}'`);
  return cramer2Core(g1, g2, false).value;
}

/** C_2^2(G1, G2) and its gradient with respect to G1's weights, means and sds. */
export function cramer2Grad(g1: Mixture1D, g2: Mixture1D): Cramer2Grad {
  validateMixture1D(g1, 'cramer2Grad: first mixture');
  validateMixture1D(g2, 'cramer2Grad: second mixture');
  return cramer2Core(g1, g2, true);
}

// ---------------------------------------------------------------------------------------------
// Sliced, d dimensions
// ---------------------------------------------------------------------------------------------

export interface SlicedCramerOptions {
  /** Number of random directions (when `directions` is not given). Default 50. */
  L?: number;
  /** Seed of the direction generator. Default 0. */
  seed?: number;
  /** Explicit L x d direction matrix with unit rows. */
  directions?: Float64Array;
}

export interface SlicedCramerGrad {
  value: number;
  /** d/dp (free weights, see cramer2Core). */
  dWeights: Float64Array;
  dMeans: Float64Array;
  /** dL/dSigma (symmetric k*d*d for 'full'; k*d for 'diag'). Convert with covarianceGradToFactorGrad. */
  dCovariances: Float64Array;
}


/** Pre-computed target slices for repeated evaluation along the same directions. */
export interface CramerTargetSlices {
  directions: Float64Array;
  slices: Mixture1D[];
  /** True when slice means are sorted ascending (point targets). */
  sorted: boolean;
}

/** Projects the target (points: sorted point masses of weight 1/n; GMM: its slices) once per direction. */
export function cramerTargetSlices(target: GMMParams | Points, directions: Float64Array): CramerTargetSlices {
  const d = target.d;
  const L = directions.length / d;
  const slices: Mixture1D[] = [];
  if (isPoints(target)) {
    const n = target.n;
    const w = new Float64Array(n).fill(1 / n), s = new Float64Array(n);
    const all = projectPointsAll(target, directions, L);
    for (let l = 0; l < L; l++) {
      const proj = all.slice(l * n, (l + 1) * n);
      proj.sort();
      slices.push({ weights: w, means: proj, sds: s });
    }
    return { directions, slices, sorted: true };
  }
  for (let l = 0; l < L; l++) slices.push(projectGMM(target, directions, l));
  return { directions, slices, sorted: false };
}

function resolveCramerDirections(d: number, opts: SlicedCramerOptions, where: string): Float64Array {
  for (const key of Object.keys(opts)) if (!['L', 'seed', 'directions'].includes(key)) throw new RangeError(`${where}: unknown option '${key}'`);
  if (opts.directions !== undefined) {
    if (!(opts.directions instanceof Float64Array) || opts.directions.length === 0 || opts.directions.length % d !== 0) {
      throw new RangeError(`${where}: directions must be a non-empty Float64Array of length L*d (d = ${d})`);
    }
    return opts.directions;
  }
  const L = opts.L ?? 50;
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`${where}: L must be a positive integer, got ${L}`);
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) throw new RangeError(`${where}: seed must be a finite number, got ${seed}`);
  return randomDirections(L, d, new Rng(seed));
}

function checkTarget(model: GMMParams, target: GMMParams | Points, where: string): void {
  if (isPoints(target)) checkPoints(target, `${where}: target points`, model.d);
  else {
    checkGMMParamsShape(target, `${where}: target gmm`);
    if (target.d !== model.d) throw new RangeError(`${where}: target dimension ${target.d} does not match the model dimension ${model.d}`);
  }
}

/**
 * Sliced Cramér 2-distance squared, (1/L) sum_l C_2^2(<model, nu_l>, <target, nu_l>), between a GMM
 * and a point set (empirical measure, weight 1/n per point) or another GMM (no sampling).
 */
export function slicedCramer2(model: GMMParams, target: GMMParams | Points, opts: SlicedCramerOptions = {}): number {
  checkGMMParamsShape(model, 'slicedCramer2: model');
  checkTarget(model, target, 'slicedCramer2');
  const dirs = resolveCramerDirections(model.d, opts, 'slicedCramer2');
  return slicedCramer2GradWithSlices(model, cramerTargetSlices(target, dirs), false).value;
}

/** slicedCramer2 with gradients with respect to the model's weights, means and covariances. */
export function slicedCramer2Grad(model: GMMParams, target: GMMParams | Points, opts: SlicedCramerOptions = {}): SlicedCramerGrad {
  checkGMMParamsShape(model, 'slicedCramer2Grad: model');
  checkTarget(model, target, 'slicedCramer2Grad');
  const dirs = resolveCramerDirections(model.d, opts, 'slicedCramer2Grad');
  return slicedCramer2GradWithSlices(model, cramerTargetSlices(target, dirs), true);
}

/** Sliced value/gradient against pre-projected target slices (hot loop of fitSC2; no validation). */
export function slicedCramer2GradWithSlices(model: GMMParams, target: CramerTargetSlices, withGrad = true): SlicedCramerGrad {
  const { k, d } = model;
  const dirs = target.directions;
  const L = target.slices.length;
  const full = model.covarianceType === 'full';
  const dW = new Float64Array(k), dM = new Float64Array(k * d), dC = new Float64Array(full ? k * d * d : k * d);
  const slice: Mixture1D = { weights: model.weights.slice(), means: new Float64Array(k), sds: new Float64Array(k) };
  const sl = projectGMMAll(model, dirs, L);
  const gs = new Float64Array(k * L);
  let value = 0;
  for (let l = 0; l < L; l++) {
    slice.means.set(sl.means.subarray(l * k, (l + 1) * k));
    slice.sds.set(sl.sds.subarray(l * k, (l + 1) * k));
    const g = cramer2Core(slice, target.slices[l], withGrad, target.sorted);
    value += g.value;
    if (!withGrad) continue;
    const off = l * d;
    for (let c = 0; c < k; c++) {
      dW[c] += g.dWeights[c];
      for (let j = 0; j < d; j++) dM[c * d + j] += g.dMeans[c] * dirs[off + j];
      const s = slice.sds[c];
      if (s > 0) gs[c * L + l] = g.dSds[c] / (2 * s);
    }
  }
  if (withGrad) backProjectCovariances(k, d, full, dirs, L, gs, dC);
  const inv = 1 / L;
  for (let i = 0; i < k; i++) dW[i] *= inv;
  for (let i = 0; i < dM.length; i++) dM[i] *= inv;
  for (let i = 0; i < dC.length; i++) dC[i] *= inv;
  return { value: value * inv, dWeights: dW, dMeans: dM, dCovariances: dC };
}

// ---------------------------------------------------------------------------------------------
// Parameterisation helpers (weights via softmax logits, Sigma = S^T S)
// ---------------------------------------------------------------------------------------------

/** Chain rule through p = softmax(z): dL/dz_i = p_i (g_i - sum_j p_j g_j). */
export function weightGradToLogitGrad(weights: Float64Array, dWeights: Float64Array, out?: Float64Array): Float64Array {
  const k = weights.length;
  const res = out ?? new Float64Array(k);
  let mean = 0;
  for (let i = 0; i < k; i++) mean += weights[i] * dWeights[i];
  for (let i = 0; i < k; i++) res[i] = weights[i] * (dWeights[i] - mean);
  return res;
}

/**
 * Chain rule through Sigma_j = S_j^T S_j: dL/dS_j = S_j (G_j + G_j^T) = 2 S_j G_j for symmetric G
 * ('full', S_j and G_j are d x d row-major); for 'diag' Sigma = diag(s^2): dL/ds = 2 s G.
 */
export function covarianceGradToFactorGrad(
  factors: Float64Array, dCov: Float64Array, k: number, d: number, covarianceType: CovarianceType, out?: Float64Array,
): Float64Array {
  perComponentFactors('covarianceGradToFactorGrad', covarianceType);
  const res = out ?? new Float64Array(factors.length);
  if (covarianceType === 'diag') {
    for (let i = 0; i < k * d; i++) res[i] = 2 * factors[i] * dCov[i];
    return res;
  }
  // The WebAssembly kernels (wasm/sliced.ts) form G + Gᵀ and the product with the same sums in the same order.
  if (factorGradFullWasm(k, d, factors, dCov, res)) return res;
  for (let c = 0; c < k; c++) {
    const base = c * d * d;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += factors[base + i * d + t] * (dCov[base + t * d + j] + dCov[base + j * d + t]);
        res[base + i * d + j] = s;
      }
    }
  }
  return res;
}

/** Sigma = S^T S for every component ('full'), or s^2 ('diag'). */
export function factorsToCovariances(factors: Float64Array, k: number, d: number, covarianceType: CovarianceType, out?: Float64Array): Float64Array {
  perComponentFactors('factorsToCovariances', covarianceType);
  const res = out ?? new Float64Array(factors.length);
  if (covarianceType === 'diag') {
    for (let i = 0; i < k * d; i++) res[i] = factors[i] * factors[i];
    return res;
  }
  if (gramFullWasm(k, d, factors, res)) return res;
  for (let c = 0; c < k; c++) {
    const base = c * d * d;
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += factors[base + t * d + i] * factors[base + t * d + j];
        res[base + i * d + j] = s;
        res[base + j * d + i] = s;
      }
    }
  }
  return res;
}

/** The gradient fitters parametrise full and diag covariances only (per-component factors S_j). */
function perComponentFactors(where: string, covarianceType: CovarianceType): void {
  if (covarianceType !== 'full' && covarianceType !== 'diag') throw new RangeError(`${where}: covariance factors are defined for 'full' and 'diag', got '${covarianceType}'`);
}

// Keep a couple of scalar helpers reachable for tests of the derivative identities.
export const _internal = { kappa, erf, normCdf, normPdf };
