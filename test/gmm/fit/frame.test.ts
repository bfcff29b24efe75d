/**
 * The fitters' shared helpers (src/gmm/fit/core.ts) against hand-computed values: the standardised frame of points
 * and of a GMM, points and parameters mapped into and out of it (every entry, the first and last row included, every
 * covariance type), the learning-rate schedule, the scaled step, minibatches, the optimiser options shared by the
 * fitters and the per-coordinate variance floor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  batchBuffer, drawBatch, finalNll, identityFrame, optimizerExtras, paramsFrame, pointsToFrame, scaledStep, scheduleFactor,
  standardFrame, targetPoints, varianceFloor,
} from '../../../src/gmm/fit/core.ts';
import { createOptimizer } from '../../../src/gmm/fit/optim.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';
import type { GMMParams } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

const f64 = (a: number[]) => Float64Array.from(a);
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

// Four points with mean (1, 3) and deviations (±2, ±2): tr Cov = 8, scale = √(8 / 2) = 2.
const pts = pointsFromRows([[-1, 5], [3, 1], [3, 5], [-1, 1]]);

test('standardFrame of points: the mean and the RMS standard deviation √(tr Cov / d)', () => {
  const f = standardFrame(pts);
  assert.deepEqual(Array.from(f.center), [1, 3]);
  assert.equal(f.scale, 2);
  // All points equal: scale 1, not 0.
  const same = standardFrame(pointsFromRows([[4, -2], [4, -2]]));
  assert.deepEqual(Array.from(same.center), [4, -2]);
  assert.equal(same.scale, 1);
  assert.deepEqual({ center: Array.from(identityFrame(3).center), scale: identityFrame(3).scale }, { center: [0, 0, 0], scale: 1 });
});

test('standardFrame of a GMM: Σ w μ and √(Σ_c w_c (tr Σ_c + |μ_c − mean|²) / d), full and diag alike', () => {
  // mean = 0.25 (−2, 1) + 0.75 (2, 1) = (1, 1); tr = 0.25 (3 + 9) + 0.75 (3 + 1) = 6; scale = √3.
  const base = { k: 2, d: 2, weights: f64([0.25, 0.75]), means: f64([-2, 1, 2, 1]) };
  const full = new GMM({ ...base, covarianceType: 'full', covariances: f64([2, 0.5, 0.5, 1, 1, 0.2, 0.2, 2]) });
  const diag = new GMM({ ...base, covarianceType: 'diag', covariances: f64([2, 1, 1, 2]) });
  for (const g of [full, diag]) {
    const f = standardFrame(g);
    assert.deepEqual(Array.from(f.center), [1, 1], g.covarianceType);
    assert.ok(Math.abs(f.scale - Math.sqrt(3)) < 1e-15, `${g.covarianceType}: ${f.scale}`);
  }
});

test('pointsToFrame maps every row, the first and the last included: (x − center) / scale', () => {
  const f = { center: f64([1, 3]), scale: 2 };
  const out = pointsToFrame(pts, f);
  assert.deepEqual({ n: out.n, d: out.d }, { n: 4, d: 2 });
  assert.deepEqual(Array.from(out.data), [-1, 1, 1, -1, 1, 1, -1, -1]);
  assert.notEqual(out.data, pts.data, 'a copy');
  assert.deepEqual(Array.from(pts.data), [-1, 5, 3, 1, 3, 5, -1, 1], 'input untouched');
  // Through the standard frame the points have mean 0 and RMS 1 in every coordinate here.
  assert.deepEqual(Array.from(pointsToFrame(pts, standardFrame(pts)).data), [-1, 1, 1, -1, 1, 1, -1, -1]);
});

test('paramsFrame maps every mean and covariance entry into and out of the frame, every covariance type', () => {
  const f = { center: f64([1, 3]), scale: 2 };
  const means = f64([5, -1, 1, 3, -3, 7]); // three components
  const cases: [GMMParams['covarianceType'], number[]][] = [
    ['full', [4, 2, 2, 8, 1, 0, 0, 1, 12, -4, -4, 4]],
    ['diag', [4, 8, 1, 2, 12, 16]],
    ['tied', [4, 2, 2, 8]],
    ['spherical', [4, 1, 12]],
  ];
  for (const [covarianceType, cov] of cases) {
    const g: GMMParams = { k: 3, d: 2, covarianceType, weights: f64([0.2, 0.3, 0.5]), means, covariances: f64(cov) };
    const into = paramsFrame(g, f, 1);
    assert.equal(into.covarianceType, covarianceType);
    assert.deepEqual(Array.from(into.means), [2, -2, 0, 0, -2, 2], `${covarianceType}: (μ − center) / scale`);
    assert.deepEqual(Array.from(into.covariances), cov.map((v) => v / 4), `${covarianceType}: Σ / scale²`);
    assert.deepEqual(Array.from(into.weights), [0.2, 0.3, 0.5]);
    const out = paramsFrame(g, f, -1);
    assert.deepEqual(Array.from(out.means), [11, 1, 3, 9, -5, 17], `${covarianceType}: center + scale μ`);
    assert.deepEqual(Array.from(out.covariances), cov.map((v) => v * 4), `${covarianceType}: Σ · scale²`);
    const back = paramsFrame(into, f, -1);
    assert.deepEqual(Array.from(back.means), Array.from(means));
    assert.deepEqual(Array.from(back.covariances), cov);
    assert.deepEqual(Array.from(g.means), Array.from(means), 'input untouched');
  }
});

test('scheduleFactor: constant 1; cosine from 1 at step 0 to `final` at the last step, half-way in the middle', () => {
  assert.equal(scheduleFactor('constant', 3, 10, 0.1), 1);
  assert.equal(scheduleFactor('cosine', 0, 1, 0.1), 1, 'a single step');
  assert.equal(scheduleFactor('cosine', 0, 0, 0.1), 1);
  assert.equal(scheduleFactor('cosine', 0, 5, 0.1), 1);
  assert.ok(Math.abs(scheduleFactor('cosine', 2, 5, 0.1) - 0.55) < 1e-15, 'middle: (1 + final) / 2');
  assert.ok(Math.abs(scheduleFactor('cosine', 1, 5, 0.1) - (0.1 + 0.9 * 0.5 * (1 + Math.SQRT1_2))) < 1e-15);
  assert.ok(Math.abs(scheduleFactor('cosine', 4, 5, 0.1) - 0.1) < 1e-15, 'last step');
  assert.ok(Math.abs(scheduleFactor('cosine', 9, 5, 0.1) - 0.1) < 1e-15, 'past the end: held at final');
  assert.ok(Math.abs(scheduleFactor('cosine', 1, 2, 0.25) - 0.25) < 1e-15);
});

test('scaledStep moves by factor × the optimiser step (sgd: θ − factor · lr · g)', () => {
  const opt = createOptimizer({ name: 'sgd', lr: 0.5 }, 3);
  const p = f64([1, 2, 3]), scratch = new Float64Array(3);
  scaledStep(opt, p, f64([2, -4, 0]), 0.25, scratch);
  assert.deepEqual(Array.from(p), [0.75, 2.5, 3]);
  scaledStep(opt, p, f64([2, -4, 8]), 1, scratch);
  assert.deepEqual(Array.from(p), [-0.25, 4.5, -1]);
});

test('minibatches: the whole set when the batch covers it, else rows drawn without replacement', () => {
  const rows = Array.from({ length: 10 }, (_, i) => [i, 100 + i]);
  const all = pointsFromRows(rows);
  assert.equal(batchBuffer(all, 10), all);
  assert.equal(batchBuffer(all, 11), all);
  const b = batchBuffer(all, 9);
  assert.deepEqual({ n: b.n, d: b.d, len: b.data.length }, { n: 9, d: 2, len: 18 });
  drawBatch(all, b, new Rng(5));
  const perm = new Rng(5).permutation(10);
  assert.deepEqual(Array.from(b.data), Array.from(perm.subarray(0, 9)).flatMap((r) => [r, 100 + r]));
  const whole = batchBuffer(all, 10);
  drawBatch(all, whole, new Rng(5));
  assert.deepEqual(Array.from(whole.data), rows.flat(), 'the whole set is left as it is');
});

test('targetPoints samples a GMM target once with the forked seed; points pass through; finalNll of points only', () => {
  const g = new GMM({ k: 1, d: 2, covarianceType: 'diag', weights: f64([1]), means: f64([0, 1]), covariances: f64([1, 4]) });
  assert.equal(targetPoints(pts, 50, 3), pts);
  const s = targetPoints(g, 7, 3);
  assert.equal(s.n, 7);
  assert.deepEqual(Array.from(s.data), Array.from(g.sample(7, new Rng(3).fork()).points.data));
  assert.equal(finalNll(g, g), undefined);
  assert.equal(finalNll(g, pts), g.nll(pts));
});

test('optimizerExtras keeps the given optimiser options, drops the rest, and checks their ranges', () => {
  assert.deepEqual(optimizerExtras({}), {});
  assert.deepEqual(optimizerExtras({ beta1: 0.5, eps: 1e-6, lr: 3 }), { beta1: 0.5, eps: 1e-6 });
  assert.deepEqual(optimizerExtras({ beta2: 0, decay: 0.999, momentum: 0.3 }), { beta2: 0, decay: 0.999, momentum: 0.3 });
  // The edges: [0, 1) for the moment decays and momentum, eps > 0.
  for (const key of ['beta1', 'beta2', 'decay', 'momentum']) {
    assert.throws(() => optimizerExtras({ [key]: 1 }), new RegExp(`^GMMOptionError: option ${key} must be a number in \\[0, 1\\), got 1$`));
    assert.throws(() => optimizerExtras({ [key]: -0.1 }), new RegExp(`option ${key} must be a number in \\[0, 1\\), got -0.1`));
  }
  assert.throws(() => optimizerExtras({ eps: 0 }), /option eps must be a positive finite number, got 0/);
});

test('varianceFloor: fraction × each coordinate’s variance, in the frame’s units; empty at fraction 0', () => {
  const f = { center: f64([1, 3]), scale: 2 };
  assert.equal(varianceFloor(pts, f, 0).length, 0);
  // Variances of the points: 4 and 4 (population); 0.5 × 4 / 2² = 0.5.
  assert.deepEqual(Array.from(varianceFloor(pts, f, 0.5)), [0.5, 0.5]);
  // GMM: Var_j = Σ w (Σ_c,jj + (μ_cj − m_j)²); means (−2, 1), (2, 1), weights ¼, ¾ → m = (1, 1):
  // coordinate 0: ¼ (2 + 9) + ¾ (1 + 1) = 4.25; coordinate 1: ¼ (1 + 0) + ¾ (2 + 0) = 1.75.
  const base = { k: 2, d: 2, weights: f64([0.25, 0.75]), means: f64([-2, 1, 2, 1]) };
  for (const g of [
    new GMM({ ...base, covarianceType: 'full', covariances: f64([2, 0.5, 0.5, 1, 1, 0.2, 0.2, 2]) }),
    new GMM({ ...base, covarianceType: 'diag', covariances: f64([2, 1, 1, 2]) }),
  ]) close(varianceFloor(g, f, 0.5), [0.5 * 4.25 / 4, 0.5 * 1.75 / 4], 1e-15, g.covarianceType);
});
