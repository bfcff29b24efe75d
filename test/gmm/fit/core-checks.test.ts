/**
 * checkTarget (src/gmm/fit/core.ts) with its exact message: the distance fitters read a target GMM per component,
 * so a direct call with a 'tied' or 'spherical' target names the conversion to make; 'full', 'diag' and points pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { checkTarget } from '../../../src/gmm/fit/core.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';

const means = Float64Array.of(0, 0, 3, 3);
const w = Float64Array.of(0.5, 0.5);

test("checkTarget: 'tied' and 'spherical' GMM targets must be converted first", () => {
  const tied = new GMM({ k: 2, d: 2, covarianceType: 'tied', weights: w, means, covariances: Float64Array.of(1, 0, 0, 1) });
  const spherical = new GMM({ k: 2, d: 2, covarianceType: 'spherical', weights: w, means, covariances: Float64Array.of(1, 2) });
  throwsExactly(() => checkTarget(tied, 'fitSW'), "GMMOptionError: fitSW: a 'tied' target GMM must be passed as target.withCovarianceType('full') (fitGMM does this)");
  throwsExactly(() => checkTarget(spherical, 'fitMMD'), "GMMOptionError: fitMMD: a 'spherical' target GMM must be passed as target.withCovarianceType('diag') (fitGMM does this)");
  // The named conversions pass, as do points.
  assert.equal(checkTarget(tied.withCovarianceType('full'), 'fitSW'), undefined);
  assert.equal(checkTarget(spherical.withCovarianceType('diag'), 'fitSW'), undefined);
  assert.equal(checkTarget(pointsFromRows([[0, 0]]), 'fitSW'), undefined);
  throwsExactly(() => checkTarget({ n: 0, d: 2, data: new Float64Array(0) } as never, 'fitSW'), 'PointsError: fitSW: target.n must be a positive integer, got 0');
});
