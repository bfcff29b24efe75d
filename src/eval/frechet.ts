/**
 * Fréchet distance between two point sets, each summarised by a Gaussian (mean, covariance) — the FID recipe
 * (Heusel et al. 2017) applied to any feature space (here: the MNIST classifier's 128-d penultimate layer):
 *
 *   FD = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}
 *
 * Covariances are unbiased (divide by n − 1, as numpy.cov in pytorch-fid). The matrix square roots come from
 * symmetric eigen-decompositions (eigenvalues clipped at 0), so the trace term is exact for PSD inputs and the
 * result is ≥ 0 up to rounding (clipped at 0).
 */
import { pointsMoments, symEigen } from '../gmm/index.ts';

export interface FeatureSet {
  n: number;
  d: number;
  data: ArrayLike<number>;
}

export interface GaussianStats {
  d: number;
  mean: Float64Array;
  /** d × d, unbiased. */
  cov: Float64Array;
}

/** Mean and unbiased covariance. */
export function gaussianStats(x: FeatureSet): GaussianStats {
  const { n, d, data } = x;
  if (!Number.isInteger(n) || n < 2) throw new Error(`gaussianStats: need at least 2 points, got n = ${n}`);
  if (data.length !== n * d) throw new Error(`gaussianStats: data has ${data.length} values, expected n·d = ${n * d}`);
  const { mean, cov } = pointsMoments(x, 1);
  return { d, mean, cov };
}

/** Symmetric PSD square root via eigen-decomposition (negative eigenvalues from rounding set to 0). */
export function sqrtmPSD(a: Float64Array, d: number): Float64Array {
  const { values, vectors } = symEigen(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(0, values[k]));
    if (s === 0) continue;
    for (let i = 0; i < d; i++) {
      const vik = vectors[i * d + k] * s;
      if (vik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j] += vik * vectors[j * d + k];
    }
  }
  return out;
}

/** Fréchet distance between two Gaussians. */
export function frechetFromStats(s1: GaussianStats, s2: GaussianStats): number {
  const d = s1.d;
  if (s2.d !== d) throw new Error(`frechetDistance: dimensions differ (${d} vs ${s2.d})`);
  let diff = 0;
  for (let j = 0; j < d; j++) diff += (s1.mean[j] - s2.mean[j]) ** 2;
  let tr = 0;
  for (let j = 0; j < d; j++) tr += s1.cov[j * d + j] + s2.cov[j * d + j];
  const r = sqrtmPSD(s1.cov, d);
  // M = R Σ₂ R (symmetric PSD); tr sqrt(M) = Σ sqrt(λ(M)).
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const rik = r[i * d + k];
    if (rik === 0) continue;
    for (let j = 0; j < d; j++) t[i * d + j] += rik * s2.cov[k * d + j];
  }
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const tik = t[i * d + k];
    if (tik === 0) continue;
    for (let j = 0; j < d; j++) m[i * d + j] += tik * r[k * d + j];
  }
  const { values } = symEigen(m, d);
  let trSqrt = 0;
  for (let k = 0; k < d; k++) trSqrt += Math.sqrt(Math.max(0, values[k]));
  return Math.max(0, diff + tr - 2 * trSqrt);
}

/** Fréchet distance between the Gaussian summaries of two feature sets. */
export function frechetDistance(a: FeatureSet, b: FeatureSet): number {
  if (a.d !== b.d) throw new Error(`frechetDistance: feature dimensions differ (${a.d} vs ${b.d})`);
  return frechetFromStats(gaussianStats(a), gaussianStats(b));
}
