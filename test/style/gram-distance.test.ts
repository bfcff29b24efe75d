/** Gram-set distances of the style studies (metrics.ts relDist, pairDist, meanPairwise, energyDistance) on hand-computed cases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { energyDistance, meanGramSet, meanPairwise, meanPairwiseJackknife, pairDist, relDist } from '../../src/style/metrics.ts';
import { Rng } from '../../src/util/rng.ts';

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

test('energyDistance: 2 E d(X, Y) − E d(X, X\') − E d(Y, Y\') with d scaled per layer by the reference (hand-computed)', () => {
  // One layer, reference norm 2: d(a, b) = |a − b| / 2.
  // X = {0, 0}, Y = {4, 4}: between 2, within 0 and 0 → 4.
  assert.ok(Math.abs(energyDistance([[[0]], [[0]]], [[[4]], [[4]]], [[2]]) - 4) < 1e-12);
  // The reference only scales: norm 4 halves it.
  assert.ok(Math.abs(energyDistance([[[0]], [[0]]], [[[4]], [[4]]], [[4]]) - 2) < 1e-12);
  // X = {0, 2}, Y = {0, 4}: between (0 + 2 + 1 + 1) / 4 = 1, within X 1, within Y 2 → −1 (the within terms are over
  // pairs i ≠ j, so two small samples can give a value below 0).
  assert.ok(Math.abs(energyDistance([[[0]], [[2]]], [[[0]], [[4]]], [[2]]) - -1) < 1e-12);
  // Two layers averaged: the first as above (4), the second equal everywhere (0) → 2; vectors use the Euclidean norm:
  // (3, 4) against (0, 0) with reference (0, 5) is 1 per pair.
  assert.ok(Math.abs(energyDistance([[[0], [1]], [[0], [1]]], [[[4], [1]], [[4], [1]]], [[2], [1]]) - 2) < 1e-12);
  assert.ok(Math.abs(energyDistance([[[0, 0]], [[0, 0]]], [[[3, 4]], [[3, 4]]], [[0, 5]]) - 2) < 1e-12);
});

test('energyDistance: near 0 for two samples of one distribution, clearly above for a shifted one; errors', () => {
  const rng = new Rng(7);
  const draw = (n: number, shift: number) => Array.from({ length: n }, () => [[rng.normal() + shift, rng.normal()]]);
  const ref = [[1, 0]];
  const same = energyDistance(draw(300, 0), draw(300, 0), ref);
  const moved = energyDistance(draw(300, 0), draw(300, 1), ref);
  assert.ok(Math.abs(same) < 0.03, `same distribution: ${same}`);
  assert.ok(moved > 0.2, `shifted by one sd: ${moved}`);
  assert.throws(() => energyDistance([[[0]]], [[[1]], [[2]]], [[1]]), /at least 2 sets/);
  assert.throws(() => energyDistance([[[0]], [[1]]], [[[1]], [[2]]], [[0]]), /norm 0/);
  assert.throws(() => energyDistance([[[0]], [[1, 2]]], [[[1]], [[2]]], [[1]]), /layers and lengths/);
});

test('meanGramSet: the layer-by-layer mean of Gram sets (hand-computed); no sets is an error', () => {
  const c = meanGramSet([[[1, 2], [3]], [[3, 6], [5]]]);
  assert.deepEqual(c.map((v) => Array.from(v)), [[2, 4], [4]]);
  assert.throws(() => meanGramSet([]), /no sets/);
});
