/**
 * The row/offset defaults of the slicing helpers (src/gmm/distances/wasserstein.ts): projectGMM and projectPoints
 * use row 0 of a direction matrix, projectedVariance reads the direction at offset 0 — each by hand, with a second
 * row that gives other values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectedVariance, projectGMM, projectPoints } from '../../../src/gmm/distances/wasserstein.ts';
import type { GMMParams } from '../../../src/gmm/model/types.ts';

// Two directions in 2-d: row 0 = (0.6, 0.8), row 1 = (1, 0).
const dirs = Float64Array.of(0.6, 0.8, 1, 0);
const full: GMMParams = {
  k: 2, d: 2, covarianceType: 'full', weights: Float64Array.of(0.25, 0.75),
  means: Float64Array.of(1, 2, -3, 0.5), covariances: Float64Array.of(2, 0.5, 0.5, 1, 1, 0, 0, 4),
};

test('projectedVariance reads the direction at offset 0 by default', () => {
  // θᵀΣθ for θ = (0.6, 0.8): 2·0.36 + 2·0.5·0.48 + 1·0.64 = 1.84; component 1: 0.36 + 4·0.64 = 2.92.
  assert.ok(Math.abs(projectedVariance(full, 0, dirs) - 1.84) < 1e-12);
  assert.ok(Math.abs(projectedVariance(full, 1, dirs) - 2.92) < 1e-12);
  assert.equal(projectedVariance(full, 0, dirs), projectedVariance(full, 0, dirs, 0));
  assert.equal(projectedVariance(full, 0, dirs, 2), 2, 'offset 2: θ = (1, 0)');
});

test('projectGMM and projectPoints use row 0 by default', () => {
  const m = projectGMM(full, dirs);
  assert.deepEqual([...m.weights], [0.25, 0.75]);
  assert.ok(Math.abs(m.means[0] - 2.2) < 1e-12 && Math.abs(m.means[1] + 1.4) < 1e-12, `means ${[...m.means]}`);
  assert.ok(Math.abs(m.sds[0] - Math.sqrt(1.84)) < 1e-12 && Math.abs(m.sds[1] - Math.sqrt(2.92)) < 1e-12, `sds ${[...m.sds]}`);
  assert.deepEqual(m, projectGMM(full, dirs, 0));
  assert.deepEqual([...projectGMM(full, dirs, 1).means], [1, -3]);
  const pts = { n: 2, d: 2, data: Float64Array.of(5, 10, -1, 1) };
  const p = projectPoints(pts, dirs);
  assert.ok(Math.abs(p[0] - 11) < 1e-12 && Math.abs(p[1] - 0.2) < 1e-12, `projections ${[...p]}`);
  assert.deepEqual(p, projectPoints(pts, dirs, 0));
  assert.deepEqual([...projectPoints(pts, dirs, 1)], [5, -1]);
});
