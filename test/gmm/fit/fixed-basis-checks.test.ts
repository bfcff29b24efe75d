/**
 * fitFixedBasis1D's empty-range check (src/gmm/fit/fixed-basis.ts) with its exact message: points that are all
 * equal leave no grid range unless one is passed; two distinct points, or an explicit range, fit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { fitFixedBasis1D } from '../../../src/gmm/fit/fixed-basis.ts';

test('fitFixedBasis1D: all points equal needs a range', () => {
  const msg = 'RangeError: fitFixedBasis1D: all points are equal; the grid range is empty (pass range)';
  throwsExactly(() => fitFixedBasis1D([2, 2]), msg);
  throwsExactly(() => fitFixedBasis1D([-1, -1, -1], { n: 4 }), msg);
  // The same points with a range: the n grid centres are the midpoints of n equal bins of it.
  const near = (a: ArrayLike<number>, b: number[], tol: number) => assert.ok(a.length === b.length && b.every((v, i) => Math.abs(a[i] - v) <= tol), `${[...(a as number[])]} vs ${b}`);
  near(fitFixedBasis1D([2, 2], { n: 3, range: [1, 3] }).mixture.means, [4 / 3, 2, 8 / 3], 1e-12);
  // Two distinct points: the range is theirs.
  near(fitFixedBasis1D([0, 1e-9], { n: 2 }).mixture.means, [0.25e-9, 0.75e-9], 1e-21);
});
