/**
 * The size checks of src/style/gram.ts at their edges with the exact messages: gramMatrix takes a batch of exactly
 * 1 (2 and 0 refused; 1 gives XᵀX / (h·w) by hand); gramTriOfFactor needs offset + c(c+1)/2 values in and
 * outOffset + c(c+1)/2 out (one fewer refused on either side, exactly that many gives RᵀR by hand).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { gramMatrix, gramTriOfFactor } from '../../src/style/gram.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('gramMatrix refuses a batch other than 1, naming it; a batch of 1 gives XᵀX / (h·w)', () => {
  tf.tidy(() => {
    throwsExactly(() => gramMatrix(tf.zeros([2, 1, 2, 2]) as tf.Tensor4D), 'RangeError: gramMatrix: expected a batch of 1, got 2 (use gramMatrices)');
    throwsExactly(() => gramMatrix(tf.zeros([0, 1, 2, 2]) as tf.Tensor4D), 'RangeError: gramMatrix: expected a batch of 1, got 0 (use gramMatrices)');
    // Pixels (1, 2) and (3, 4): XᵀX = [[10, 14], [14, 20]], over h·w = 2.
    assert.deepEqual([...gramMatrix(tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2])).dataSync()], [5, 7, 7, 10]);
  });
});

test('gramTriOfFactor refuses vectors one value short on either side; exactly long enough gives RᵀR', () => {
  const msg = 'RangeError: gramTriOfFactor: a 2 × 2 factor needs 3 values in and out';
  throwsExactly(() => gramTriOfFactor([1, 2], 2), msg);
  throwsExactly(() => gramTriOfFactor([9, 1, 2], 2, 1), msg);
  throwsExactly(() => gramTriOfFactor([1, 2, 3], 2, 0, new Float64Array(2)), msg);
  throwsExactly(() => gramTriOfFactor([1, 2, 3], 2, 0, new Float64Array(3), 1), msg);
  // R = [[1, 2], [0, 3]]: RᵀR = [[1, 2], [2, 13]], isometric triangle (1, 2√2, 13).
  const out = gramTriOfFactor([9, 1, 2, 3], 2, 1, new Float64Array(4), 1);
  assert.deepEqual([...out], [0, 1, 2 * Math.SQRT2, 13]);
  assert.deepEqual([...gramTriOfFactor([1, 2, 3], 2)], [1, 2 * Math.SQRT2, 13]);
});
