/**
 * fitSC2's own option checks (src/gmm/fit/sc2.ts) with their exact messages, on both sides of each edge: 'circle'
 * directions only in 2-d, batchSize only for a point target, and the divergence stop (a mean learning rate of 1e308
 * sends the loss to Infinity at the first step that uses the moved means). Fits of a few steps only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { fitSC2 } from '../../../src/gmm/fit/sc2.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';

const E = 'GMMOptionError';
const pts2 = pointsFromRows([[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 6]]);
const pts3 = pointsFromRows([[0, 0, 0], [1, 0, 0], [0, 1, 0], [5, 5, 1], [6, 5, 1], [5, 6, 1]]);
const target = new GMM({ k: 2, d: 2, covarianceType: 'diag', weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 0, 5, 5), covariances: Float64Array.of(1, 1, 1, 1) });

test("fitSC2: 'circle' directions need d = 2", () => {
  throwsExactly(() => fitSC2(pts3, { k: 2, directions: 'circle', maxIter: 2 }), `${E}: option directions 'circle' needs d = 2, the target has d = 3`);
  assert.equal(fitSC2(pts3, { k: 2, directions: 'random', maxIter: 2 }).history.iterations, 2);
  assert.equal(fitSC2(pts2, { k: 2, directions: 'circle', maxIter: 2 }).history.iterations, 2);
});

test('fitSC2: batchSize applies to a point target only', () => {
  throwsExactly(() => fitSC2(target, { k: 2, batchSize: 4, maxIter: 2 }), `${E}: fitSC2: option batchSize applies to a point target only (a GMM target is fitted in closed form)`);
  assert.equal(fitSC2(target, { k: 2, maxIter: 2 }).history.iterations, 2);
  assert.equal(fitSC2(pts2, { k: 2, batchSize: 4, maxIter: 2 }).history.iterations, 2);
});

test('fitSC2: a loss that overflows stops the fit with the step; a usual rate does not', () => {
  throwsExactly(() => fitSC2(pts2, { k: 1, lrMeans: 1e308, maxIter: 20, standardize: false }), `${E}: fitSC2: the loss became Infinity at step 1; lower the learning rates`);
  const r = fitSC2(pts2, { k: 1, maxIter: 20, standardize: false, tol: 0 });
  assert.equal(r.history.iterations, 20);
  assert.ok(r.history.loss.every(Number.isFinite));
});

test('fitSC2: decay and momentum (RMSProp / SGD settings) are unknown options, named with the allowed list', () => {
  for (const key of ['decay', 'momentum']) {
    assert.throws(() => fitSC2(pts2, { k: 2, maxIter: 2, [key]: 0.5 }), (e: Error) => e.name === E && e.message.startsWith(`fitSC2: unknown option '${key}'; allowed: L, batchSize, beta1, beta2,`));
  }
});
