/**
 * The GMM library's documented option defaults, asserted as values: each function called without the option
 * gives exactly the result of the documented value written out, and a neighbouring value gives another result
 * (so the default is one the output depends on). Small problems; no fits longer than a few hundred steps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { validateCommon } from '../../../src/gmm/fit/options.ts';
import { resolveFixedBasis1DOptions } from '../../../src/gmm/fit/fixed-basis.ts';
import { slicedWasserstein } from '../../../src/gmm/distances/wasserstein.ts';
import { slicedCramer2 } from '../../../src/gmm/distances/cramer.ts';
import { medianHeuristic } from '../../../src/gmm/distances/mmd.ts';
import { initGMM } from '../../../src/gmm/fit/init.ts';
import { fitEM } from '../../../src/gmm/fit/em.ts';
import { SW_DEFAULTS } from '../../../src/gmm/fit/sw.ts';
import type { Points } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

const mixture = new GMM({
  k: 2, d: 3, covarianceType: 'diag', weights: Float64Array.of(0.4, 0.6),
  means: Float64Array.of(-2, 0, 1, 2, 1, -1), covariances: Float64Array.of(1, 0.5, 2, 0.3, 1, 1),
});
/** n points of five overlapping blobs in 3-d (Lloyd needs many iterations on them). */
function blobs(n: number, seed: number): Points {
  const rng = new Rng(seed);
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) data[i * 3 + j] = 1.2 * ((i % 5) - 2) * (j === 0 ? 1 : 0.5) + rng.normal();
  return { n, d: 3, data };
}
const pts = blobs(1500, 3);

test('validateCommon fills the documented common defaults: seed 0, kmeans++, full, maxIter 100, tol 1e-3, regCovar 1e-6', () => {
  assert.deepEqual(validateCommon({ k: 2 }), { k: 2, seed: 0, init: 'kmeans++', covarianceType: 'full', maxIter: 100, tol: 1e-3, regCovar: 1e-6, onStep: undefined });
  // A fitter's own defaults replace them.
  const d = { seed: 5, init: 'random' as const, covarianceType: 'diag' as const, maxIter: 7, tol: 0.5, regCovar: 0.25 };
  assert.deepEqual(validateCommon({ k: 1 }, { defaults: d }), { k: 1, ...d, onStep: undefined });
  assert.throws(() => validateCommon({}, { where: 'fitX' }), /fitX: option k \(number of components\) is required/);
});

test('fitEM without options is the documented fit (seed 0, kmeans++, full, maxIter 100, tol 1e-3, regCovar 1e-6, nInit 1)', () => {
  const plain = (r: ReturnType<typeof fitEM>) => ({ ...r.gmm.params(), it: r.history.iterations, nll: r.history.finalNll });
  const byDefault = plain(fitEM(pts, { k: 3 }));
  assert.deepEqual(byDefault, plain(fitEM(pts, { k: 3, seed: 0, init: 'kmeans++', covarianceType: 'full', maxIter: 100, tol: 1e-3, regCovar: 1e-6, nInit: 1 })));
  for (const other of [{ tol: 1e-4 }, { regCovar: 1e-5 }, { seed: 1 }]) assert.notDeepEqual(byDefault, plain(fitEM(pts, { k: 3, ...other })), JSON.stringify(other));
});

test('initGMM defaults: kmeans++, seed 0, full, regCovar 1e-6, 10 Lloyd iterations', () => {
  const p = (g: GMM) => g.params();
  const byDefault = p(initGMM(pts, 5));
  assert.deepEqual(byDefault, p(initGMM(pts, 5, { method: 'kmeans++', seed: 0, covarianceType: 'full', regCovar: 1e-6, lloydIter: 10 })));
  for (const other of [{ lloydIter: 9 }, { lloydIter: 11 }, { regCovar: 1e-5 }, { seed: 1 }]) assert.notDeepEqual(byDefault, p(initGMM(pts, 5, other)), JSON.stringify(other));
});

test('sliced distances and the median heuristic: L 50 directions from seed 0, p 2; at most 1000 points, seed 0', () => {
  const small = blobs(200, 4);
  const sw = slicedWasserstein(mixture.params(), small);
  assert.equal(sw, slicedWasserstein(mixture.params(), small, { L: 50, seed: 0, p: 2 }));
  for (const other of [{ L: 51 }, { L: 49 }, { seed: 1 }, { p: 3 }]) assert.notEqual(sw, slicedWasserstein(mixture.params(), small, other), JSON.stringify(other));
  const cr = slicedCramer2(mixture.params(), small);
  assert.equal(cr, slicedCramer2(mixture.params(), small, { L: 50, seed: 0 }));
  for (const other of [{ L: 51 }, { seed: 1 }]) assert.notEqual(cr, slicedCramer2(mixture.params(), small, other), JSON.stringify(other));
  const h = medianHeuristic(pts);
  assert.equal(h, medianHeuristic(pts, { maxPoints: 1000, seed: 0 }));
  for (const other of [{ maxPoints: 999 }, { maxPoints: 1001 }, { seed: 1 }]) assert.notEqual(h, medianHeuristic(pts, other), JSON.stringify(other));
});

test('fixed-basis 1-D defaults: n 200, t 3, dRatio 0.25, Algorithm 2, lr auto', () => {
  assert.deepEqual(resolveFixedBasis1DOptions({}), { n: 200, t: 3, dRatio: 0.25, algorithm: 2, lr: 'auto', range: undefined });
});

test('sampling defaults to seed 0; SW_DEFAULTS holds the documented values', () => {
  assert.deepEqual(mixture.sample(20), mixture.sample(20, 0));
  assert.notDeepEqual(mixture.sample(20).points, mixture.sample(20, 1).points);
  assert.deepEqual(mixture.sampleComponent(1, 5), mixture.sampleComponent(1, 5, 0));
  assert.deepEqual(new Rng().normals(new Float64Array(4)), new Rng(0).normals(new Float64Array(4)));
  assert.equal(new Rng().seed, 0);
  assert.deepEqual({ ...SW_DEFAULTS }, {
    maxIter: 3000, tol: 2e-3, window: 50, lr: 0.02, decay: 0.9, momentum: 0.5, eps: 1e-10, varianceFloor: 0.01,
    minWeight: 1e-3, minEig: 1e-4, levels: 256, finishIter: 100, finishTol: 1e-5,
  });
});

test('fitMMD uses every point per step by default (batchSize n), and the latent sets take that default', async () => {
  const { fitMMD } = await import('../../../src/gmm/fit/mmd.ts');
  const { LATENT_FIT_DEFAULTS } = await import('../../../src/latent/fit.ts');
  const small = blobs(300, 4);
  const base = { k: 2, covarianceType: 'diag', maxIter: 20, tol: 0, bandwidth: 1.5 };
  const means = (o: Record<string, unknown>) => fitMMD(small, { ...base, ...o }).gmm.means;
  const byDefault = means({}), all = means({ batchSize: 300 }), fewer = means({ batchSize: 299 });
  for (let i = 0; i < byDefault.length; i++) assert.ok(Math.abs(byDefault[i] - all[i]) < 1e-12, `mean ${i}: ${byDefault[i]} vs ${all[i]}`);
  assert.ok(byDefault.some((v, i) => Math.abs(v - fewer[i]) > 1e-6), 'a batch of n - 1 points gives another fit');
  assert.deepEqual(LATENT_FIT_DEFAULTS.mmd, { maxIter: 3000 });
});

test('fitMMD minVariance: none by default; a floor keeps every variance at or above that share of the data variance', async () => {
  const { fitMMD } = await import('../../../src/gmm/fit/mmd.ts');
  // 4-d points whose last coordinate barely matters to a wide kernel: the unfloored fit lets its variance fall.
  const rng = new Rng(9);
  const n = 400, d = 4;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = (j < 3 ? 3 * (i % 2) : 0) + (j < 3 ? 1 : 0.05) * rng.normal();
  const X = { n, d, data };
  const dataVar = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let m = 0; for (let i = 0; i < n; i++) m += data[i * d + j] / n;
    for (let i = 0; i < n; i++) dataVar[j] += (data[i * d + j] - m) ** 2 / n;
  }
  const base = { k: 2, covarianceType: 'diag', maxIter: 150, tol: 0, bandwidth: 6, lr: 0.05 };
  const plain = fitMMD(X, base).gmm, withZero = fitMMD(X, { ...base, minVariance: 0 }).gmm;
  assert.deepEqual(Array.from(plain.covariances), Array.from(withZero.covariances), 'default = minVariance 0');
  const floored = fitMMD(X, { ...base, minVariance: 0.5 }).gmm;
  for (let c = 0; c < 2; c++) for (let j = 0; j < d; j++) {
    // the floor binds the variance without regCovar (1e-6); the pivot-free diagonal keeps it to rounding
    assert.ok(floored.covariances[c * d + j] >= 0.5 * dataVar[j] * (1 - 1e-9), `component ${c}, coordinate ${j}: ${floored.covariances[c * d + j]} < ${0.5 * dataVar[j]}`);
  }
  assert.ok(Array.from(plain.covariances).some((v, i) => v < 0.5 * dataVar[i % d]), 'the case needs the floor (some unfloored variance is below it)');
  assert.throws(() => fitMMD(X, { ...base, minVariance: 2 }), /minVariance/);
});
