/**
 * tridiagonalize's size check (src/style/psd.ts) with its exact message: one entry too few or too many for n × n
 * is refused; exactly n² entries are accepted (a 2 × 2 matrix is already tridiagonal: d = its diagonal, e = the
 * symmetrised off-diagonal).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tridiagonalize } from '../../src/style/psd.ts';
import { throwsExactly } from '../_assert.ts';

test('tridiagonalize refuses a matrix of the wrong size, naming both sizes; n² entries pass', () => {
  throwsExactly(() => tridiagonalize([1, 2, 3], 2), 'RangeError: tridiagonalize: expected 2×2 = 4 entries, got 3');
  throwsExactly(() => tridiagonalize([1, 2, 3, 4, 5], 2), 'RangeError: tridiagonalize: expected 2×2 = 4 entries, got 5');
  throwsExactly(() => tridiagonalize(new Float64Array(8), 3), 'RangeError: tridiagonalize: expected 3×3 = 9 entries, got 8');
  const t = tridiagonalize([4, 1, 3, 7], 2);
  assert.deepEqual([...t.d], [4, 7]);
  assert.equal(Math.abs(t.e[0]), 2, 'off-diagonal (1 + 3) / 2, up to sign');
});
