/**
 * fitMMD's own checks (src/gmm/fit/mmd.ts) with their exact messages: batchSize only for a point target, and the
 * divergence stop (a weight learning rate of 1e308 turns the loss into NaN at step 3). Fits of a few steps only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { fitMMD } from '../../../src/gmm/fit/mmd.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';

const E = 'GMMOptionError';
const pts = pointsFromRows([[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 6]]);
const target = new GMM({ k: 2, d: 2, covarianceType: 'diag', weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 0, 5, 5), covariances: Float64Array.of(1, 1, 1, 1) });

test('fitMMD: batchSize applies to a point target only', () => {
  throwsExactly(() => fitMMD(target, { k: 2, batchSize: 4, maxIter: 2, bandwidth: 1 }), `${E}: fitMMD: option batchSize applies to a point target only`);
  assert.equal(fitMMD(target, { k: 2, maxIter: 2, bandwidth: 1 }).history.iterations, 2);
  assert.equal(fitMMD(pts, { k: 2, batchSize: 4, maxIter: 2 }).history.iterations, 2);
});

test('fitMMD: a loss that becomes NaN stops the fit with the step; the default weight rate does not', () => {
  throwsExactly(() => fitMMD(pts, { k: 2, lrWeights: 1e308, maxIter: 20, standardize: false }), `${E}: fitMMD: the loss became NaN at step 3; lower lr`);
  const r = fitMMD(pts, { k: 2, maxIter: 20, standardize: false, tol: 0 });
  assert.equal(r.history.iterations, 20);
  assert.ok(r.history.loss.every(Number.isFinite));
});
