/**
 * Random Gaussian mixtures for benchmarks and tests (the data of scripts/studies/speed-em.ts and speed-all.ts).
 *
 * randomMixture(d, k, rng, meanScale): full covariances, drawn from `rng` in this order:
 *   weights w_c ∝ 0.5 + U(0, 1);   means μ_c ~ N(0, meanScale² I) (k×d normals, scaled);
 *   covariances Σ_c = A_c A_cᵀ / d + 0.1 I with (A_c)_ij ~ N(0, 1), c = 0..k−1.
 * With meanScale = 0.25 at d = 128 the components overlap enough for EM to need tens of iterations.
 */
import { GMM } from './gmm.ts';
import type { Rng } from '../../util/rng.ts';

export function randomMixture(d: number, k: number, rng: Rng, meanScale = 0.25): GMM {
  const weights = new Float64Array(k);
  let s = 0;
  for (let c = 0; c < k; c++) { weights[c] = 0.5 + rng.uniform(); s += weights[c]; }
  for (let c = 0; c < k; c++) weights[c] /= s;
  const means = rng.normals(new Float64Array(k * d)) as Float64Array;
  for (let i = 0; i < means.length; i++) means[i] *= meanScale;
  const covariances = new Float64Array(k * d * d);
  const A = new Float64Array(d * d);
  for (let c = 0; c < k; c++) {
    rng.normals(A);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        let v = 0;
        for (let p = 0; p < d; p++) v += A[a * d + p] * A[b * d + p];
        v = v / d + (a === b ? 0.1 : 0);
        covariances[c * d * d + a * d + b] = v;
        covariances[c * d * d + b * d + a] = v;
      }
    }
  }
  return new GMM({ k, d, covarianceType: 'full', weights, means, covariances });
}
