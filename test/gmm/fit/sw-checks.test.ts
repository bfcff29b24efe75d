/**
 * fitSW's own option checks (src/gmm/fit/sw.ts) with their exact messages, on both sides of each edge: p ≥ 1, the
 * 'exact' method only for p = 2, no EM finish for a GMM target, and the divergence stop (a learning rate of 1e308
 * sends the loss to Infinity at the first step that uses the moved parameters). Fits of one or two steps only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { fitSW } from '../../../src/gmm/fit/sw.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';

const E = 'GMMOptionError';
const pts = pointsFromRows([[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 6]]);
const target = new GMM({ k: 2, d: 2, covarianceType: 'diag', weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 0, 5, 5), covariances: Float64Array.of(1, 1, 1, 1) });
const quick = { k: 2, maxIter: 2, finishIter: 0 };

test('fitSW: p ≥ 1 (p = 1 fits), the exact method only with p = 2', () => {
  for (const p of [0.5, 1 - 1e-12]) throwsExactly(() => fitSW(pts, { ...quick, p }), `${E}: option p must be >= 1, got ${p}`);
  assert.equal(fitSW(pts, { ...quick, p: 1 }).history.iterations, 2);
  for (const p of [1, 3]) throwsExactly(() => fitSW(pts, { ...quick, p, method: 'exact' }), `${E}: option method 'exact' needs p = 2, got p = ${p}`);
  assert.equal(fitSW(pts, { ...quick, p: 2, method: 'exact' }).history.iterations, 2);
  assert.equal(fitSW(pts, { ...quick, method: 'exact' }).history.iterations, 2); // p defaults to 2
});

test('fitSW: the EM finish needs a point target', () => {
  const msg = `${E}: fitSW: the EM finish (finishIter > 0) needs a point target; pass finishIter: 0 for a GMM target`;
  throwsExactly(() => fitSW(target, { k: 2, maxIter: 2, finishIter: 1 }), msg);
  assert.equal(fitSW(target, { k: 2, maxIter: 2 }).history.iterations, 2); // default 0 for a GMM target
  assert.equal(fitSW(target, { k: 2, maxIter: 2, finishIter: 0 }).history.iterations, 2);
});

test('fitSW: a loss that overflows stops the fit with the step; a usual rate does not', () => {
  throwsExactly(() => fitSW(pts, { k: 1, lr: 1e308, maxIter: 20, standardize: false, finishIter: 0 }), `${E}: fitSW: the loss became Infinity at step 1; lower lr`);
  const r = fitSW(pts, { k: 1, lr: 0.01, maxIter: 20, standardize: false, finishIter: 0, tol: 0 });
  assert.equal(r.history.iterations, 20);
  assert.ok(r.history.loss.every(Number.isFinite));
});
