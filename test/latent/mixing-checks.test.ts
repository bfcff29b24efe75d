/**
 * normalizeClassWeights / parseClassWeights at the edges of their checks, with the exact messages: the input's
 * shape (object or [class, weight] pairs, pairs of exactly two), class labels (0 is one, −1 and 1.5 are not),
 * weights (0 accepted and dropped, −0.5 refused; the smallest positive weight is enough), and the text form
 * (empty, a third field, an empty class).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeClassWeights, parseClassWeights } from '../../src/latent/mixing.ts';
import { throwsExactly } from '../_assert.ts';

const available = [0, 1, 3, 8];
const norm = (w: unknown) => normalizeClassWeights(w as never, available);
const weights = (w: unknown) => {
  const r = norm(w);
  return [r.classes, Array.from(r.weights)];
};

test('the input must be an object or an array of [class, weight] pairs of exactly two', () => {
  for (const w of [null, 3, 'x']) {
    throwsExactly(() => norm(w), `MixWeightsError: class weights must be an object {class: weight} or [class, weight] pairs, got ${JSON.stringify(w)}`);
  }
  assert.deepEqual(weights([[1, 1], [3, 3]]), [[1, 3], [0.25, 0.75]]);
  throwsExactly(() => norm([[1, 1], [3, 3, 0]]), 'MixWeightsError: class weights[1] must be a [class, weight] pair, got [3,3,0]');
  throwsExactly(() => norm([[3]]), 'MixWeightsError: class weights[0] must be a [class, weight] pair, got [3]');
  throwsExactly(() => norm(['31']), 'MixWeightsError: class weights[0] must be a [class, weight] pair, got "31"');
  throwsExactly(() => norm([]), 'MixWeightsError: class weights are empty: give at least one class with a positive weight');
  throwsExactly(() => norm({}), 'MixWeightsError: class weights are empty: give at least one class with a positive weight');
});

test('class labels: 0 (number or digit string, spaces allowed) accepted; −1, 1.5 and "-1" refused', () => {
  assert.deepEqual(weights([[0, 2]]), [[0], [1]]);
  assert.deepEqual(weights({ ' 0 ': 1, 8: 3 }), [[0, 8], [0.25, 0.75]]);
  throwsExactly(() => norm([[-1, 1]]), 'MixWeightsError: class -1 is not a class label (a non-negative integer)');
  throwsExactly(() => norm([[1.5, 1]]), 'MixWeightsError: class 1.5 is not a class label (a non-negative integer)');
  throwsExactly(() => norm({ '-1': 1 }), 'MixWeightsError: class "-1" is not a class label (a non-negative integer)');
});

test('weights: 0 accepted and dropped, −0.5 refused; all zero refused; the smallest positive weight suffices', () => {
  assert.deepEqual(weights({ 0: 0, 3: 1 }), [[3], [1]]);
  throwsExactly(() => norm({ 0: 1, 3: -0.5 }), 'MixWeightsError: weight of class 3 is negative (-0.5): weights must be ≥ 0');
  throwsExactly(() => norm({ 3: 0 }), 'MixWeightsError: all class weights are zero: at least one must be positive');
  throwsExactly(() => norm({ 1: 0, 3: 0 }), 'MixWeightsError: all class weights are zero: at least one must be positive');
  assert.deepEqual(weights({ 1: 0, 3: 5e-324 }), [[3], [1]]);
});

test('parseClassWeights: empty text, a third field and an empty class refused; "3" and "3:0" read', () => {
  for (const t of ['', '   ']) throwsExactly(() => parseClassWeights(t), 'MixWeightsError: class weights string is empty (expected e.g. "3:0.5,8:0.5")');
  throwsExactly(() => parseClassWeights(undefined as never), 'MixWeightsError: class weights string is empty (expected e.g. "3:0.5,8:0.5")');
  assert.deepEqual(parseClassWeights('3:0.5'), [[3, 0.5]]);
  throwsExactly(() => parseClassWeights('3:0.5:1'), 'MixWeightsError: cannot read "3:0.5:1" as class[:weight] (expected e.g. "3:0.5")');
  throwsExactly(() => parseClassWeights('1,:2'), 'MixWeightsError: cannot read ":2" as class[:weight] (expected e.g. "3:0.5")');
  throwsExactly(() => parseClassWeights('3,'), 'MixWeightsError: cannot read "" as class[:weight] (expected e.g. "3:0.5")');
  assert.deepEqual(parseClassWeights('3,8:0'), [[3, 1], [8, 0]]);
  throwsExactly(() => parseClassWeights('3:'), 'MixWeightsError: weight "" of class 3 must be a finite number');
});
