/**
 * Lloyd's iterations (src/gmm/fit/init.ts, lloyd) on 1-D cases worked by hand, where a cluster is empty: it is
 * re-seeded with the point farthest from its current centre (squared distances of the assignment just made), two
 * empty clusters take two different points, and the loop stops when no label changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lloyd } from '../../../src/gmm/fit/init.ts';

const line = (xs: number[]) => ({ n: xs.length, d: 1, data: Float64Array.from(xs) });

test('lloyd: an empty cluster takes the farthest point, then the iterations settle (hand-computed)', () => {
  // Iteration 0: every point goes to 0.5; the empty cluster takes 11 (squared distance 110.25), the other moves to
  // the mean 4.8. Iteration 1: {0, 1, 2} and {10, 11}: centres 1 and 10.5. Iteration 2: no change.
  const centres = Float64Array.of(0.5, 100);
  const labels = lloyd(line([0, 1, 2, 10, 11]), centres, 2, 10);
  assert.deepEqual([...labels], [0, 0, 0, 1, 1]);
  assert.deepEqual([...centres], [1, 10.5]);
});

test('lloyd: two empty clusters take the two farthest points, not the same one twice', () => {
  const centres = Float64Array.of(0.5, 100, 200);
  const labels = lloyd(line([0, 1, 2, 10, 11]), centres, 3, 10);
  assert.deepEqual([...labels], [0, 0, 0, 2, 1]);
  assert.deepEqual([...centres], [1, 11, 10]);
});

test('lloyd: maxIter bounds the updates (0: assignment only, centres unchanged)', () => {
  const centres = Float64Array.of(0.5, 100);
  const labels = lloyd(line([0, 1, 2, 10, 11]), centres, 2, 0);
  assert.deepEqual([...labels], [0, 0, 0, 0, 0]);
  assert.deepEqual([...centres], [0.5, 100]);
  const one = Float64Array.of(0.5, 100);
  lloyd(line([0, 1, 2, 10, 11]), one, 2, 1);
  assert.deepEqual([...one], [4.8, 11]);
});
