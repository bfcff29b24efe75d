/**
 * Input checks of the fitters' building blocks with their exact messages, on both sides of each edge: the 1-D
 * fixed-basis options, grid, loss and product model (fixed-basis.ts), k-means++ and initGMM (init.ts), the fitter
 * registry (registry.ts); and the small fixed-basis helpers (grid, nearest-centre counts, the Algorithm-1 kernel)
 * by hand at their first and last bins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import {
  algorithm1Kernel, fitFixedBasis, fitFixedBasis1D, FixedBasisProduct, fixedBasisGrid, fixedBasisLoss, nearestCenterCounts,
  resolveFixedBasis1DOptions,
} from '../../../src/gmm/fit/fixed-basis.ts';
import { initGMM, kmeansPlusPlus } from '../../../src/gmm/fit/init.ts';
import { fitGMM, registerFitter } from '../../../src/gmm/fit/registry.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { mixture1D, normCdf } from '../../../src/gmm/model/mixture1d.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';
import { Rng } from '../../../src/util/rng.ts';

const f64 = (a: number[]) => Float64Array.from(a);

test('fixed-basis 1-D options: defaults, every bound at its edge, the range', () => {
  assert.deepEqual(resolveFixedBasis1DOptions({}), { n: 200, t: 3, dRatio: 0.25, algorithm: 2, lr: 'auto', range: undefined });
  const w = 'fitFixedBasis1D';
  throwsExactly(() => resolveFixedBasis1DOptions(null as never), `TypeError: ${w}: options must be an object`);
  throwsExactly(() => resolveFixedBasis1DOptions({ bins: 3 } as never), `RangeError: ${w}: unknown option 'bins' (allowed: n, t, dRatio, algorithm, lr, range)`);
  for (const n of [1, 2.5]) throwsExactly(() => resolveFixedBasis1DOptions({ n }), `RangeError: ${w}: n must be an integer >= 2, got ${n}`);
  assert.equal(resolveFixedBasis1DOptions({ n: 2 }).n, 2);
  for (const t of [0, -1, Infinity]) throwsExactly(() => resolveFixedBasis1DOptions({ t }, 'X'), `RangeError: X: t must be a finite number > 0, got ${t}`);
  for (const dRatio of [0, NaN]) throwsExactly(() => resolveFixedBasis1DOptions({ dRatio }), `RangeError: ${w}: dRatio must be a finite number > 0, got ${dRatio}`);
  throwsExactly(() => resolveFixedBasis1DOptions({ algorithm: 3 as never }), `RangeError: ${w}: algorithm must be 1 or 2, got 3`);
  assert.equal(resolveFixedBasis1DOptions({ algorithm: 1 }).algorithm, 1);
  for (const lr of [0, -1, 'fast']) throwsExactly(() => resolveFixedBasis1DOptions({ lr: lr as never }), `RangeError: ${w}: lr must be 'auto' or a finite number > 0, got ${lr}`);
  assert.equal(resolveFixedBasis1DOptions({ lr: 1e-9 }).lr, 1e-9);
  for (const range of [[1, 1], [2, 1], [0, Infinity], [NaN, 1], [0], 'ab']) {
    throwsExactly(() => resolveFixedBasis1DOptions({ range: range as never }), `RangeError: ${w}: range must be [a, b] with finite a < b, got ${JSON.stringify(range)}`);
  }
  assert.deepEqual(resolveFixedBasis1DOptions({ range: [-1, -0.5] }).range, [-1, -0.5]);
});

test('fixedBasisGrid, nearestCenterCounts and the Algorithm-1 kernel by hand', () => {
  const g = fixedBasisGrid(-1, 3, 4, 2);
  assert.deepEqual({ centers: Array.from(g.centers), r: g.r, sigma: g.sigma }, { centers: [-0.5, 0.5, 1.5, 2.5], r: 1, sigma: 2 });
  for (const [a, b] of [[1, 1], [2, 1], [0, Infinity], [NaN, 0]]) throwsExactly(() => fixedBasisGrid(a, b, 4, 1), `RangeError: fixedBasisGrid: need finite a < b, got [${a}, ${b}]`);
  // Bins [−1, 0), [0, 1), [1, 2), [2, 3]; points outside go to the end bins.
  assert.deepEqual(Array.from(nearestCenterCounts([-5, -1, -0.001, 0, 0.999, 1, 2.999, 3, 9], -1, 1, 4)), [3, 2, 1, 3]);
  // Kernel entries: mass of N(Δ r, σ²) on (−d, d] minus the mean of its masses on (r − d, r] and (−r, −r + d].
  const n = 3, r = 1, sigma = 0.5, d = 0.25;
  const K = algorithm1Kernel(n, r, sigma, d);
  const mass = (lo: number, hi: number) => normCdf(hi / sigma) - normCdf(lo / sigma);
  assert.equal(K.length, 2 * n - 1);
  for (let D = -(n - 1); D <= n - 1; D++) {
    const c = D * r;
    const want = mass(-d - c, d - c) - 0.5 * (mass(r - d - c, r - c) + mass(-r - c, -r + d - c));
    assert.ok(Math.abs(K[D + n - 1] - want) < 1e-15, `K[${D}] = ${K[D + n - 1]} vs ${want}`);
  }
  assert.ok(Math.abs(K[0] - K[4]) < 1e-15, 'symmetric in Δ');
});

test('fitFixedBasis1D / fixedBasisLoss: sample size, finiteness, centres, d, each message exact', () => {
  throwsExactly(() => fitFixedBasis1D([1]), 'RangeError: fitFixedBasis1D: needs at least 2 points, got 1');
  throwsExactly(() => fitFixedBasis1D([1, NaN, 2]), 'RangeError: fitFixedBasis1D: x[1] is not finite (NaN)');
  throwsExactly(() => fitFixedBasis1D([Infinity, 2]), 'RangeError: fitFixedBasis1D: x[0] is not finite (Infinity)');
  // Two points are enough; every point counted once.
  const two = fitFixedBasis1D([0, 1], { n: 2, t: 1 });
  assert.deepEqual(Array.from(two.counts), [1, 1]);
  assert.deepEqual(Array.from(two.centers), [0.25, 0.75]);
  assert.equal(two.counts.reduce((s, v) => s + v, 0), 2);
  // dL = 0 when d / σ is below the resolution of Φ (the masses cancel to 0).
  throwsExactly(() => fitFixedBasis1D([0, 1, 2], { n: 2, dRatio: 1e-17 }), 'RangeError: fitFixedBasis1D: the Algorithm-2 increment dL = 0 is not positive; decrease dRatio or t');

  const m = mixture1D([0, 1], [0.5, 0.5], [0.5, 0.5]);
  throwsExactly(() => fixedBasisLoss([0], m, [0, 1], 0), 'RangeError: fixedBasisLoss: d must be a finite number > 0, got 0');
  throwsExactly(() => fixedBasisLoss([0], m, [0, 1], Infinity), 'RangeError: fixedBasisLoss: d must be a finite number > 0, got Infinity');
  throwsExactly(() => fixedBasisLoss([0], m, [], 0.1), 'RangeError: fixedBasisLoss: needs at least one centre');
  throwsExactly(() => fixedBasisLoss([0], m, [0, 1, 1], 0.1), 'RangeError: fixedBasisLoss: centres must be strictly increasing (index 2)');
  throwsExactly(() => fixedBasisLoss([0], m, [1, 0], 0.1), 'RangeError: fixedBasisLoss: centres must be strictly increasing (index 1)');
  throwsExactly(() => fixedBasisLoss([], m, [0, 1], 0.1), 'RangeError: fixedBasisLoss: the target sample is empty');
  throwsExactly(() => fixedBasisLoss([0, NaN], m, [0, 1], 0.1), 'RangeError: fixedBasisLoss: target[1] is not finite');
  throwsExactly(() => fixedBasisLoss(mixture1D([0], [1], [2]), m, [0, 1], 0.1), 'RangeError: fixedBasisLoss: target: weights must sum to 1, got 2');
  throwsExactly(() => fixedBasisLoss([0], mixture1D([0], [1], [2]), [0, 1], 0.1), 'RangeError: fixedBasisLoss: gmm: weights must sum to 1, got 2');
  // One centre, one point at it, the model a point mass there: the masses agree, L = 0.
  assert.equal(fixedBasisLoss([0], mixture1D([0], [0], [1]), [0], 0.5), 0);
});

test('FixedBasisProduct: constructor checks, sample count, JSON of a non-grid marginal', () => {
  const marg = [mixture1D([0, 1], [0.5, 0.5], [0.5, 0.5]), mixture1D([-1, 1], [1, 1], [0.25, 0.75])];
  throwsExactly(() => new FixedBasisProduct(0, f64([]), null, []), 'RangeError: FixedBasisProduct: d must be a positive integer, got 0');
  throwsExactly(() => new FixedBasisProduct(1.5, f64([0]), null, []), 'RangeError: FixedBasisProduct: d must be a positive integer, got 1.5');
  throwsExactly(() => new FixedBasisProduct(2, f64([0]), null, marg), 'RangeError: FixedBasisProduct: center must have 2 entries, got 1');
  throwsExactly(() => new FixedBasisProduct(2, f64([0, 0]), f64([1, 0, 0]), marg), 'RangeError: FixedBasisProduct: axes must be 2×2, got 3 entries');
  throwsExactly(() => new FixedBasisProduct(2, f64([0, 0]), null, marg.slice(0, 1)), 'RangeError: FixedBasisProduct: needs 2 marginals, got 1');
  throwsExactly(() => new FixedBasisProduct(2, f64([0, 0]), null, [marg[0], mixture1D([0], [1], [3])]), 'RangeError: FixedBasisProduct: marginal 1: weights must sum to 1, got 3');
  const p = new FixedBasisProduct(2, f64([0, 0]), null, marg);
  assert.equal(p.frame, 'coordinates');
  assert.equal(new FixedBasisProduct(2, f64([0, 0]), f64([1, 0, 0, 1]), marg).frame, 'pca');
  for (const n of [-1, 0.5]) throwsExactly(() => p.sample(n), `RangeError: FixedBasisProduct.sample: n must be a non-negative integer, got ${n}`);
  assert.equal(p.sample(0).n, 0);
  assert.equal(p.sample(3).n, 3);
  const uneven = new FixedBasisProduct(1, f64([0]), null, [mixture1D([0, 1, 3], [1, 1, 1], [0.2, 0.3, 0.5])]);
  throwsExactly(() => uneven.toJSON(), 'RangeError: FixedBasisProduct.toJSON: marginal 0 is not a fixed basis (evenly spaced means, one sd)');
  const twoSds = new FixedBasisProduct(1, f64([0]), null, [mixture1D([0, 1], [1, 2], [0.5, 0.5])]);
  throwsExactly(() => twoSds.toJSON(), 'RangeError: FixedBasisProduct.toJSON: marginal 0 is not a fixed basis (evenly spaced means, one sd)');
  const json = p.toJSON();
  assert.deepEqual(json.marginals.map((m) => [m.start, m.spacing, m.sigma, m.weights]), [[0, 1, 0.5, [0.5, 0.5]], [-1, 2, 1, [0.25, 0.75]]]);
});

test('fitFixedBasis: a GMM init is refused; k ≥ 2 in one dimension', () => {
  const x = pointsFromRows([[0], [1], [2], [3]]);
  const init = new GMM({ k: 2, d: 1, covarianceType: 'full', weights: f64([0.5, 0.5]), means: f64([0, 1]), covariances: f64([1, 1]) });
  throwsExactly(() => fitFixedBasis(x, { k: 2, init }), 'GMMOptionError: fitFixedBasis: option init cannot be a GMM (the basis is fixed; init is ignored by this method)');
  throwsExactly(() => fitFixedBasis(x, { k: 1 }), 'GMMOptionError: fitFixedBasis: k (the number of basis components) must be >= 2 in one dimension');
  assert.equal(fitFixedBasis(x, { k: 2 }).gmm.k, 2);
});

test('k-means++ and initGMM: k in 1..n, method, covariance type, regCovar, each message exact', () => {
  const x = pointsFromRows([[0, 0], [1, 0], [0, 1], [5, 5]]);
  const rng = () => new Rng(1);
  for (const k of [0, 1.5]) throwsExactly(() => kmeansPlusPlus(x, k, rng()), `GMMOptionError: kmeansPlusPlus: k must be a positive integer, got ${k}`);
  throwsExactly(() => kmeansPlusPlus(x, 5, rng()), 'GMMOptionError: kmeansPlusPlus: k = 5 exceeds the number of points n = 4');
  // k = n picks every point once.
  const all = kmeansPlusPlus(x, 4, rng());
  const rows = [0, 1, 2, 3].map((i) => `${all[2 * i]},${all[2 * i + 1]}`).sort();
  assert.deepEqual(rows, ['0,0', '0,1', '1,0', '5,5']);
  assert.equal(kmeansPlusPlus(x, 1, rng()).length, 2);
  throwsExactly(() => initGMM(x, 2, { method: 'grid' as never }), "GMMOptionError: initGMM: method must be one of 'kmeans++', 'random', 'small', got grid");
  throwsExactly(() => initGMM(x, 2, { covarianceType: 'box' as never }), "GMMOptionError: initGMM: covarianceType must be one of 'full', 'tied', 'diag', 'spherical', got box");
  for (const regCovar of [-1e-12, Infinity, NaN]) throwsExactly(() => initGMM(x, 2, { regCovar }), `GMMOptionError: initGMM: regCovar must be a non-negative finite number, got ${regCovar}`);
  for (const k of [0, 2.5]) throwsExactly(() => initGMM(x, k), `GMMOptionError: initGMM: k must be a positive integer, got ${k}`);
  throwsExactly(() => initGMM(x, 5), 'GMMOptionError: initGMM: k = 5 exceeds the number of points n = 4');
  assert.equal(initGMM(x, 4, { regCovar: 0.1 }).k, 4);
  assert.equal(initGMM(x, 1).k, 1);
  // regCovar 0 with a cluster of one point: singular covariances, named.
  assert.throws(() => initGMM(x, 4, { regCovar: 0 }), /^GMMOptionError: initGMM: the initial covariances are singular \(GMM: .*\); use regCovar > 0$/);
  // A GMM init must match the target's dimension and k.
  const init = new GMM({ k: 2, d: 1, covarianceType: 'full', weights: f64([0.5, 0.5]), means: f64([0, 1]), covariances: f64([1, 1]) });
  throwsExactly(() => fitGMM('em', x, { k: 2, init }), 'GMMOptionError: option init is a GMM of dimension 1, the target has dimension 2');
});

test('registry: unknown methods, missing fitters, non-point targets, covariance types; each message exact', () => {
  throwsExactly(() => registerFitter('bogus' as never, () => { throw new Error('x'); }), 'GMMOptionError: registerFitter: unknown method "bogus"; expected one of em, nll, sw, sc2, fixed-basis, mmd');
  throwsExactly(() => registerFitter('em', 3 as never), "GMMOptionError: registerFitter: fitter for 'em' must be a function");
  throwsExactly(() => registerFitter('em', () => { throw new Error('x'); }, []), "GMMOptionError: registerFitter: covariance types of 'em' must be some of full, tied, diag, spherical, got an array of length 0");
  throwsExactly(() => registerFitter('em', () => { throw new Error('x'); }, ['box' as never]), "GMMOptionError: registerFitter: covariance types of 'em' must be some of full, tied, diag, spherical, got an array of length 1");
  const x = pointsFromRows([[0], [1], [2]]);
  throwsExactly(() => fitGMM('kmeans' as never, x, { k: 1 }), "GMMOptionError: fitGMM: unknown method \"kmeans\"; expected one of 'em', 'nll', 'sw', 'sc2', 'fixed-basis', 'mmd'");
  throwsExactly(() => fitGMM('em', null as never, { k: 1 }), 'GMMOptionError: fitGMM: target must be Points {n, d, data: Float64Array} or a GMM, got null');
  throwsExactly(() => fitGMM('em', { n: 1, d: 1, data: [0] } as never, { k: 1 }), 'GMMOptionError: fitGMM: target must be Points {n, d, data: Float64Array} or a GMM, got an object (Object)');
  const g = new GMM({ k: 1, d: 1, covarianceType: 'full', weights: f64([1]), means: f64([0]), covariances: f64([1]) });
  throwsExactly(() => fitGMM('em', g, { k: 1 }), "GMMOptionError: fitGMM: method 'em' fits a point set, got a GMM target (sample it first: gmm.sample(n, seed).points)");
  throwsExactly(() => fitGMM('nll', g, { k: 1 }), "GMMOptionError: fitGMM: method 'nll' fits a point set, got a GMM target (sample it first: gmm.sample(n, seed).points)");
});
