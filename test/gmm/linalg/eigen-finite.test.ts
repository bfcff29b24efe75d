/**
 * symEigen and symEigenRows (src/gmm/linalg/dense.ts) refuse a matrix with a NaN or infinite entry, naming the entry,
 * instead of returning NaN eigenpairs; the largest finite entries still decompose.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symEigen, symEigenRows } from '../../../src/gmm/linalg/dense.ts';
import { throwsExactly } from '../../_assert.ts';

test('a non-finite entry is named; finite extremes decompose', () => {
  for (const [v, at] of [[NaN, 1], [Infinity, 2], [-Infinity, 3]] as const) {
    const a = Float64Array.of(1, 0, 0, 1);
    a[at] = v;
    const [i, j] = [Math.floor(at / 2), at % 2];
    throwsExactly(() => symEigen(a, 2), `RangeError: symEigen: entry (${i}, ${j}) is not finite (${v})`);
    throwsExactly(() => symEigenRows(a, 2), `RangeError: symEigenRows: entry (${i}, ${j}) is not finite (${v})`);
  }
  const { values } = symEigen(Float64Array.of(1e300, 0, 0, -1e300), 2);
  assert.deepEqual([...values], [-1e300, 1e300]);
});
