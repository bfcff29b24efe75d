/**
 * Initialisation of mixtures from data.
 *
 *  - kmeansPlusPlus: greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's
 *    2 + ⌊ln k⌋ local trials): the first centre is a uniformly random point; every next centre is drawn
 *    with probability ∝ D(x)² (squared distance to the nearest chosen centre), keeping among the trials
 *    the candidate that most reduces the potential Σ_x D(x)².
 *  - initGMM 'kmeans++': those centres, a few Lloyd iterations, then (like scikit-learn's init from hard
 *    labels) weights = counts/n, means = cluster means, covariances = cluster covariances + regCovar·I.
 *  - initGMM 'random': k distinct random data points as means, the data covariance (+ regCovar·I) for
 *    every component, equal weights.
 *  - initGMM 'small': small random components around the data mean, equal weights — the start of the SW-GMM
 *    authors' public ring–line–square demo (github.com/skolouri/swgmm), expressed in units of the data's RMS
 *    standard deviation s = √(tr Cov / d): means m + s·U(−1, 1)^d, covariances s²(0.02/d · A Aᵀ + 0.001 I)
 *    with A_ij ~ U(0, 1) (+ regCovar·I). For d = 2 and s = 1 this is exactly the demo's start (means U(−1, 1)²
 *    around the centred data, Σ = S Sᵀ + 0.001 I with S = 0.1·U(0, 1)^{2×2}); the 1/d keeps the components
 *    small in higher dimension. The ring–line–square data has s ≈ 1.37.
 *  - tied / spherical: the per-cluster full / diagonal covariances above, reduced as scikit-learn's M-step does
 *    (gmm.ts constrainCovariances: Σ = Σ_c w_c Σ_c; σ²_c = mean of the diagonal).
 */
import type { CovarianceType, Points } from '../model/types.ts';
import { Rng } from '../../util/rng.ts';
import { COVARIANCE_TYPES, GMM, constrainCovariances, isCovarianceType } from '../model/gmm.ts';
import { factorLayout } from '../model/density.ts';
import { GMMOptionError, type ResolvedCommonOptions } from './options.ts';
import { pointsMoments, validatePoints } from '../model/points.ts';

/** k×d k-means++ centres chosen among the points. */
export function kmeansPlusPlus(points: Points, k: number, rng: Rng): Float64Array {
  validatePoints(points);
  const { n, d, data } = points;
  if (!Number.isInteger(k) || k < 1) throw new GMMOptionError(`kmeansPlusPlus: k must be a positive integer, got ${k}`);
  if (k > n) throw new GMMOptionError(`kmeansPlusPlus: k = ${k} exceeds the number of points n = ${n}`);
  const centres = new Float64Array(k * d);
  const closest = new Float64Array(n);
  const cand = new Float64Array(n);
  const best = new Float64Array(n);
  const trials = 2 + Math.floor(Math.log(k));
  let first = rng.int(n);
  centres.set(data.subarray(first * d, first * d + d), 0);
  let pot = 0;
  for (let i = 0; i < n; i++) { closest[i] = sqDist(data, i * d, data, first * d, d); pot += closest[i]; }
  for (let c = 1; c < k; c++) {
    let chosen = -1, chosenPot = Infinity;
    for (let t = 0; t < trials; t++) {
      let idx: number;
      if (pot > 0) {
        // Draw ∝ closest distance² by inverse CDF.
        let u = rng.uniform() * pot;
        idx = n - 1;
        for (let i = 0; i < n; i++) { u -= closest[i]; if (u < 0) { idx = i; break; } }
      } else idx = rng.int(n); // all points coincide with chosen centres
      let p = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(closest[i], sqDist(data, i * d, data, idx * d, d));
        cand[i] = v;
        p += v;
      }
      if (p < chosenPot) { chosenPot = p; chosen = idx; best.set(cand); }
    }
    first = chosen;
    centres.set(data.subarray(chosen * d, chosen * d + d), c * d);
    closest.set(best);
    pot = chosenPot;
  }
  return centres;
}

/**
 * Lloyd iterations from the given centres (updated in place). Empty clusters are re-seeded with the point
 * farthest from its centre. Returns the final labels.
 */
export function lloyd(points: Points, centres: Float64Array, k: number, maxIter: number): Int32Array {
  const { n, d, data } = points;
  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let it = 0; it <= maxIter; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let bc = 0, bd = Infinity;
      for (let c = 0; c < k; c++) {
        const v = sqDist(data, i * d, centres, c * d, d);
        if (v < bd) { bd = v; bc = c; }
      }
      if (labels[i] !== bc) changed++;
      labels[i] = bc;
      dist[i] = bd;
    }
    if (changed === 0 || it === maxIter) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += data[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i] > dist[far]) far = i;
        centres.set(data.subarray(far * d, far * d + d), c * d);
        dist[far] = 0;
        continue;
      }
      for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / counts[c];
    }
  }
  return labels;
}

export type InitMethod = 'kmeans++' | 'random' | 'small';
export const INIT_METHODS: readonly InitMethod[] = ['kmeans++', 'random', 'small'];

export interface InitOptions {
  method?: InitMethod;
  seed?: number;
  covarianceType?: CovarianceType;
  regCovar?: number;
  /** Lloyd iterations after k-means++ seeding (default 10). */
  lloydIter?: number;
}

/** A starting mixture for the points (see the module comment). */
export function initGMM(points: Points, k: number, opts: InitOptions = {}): GMM {
  validatePoints(points);
  const { n, d, data } = points;
  const method = opts.method ?? 'kmeans++';
  if (!INIT_METHODS.includes(method)) throw new GMMOptionError(`initGMM: method must be one of ${INIT_METHODS.map((m) => `'${m}'`).join(', ')}, got ${String(method)}`);
  const covarianceType = opts.covarianceType ?? 'full';
  if (!isCovarianceType(covarianceType)) throw new GMMOptionError(`initGMM: covarianceType must be one of ${COVARIANCE_TYPES.map((t) => `'${t}'`).join(', ')}, got ${String(covarianceType)}`);
  const layout = factorLayout(covarianceType); // tied / spherical: per-cluster full / diag moments, reduced below
  const reg = opts.regCovar ?? 1e-6;
  if (!(reg >= 0) || !Number.isFinite(reg)) throw new GMMOptionError(`initGMM: regCovar must be a non-negative finite number, got ${reg}`);
  if (!Number.isInteger(k) || k < 1) throw new GMMOptionError(`initGMM: k must be a positive integer, got ${k}`);
  if (k > n) throw new GMMOptionError(`initGMM: k = ${k} exceeds the number of points n = ${n}`);
  const rng = new Rng(opts.seed ?? 0);
  const covLen = layout === 'full' ? d * d : d;
  const weights = new Float64Array(k);
  const means = new Float64Array(k * d);
  const covariances = new Float64Array(k * covLen);
  if (method === 'small') {
    const { mean, cov: dataCov } = pointsMoments(points);
    let tr = 0;
    for (let j = 0; j < d; j++) tr += dataCov[j * d + j];
    const s = Math.sqrt(tr / d) || 1;
    const A = new Float64Array(d * d);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) means[c * d + j] = mean[j] + s * (2 * rng.uniform() - 1);
      for (let t = 0; t < d * d; t++) A[t] = rng.uniform();
      const base = c * covLen;
      for (let a = 0; a < d; a++) {
        for (let b = layout === 'full' ? 0 : a; b <= a; b++) {
          let v = 0;
          for (let t = 0; t < d; t++) v += A[a * d + t] * A[b * d + t];
          v = s * s * ((0.02 / d) * v + (a === b ? 0.001 : 0)) + (a === b ? reg : 0);
          if (layout === 'full') {
            covariances[base + a * d + b] = v;
            covariances[base + b * d + a] = v;
          } else covariances[base + a] = v;
        }
      }
      weights[c] = 1 / k;
    }
  } else if (method === 'random') {
    const perm = rng.permutation(n);
    for (let c = 0; c < k; c++) means.set(data.subarray(perm[c] * d, perm[c] * d + d), c * d);
    const all = new Int32Array(n);
    const cov = new Float64Array(covLen);
    clusterMoments(points, all, 0, new Float64Array(d), cov, layout, reg);
    for (let c = 0; c < k; c++) { covariances.set(cov, c * covLen); weights[c] = 1 / k; }
  } else {
    const centres = kmeansPlusPlus(points, k, rng);
    const labels = lloyd(points, centres, k, opts.lloydIter ?? 10);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) counts[labels[i]]++;
    const mean = new Float64Array(d), cov = new Float64Array(covLen);
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // Can only happen when points coincide: keep the centre, use the data spread.
        means.set(centres.subarray(c * d, c * d + d), c * d);
        clusterMoments(points, new Int32Array(n), 0, mean, cov, layout, reg);
      } else {
        clusterMoments(points, labels, c, mean, cov, layout, reg);
        means.set(mean, c * d);
      }
      covariances.set(cov, c * covLen);
      weights[c] = Math.max(counts[c], 1e-10) ;
    }
    let s = 0;
    for (let c = 0; c < k; c++) s += weights[c];
    for (let c = 0; c < k; c++) weights[c] /= s;
  }
  try {
    const cov = constrainCovariances(covarianceType, k, d, weights, covariances);
    return new GMM({ k, d, covarianceType, weights, means, covariances: cov }, { init: method, seed: opts.seed ?? 0 });
  } catch (e) {
    throw new GMMOptionError(`initGMM: the initial covariances are singular (${(e as Error).message}); use regCovar > 0`);
  }
}

/**
 * The initial mixture of a fitter: the `init` GMM itself (checked against d, converted to the requested
 * covariance type), or initGMM on the target points, or on 50·k (at least 2000) samples of a target GMM.
 */
export function resolveInit(target: Points | GMM, common: ResolvedCommonOptions): GMM {
  const d = target instanceof GMM ? target.d : target.d;
  const init = common.init;
  if (init instanceof GMM) {
    if (init.d !== d) throw new GMMOptionError(`option init is a GMM of dimension ${init.d}, the target has dimension ${d}`);
    if (init.k !== common.k) throw new GMMOptionError(`option init is a GMM with k = ${init.k} components, but option k = ${common.k}`);
    return init.covarianceType === common.covarianceType ? init : init.withCovarianceType(common.covarianceType);
  }
  const pts = target instanceof GMM ? target.sample(Math.max(2000, 50 * common.k), new Rng(common.seed).fork()).points : target;
  return initGMM(pts, common.k, { method: init, seed: common.seed, covarianceType: common.covarianceType, regCovar: common.regCovar });
}

/** Mean and covariance (+ reg) of the points with labels[i] === c; cov is d×d (full) or d (diag). */
function clusterMoments(points: Points, labels: Int32Array, c: number, mean: Float64Array, cov: Float64Array, type: 'full' | 'diag', reg: number): void {
  const { n, d, data } = points;
  mean.fill(0);
  cov.fill(0);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== c) continue;
    m++;
    for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= m;
  const diff = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    if (labels[i] !== c) continue;
    for (let j = 0; j < d; j++) diff[j] = data[i * d + j] - mean[j];
    if (type === 'diag') {
      for (let j = 0; j < d; j++) cov[j] += diff[j] * diff[j];
    } else {
      for (let a = 0; a < d; a++) {
        const da = diff[a];
        for (let b = 0; b <= a; b++) cov[a * d + b] += da * diff[b];
      }
    }
  }
  if (type === 'diag') {
    for (let j = 0; j < d; j++) cov[j] = cov[j] / m + reg;
  } else {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const v = cov[a * d + b] / m + (a === b ? reg : 0);
        cov[a * d + b] = v;
        cov[b * d + a] = v;
      }
    }
  }
}

function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ao + j] - b[bo + j];
    s += t * t;
  }
  return s;
}
