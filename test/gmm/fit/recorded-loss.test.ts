/**
 * The loss a fitter records is its objective at the parameters of that step, evaluated independently: fitMMD's
 * history (GMM-to-GMM, the closed-form MMD² with the given bandwidth; the value before each step) against mmd2 of
 * the start mixture and of the mixture after one step (a fit stopped at maxIter 1), full and diagonal covariances.
 * A fitter whose recorded value combined its terms wrongly would still fit (the gradient is separate) and only
 * misreport its loss curve and convergence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGMM, GMM } from '../../../src/gmm/index.ts';
import { mmd2 } from '../../../src/gmm/distances/mmd.ts';

const T = new GMM({ k: 2, d: 2, covarianceType: 'full', weights: Float64Array.of(0.3, 0.7), means: Float64Array.of(0, 0, 3, 1), covariances: Float64Array.of(1, 0.2, 0.2, 0.5, 0.8, -0.1, -0.1, 1.2) });
const G0 = new GMM({ k: 2, d: 2, covarianceType: 'full', weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(1, -1, 2, 2), covariances: Float64Array.of(2, 0, 0, 2, 1, 0.3, 0.3, 1) });

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${what}: recorded ${a}, mmd2 ${b}`);

test('fitMMD records MMD²(model, target) before each step: at the start mixture and after one step', () => {
  const h = 1.3;
  for (const cov of ['full', 'diag'] as const) {
    const g0 = cov === 'full' ? G0 : G0.withCovarianceType('diag');
    const opts = { k: 2, init: g0, bandwidth: h, covarianceType: cov };
    const r = fitGMM('mmd', T, { ...opts, maxIter: 4, tol: 0 });
    assert.equal(r.history.loss.length, 4);
    close(r.history.loss[0], mmd2(g0.params(), T.params(), { bandwidth: h }), `${cov}: step 0`);
    const one = fitGMM('mmd', T, { ...opts, maxIter: 1 }).gmm;
    close(r.history.loss[1], mmd2(one.params(), T.params(), { bandwidth: h }), `${cov}: step 1`);
    assert.ok(r.history.loss[1] < r.history.loss[0], `${cov}: the first step lowers the loss`);
  }
});
