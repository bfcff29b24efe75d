/**
 * The gradient fitters' parameterisation of a start (nll.ts; FactorParams in core.ts for SC2 and MMD): a covariance
 * Σ is stored as a factor of Σ − reg·I, so that the mixture they report (factor product + reg·I) is the start itself;
 * when Σ − reg·I is not positive-definite (a variance at or below regCovar) the factor is of Σ itself, reported as
 * Σ + reg·I. Checked entry by entry after one step of negligible size, for a start whose first variance (1e-7) lies
 * below regCovar = 1e-6 — the Cholesky factorisation of Σ − reg·I fails at its first pivot. (NLL's diagonal case falls
 * back per variance, FactorParams per component: the other variance of that component is kept by NLL, raised by reg
 * by SC2 and MMD.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import '../../../src/gmm/index.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { Rng } from '../../../src/util/rng.ts';

const reg = 1e-6;
const rng = new Rng(1);
const n = 100, d = 2, data = new Float64Array(n * d);
for (let i = 0; i < n * d; i++) data[i] = rng.normal();
const X = { n, d, data };

const starts = {
  full: { cov: [1e-7, 0, 0, 1, 2, 0.5, 0.5, 1], want: [1e-7 + reg, 0, 0, 1 + reg, 2, 0.5, 0.5, 1] },
  diag: { cov: [1e-7, 1, 2, 1], want: [1e-7 + reg, 1 + reg, 2, 1] },
} as const;
const nllDiagWant = [1e-7 + reg, 1, 2, 1];
const tiny = { nll: { lr: 1e-12 }, mmd: { lr: 1e-12 }, sc2: { lrWeights: 1e-12, lrMeans: 1e-12, lrFactors: 1e-12, nllSteps: 0, minVariance: 0 } };

for (const [type, { cov, want }] of Object.entries(starts) as [keyof typeof starts, (typeof starts)[keyof typeof starts]][]) {
  for (const [method, opts] of Object.entries(tiny)) {
    test(`${method} (${type}): a start within regCovar of singular is kept (factor of Σ), the others exactly (factor of Σ − reg·I)`, () => {
      const init = new GMM({ k: 2, d, covarianceType: type, weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 0, 1, 1), covariances: Float64Array.from(cov) });
      const { gmm } = fitGMM(method as 'nll', X, { k: 2, init, maxIter: 1, regCovar: reg, covarianceType: type, standardize: false, ...opts });
      // One Adam step of size 1e-12 moves each factor entry by about 1e-12.
      (method === 'nll' && type === 'diag' ? nllDiagWant : want).forEach((w, i) => assert.ok(Math.abs(gmm.covariances[i] - w) <= 1e-10 + 1e-9 * Math.abs(w), `covariances[${i}] = ${gmm.covariances[i]}, want ${w}`));
    });
  }
}
