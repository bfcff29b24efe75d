/**
 * The documented 10 classes of src/eval/classes.ts: confusionMatrix and mixturePurity without numClasses are the
 * 10-class results (10 × 10 matrix, 10-bin histograms; class 9 accepted and 10 refused), not those of 11 classes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionMatrix, mixturePurity } from '../../src/eval/classes.ts';
import { throwsExactly } from '../_assert.ts';

test('confusionMatrix: 10 classes by default — a 10 × 10 matrix, label 9 counted, label 10 refused', () => {
  const cm = confusionMatrix([0, 9, 9, 3], [9, 9, 0, 3]);
  const want = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  want[0][9] = 1; want[9][9] = 1; want[9][0] = 1; want[3][3] = 1;
  assert.deepEqual(cm, want);
  assert.deepEqual(cm, confusionMatrix([0, 9, 9, 3], [9, 9, 0, 3], 10));
  assert.notDeepEqual(cm, confusionMatrix([0, 9, 9, 3], [9, 9, 0, 3], 11));
  throwsExactly(() => confusionMatrix([10], [0]), 'Error: confusionMatrix: label 0 is 10, outside 0..9');
  throwsExactly(() => confusionMatrix([0], [10]), 'Error: confusionMatrix: prediction 0 is 10, outside 0..9');
});

test('mixturePurity: 10 classes by default — 10-bin histograms, prediction 10 refused', () => {
  const r = mixturePurity([[9, 9, 1], [2, 2, 2, 5]], [1, 3]);
  assert.deepEqual(r.components.map((c) => c.counts), [[0, 1, 0, 0, 0, 0, 0, 0, 0, 2], [0, 0, 3, 0, 0, 1, 0, 0, 0, 0]]);
  assert.deepEqual(r.components.map((c) => [c.majority, c.purity]), [[9, 2 / 3], [2, 3 / 4]]);
  assert.equal(r.mean, (2 / 3 + 3 / 4) / 2);
  assert.equal(r.weightedMean, (2 / 3 + 3 * 3 / 4) / 4);
  assert.equal(r.distinctMajorities, 2);
  assert.deepEqual(r, mixturePurity([[9, 9, 1], [2, 2, 2, 5]], [1, 3], 10));
  assert.notDeepEqual(r, mixturePurity([[9, 9, 1], [2, 2, 2, 5]], [1, 3], 11));
  throwsExactly(() => mixturePurity([[10]]), 'Error: componentPurity: prediction 0 is 10, outside 0..9');
});
