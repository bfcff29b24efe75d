/**
 * editDistance (src/gmm/fit/options.ts), the Levenshtein distance behind every "did you mean" of the option and
 * flag parsers, on pairs counted by hand (each insertion, deletion and substitution costs 1), and the suggestion
 * threshold max(2, ⌊|key|/3⌋) of the fitters' unknown-option message at its edge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance } from '../../../src/gmm/fit/options.ts';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import '../../../src/gmm/index.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';

test('editDistance: hand-counted pairs, both orders', () => {
  const cases: [string, string, number][] = [
    ['', '', 0], ['', 'abc', 3], ['abc', 'abc', 0],
    ['a', 'ab', 1], ['ab', 'b', 1], ['abc', 'axc', 1], // one insertion, one deletion, one substitution
    ['ab', 'ba', 2], ['kitten', 'sitting', 3], ['flaw', 'lawn', 2], ['intention', 'execution', 5],
    ['lrMean', 'lrMeans', 1], ['seeed', 'seed', 1], ['maxiter', 'maxIter', 1],
  ];
  for (const [a, b, d] of cases) {
    assert.equal(editDistance(a, b), d, `${a} → ${b}`);
    assert.equal(editDistance(b, a), d, `${b} → ${a}`);
  }
});

test('unknown fitter options: a suggestion within max(2, ⌊|key|/3⌋) edits, none beyond', () => {
  const X = pointsFromRows([[0, 0], [1, 1], [2, 0], [3, 1]]);
  const suggestion = (key: string) => {
    try {
      fitGMM('em', X, { k: 2, [key]: 1 });
    } catch (e) {
      return /did you mean '([^']+)'/.exec((e as Error).message)?.[1] ?? null;
    }
    throw new Error('accepted');
  };
  assert.equal(suggestion('maxIterr'), 'maxIter');
  assert.equal(suggestion('maxIterXY'), 'maxIter'); // 2 edits, |key| 9: max(2, 3) = 3
  assert.equal(suggestion('maxIterXYZ'), 'maxIter'); // 3 edits, |key| 10: max(2, 3) = 3
  assert.equal(suggestion('maxIterWXYZ'), null); // 4 edits > ⌊11/3⌋ = 3
  assert.equal(suggestion('regularCovar'), 'regCovar'); // 4 edits, |key| 12: max(2, 4) = 4
  assert.equal(suggestion('regulaRcovaR'), 'regCovar'); // case is ignored
  assert.equal(suggestion('reguuularCovar'), null); // 6 edits > ⌊14/3⌋ = 4
});
