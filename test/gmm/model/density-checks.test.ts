/**
 * precisionFactors' variance check for 'diag' and 'spherical' layouts (src/gmm/model/density.ts) with its exact
 * message: a variance that is 0, negative, NaN or infinite is named with its component; the smallest positive
 * variance gives the hand-computed log-determinant of the precision factor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { precisionFactors } from '../../../src/gmm/model/density.ts';

test('precisionFactors: diag and spherical variances must be positive and finite', () => {
  const means = Float64Array.of(0, 0, 1, 1);
  for (const v of [0, -1, NaN, Infinity]) {
    throwsExactly(() => precisionFactors('diag', 2, 2, means, Float64Array.of(1, 1, 1, v)), `NotPositiveDefiniteError: covariances[1][1] (component 1) must be a positive finite variance, got ${v}`);
    throwsExactly(() => precisionFactors('spherical', 2, 2, means, Float64Array.of(v, 1)), `NotPositiveDefiniteError: covariances[0] (component 0) must be a positive finite variance, got ${v}`);
  }
  throwsExactly(() => precisionFactors('diag', 2, 2, means, Float64Array.of(1, 1, 0, 1), { name: 'EM covariances' }), 'NotPositiveDefiniteError: EM covariances[1][0] (component 1) must be a positive finite variance, got 0');
  // diag(4, 1/4): log det of the precision factor = −½ log 4 − ½ log ¼ = 0; spherical 4: 2 · (−½ log 4) = −log 4.
  const f = precisionFactors('diag', 1, 2, Float64Array.of(0, 0), Float64Array.of(4, 0.25));
  assert.ok(Math.abs(f.logDetPrec[0]) < 1e-15);
  const s = precisionFactors('spherical', 1, 2, Float64Array.of(0, 0), Float64Array.of(4));
  assert.ok(Math.abs(s.logDetPrec[0] + Math.log(4)) < 1e-15);
  const tiny = precisionFactors('diag', 1, 1, Float64Array.of(0), Float64Array.of(5e-324));
  assert.ok(Number.isFinite(tiny.logDetPrec[0]) && tiny.logDetPrec[0] > 0);
});
