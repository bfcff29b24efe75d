/**
 * pca2's size check with its exact message: one point (or none) refused, two points (the edge) accepted — the
 * leading axis is then their difference, unit length and sign-normalised, carrying all of the variance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pca2 } from '../../src/server/latent-explore.ts';
import { throwsExactly } from '../_assert.ts';

test('pca2: 0 and 1 points refused; 2 points give their difference as the first axis', () => {
  for (const n of [0, 1]) throwsExactly(() => pca2({ n, d: 2, data: new Float64Array(2 * n), labels: new Array(n).fill(0) }), `Error: PCA needs at least 2 points, got ${n}`);
  // (1, 5) and (−2, 1): mean (−0.5, 3), difference (3, 4) → axis (0.6, 0.8).
  const r = pca2({ n: 2, d: 2, data: Float64Array.of(1, 5, -2, 1), labels: [0, 1] });
  assert.deepEqual(Array.from(r.mean), [-0.5, 3]);
  const [u, v] = r.axes;
  assert.ok(Math.abs(u[0] - 0.6) < 1e-12 && Math.abs(u[1] - 0.8) < 1e-12, `first axis ${u}`);
  assert.ok(Math.abs(u[0] * v[0] + u[1] * v[1]) < 1e-12 && Math.abs(Math.hypot(v[0], v[1]) - 1) < 1e-12, `second axis ${v}`);
  assert.ok(Math.abs(r.explained[0] - 1) < 1e-12 && Math.abs(r.explained[1]) < 1e-12, `explained ${r.explained}`);
});
