/**
 * The variance floor inside the gradient fitters that offer it (SC2's and MMD's minVariance): on data whose
 * clusters are far tighter than the floor, every fitted variance must end at or above minVariance × the data's
 * variance along its coordinate — for diagonal and full covariances — while without the floor the same fit goes
 * below it (so the floor is what holds it up, applied after the steps, not only at the start).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import { pointsMoments } from '../../../src/gmm/model/points.ts';
import type { Points } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

/** Two tight clusters (sd 0.05) 6 apart on x, 2 apart on y: each coordinate's data variance ≫ a cluster's. */
function tight(n: number): Points {
  const rng = new Rng(4);
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    data[2 * i] = (c ? 3 : -3) + 0.05 * rng.normal();
    data[2 * i + 1] = (c ? 1 : -1) + 0.05 * rng.normal();
  }
  return { n, d: 2, data };
}

for (const method of ['sc2', 'mmd'] as const) {
  for (const covarianceType of ['diag', 'full'] as const) {
    test(`${method} (${covarianceType}): every fitted variance ≥ minVariance × the data variance, and the fit without it goes below`, () => {
      const X = tight(200);
      const { cov } = pointsMoments(X);
      const frac = 0.05;
      const floor = [frac * cov[0], frac * cov[3]];
      const opts = { k: 2, covarianceType, seed: 2, maxIter: 150, minIter: 150 };
      const withFloor = fitGMM(method, X, { ...opts, minVariance: frac }).gmm.toFull();
      for (let c = 0; c < 2; c++) for (let j = 0; j < 2; j++) {
        const v = withFloor.covariances[c * 4 + j * 3];
        assert.ok(v >= floor[j] * (1 - 1e-9), `component ${c}, coordinate ${j}: variance ${v} below the floor ${floor[j]}`);
      }
      const without = fitGMM(method, X, { ...opts, minVariance: 0 }).gmm.toFull();
      const lowest = Math.min(...[0, 1].flatMap((c) => [0, 1].map((j) => without.covariances[c * 4 + j * 3] / floor[j])));
      assert.ok(lowest < 0.5, `without the floor some variance falls well below it (lowest ${lowest.toFixed(3)} × the floor)`);
    });
  }
}
