/**
 * Every argument check of src/eval (classes, confusion-svg, fooling, frechet) at its edge, with its exact message:
 * one value past the edge is refused, the edge itself is accepted.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend/index.ts';
import { componentPurity, confusionMatrix, confusionMatrixSvg, discriminatorRun, foolingRate, frechetDistance, frechetFromStats, gaussianStats, mixturePurity } from '../../src/eval/index.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('confusionMatrix: as many predictions as labels, every class in 0..numClasses − 1', () => {
  throwsExactly(() => confusionMatrix([0, 1], [0]), 'Error: confusionMatrix: 2 labels but 1 predictions');
  for (const bad of [-1, 3, 1.5, NaN]) {
    throwsExactly(() => confusionMatrix([0, bad], [0, 0], 3), `Error: confusionMatrix: label 1 is ${bad}, outside 0..2`);
    throwsExactly(() => confusionMatrix([0, 0], [0, bad], 3), `Error: confusionMatrix: prediction 1 is ${bad}, outside 0..2`);
  }
  assert.deepEqual(confusionMatrix([0, 2, 2], [2, 2, 0], 3), [[0, 0, 1], [0, 0, 0], [1, 0, 1]], 'the edges 0 and 2 counted');
});

test('componentPurity and mixturePurity: non-empty, classes in range, one weight per component', () => {
  throwsExactly(() => componentPurity([]), 'Error: componentPurity: no predictions');
  for (const bad of [-1, 4, 0.5]) throwsExactly(() => componentPurity([1, bad], 4), `Error: componentPurity: prediction 1 is ${bad}, outside 0..3`);
  assert.deepEqual(componentPurity([3, 0, 3], 4), { majority: 3, purity: 2 / 3, counts: [1, 0, 0, 2] });
  throwsExactly(() => mixturePurity([]), 'Error: mixturePurity: no components');
  throwsExactly(() => mixturePurity([[1], [2]], [1]), 'Error: mixturePurity: 2 components but 1 weights');
  throwsExactly(() => mixturePurity([[1], [2]], [1, 2, 3]), 'Error: mixturePurity: 2 components but 3 weights');
  const m = mixturePurity([[1, 1], [2, 0]], [1, 3]);
  assert.deepEqual([m.mean, m.weightedMean, m.distinctMajorities], [0.75, (1 * 1 + 3 * 0.5) / 4, 2]);
});

test('confusionMatrixSvg: a square, non-empty matrix', () => {
  for (const bad of [[], [[1, 2]], [[1, 2], [3]], [[1], [2]]]) {
    throwsExactly(() => confusionMatrixSvg(bad), 'Error: confusionMatrixSvg: the matrix must be square and non-empty');
  }
  assert.match(confusionMatrixSvg([[1]]), /^<svg/);
});

test('frechetDistance / frechetFromStats: the same dimension on both sides', () => {
  const a = { n: 2, d: 2, data: [0, 0, 1, 1] }, b = { n: 2, d: 1, data: [0, 1] };
  throwsExactly(() => frechetDistance(a, b), 'Error: frechetDistance: feature dimensions differ (2 vs 1)');
  throwsExactly(() => frechetFromStats(gaussianStats(a), gaussianStats(b)), 'Error: frechetDistance: dimensions differ (2 vs 1)');
  assert.equal(frechetDistance(b, { n: 2, d: 1, data: [2, 3] }), 4, 'means 0.5 and 2.5, equal variances');
});

test('discriminatorRun and foolingRate: same dimension, holdout in (0, 1), at least 10 points, runs ≥ 1', async () => {
  const pts = (n: number, d: number, shift = 0) => ({ n, d, data: Float32Array.from({ length: n * d }, (_, i) => ((i * 7) % 11) / 11 + shift) });
  await assert.rejects(discriminatorRun(pts(12, 2), pts(12, 3)), { message: 'discriminatorRun: real points are 2-d, fake points 3-d' });
  for (const holdout of [0, 1, -0.1, NaN]) {
    await assert.rejects(discriminatorRun(pts(12, 2), pts(12, 2), { holdout }), { message: `discriminatorRun: holdout must be in (0, 1), got ${holdout}` });
  }
  await assert.rejects(discriminatorRun(pts(9, 2), pts(30, 2)), { message: 'discriminatorRun: need at least 10 points of each set, got 9' });
  const run = await discriminatorRun(pts(10, 2), pts(10, 2, 5), { epochs: 1, hidden: [4] });
  assert.deepEqual([run.nTrain, run.nHeldOut], [16, 4], '10 points each: 8 + 8 trained, 2 + 2 held out');
  for (const runs of [0, -1, 1.5]) {
    await assert.rejects(foolingRate(pts(12, 2), () => pts(12, 2), runs), { message: `foolingRate: runs must be a positive integer, got ${runs}` });
  }
});
