/**
 * bestOfStarts' refusal of several starts from one fixed GMM (src/gmm/fit/starts.ts), with its exact message through
 * fitGMM; nInit = 1 with that GMM, and nInit = 2 with seeded starts, run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';

test('bestOfStarts: nInit > 1 needs seeded initialisations', () => {
  const pts = pointsFromRows([[0], [0.5], [1], [5], [5.5], [6]]);
  const init = new GMM({ k: 2, d: 1, covarianceType: 'full', weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 5), covariances: Float64Array.of(1, 1) });
  for (const nInit of [2, 5]) {
    throwsExactly(() => fitGMM('em', pts, { k: 2, nInit, init }), `GMMOptionError: fitGMM('em'): nInit = ${nInit} needs seeded initialisations (init 'kmeans++' or 'random'); init is a fixed GMM, so every start would begin from it`);
  }
  const one = fitGMM('em', pts, { k: 2, nInit: 1, init, maxIter: 3 });
  assert.ok(Math.abs(one.gmm.means[0] - 0.5) < 1e-6 && Math.abs(one.gmm.means[1] - 5.5) < 1e-6, String(one.gmm.means));
  assert.equal(fitGMM('em', pts, { k: 2, nInit: 2, maxIter: 3 }).gmm.k, 2);
});
