/**
 * Every input check of the distances (wasserstein.ts, mmd.ts, cramer.ts, mmd-sample.ts) with its exact message:
 * each bound on both sides of its edge (the value just accepted runs), non-integers where integers are needed,
 * each field of a GMM or point set, unknown options, and the GMM / points / slices variants of each entry point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import {
  checkGMMParamsShape, checkPoints, circleDirections, randomDirections, slicedWasserstein, slicedWassersteinGrad, wasserstein1D,
  wasserstein1DGrad,
} from '../../../src/gmm/distances/wasserstein.ts';
import { medianHeuristic, mmd2, mmd2Grad, spdInverseLogDet } from '../../../src/gmm/distances/mmd.ts';
import { cramer2, factorsToCovariances, slicedCramer2, slicedCramer2Grad } from '../../../src/gmm/distances/cramer.ts';
import { mmdRealTerm, mmdSample } from '../../../src/gmm/distances/mmd-sample.ts';
import { mixture1D } from '../../../src/gmm/model/mixture1d.ts';
import type { GMMParams, Points } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

const f64 = (a: number[]) => Float64Array.from(a);

const G: GMMParams = { k: 2, d: 2, covarianceType: 'diag', weights: f64([0.4, 0.6]), means: f64([0, 0, 1, 2]), covariances: f64([1, 2, 0.5, 1]) };
const X: Points = { n: 3, d: 2, data: f64([0, 1, 2, -1, 0.5, 0.5]) };

test('randomDirections / circleDirections: L and d positive integers, edges at 1', () => {
  const rng = new Rng(1);
  for (const L of [0, -1, 1.5, NaN]) throwsExactly(() => randomDirections(L, 2, rng), `RangeError: randomDirections: L must be a positive integer, got ${L}`);
  for (const d of [0, 2.5]) throwsExactly(() => randomDirections(3, d, rng), `RangeError: randomDirections: d must be a positive integer, got ${d}`);
  const one = randomDirections(1, 1, new Rng(2));
  assert.equal(one.length, 1);
  assert.equal(Math.abs(one[0]), 1, 'a unit vector in 1-D is ±1');
  const dirs = randomDirections(4, 3, new Rng(3));
  for (let l = 0; l < 4; l++) assert.ok(Math.abs(Math.hypot(dirs[3 * l], dirs[3 * l + 1], dirs[3 * l + 2]) - 1) < 1e-15, `row ${l} is a unit vector`);
  for (const L of [0, 2.5]) throwsExactly(() => circleDirections(L), `RangeError: circleDirections: L must be a positive integer, got ${L}`);
  assert.deepEqual(Array.from(circleDirections(1)), [1, 0]);
  const c4 = circleDirections(4, Math.PI / 2);
  const want = [0, 1, -Math.SQRT1_2, Math.SQRT1_2, -1, 0, -Math.SQRT1_2, -Math.SQRT1_2];
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(c4[i] - want[i]) < 1e-15, `circleDirections(4, π/2)[${i}] = ${c4[i]}`);
});

test('checkGMMParamsShape names each field; checkPoints names n, d, data length and the model dimension', () => {
  throwsExactly(() => checkGMMParamsShape(null as never, 'g'), 'TypeError: g: expected GMM parameters, got null');
  throwsExactly(() => checkGMMParamsShape({ ...G, k: 0 }, 'g'), 'RangeError: g.k must be a positive integer, got 0');
  throwsExactly(() => checkGMMParamsShape({ ...G, k: 1.5 }, 'g'), 'RangeError: g.k must be a positive integer, got 1.5');
  throwsExactly(() => checkGMMParamsShape({ ...G, d: 0 }, 'g'), 'RangeError: g.d must be a positive integer, got 0');
  throwsExactly(() => checkGMMParamsShape({ ...G, d: 2.5 }, 'g'), 'RangeError: g.d must be a positive integer, got 2.5');
  throwsExactly(() => checkGMMParamsShape({ ...G, covarianceType: 'tied' }, 'g'), "RangeError: g.covarianceType must be 'full' or 'diag', got tied");
  throwsExactly(() => checkGMMParamsShape({ ...G, weights: f64([1]) }, 'g'), 'RangeError: g.weights must be a Float64Array of length 2');
  throwsExactly(() => checkGMMParamsShape({ ...G, weights: [0.4, 0.6] as never }, 'g'), 'RangeError: g.weights must be a Float64Array of length 2');
  throwsExactly(() => checkGMMParamsShape({ ...G, means: f64([0, 0, 1]) }, 'g'), 'RangeError: g.means must be a Float64Array of length k*d = 4');
  throwsExactly(() => checkGMMParamsShape({ ...G, covariances: f64([1, 2, 3, 4, 5, 6, 7, 8]) }, 'g'), "RangeError: g.covariances must be a Float64Array of length 4 for 'diag'");
  throwsExactly(() => checkGMMParamsShape({ ...G, covarianceType: 'full' }, 'g'), "RangeError: g.covariances must be a Float64Array of length 8 for 'full'");
  checkGMMParamsShape(G, 'g');
  checkGMMParamsShape({ ...G, covarianceType: 'full', covariances: f64([1, 0, 0, 1, 1, 0, 0, 1]) }, 'g');
  throwsExactly(() => checkGMMParamsShape({ ...G, k: 0 }), 'RangeError: gmm.k must be a positive integer, got 0');

  throwsExactly(() => checkPoints(null as never, 'x'), 'TypeError: x: expected Points {n, d, data: Float64Array}');
  throwsExactly(() => checkPoints({ n: 1, d: 2, data: [0, 1] as never }, 'x'), 'TypeError: x: expected Points {n, d, data: Float64Array}');
  throwsExactly(() => checkPoints({ ...X, n: 0, data: f64([]) }, 'x'), 'RangeError: x.n must be a positive integer, got 0');
  throwsExactly(() => checkPoints({ ...X, n: 1.5 }, 'x'), 'RangeError: x.n must be a positive integer, got 1.5');
  throwsExactly(() => checkPoints({ ...X, d: 0 }, 'x'), 'RangeError: x.d must be a positive integer, got 0');
  throwsExactly(() => checkPoints({ ...X, d: 1.5 }, 'x'), 'RangeError: x.d must be a positive integer, got 1.5');
  throwsExactly(() => checkPoints({ ...X, n: 2 }, 'x'), 'RangeError: x.data has length 6, expected n*d = 4');
  throwsExactly(() => checkPoints(X, 'x', 3), 'RangeError: x.d = 2 does not match the model dimension 3');
  checkPoints(X, 'x', 2);
  checkPoints({ n: 1, d: 1, data: f64([0]) }, 'x');
  throwsExactly(() => checkPoints({ n: 0, d: 1, data: f64([]) }), 'RangeError: points.n must be a positive integer, got 0');
});

test('wasserstein1D: options p ≥ 1, method, exact only at p = 2, non-empty finite sample, positive sds for exact', () => {
  const m = mixture1D([0, 1], [1, 0.5], [0.5, 0.5]);
  const y = [0.3, -1, 2];
  for (const [name, f] of [['wasserstein1D', wasserstein1D], ['wasserstein1DGrad', wasserstein1DGrad]] as const) {
    throwsExactly(() => f(m, y, { q: 1 } as never), `RangeError: ${name}: unknown option 'q'`);
    for (const p of [0.999, NaN, Infinity]) throwsExactly(() => f(m, y, { p }), `RangeError: ${name}: p must be a finite number >= 1, got ${p}`);
    throwsExactly(() => f(m, y, { method: 'trapezoid' as never }), `RangeError: ${name}: method must be 'midpoint' or 'exact', got 'trapezoid'`);
    throwsExactly(() => f(m, y, { method: 'exact', p: 1 }), `RangeError: ${name}: method 'exact' is implemented for p = 2 only, got p = 1`);
    throwsExactly(() => f(m, [], {}), `RangeError: ${name}: the sample is empty`);
    throwsExactly(() => f(m, [0, NaN], {}), `RangeError: ${name}: sample[1] is not finite (NaN)`);
    throwsExactly(() => f(m, [Infinity, 0], {}), `RangeError: ${name}: sample[0] is not finite (Infinity)`);
  }
  // p = 1 is accepted; W_1 between a point mass at 0 and the sample {1} is 1, W_2² likewise.
  const atom = mixture1D([0], [0], [1]);
  assert.equal(wasserstein1D(atom, [1], { p: 1 }), 1);
  assert.equal(wasserstein1D(atom, [1], { p: 2 }), 1);
  assert.equal(wasserstein1D(atom, [3], { p: 1, sorted: true }), 3);
  throwsExactly(() => wasserstein1D(mixture1D([0, 1], [1, 0], [0.5, 0.5]), y, { method: 'exact' }), "RangeError: wasserstein1D: method 'exact' needs s_k > 0 for every component, sds[1] = 0");
  // A zero-weight component with sd 0 does not count.
  assert.ok(Number.isFinite(wasserstein1D(mixture1D([0, 1], [1, 0], [1, 0]), y, { method: 'exact' })));
});

test('slicedWasserstein: p, directions (length L·d), GMM / points shapes, slices against their directions', () => {
  throwsExactly(() => slicedWasserstein(G, X, { bogus: 1 } as never), "RangeError: slicedWasserstein: unknown option 'bogus'");
  throwsExactly(() => slicedWasserstein(G, X, { p: 0.5 }), 'RangeError: slicedWasserstein: p must be a finite number >= 1, got 0.5');
  throwsExactly(() => slicedWasserstein(G, X, { p: Infinity }), 'RangeError: slicedWasserstein: p must be a finite number >= 1, got Infinity');
  throwsExactly(() => slicedWasserstein(G, X, { directions: f64([1, 0, 0]) }), 'RangeError: slicedWasserstein: directions must be a non-empty Float64Array of length L*d (d = 2)');
  throwsExactly(() => slicedWasserstein(G, X, { directions: f64([]) }), 'RangeError: slicedWasserstein: directions must be a non-empty Float64Array of length L*d (d = 2)');
  throwsExactly(() => slicedWasserstein(G, X, { directions: [1, 0] as never }), 'RangeError: slicedWasserstein: directions must be a non-empty Float64Array of length L*d (d = 2)');
  throwsExactly(() => slicedWasserstein(G, X, { L: 0 }), 'RangeError: slicedWasserstein: L must be a positive integer, got 0');
  throwsExactly(() => slicedWasserstein(G, X, { L: 2.5 }), 'RangeError: slicedWasserstein: L must be a positive integer, got 2.5');
  throwsExactly(() => slicedWasserstein(G, X, { seed: NaN }), 'RangeError: slicedWasserstein: seed must be a finite number, got NaN');
  throwsExactly(() => slicedWasserstein({ ...G, k: 0 }, X), 'RangeError: slicedWasserstein: gmm.k must be a positive integer, got 0');
  throwsExactly(() => slicedWasserstein(G, { n: 1, d: 3, data: f64([0, 0, 0]) }), 'RangeError: slicedWasserstein: points.d = 3 does not match the model dimension 2');
  // L = 1 and p = 1 are accepted: one slice along x, a GMM with one atom-like narrow component.
  const narrow: GMMParams = { k: 1, d: 2, covarianceType: 'diag', weights: f64([1]), means: f64([0, 0]), covariances: f64([1e-300, 1]) };
  assert.ok(Math.abs(slicedWasserstein(narrow, { n: 1, d: 2, data: f64([2, 5]) }, { directions: f64([1, 0]), p: 1 }) - 2) < 1e-12);
  assert.equal(slicedWasserstein(narrow, X, { L: 1 }) > 0, true);
  // Pre-projected slices: the directions must match the slices and the points' dimension.
  const slices = { slices: [mixture1D([0], [1], [1])], directions: f64([1, 0]) };
  throwsExactly(() => slicedWasserstein({ ...slices, directions: f64([1, 0, 0]) }, X), 'RangeError: slicedWasserstein: 1 slices need 1 directions of dimension 2');
  throwsExactly(() => slicedWasserstein(slices, { ...X, n: 0 }), 'RangeError: slicedWasserstein: points.n must be a positive integer, got 0');
  assert.equal(slicedWasserstein(slices, X), slicedWasserstein({ k: 1, d: 2, covarianceType: 'diag', weights: f64([1]), means: f64([0, 0]), covariances: f64([1, 1]) }, X, { directions: f64([1, 0]) }));
  // The gradient entry point checks the same.
  throwsExactly(() => slicedWassersteinGrad(G, X, f64([1, 0]), { p: 0 }), 'RangeError: slicedWassersteinGrad: p must be a finite number >= 1, got 0');
  throwsExactly(() => slicedWassersteinGrad(G, X, f64([1, 0]), { method: 'exact', p: 3 }), "RangeError: slicedWassersteinGrad: method 'exact' is implemented for p = 2 only, got p = 3");
  throwsExactly(() => slicedWassersteinGrad({ ...G, d: 3 }, X, f64([1, 0])), 'RangeError: slicedWassersteinGrad: gmm.means must be a Float64Array of length k*d = 6');
  throwsExactly(() => slicedWassersteinGrad(G, { ...X, d: 3, n: 2 }, f64([1, 0])), 'RangeError: slicedWassersteinGrad: points.d = 3 does not match the model dimension 2');
});

test('MMD: bandwidth > 0 and finite, required for a GMM target; medianHeuristic options and edges; dimensions', () => {
  throwsExactly(() => mmd2(G, X, { h: 1 } as never), "RangeError: mmd2: unknown option 'h'");
  for (const b of [0, -1, Infinity, NaN]) throwsExactly(() => mmd2(G, X, { bandwidth: b }), `RangeError: mmd2: bandwidth must be a finite number > 0, got ${b}`);
  throwsExactly(() => mmd2(G, G), 'RangeError: mmd2: bandwidth is required when the target is a GMM');
  throwsExactly(() => mmd2Grad(G, G), 'RangeError: mmd2Grad: bandwidth is required when the target is a GMM');
  throwsExactly(() => mmd2(G, { ...G, d: 1, means: f64([0, 1]), covariances: f64([1, 1]) }, { bandwidth: 1 }), 'RangeError: mmd2: target dimension 1 does not match the model dimension 2');
  throwsExactly(() => mmd2Grad(G, { n: 1, d: 1, data: f64([0]) }, { bandwidth: 1 }), 'RangeError: mmd2Grad: target points.d = 1 does not match the model dimension 2');
  throwsExactly(() => mmd2({ ...G, covarianceType: 'spherical' }, X), "RangeError: mmd2: model.covarianceType must be 'full' or 'diag', got spherical");
  throwsExactly(() => mmd2(G, { ...G, weights: f64([1]) }, { bandwidth: 1 }), 'RangeError: mmd2: target gmm.weights must be a Float64Array of length 2');
  // A tiny positive bandwidth is accepted, and MMD² of a mixture with itself is 0 to rounding.
  assert.ok(Math.abs(mmd2(G, G, { bandwidth: 1e-3 })) < 1e-12);
  assert.ok(Math.abs(mmd2(G, G, { bandwidth: 2 })) < 1e-15);

  throwsExactly(() => medianHeuristic(X, { max: 3 } as never), "RangeError: medianHeuristic: unknown option 'max'");
  for (const mp of [1, 2.5]) throwsExactly(() => medianHeuristic(X, { maxPoints: mp }), `RangeError: medianHeuristic: maxPoints must be an integer >= 2, got ${mp}`);
  throwsExactly(() => medianHeuristic({ n: 1, d: 2, data: f64([0, 0]) }), 'RangeError: medianHeuristic: needs at least 2 points');
  throwsExactly(() => medianHeuristic({ n: 2, d: 1, data: f64([3, 3]) }), 'RangeError: medianHeuristic: the median pairwise distance is 0 (duplicate points); pass a bandwidth');
  throwsExactly(() => medianHeuristic({ n: 0, d: 1, data: f64([]) }), 'RangeError: medianHeuristic: points.n must be a positive integer, got 0');
  // Two points: the one distance; maxPoints 2 of three collinear points 0, 1, 3 draws two of them (seeded).
  assert.equal(medianHeuristic({ n: 2, d: 2, data: f64([0, 0, 3, 4]) }), 5);
  assert.equal(medianHeuristic({ n: 3, d: 1, data: f64([0, 1, 3]) }), 2, 'median of 1, 3, 2');
  const two = medianHeuristic({ n: 3, d: 1, data: f64([0, 1, 3]) }, { maxPoints: 2, seed: 4 });
  const perm = new Rng(4).permutation(3);
  assert.equal(two, Math.abs([0, 1, 3][perm[0]] - [0, 1, 3][perm[1]]));

  throwsExactly(() => spdInverseLogDet(f64([1, 2, 2, 1]), 2, 'here'), 'RangeError: here: matrix is not positive definite (pivot 1 = -3)');
  const { inv, logDet } = spdInverseLogDet(f64([4, 2, 2, 2]), 2);
  assert.deepEqual(Array.from(inv), [0.5, -0.5, -0.5, 1]);
  assert.ok(Math.abs(logDet - Math.log(4)) < 1e-15);
  // 4 × 4, full: M = L Lᵀ for a known lower-triangular L, so log det M = 2 Σ log L_ii and M · M⁻¹ = I (every
  // Cholesky update term, t up to 2, is used).
  const L = [[2, 0, 0, 0], [1, 1, 0, 0], [-1, 0.5, 3, 0], [0.5, -2, 1, 0.5]];
  const M4 = f64(Array.from({ length: 16 }, (_, e) => L[Math.floor(e / 4)].reduce((acc, v, t) => acc + v * L[e % 4][t], 0)));
  const r4 = spdInverseLogDet(M4, 4);
  assert.ok(Math.abs(r4.logDet - 2 * Math.log(2 * 1 * 3 * 0.5)) < 1e-12, `logDet ${r4.logDet}`);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      let v = 0;
      for (let t = 0; t < 4; t++) v += M4[i * 4 + t] * r4.inv[t * 4 + j];
      assert.ok(Math.abs(v - (i === j ? 1 : 0)) < 1e-12, `(M M⁻¹)[${i}][${j}] = ${v}`);
    }
  }
});

test('Cramér: options, form, L / directions / seed, dimensions, factor layouts', () => {
  const m = mixture1D([0], [1], [1]);
  throwsExactly(() => cramer2(m, m, { L: 1 } as never), "RangeError: cramer2: unknown option 'L'");
  throwsExactly(() => cramer2(m, m, { form: 'eq3' as never }), "RangeError: cramer2: form must be 'stable', 'eq1' or 'eq2', got 'eq3'");
  for (const form of ['stable', 'eq1', 'eq2'] as const) assert.ok(Math.abs(cramer2(m, m, { form })) < 1e-15, form);
  for (const [name, f] of [['slicedCramer2', slicedCramer2], ['slicedCramer2Grad', slicedCramer2Grad]] as const) {
    throwsExactly(() => f(G, X, { p: 2 } as never), `RangeError: ${name}: unknown option 'p'`);
    throwsExactly(() => f(G, X, { directions: f64([1, 0, 1]) }), `RangeError: ${name}: directions must be a non-empty Float64Array of length L*d (d = 2)`);
    throwsExactly(() => f(G, X, { directions: f64([]) }), `RangeError: ${name}: directions must be a non-empty Float64Array of length L*d (d = 2)`);
    throwsExactly(() => f(G, X, { L: 0 }), `RangeError: ${name}: L must be a positive integer, got 0`);
    throwsExactly(() => f(G, X, { L: 1.5 }), `RangeError: ${name}: L must be a positive integer, got 1.5`);
    throwsExactly(() => f(G, X, { seed: Infinity }), `RangeError: ${name}: seed must be a finite number, got Infinity`);
    throwsExactly(() => f(G, { ...G, d: 1, means: f64([0, 1]), covariances: f64([1, 1]) }), `RangeError: ${name}: target dimension 1 does not match the model dimension 2`);
    throwsExactly(() => f({ ...G, k: 3 }, X), `RangeError: ${name}: model.weights must be a Float64Array of length 3`);
    throwsExactly(() => f(G, { ...G, covarianceType: 'tied' }), `RangeError: ${name}: target gmm.covarianceType must be 'full' or 'diag', got tied`);
  }
  assert.ok(Math.abs(slicedCramer2(G, G, { L: 1 })) < 1e-15, 'slicedCramer2 of G with itself, L = 1');
  assert.ok(Math.abs(slicedCramer2Grad(G, G, { L: 1 }).value) < 1e-15, 'slicedCramer2Grad of G with itself, L = 1');
  throwsExactly(() => factorsToCovariances(f64([1]), 1, 1, 'tied'), "RangeError: factorsToCovariances: covariance factors are defined for 'full' and 'diag', got 'tied'");
  // Σ = SᵀS: diag s² per entry, full SᵀS.
  assert.deepEqual(Array.from(factorsToCovariances(f64([2, -3]), 1, 2, 'diag')), [4, 9]);
  assert.deepEqual(Array.from(factorsToCovariances(f64([1, 2, 0, 3]), 1, 2, 'full')), [1, 2, 2, 13]);
});

test('mmdSample / mmdRealTerm: at least 2 points, bandwidth > 0, dimensions', () => {
  const Y: Points = { n: 2, d: 2, data: f64([0, 0, 1, 1]) };
  throwsExactly(() => mmdRealTerm({ n: 1, d: 2, data: f64([0, 0]) }, 1), 'RangeError: mmdRealTerm: needs at least 2 points, got 1');
  for (const h of [0, -2, Infinity]) throwsExactly(() => mmdRealTerm(Y, h), `RangeError: mmdRealTerm: bandwidth must be a finite number > 0, got ${h}`);
  throwsExactly(() => mmdSample({ n: 1, d: 2, data: f64([0, 0]) }, Y, 1), 'RangeError: mmdSample: needs at least 2 points on each side, got n = 1, m = 2');
  throwsExactly(() => mmdSample(Y, { n: 1, d: 2, data: f64([0, 0]) }, 1), 'RangeError: mmdSample: needs at least 2 points on each side, got n = 2, m = 1');
  // Two points each side: the U-statistic by hand, k(x, y) = exp(−|x − y|² / (2h²)), h = 1:
  // (k(x1,x2) + k(y1,y2)) · 2 / 2 − 2 · mean of the 4 cross terms.
  const Xs: Points = { n: 2, d: 2, data: f64([0, 0, 2, 0]) };
  const k = (a: number[], b: number[]) => Math.exp(-((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) / 2);
  const xs = [[0, 0], [2, 0]], ys = [[0, 0], [1, 1]];
  const want = k(xs[0], xs[1]) + k(ys[0], ys[1]) - (2 / 4) * xs.reduce((s, x) => s + ys.reduce((t, y) => t + k(x, y), 0), 0);
  assert.ok(Math.abs(mmdSample(Xs, Y, 1).value - want) < 1e-15, `${mmdSample(Xs, Y, 1).value} vs ${want}`);
  assert.ok(Math.abs(mmdRealTerm(Y, 1) - k(ys[0], ys[1])) < 1e-15);
});
