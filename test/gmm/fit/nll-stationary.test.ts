/**
 * NLL descent (src/gmm/fit/nll.ts) must end where the gradient of the mean NLL vanishes, and there the likelihood
 * equations hold (Bishop 2006, §9.2.2): with responsibilities γ_ic of the fitted mixture,
 *   w_c = (1/n) Σ_i γ_ic,   μ_c = Σ_i γ_ic x_i / N_c,   Σ_c = Σ_i γ_ic (x_i − μ_c)(x_i − μ_c)ᵀ / N_c (+ reg),
 * every parameter block of every component. A wrong entry anywhere in the hand-written gradient (a sign, an index,
 * a factor) moves the end point off these equations, on either kernel path (the JavaScript kernels and the EM
 * WebAssembly kernels, which share the gradient assembly).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitNLL } from '../../../src/gmm/fit/nll.ts';
import type { CovarianceType, Points } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';
import { withEnv } from '../../_env.ts';

/** 300 points from three elongated, tilted clusters in 2-D. */
function clusters(): Points {
  const rng = new Rng(11);
  const n = 300, d = 2, data = new Float64Array(n * d);
  const centres = [[0, 0], [5, 1], [1, 6]];
  for (let i = 0; i < n; i++) {
    const c = i % 3, u = rng.normal(), v = rng.normal();
    data[i * d] = centres[c][0] + (1 + c * 0.4) * u + 0.3 * v;
    data[i * d + 1] = centres[c][1] + 0.5 * u + (0.6 + 0.2 * c) * v;
  }
  return { n, d, data };
}

for (const covarianceType of ['full', 'diag'] as CovarianceType[]) {
  for (const kernels of ['js', 'wasm']) {
    test(`fitNLL (${covarianceType}, ${kernels} kernels) ends on the likelihood equations for weights, means and covariances`, () => {
      const X = clusters();
      const { n, d } = X;
      const k = 3, reg = 1e-6;
      const { gmm } = withEnv({ GMMGEN_KERNELS: kernels }, () => fitNLL(X, { k, covarianceType, seed: 2, maxIter: 4000, tol: 0, lr: 0.02, regCovar: reg }));
      const g = gmm.predictProba(X);
      for (let c = 0; c < k; c++) {
        let Nc = 0;
        const mu = new Float64Array(d);
        for (let i = 0; i < n; i++) { Nc += g[i * k + c]; for (let a = 0; a < d; a++) mu[a] += g[i * k + c] * X.data[i * d + a]; }
        for (let a = 0; a < d; a++) mu[a] /= Nc;
        assert.ok(Nc > 30, `component ${c} holds a cluster (N_c = ${Nc})`);
        assert.ok(Math.abs(gmm.weights[c] - Nc / n) < 2e-3, `w_${c} = ${gmm.weights[c]} vs N_c/n = ${Nc / n}`);
        for (let a = 0; a < d; a++) assert.ok(Math.abs(gmm.means[c * d + a] - mu[a]) < 5e-3, `μ_${c}[${a}] = ${gmm.means[c * d + a]} vs ${mu[a]}`);
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < d; b++) {
            if (covarianceType === 'diag' && a !== b) continue;
            let s = 0;
            for (let i = 0; i < n; i++) s += g[i * k + c] * (X.data[i * d + a] - mu[a]) * (X.data[i * d + b] - mu[b]);
            const want = s / Nc + (a === b ? reg : 0);
            const got = covarianceType === 'full' ? gmm.covariances[c * d * d + a * d + b] : gmm.covariances[c * d + a];
            assert.ok(Math.abs(got - want) < 1e-2 * Math.max(1, Math.abs(want)), `Σ_${c}[${a},${b}] = ${got} vs ${want}`);
          }
        }
      }
    });
  }
}
