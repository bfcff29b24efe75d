/**
 * Maximum mean discrepancy with a Gaussian RBF kernel between Gaussian mixtures and point sets,
 * in closed form (Alon, Globerson & Wiesel, "On the optimization landscape of MMD", Eq. 1, 4),
 * and the one-sided MMD fitter (their OSMMD population loss).
 *
 * Kernel k(x, y) = exp(-|x - y|^2 / (2 h^2)). For independent X ~ N(mu_1, Sigma_1), Y ~ N(mu_2, Sigma_2),
 * X - Y ~ N(delta, Sigma_1 + Sigma_2) with delta = mu_1 - mu_2, and the Gaussian integral (their Eq. 4) gives
 *
 *   E k(X, Y) = K(delta, M) = h^d det(M)^{-1/2} exp(-delta^T M^{-1} delta / 2),  M = Sigma_1 + Sigma_2 + h^2 I.
 *
 * A data point is a zero-covariance component. For mixtures P = sum_i w_i N_i and Q = sum_j v_j N'_j,
 *
 *   MMD^2(P, Q) = sum_ii' w_i w_i' K_ii' - 2 sum_ij w_i v_j K_ij + sum_jj' v_j v_j' K_jj'   (Eq. 1),
 *
 * (the squared MMD; the paper calls this "MMD"). Gradients with respect to P's parameters, with
 * A = M^{-1}:
 *   dK/ddelta = -K A delta,    dK/dM = (K/2) (A delta delta^T A - A),
 *   dL/dw_i     = 2 sum_i' w_i' K_ii' - 2 sum_j v_j K_ij           (free weights, polynomial derivative)
 *   dL/dmu_i    = -2 w_i sum_i' w_i' K_ii' A_ii' delta_ii' + 2 w_i sum_j v_j K_ij A_ij delta_ij
 *   dL/dSigma_i = 2 w_i sum_i' w_i' dK/dM_ii' - 2 w_i sum_j v_j dK/dM_ij.
 * Against n points, A_ij = (Sigma_i + h^2 I)^{-1} does not depend on the point, so the cross term
 * costs O(k n d^2): accumulate sum_j v_j K_ij, sum_j v_j K_ij delta_ij and sum_j v_j K_ij delta delta^T.
 * The point-point term (O(n^2 d)) does not depend on the model; fitters compute it once.
 */
import type { GMMParams, Points } from '../model/types.ts';
import { Rng } from '../../util/rng.ts';
import { checkGMMParamsShape, checkPoints } from './wasserstein.ts';
import { invertLower, lowerGram } from '../linalg/dense.ts';
import { precisionFactors, quadFull, weightedScatter, type ScatterScratch } from '../model/density.ts';
import { isPoints } from '../model/points.ts';

// ---------------------------------------------------------------------------------------------
// Small dense SPD helpers (d x d, row-major)
// ---------------------------------------------------------------------------------------------

/** Inverse and log-determinant of a symmetric positive-definite d x d matrix via Cholesky. */
export function spdInverseLogDet(M: Float64Array, d: number, where = 'spdInverseLogDet'): { inv: Float64Array; logDet: number } {
  const Lm = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = M[i * d + j];
      for (let t = 0; t < j; t++) s -= Lm[i * d + t] * Lm[j * d + t];
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`${where}: matrix is not positive definite (pivot ${i} = ${s})`);
        Lm[i * d + i] = Math.sqrt(s);
      } else Lm[i * d + j] = s / Lm[j * d + j];
    }
  }
  let logDet = 0;
  for (let i = 0; i < d; i++) logDet += 2 * Math.log(Lm[i * d + i]);
  // inv = L^{-T} L^{-1}
  return { inv: lowerGram(invertLower(Lm, d), 0, d, new Float64Array(d * d)), logDet };
}

/** Covariance of component c as a full d x d matrix (expanding 'diag'). */
function fullCov(p: GMMParams, c: number): Float64Array {
  const d = p.d;
  if (p.covarianceType === 'full') return p.covariances.subarray(c * d * d, (c + 1) * d * d);
  const out = new Float64Array(d * d);
  for (let j = 0; j < d; j++) out[j * d + j] = p.covariances[c * d + j];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bandwidth
// ---------------------------------------------------------------------------------------------

export interface MedianHeuristicOptions {
  /** Subsample at most this many points (uniformly, seeded) before taking pairwise distances. Default 1000. */
  maxPoints?: number;
  /** Seed of the subsampling. Default 0. */
  seed?: number;
}

/**
 * Median heuristic bandwidth (Gretton et al. 2012): h = median_{i<j} |x_i - x_j| over the points
 * (a seeded subsample of at most `maxPoints`). Used as k(x, y) = exp(-|x - y|^2 / (2 h^2)).
 */
export function medianHeuristic(points: Points, opts: MedianHeuristicOptions = {}): number {
  for (const key of Object.keys(opts)) if (!['maxPoints', 'seed'].includes(key)) throw new RangeError(`medianHeuristic: unknown option '${key}'`);
  checkPoints(points, 'medianHeuristic: points');
  const maxPoints = opts.maxPoints ?? 1000;
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError(`medianHeuristic: maxPoints must be an integer >= 2, got ${maxPoints}`);
  if (points.n < 2) throw new RangeError('medianHeuristic: needs at least 2 points');
  const { n, d, data } = points;
  let idx: ArrayLike<number>;
  if (n > maxPoints) idx = new Rng(opts.seed ?? 0).permutation(n).subarray(0, maxPoints);
  else idx = Int32Array.from({ length: n }, (_, i) => i);
  const m = idx.length;
  const dist = new Float64Array((m * (m - 1)) / 2);
  let t = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = data[idx[a] * d + j] - data[idx[b] * d + j];
        s += v * v;
      }
      dist[t++] = s;
    }
  }
  dist.sort();
  const mid = dist.length >> 1;
  const med2 = dist.length % 2 ? dist[mid] : 0.5 * (dist[mid - 1] + dist[mid]);
  const h = Math.sqrt(med2);
  if (!(h > 0)) throw new RangeError('medianHeuristic: the median pairwise distance is 0 (duplicate points); pass a bandwidth');
  return h;
}

// ---------------------------------------------------------------------------------------------
// Closed-form MMD^2
// ---------------------------------------------------------------------------------------------

export interface MMDGrad {
  value: number;
  dWeights: Float64Array;
  dMeans: Float64Array;
  /** dL/dSigma: symmetric k*d*d for 'full'; the diagonal k*d for 'diag'. */
  dCovariances: Float64Array;
}


/** (1/n^2) sum_ij exp(-|x_i - x_j|^2 / (2 h^2)): the model-independent point-point term. */
export function pointsKernelMean(points: Points, h: number): number {
  const { n, d, data } = points;
  const g = 1 / (2 * h * h);
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let q = 0;
      for (let t = 0; t < d; t++) {
        const v = data[i * d + t] - data[j * d + t];
        q += v * v;
      }
      s += Math.exp(-g * q);
    }
  }
  return (2 * s + n) / (n * n);
}

/**
 * Accumulates mult * sum_{i in P} sum_{j in Q} w_i v_j K_ij into the value and, when `grad`,
 * gradFactor * mult * d/d(P params). P is a GMM; Q a GMM or points (zero covariance, weight 1/n).
 */
export function crossTerm(
  P: GMMParams, Q: GMMParams | Points, h: number, mult: number, gradFactor: number,
  grad: { dW: Float64Array; dM: Float64Array; dC: Float64Array } | null,
): number {
  const d = P.d;
  const h2 = h * h;
  const hd = d * Math.log(h);
  let value = 0;
  const delta = new Float64Array(d), Ad = new Float64Array(d);
  if (isPoints(Q)) {
    const { n, data } = Q;
    const v = 1 / n;
    for (let i = 0; i < P.k; i++) {
      const M = Float64Array.from(fullCov(P, i));
      for (let t = 0; t < d; t++) M[t * d + t] += h2;
      const { inv: A, logDet } = spdInverseLogDet(M, d, 'mmd: Sigma + h^2 I');
      const c = Math.exp(hd - 0.5 * logDet);
      let sK = 0;
      const sKd = new Float64Array(d), sKdd = grad ? new Float64Array(d * d) : null;
      for (let j = 0; j < n; j++) {
        for (let t = 0; t < d; t++) delta[t] = P.means[i * d + t] - data[j * d + t];
        let q = 0;
        for (let a = 0; a < d; a++) {
          let r = 0;
          for (let b = 0; b < d; b++) r += A[a * d + b] * delta[b];
          q += delta[a] * r;
        }
        const K = c * Math.exp(-0.5 * q);
        sK += K;
        if (grad) {
          for (let a = 0; a < d; a++) sKd[a] += K * delta[a];
          for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) sKdd![a * d + b] += K * delta[a] * delta[b];
        }
      }
      const wi = P.weights[i];
      value += mult * wi * v * sK;
      if (grad) {
        const f = gradFactor * mult;
        grad.dW[i] += f * v * sK;
        // dK/dmu_i = -K A delta
        for (let a = 0; a < d; a++) {
          let r = 0;
          for (let b = 0; b < d; b++) r += A[a * d + b] * sKd[b];
          grad.dM[i * d + a] += -f * wi * v * r;
        }
        // dK/dM = (K/2)(A delta delta^T A - A)
        addCovGrad(P, i, A, sKdd!, sK, f * wi * v, grad.dC);
      }
    }
    return value;
  }
  for (let i = 0; i < P.k; i++) {
    const Si = fullCov(P, i);
    for (let j = 0; j < Q.k; j++) {
      const { K, A } = pairKernel(Si, fullCov(Q, j), P.means, i, Q.means, j, d, h2, hd, new Float64Array(d * d), delta, Ad);
      const wi = P.weights[i], vj = Q.weights[j];
      value += mult * wi * vj * K;
      if (grad) {
        const f = gradFactor * mult;
        grad.dW[i] += f * vj * K;
        for (let a = 0; a < d; a++) grad.dM[i * d + a] += -f * wi * vj * K * Ad[a];
        const dd = new Float64Array(d * d);
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) dd[a * d + b] = K * delta[a] * delta[b];
        addCovGrad(P, i, A, dd, K, f * wi * vj, grad.dC);
      }
    }
  }
  return value;
}

/**
 * One pair's Gaussian-kernel integral K = h^d |M|^(-1/2) exp(-(1/2) delta^T M^-1 delta), M = Sigma_i + Sigma_j + h^2 I,
 * delta = mu_i - mu_j (means rows i of `mi` and j of `mj`): the closed form of the module comment. Fills M (scratch),
 * delta and u = A delta, and returns K and A = M^-1. Throws (spdInverseLogDet) when M is not positive-definite.
 */
function pairKernel(
  Si: Float64Array, Sj: Float64Array, mi: Float64Array, i: number, mj: Float64Array, j: number, d: number, h2: number, hd: number,
  M: Float64Array, delta: Float64Array, u: Float64Array,
): { K: number; A: Float64Array } {
  for (let t = 0; t < d * d; t++) M[t] = Si[t] + Sj[t];
  for (let t = 0; t < d; t++) M[t * d + t] += h2;
  const { inv: A, logDet } = spdInverseLogDet(M, d, 'mmd: Sigma_i + Sigma_j + h^2 I');
  for (let t = 0; t < d; t++) delta[t] = mi[i * d + t] - mj[j * d + t];
  let q = 0;
  for (let a = 0; a < d; a++) {
    let r = 0;
    for (let b = 0; b < d; b++) r += A[a * d + b] * delta[b];
    u[a] = r;
    q += delta[a] * r;
  }
  return { K: Math.exp(hd - 0.5 * logDet - 0.5 * q), A };
}

/** dC_i += scale * (1/2) (A S A - sK A), S = sum K delta delta^T; diag keeps the diagonal. */
function addCovGrad(P: GMMParams, i: number, A: Float64Array, S: Float64Array, sK: number, scale: number, dC: Float64Array): void {
  const d = P.d;
  const AS = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    let r = 0;
    for (let t = 0; t < d; t++) r += A[a * d + t] * S[t * d + b];
    AS[a * d + b] = r;
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    if (P.covarianceType === 'diag' && a !== b) continue;
    let r = 0;
    for (let t = 0; t < d; t++) r += AS[a * d + t] * A[t * d + b];
    const g = 0.5 * scale * (r - sK * A[a * d + b]);
    if (P.covarianceType === 'full') dC[i * d * d + a * d + b] += g;
    else dC[i * d + a] += g;
  }
}

export interface MMDOptions {
  /** Kernel bandwidth h > 0. Default: median heuristic on the target points (required for a GMM target). */
  bandwidth?: number;
}

function resolveBandwidth(target: GMMParams | Points, opts: MMDOptions, where: string): number {
  for (const key of Object.keys(opts)) if (key !== 'bandwidth') throw new RangeError(`${where}: unknown option '${key}'`);
  if (opts.bandwidth !== undefined) {
    if (!(Number.isFinite(opts.bandwidth) && opts.bandwidth > 0)) throw new RangeError(`${where}: bandwidth must be a finite number > 0, got ${opts.bandwidth}`);
    return opts.bandwidth;
  }
  if (!isPoints(target)) throw new RangeError(`${where}: bandwidth is required when the target is a GMM`);
  return medianHeuristic(target);
}

function checkMMDArgs(model: GMMParams, target: GMMParams | Points, where: string): void {
  checkGMMParamsShape(model, `${where}: model`);
  if (isPoints(target)) checkPoints(target, `${where}: target points`, model.d);
  else {
    checkGMMParamsShape(target, `${where}: target gmm`);
    if (target.d !== model.d) throw new RangeError(`${where}: target dimension ${target.d} does not match the model dimension ${model.d}`);
  }
}

/** Squared MMD between a GMM and a point set (empirical measure) or another GMM, in closed form. */
export function mmd2(model: GMMParams, target: GMMParams | Points, opts: MMDOptions = {}): number {
  checkMMDArgs(model, target, 'mmd2');
  const h = resolveBandwidth(target, opts, 'mmd2');
  const tt = isPoints(target) ? pointsKernelMean(target, h) : crossTerm(target, target, h, 1, 0, null);
  return crossTerm(model, model, h, 1, 0, null) + crossTerm(model, target, h, -2, 0, null) + tt;
}

/** Squared MMD and its gradient with respect to the model's weights, means and covariances. */
export function mmd2Grad(model: GMMParams, target: GMMParams | Points, opts: MMDOptions = {}): MMDGrad {
  checkMMDArgs(model, target, 'mmd2Grad');
  const h = resolveBandwidth(target, opts, 'mmd2Grad');
  const tt = isPoints(target) ? pointsKernelMean(target, h) : crossTerm(target, target, h, 1, 0, null);
  return mmd2GradUnchecked(model, target, h, tt);
}

/** mmd2Grad with a known bandwidth and target-target term (hot loop of fitMMD; no validation). */
export function mmd2GradUnchecked(model: GMMParams, target: GMMParams | Points, h: number, targetTerm: number): MMDGrad {
  const d = model.d;
  const grad = {
    dW: new Float64Array(model.k),
    dM: new Float64Array(model.k * d),
    dC: new Float64Array(model.covarianceType === 'full' ? model.k * d * d : model.k * d),
  };
  // model-model: each ordered pair (i, i') contributes to both i and i': gradient factor 2
  const v1 = crossTerm(model, model, h, 1, 2, grad);
  const v2 = crossTerm(model, target, h, -2, 1, grad);
  return { value: v1 + v2 + targetTerm, dWeights: grad.dW, dMeans: grad.dM, dCovariances: grad.dC };
}

// ---------------------------------------------------------------------------------------------
// Fast kernels for the fitter
// ---------------------------------------------------------------------------------------------

export interface GradAcc { dW: Float64Array; dM: Float64Array; dC: Float64Array }

/**
 * Model-model term sum_ii' w_i w_i' K_ii' and its gradient (added to `grad`), over unordered pairs
 * (each inversion done once) with the rank-one form A delta delta^T A = u u^T (u = A delta), so a pair
 * costs one d x d Cholesky inverse plus O(d^2) — or O(d) for 'diag' covariances (diagPairKernel).
 */
export function mmdSelfTerm(P: GMMParams, h: number, grad: GradAcc | null): number {
  const { k, d } = P;
  const h2 = h * h, hd = d * Math.log(h);
  const full = P.covarianceType === 'full';
  const delta = new Float64Array(d), u = new Float64Array(d);
  // 'diag': A is diagonal and held as its d entries (diagPairKernel); otherwise d x d.
  const M = new Float64Array(full ? d * d : 0), Adiag = new Float64Array(full ? 0 : d);
  let value = 0;
  for (let i = 0; i < k; i++) {
    const Si = full ? fullCov(P, i) : null;
    for (let i2 = i; i2 < k; i2++) {
      const { K, A } = full
        ? pairKernel(Si!, fullCov(P, i2), P.means, i, P.means, i2, d, h2, hd, M, delta, u)
        : { K: diagPairKernel(P, i, i2, h2, hd, Adiag, u), A: Adiag };
      const wi = P.weights[i], wj = P.weights[i2];
      const same = i === i2;
      value += (same ? 1 : 2) * wi * wj * K;
      if (!grad) continue;
      grad.dW[i] += 2 * wj * K;
      if (!same) grad.dW[i2] += 2 * wi * K;
      const f = wi * wj * K;
      if (!same) {
        for (let a = 0; a < d; a++) {
          grad.dM[i * d + a] -= 2 * f * u[a];
          grad.dM[i2 * d + a] += 2 * f * u[a];
        }
      }
      // dC_i += f (u u^T - A) for a pair; -w_i^2 K A for i = i2 (u = 0 there).
      for (const c of same ? [i] : [i, i2]) {
        if (full) {
          const base = c * d * d;
          for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) grad.dC[base + a * d + b] += f * (u[a] * u[b] - A[a * d + b]);
        } else for (let a = 0; a < d; a++) grad.dC[c * d + a] += f * (u[a] * u[a] - A[a]);
      }
    }
  }
  return value;
}

/**
 * Cross term -2 sum_i w_i (1/n) sum_j K(mu_i - x_j, Sigma_i + h^2 I) against n points and its gradient,
 * with the blocked kernels of density.ts: the quadratic forms by the triangular kernel of the E-step
 * (precision factor of M_i), the second moments sum_j K_ij (x_j - mu_i)(x_j - mu_i)^T by the weighted
 * Gram kernel of the M-step. O(k n d^2 / 2) per call.
 */
export function mmdPointsTerm(P: GMMParams, X: Points, h: number, grad: GradAcc | null): number {
  if (P.covarianceType === 'diag') return mmdPointsTermDiag(P, X, h, grad);
  const { k, d } = P;
  const { n } = X;
  const h2 = h * h;
  const M = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const S = fullCov(P, c);
    M.set(S, c * d * d);
    for (let t = 0; t < d; t++) M[c * d * d + t * d + t] += h2;
  }
  const pf = precisionFactors('full', k, d, P.means, M, { name: 'mmd: Sigma + h^2 I' });
  const q = new Float64Array(n);
  const Kmat = grad ? new Float64Array(n * k) : null;
  const sKx = new Float64Array(d), scatter = new Float64Array(d * d), A = new Float64Array(d * d), sKd = new Float64Array(d);
  let scratch: ScatterScratch | undefined;
  const inv = 1 / n;
  let value = 0;
  const logH = d * Math.log(h);
  for (let c = 0; c < k; c++) {
    quadFull(X.data, n, d, pf.prec, c * d * d, pf.precMeans, c * d, q);
    const lc = logH + pf.logDetPrec[c];
    let sK = 0;
    sKx.fill(0);
    for (let j = 0; j < n; j++) {
      const K = Math.exp(lc - 0.5 * q[j]);
      sK += K;
      if (Kmat) Kmat[j * k + c] = K;
    }
    const wc = P.weights[c];
    value -= 2 * wc * inv * sK;
    if (!grad) continue;
    grad.dW[c] -= 2 * inv * sK;
    // sKd = sum_j K_j (mu - x_j)
    for (let j = 0; j < n; j++) {
      const K = Kmat![j * k + c];
      if (K === 0) continue;
      const o = j * d;
      for (let t = 0; t < d; t++) sKx[t] += K * X.data[o + t];
    }
    for (let t = 0; t < d; t++) sKd[t] = sK * P.means[c * d + t] - sKx[t];
    // A = M^{-1} = P^T P (P lower triangular).
    lowerGram(pf.prec, c * d * d, d, A);
    for (let a = 0; a < d; a++) {
      let r = 0;
      for (let b = 0; b < d; b++) r += A[a * d + b] * sKd[b];
      grad.dM[c * d + a] += 2 * wc * inv * r;
    }
    scratch = weightedScatter(X, Kmat!, k, c, P.means, c * d, 'full', scatter, scratch);
    // dC = -(w/n) (A S A - sK A)
    addCovGrad(P, c, A, scatter, sK, -2 * wc * inv, grad.dC);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Diagonal covariances: M = Sigma + h^2 I is diagonal, so A = M^{-1} is the reciprocal of its entries and
// every d x d product above reduces to entrywise ones. Same formulas, O(d) per pair and O(k n d) instead of
// O(d^3) and O(k n d^2); test/gmm/distances/mmd-diag.test.ts checks them against the full-matrix path.
// ---------------------------------------------------------------------------------------------

/**
 * pairKernel for 'diag' covariances of one GMM: M = Sigma_i + Sigma_j + h^2 I is diagonal, so A = M^-1 is the
 * reciprocal of its entries. Fills A (the d diagonal entries) and u = A delta; returns K. Throws RangeError when an
 * entry of M is not positive.
 */
function diagPairKernel(P: GMMParams, i: number, j: number, h2: number, hd: number, A: Float64Array, u: Float64Array): number {
  const { d, means, covariances: cov } = P;
  let logDet = 0, q = 0;
  for (let t = 0; t < d; t++) {
    const m = cov[i * d + t] + cov[j * d + t] + h2;
    if (!(m > 0)) throw new RangeError(`mmd: Sigma_i + Sigma_j + h^2 I is not positive definite (entry ${t} = ${m})`);
    const delta = means[i * d + t] - means[j * d + t];
    A[t] = 1 / m;
    u[t] = A[t] * delta;
    logDet += Math.log(m);
    q += delta * u[t];
  }
  return Math.exp(hd - 0.5 * logDet - 0.5 * q);
}

/** mmdPointsTerm for 'diag' covariances: K_cj = h^d |M_c|^(-1/2) exp(-(1/2) sum_t (x_jt - mu_ct)^2 / M_c,tt). */
function mmdPointsTermDiag(P: GMMParams, X: Points, h: number, grad: GradAcc | null): number {
  const { k, d, means, covariances: cov, weights } = P;
  const { n, data } = X;
  const h2 = h * h, logH = d * Math.log(h), inv = 1 / n;
  const A = new Float64Array(d), sKd = new Float64Array(d), S = new Float64Array(d), r = new Float64Array(d);
  let value = 0;
  for (let c = 0; c < k; c++) {
    let logDet = 0;
    for (let t = 0; t < d; t++) {
      const m = cov[c * d + t] + h2;
      if (!(m > 0)) throw new RangeError(`mmd: Sigma + h^2 I is not positive definite (entry ${t} = ${m})`);
      A[t] = 1 / m;
      logDet += Math.log(m);
    }
    const lc = logH - 0.5 * logDet;
    const mu = c * d;
    let sK = 0;
    sKd.fill(0);
    S.fill(0);
    for (let j = 0; j < n; j++) {
      const o = j * d;
      let q = 0;
      for (let t = 0; t < d; t++) {
        const v = data[o + t] - means[mu + t];
        r[t] = v;
        q += v * v * A[t];
      }
      const K = Math.exp(lc - 0.5 * q);
      sK += K;
      if (!grad || K === 0) continue;
      for (let t = 0; t < d; t++) {
        sKd[t] += K * r[t];
        S[t] += K * r[t] * r[t];
      }
    }
    const wc = weights[c];
    value -= 2 * wc * inv * sK;
    if (!grad) continue;
    grad.dW[c] -= 2 * inv * sK;
    for (let t = 0; t < d; t++) {
      // sKd above is sum_j K (x_j - mu); the full path's sum_j K (mu - x_j) is its negative.
      grad.dM[mu + t] -= 2 * wc * inv * A[t] * sKd[t];
      // dC = -(w/n) (A S A - sK A), diagonal
      grad.dC[mu + t] += -wc * inv * (A[t] * A[t] * S[t] - sK * A[t]);
    }
  }
  return value;
}
