/**
 * Argument checks of two public style functions, each rule on its own input: levelsOf's scale list (non-empty,
 * every scale in (0, 1], strictly ascending, ending at 1) and the blend weights of mixGramModels / mixGramSets
 * (finite and ≥ 0 each, a positive sum, one per model).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelsOf } from '../../src/style/synth.ts';
import { fitGramModel, mixGramModels, mixGramSets } from '../../src/style/gram-model.ts';
import { throwsExactly } from '../_assert.ts';
import { clusteredGramDataset } from './_grams.ts';

test('levelsOf refuses each kind of bad scale list, naming it; the edge lists pass', () => {
  for (const scales of [[], [0.5, 0.3, 1], [0.5, 0.5, 1], [0, 1], [-0.5, 1], [1.5, 1], [NaN, 1], [0.5], [0.5, 1, 1]]) {
    throwsExactly(() => levelsOf(64, 64, scales, 10), `RangeError: scales must be ascending fractions in (0, 1] ending at 1, got [${scales.join(', ')}]`);
  }
  assert.deepEqual(levelsOf(64, 64, [1], 10), [{ width: 64, height: 64, iterations: 10 }]);
  assert.equal(levelsOf(64, 64, [1e-3, 1], 10).length, 2);
});

test('mixGramModels and mixGramSets refuse negative, non-finite and all-zero weights and a weight count that differs', () => {
  const m = fitGramModel(clusteredGramDataset(12, 1), { method: 'pca-em', k: 2, pcaDim: 3, fitDim: 3, coordinates: 'gram' });
  for (const [who, mix] of [['mixGramModels', mixGramModels], ['mixGramSets', mixGramSets]] as const) {
    for (const w of [[-1, 2], [NaN, 1], [Infinity, 1]]) throwsExactly(() => mix([m, m], w), `RangeError: ${who}: weights must be finite and >= 0, got ${w.join(', ')}`);
    throwsExactly(() => mix([m, m], [0, 0]), `RangeError: ${who}: weights sum to 0`);
    throwsExactly(() => mix([m, m], [1]), `RangeError: ${who}: need as many weights as models (at least one)`);
    throwsExactly(() => mix([], []), `RangeError: ${who}: need as many weights as models (at least one)`);
    assert.equal(mix([m, m], [0, 1]).layers.length, 2, 'a zero weight is allowed');
  }
});
