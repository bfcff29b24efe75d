/**
 * Every fitter behind fitGMM recovers a well-separated 3-component 2-D mixture (weights within 0.03, means
 * within 0.1 σ — Mahalanobis distance under the true covariance — and each component within KL 0.02 of the
 * true one, which bounds its covariance too, after matching components), is
 * deterministic per seed, fits a GMM target directly where supported, and rejects invalid options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { fitGMM, FIT_METHODS, availableFitMethods, type FitMethod } from '../../../src/gmm/fit/registry.ts';
import { GMMOptionError } from '../../../src/gmm/fit/options.ts';
import { cholesky, choleskySolve } from '../../../src/gmm/linalg/dense.ts';

const truth = new GMM({
  k: 3, d: 2, covarianceType: 'full',
  weights: new Float64Array([0.3, 0.45, 0.25]),
  // Separated along the first axis (the fixed-basis extension cuts slabs along the first principal axis).
  means: new Float64Array([-6, 0, 0, 1, 6, -1]),
  covariances: new Float64Array([0.5, 0.15, 0.15, 0.4, 0.3, -0.1, -0.1, 0.6, 0.4, 0, 0, 0.25]),
});
const data = truth.sample(3000, 11).points;

/** A start away from the truth: means shifted by ~0.8 σ, covariances doubled, equal weights. */
const start = new GMM({
  k: 3, d: 2, covarianceType: 'full', weights: new Float64Array([1 / 3, 1 / 3, 1 / 3]),
  means: new Float64Array([-5.5, 0.5, 0.5, 0.5, 5.5, -0.5]),
  covariances: truth.covariances.map((v) => 2 * v),
});

/** Per-method options keeping each fit to a few seconds (documented in docs/RESULTS.md, GMM section). */
const OPTS: Record<FitMethod, Record<string, unknown>> = {
  em: { init: start },
  nll: { init: start, lr: 0.02, maxIter: 400 },
  sw: { init: start, L: 8, maxIter: 300, lrWeights: 0.002 },
  sc2: { init: start, batchSize: 300, maxIter: 600, lrWeights: 0.003, lrMeans: 0.01, lrFactors: 0.003, schedule: 'cosine' },
  mmd: { init: start, bandwidth: 1, batchSize: 400, maxIter: 300, lr: 0.02 },
  'fixed-basis': {},
};

function checkRecovery(method: string, g: GMM): void {
  assert.equal(g.k, 3);
  // Match each true component to the nearest fitted mean.
  const used = new Set<number>();
  for (let c = 0; c < 3; c++) {
    let best = -1, bd = Infinity;
    for (let f = 0; f < 3; f++) {
      if (used.has(f)) continue;
      const dx = g.means[f * 2] - truth.means[c * 2], dy = g.means[f * 2 + 1] - truth.means[c * 2 + 1];
      if (dx * dx + dy * dy < bd) { bd = dx * dx + dy * dy; best = f; }
    }
    used.add(best);
    const delta = [g.means[best * 2] - truth.means[c * 2], g.means[best * 2 + 1] - truth.means[c * 2 + 1]];
    const L = cholesky(truth.componentCovariance(c), 2);
    const sol = choleskySolve(L, 2, delta);
    const maha = Math.sqrt(delta[0] * sol[0] + delta[1] * sol[1]);
    assert.ok(maha <= 0.1, `${method}: component ${c} mean off by ${maha.toFixed(3)} σ (fitted ${g.means[best * 2].toFixed(3)}, ${g.means[best * 2 + 1].toFixed(3)})`);
    const dw = Math.abs(g.weights[best] - truth.weights[c]);
    assert.ok(dw <= 0.03, `${method}: component ${c} weight ${g.weights[best].toFixed(3)} vs ${truth.weights[c]} (off by ${dw.toFixed(3)})`);
    // The whole component, covariance included: KL(true ‖ fitted) ≤ 0.02 (every method reaches ≤ 0.007 here; a
    // covariance scaled by 0.8 alone gives 0.026, one with a 0.2 correlation error about 0.03).
    const kl = klGauss2(truth.means.subarray(c * 2, c * 2 + 2), truth.componentCovariance(c), g.means.subarray(best * 2, best * 2 + 2), g.componentCovariance(best));
    assert.ok(kl <= 0.02, `${method}: component ${c} KL ${kl.toFixed(4)} (fitted covariance ${Array.from(g.componentCovariance(best), (v) => v.toFixed(3))})`);
  }
}

/** KL(N(m0, S0) ‖ N(m1, S1)) for 2-D Gaussians (S row-major 2×2). */
function klGauss2(m0: ArrayLike<number>, S0: ArrayLike<number>, m1: ArrayLike<number>, S1: ArrayLike<number>): number {
  const det0 = S0[0] * S0[3] - S0[1] * S0[2];
  const det1 = S1[0] * S1[3] - S1[1] * S1[2];
  const inv = [S1[3] / det1, -S1[1] / det1, -S1[2] / det1, S1[0] / det1];
  const trace = inv[0] * S0[0] + inv[1] * S0[2] + inv[2] * S0[1] + inv[3] * S0[3];
  const dx = m1[0] - m0[0], dy = m1[1] - m0[1];
  const quad = dx * (inv[0] * dx + inv[1] * dy) + dy * (inv[2] * dx + inv[3] * dy);
  return 0.5 * (trace + quad - 2 + Math.log(det1 / det0));
}

test('the KL check itself: 0 for the truth, positive for a shrunk covariance or a moved mean', () => {
  const m = [0, 0], S = [1, 0.3, 0.3, 2];
  assert.equal(klGauss2(m, S, m, S), 0);
  // KL(N(0, S) ‖ N(0, a S)) = (d/2)(1/a − 1 + ln a), d = 2.
  assert.ok(Math.abs(klGauss2(m, S, m, S.map((v) => 0.8 * v)) - (1 / 0.8 - 1 + Math.log(0.8))) < 1e-12);
  // KL(N(0, I) ‖ N(δ, I)) = |δ|²/2.
  assert.ok(Math.abs(klGauss2([0, 0], [1, 0, 0, 1], [0.3, 0.4], [1, 0, 0, 1]) - 0.125) < 1e-12);
});

test('every method has a registered fitter', () => {
  assert.deepEqual(availableFitMethods(), [...FIT_METHODS]);
});

for (const method of FIT_METHODS) {
  test(`${method}: recovers a well-separated 3-component mixture, same seed → same result`, () => {
    const r1 = fitGMM(method, data, { k: 3, seed: 5, ...OPTS[method] });
    checkRecovery(method, r1.gmm);
    const h = r1.history;
    assert.ok(h.loss.length >= 1 && h.loss.every(Number.isFinite), `${method}: history has finite losses`);
    assert.equal(h.loss.length, h.time.length);
    // One loss per iteration; a fit that did not converge ran all its iterations.
    assert.equal(h.iterations, h.loss.length, `${method}: iterations vs recorded losses`);
    const maxIter = (OPTS[method].maxIter as number | undefined) ?? (method === 'em' ? 100 : method === 'fixed-basis' ? 1 : Infinity);
    assert.ok(h.iterations >= 1 && h.iterations <= maxIter, `${method}: ${h.iterations} iterations (at most ${maxIter})`);
    if (!h.converged) assert.equal(h.iterations, maxIter, `${method}: stopped early without converging`);
    // Times are the elapsed seconds at each iteration: increasing, and the last one is within the wall time.
    for (let i = 1; i < h.time.length; i++) assert.ok(h.time[i] >= h.time[i - 1], `${method}: time[${i}] < time[${i - 1}]`);
    assert.ok(h.wallTime > 0 && h.time.at(-1)! <= h.wallTime + 1e-9, `${method}: wall ${h.wallTime} s, last time ${h.time.at(-1)}`);
    // finalNll is the NLL of the returned mixture on the data.
    assert.ok(Math.abs(h.finalNll! - r1.gmm.nll(data)) < 1e-9, `${method}: finalNll ${h.finalNll} vs nll ${r1.gmm.nll(data)}`);
    // The fit is much better than the start (NLL of the data).
    if (method !== 'fixed-basis') assert.ok(r1.gmm.nll(data) < start.nll(data) - 0.1, `${method}: NLL improved`);
    const r2 = fitGMM(method, data, { k: 3, seed: 5, ...OPTS[method] });
    assert.deepEqual(Array.from(r2.gmm.means), Array.from(r1.gmm.means), `${method}: deterministic means`);
    assert.deepEqual(Array.from(r2.gmm.covariances), Array.from(r1.gmm.covariances), `${method}: deterministic covariances`);
    assert.deepEqual(Array.from(r2.gmm.weights), Array.from(r1.gmm.weights), `${method}: deterministic weights`);
  });
}

test('sc2 and mmd fit a GMM target directly (no sampling) and recover it', () => {
  const sc2 = fitGMM('sc2', truth, { k: 3, seed: 1, init: start, maxIter: 600, lrWeights: 0.003, lrMeans: 0.01, lrFactors: 0.003, schedule: 'cosine' });
  checkRecovery('sc2 (GMM target)', sc2.gmm);
  assert.equal(sc2.history.finalNll, undefined);
  const mmd = fitGMM('mmd', truth, { k: 3, seed: 1, init: start, bandwidth: 1, maxIter: 300, lr: 0.02 });
  checkRecovery('mmd (GMM target)', mmd.gmm);
});

test('sc2 NLL fine-tune (SC2+NLL) lowers the NLL and records its own history', () => {
  const base = { k: 3, seed: 2, init: start, batchSize: 300, maxIter: 150, lrWeights: 0.003, lrMeans: 0.01, lrFactors: 0.003 };
  const a = fitGMM('sc2', data, base);
  const b = fitGMM('sc2', data, { ...base, nllSteps: 100, nllLr: 0.01 });
  assert.ok(b.history.fineTune && b.history.fineTune.loss.length === 100);
  assert.ok(b.history.finalNll! < a.history.finalNll!, `fine-tune: ${b.history.finalNll} < ${a.history.finalNll}`);
  assert.equal(b.gmm.meta?.method, 'sc2+nll');
});

test('invalid options are rejected with clear messages', () => {
  assert.throws(() => fitGMM('em', data, { k: 0 }), /option k must be a positive integer, got 0/);
  assert.throws(() => fitGMM('em', data, {} as never), /option k \(number of components\) is required/);
  assert.throws(() => fitGMM('sw', data, { k: 3, lr: -1 }), /option lr must be a positive finite number, got -1/);
  assert.throws(() => fitGMM('sw', data, { k: 3, nDirections: 4 }), /fitSW: unknown option 'nDirections'/);
  assert.throws(() => fitGMM('sc2', data, { k: 3, optimizer: 'rmsprop' }), /option optimizer must be one of 'lion', 'adam', got "rmsprop"/);
  assert.throws(() => fitGMM('sc2', data, { k: 3, lrMean: 0.1 }), /unknown option 'lrMean' \(did you mean 'lrMeans'\?\)/);
  assert.throws(() => fitGMM('sc2', data, { k: 3, directions: 'circle', L: 0 }), /option L must be a positive integer, got 0/);
  assert.throws(() => fitGMM('mmd', data, { k: 3, bandwidth: 0 }), /option bandwidth must be a positive finite number, got 0/);
  assert.throws(() => fitGMM('mmd', data, { k: 3, batchSize: 1e6 }), /option batchSize \(1000000\) exceeds the number of points n = 3000/);
  assert.throws(() => fitGMM('fixed-basis', data, { k: 3, algorithm: 3 }), /algorithm must be 1 or 2, got 3/);
  assert.throws(() => fitGMM('em', truth, { k: 3 }), /method 'em' fits a point set, got a GMM target/);
  assert.throws(() => fitGMM('nll', data, { k: 3, init: start.toFull().withMeta({}), covarianceType: 'spherical' }), /fitGMM\('nll'\): covarianceType 'spherical' is not supported; 'nll' fits 'full', 'diag' \(methods that fit 'spherical': 'em'\)/);
  assert.throws(() => fitGMM('nll', data, { k: 3, covarianceType: 'blocky' }), /option covarianceType must be one of 'full', 'tied', 'diag', 'spherical', got "blocky"/);
  assert.throws(() => fitGMM('bogus' as FitMethod, data, { k: 3 }), /unknown method "bogus"/);
  assert.throws(() => fitGMM('sw', data, { k: 4, init: start }), /init is a GMM with k = 3 components, but option k = 4/);
  assert.throws(() => fitGMM('sw', data, 'fast' as never), /options must be an object/);
  for (const m of FIT_METHODS) assert.throws(() => fitGMM(m, data, { k: 3, seed: 'x' }), GMMOptionError);
});
