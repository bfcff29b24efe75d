/**
 * fitNLL's initial-factor check (src/gmm/fit/nll.ts) with its exact message. A valid init GMM can still fail it in
 * the standardised frame: points spread over 3e10 have a scale s ≈ 1.1e10, and a variance of 1e-310 divided by
 * s² ≈ 1.25e20 underflows to 0 (not positive-definite), while 1e-300 / s² ≈ 8e-321 is a positive subnormal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { fitNLL } from '../../../src/gmm/fit/nll.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';

test('fitNLL: an initial covariance that is not positive-definite in the fit frame', () => {
  const pts = { n: 4, d: 1, data: Float64Array.of(0, 1e10, 2e10, 3e10) };
  const init = (v: number) => new GMM({ k: 1, d: 1, covarianceType: 'full', weights: Float64Array.of(1), means: Float64Array.of(1e10), covariances: Float64Array.of(v) });
  throwsExactly(() => fitNLL(pts, { k: 1, init: init(1e-310), maxIter: 2 }), 'GMMOptionError: fitNLL: initial covariance 0 is not positive-definite');
  const r = fitNLL(pts, { k: 1, init: init(1e-300), maxIter: 2 });
  assert.equal(r.history.iterations, 2);
});
