/**
 * fitEM's degenerate M-step message (src/gmm/fit/em.ts), exact, on both kernel paths: two groups of identical
 * points, each taken whole by one component at the first E-step (variances 1e-4, so the other component's density
 * underflows), give component 0 a zero covariance with regCovar 0; any positive regCovar (1e-300) fits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { withEnv } from '../../_env.ts';
import { fitEM } from '../../../src/gmm/fit/em.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';

const pts = { n: 8, d: 1, data: Float64Array.of(0, 0, 0, 0, 5, 5, 5, 5) };
const tail = 'at iteration 1; the data may be degenerate for this k — increase regCovar';

test('fitEM: a covariance that collapses in the M-step names the component and the iteration', () => {
  const cases = [
    ['full', 'EM covariances[0] (component 0) is not positive-definite (Cholesky failed at pivot 0)'],
    ['diag', 'EM covariances[0][0] (component 0) must be a positive finite variance, got 0'],
    ['spherical', 'EM covariances[0] (component 0) must be a positive finite variance, got 0'],
  ] as const;
  for (const kernels of ['js', 'wasm']) {
    withEnv({ GMMGEN_KERNELS: kernels, GMMGEN_THREADS: '1' }, () => {
      for (const [type, inner] of cases) {
        const init = new GMM({ k: 2, d: 1, covarianceType: type, weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 5), covariances: Float64Array.of(1e-4, 1e-4) });
        throwsExactly(() => fitEM(pts, { k: 2, init, regCovar: 0, covarianceType: type }), `GMMOptionError: fitEM: ${inner} ${tail}`);
        const r = fitEM(pts, { k: 2, init, regCovar: 1e-300, covarianceType: type });
        assert.ok(r.gmm.means[0] === 0 && Math.abs(r.gmm.means[1] - 5) < 1e-12, `${kernels} ${type}: ${r.gmm.means}`);
        assert.equal(r.gmm.covariances[0], 1e-300, `${kernels} ${type}`);
      }
    });
  }
});
