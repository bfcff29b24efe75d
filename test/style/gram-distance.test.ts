/** Gram-set distances of the style studies (metrics.ts relDist, pairDist, meanPairwise) on hand-computed cases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanPairwise, meanPairwiseJackknife, pairDist, relDist } from '../../src/style/metrics.ts';

test('relDist: per-layer ||a − m|| / ||m||, averaged over layers', () => {
  // layer 1: m = (3, 4) (norm 5), a = (3, 0): ||a − m|| = 4 → 0.8; layer 2: a = m → 0.
  assert.ok(Math.abs(relDist([[3, 0], [1, 1]], [[3, 4], [1, 1]]) - 0.4) < 1e-12);
  assert.equal(relDist([[1, 2]], [[1, 2]]), 0);
});

test('pairDist is symmetric and normalised by the mean norm; meanPairwise averages all pairs', () => {
  // a = (3, 4) (norm 5), b = (6, 8) (norm 10): ||a − b|| = 5, mean norm 7.5 → 2/3.
  const a = [[3, 4]], b = [[6, 8]], c = [[3, 4]];
  assert.ok(Math.abs(pairDist(a, b) - 2 / 3) < 1e-12);
  assert.equal(pairDist(a, b), pairDist(b, a));
  assert.equal(pairDist(a, c), 0);
  // pairs (a, b) = 2/3, (a, c) = 0, (b, c) = 2/3 → mean 4/9.
  assert.ok(Math.abs(meanPairwise([a, b, c]) - 4 / 9) < 1e-12);
  assert.equal(meanPairwise([a]), 0);
});

test('meanPairwiseJackknife: the mean pairwise distance and its jackknife standard error (hand-computed)', () => {
  // Pairs of a, b, c as above: (a, b) = 2/3, (a, c) = 0, (b, c) = 2/3. Leaving out a, b, c: 2/3, 0, 2/3 (mean 4/9);
  // se = √(2/3 · ((2/9)² + (4/9)² + (2/9)²)) = √(2/3 · 24/81) = 4/9.
  const a = [[3, 4]], b = [[6, 8]], c = [[3, 4]];
  const { value, se } = meanPairwiseJackknife([a, b, c]);
  assert.ok(Math.abs(value - 4 / 9) < 1e-12 && Math.abs(se - 4 / 9) < 1e-12, `value ${value}, se ${se}`);
  // Four sets at equal distances: every leave-one-out mean is the same, se 0.
  const e = [[[1, 0, 0, 0]], [[0, 1, 0, 0]], [[0, 0, 1, 0]], [[0, 0, 0, 1]]];
  const eq = meanPairwiseJackknife(e);
  assert.ok(Math.abs(eq.value - Math.SQRT2) < 1e-12 && eq.se < 1e-12, `value ${eq.value}, se ${eq.se}`);
  assert.ok(Number.isNaN(meanPairwiseJackknife([a, b]).se));
});
