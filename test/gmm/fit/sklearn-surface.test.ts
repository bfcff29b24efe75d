/**
 * scikit-learn's surface (issue 16): the tied and spherical covariance types through the model (validation, density,
 * sampling, projection, JSON, conversions), EM on both kernel sets against a direct implementation of scikit-learn's
 * E- and M-step formulas, bic / aic with scikit-learn's parameter counts, nInit for every method through fitGMM, the
 * per-method covariance-type constraints, and the warm start. (The full comparison with scikit-learn itself is
 * scripts/studies/sklearn-check.ts, results in docs/RESULTS.md.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COVARIANCE_TYPES, GMM, GMMValidationError } from '../../../src/gmm/model/gmm.ts';
import { availableFitMethods, FIT_METHODS, fitGMM, fitterCovarianceTypes, type FitMethod } from '../../../src/gmm/fit/registry.ts';
import { runEM } from '../../../src/gmm/fit/em.ts';
import { SELECTION_SAMPLE } from '../../../src/gmm/fit/starts.ts';
import { fitSW } from '../../../src/gmm/fit/sw.ts';
import { initGMM } from '../../../src/gmm/fit/init.ts';
import { GMMOptionError } from '../../../src/gmm/fit/options.ts';
import type { CovarianceType, Points } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';
import { withEnv } from '../../_env.ts';

const f64 = (a: number[]) => Float64Array.from(a);
const weights = f64([0.3, 0.45, 0.25]), means = f64([-4, 0, 0, 1, 4, -1]);
const full = new GMM({ k: 3, d: 2, covarianceType: 'full', weights, means, covariances: f64([0.5, 0.15, 0.15, 0.4, 0.3, -0.1, -0.1, 0.6, 0.4, 0, 0, 0.25]) });
const tied = new GMM({ k: 3, d: 2, covarianceType: 'tied', weights, means, covariances: f64([0.5, 0.2, 0.2, 0.7]) });
const spherical = new GMM({ k: 3, d: 2, covarianceType: 'spherical', weights, means, covariances: f64([0.5, 0.3, 0.8]) });
const data = full.sample(1500, 3).points;

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: lengths`);
  let scale = 0, diff = 0;
  for (let i = 0; i < b.length; i++) { scale = Math.max(scale, Math.abs(b[i])); diff = Math.max(diff, Math.abs(a[i] - b[i])); }
  assert.ok(diff <= tol * Math.max(scale, 1e-300), `${what}: max difference ${diff} (scale ${scale}, tolerance ${tol} relative)`);
};

const diag = new GMM({ k: 3, d: 2, covarianceType: 'diag', weights, means, covariances: f64([0.5, 0.2, 0.3, 0.9, 0.8, 0.25]) });

test('tied, diag and spherical models: same density, samples and projections as their full expansions', () => {
  // Each component's covariance written out by hand (row-major 2×2).
  const written = {
    tied: [[0.5, 0.2, 0.2, 0.7], [0.5, 0.2, 0.2, 0.7], [0.5, 0.2, 0.2, 0.7]],
    diag: [[0.5, 0, 0, 0.2], [0.3, 0, 0, 0.9], [0.8, 0, 0, 0.25]],
    spherical: [[0.5, 0, 0, 0.5], [0.3, 0, 0, 0.3], [0.8, 0, 0, 0.8]],
  };
  for (const g of [tied, diag, spherical]) {
    const type = g.covarianceType as keyof typeof written;
    const wide = g.toFull();
    assert.equal(wide.covarianceType, 'full');
    for (let c = 0; c < g.k; c++) {
      assert.deepEqual(Array.from(g.componentCovariance(c)), written[type][c], `${type} component ${c}`);
      assert.deepEqual(Array.from(wide.componentCovariance(c)), written[type][c], `${type} → full, component ${c}`);
    }
    close(g.logPdf(data), wide.logPdf(data), 1e-13, `${type} logPdf`);
    close(g.componentLogPdf(data), wide.componentLogPdf(data), 1e-13, `${type} componentLogPdf`);
    close(g.predictProba(data), wide.predictProba(data), 1e-12, `${type} predictProba`);
    assert.deepEqual(Array.from(g.predict(data)), Array.from(wide.predict(data)), `${type} predict`);
    // x = μ_c + L ε with the same L (tied: one Cholesky; diag, spherical: σ), so the samples are the same bits.
    assert.deepEqual(Array.from(g.sample(200, 9).points.data), Array.from(wide.sample(200, 9).points.data), `${type} samples`);
    for (let c = 0; c < g.k; c++) {
      assert.deepEqual(Array.from(g.sampleComponent(c, 20, 4).data), Array.from(wide.sampleComponent(c, 20, 4).data), `${type} samples of component ${c}`);
    }
    // Projections: θᵀμ_c and √(θᵀΣ_cθ) from the written matrices, along a direction with no zero entry.
    for (const theta of [[0.6, -0.8], [-1.5, 2]]) {
      const p = g.project(theta), q = wide.project(theta);
      const sds = written[type].map((S) => Math.sqrt(theta[0] * theta[0] * S[0] + 2 * theta[0] * theta[1] * S[1] + theta[1] * theta[1] * S[3]));
      const mus = [0, 1, 2].map((c) => theta[0] * means[2 * c] + theta[1] * means[2 * c + 1]);
      close(p.sds, sds, 1e-15, `${type} projected sds by hand`);
      close(p.means, mus, 1e-15, `${type} projected means by hand`);
      close(q.sds, sds, 1e-15, `${type} → full projected sds`);
      assert.deepEqual(Array.from(p.weights), Array.from(weights));
    }
  }
  // One point by the formula: log Σ_c w_c N(x | μ_c, σ²_c I).
  const x = [0.3, -0.7];
  let s = 0;
  for (let c = 0; c < 3; c++) {
    const v = spherical.covariances[c], dx = x[0] - spherical.means[2 * c], dy = x[1] - spherical.means[2 * c + 1];
    s += spherical.weights[c] * Math.exp(-(dx * dx + dy * dy) / (2 * v)) / (2 * Math.PI * v);
  }
  close(spherical.logPdf({ n: 1, d: 2, data: Float64Array.from(x) }), [Math.log(s)], 1e-14, 'spherical log-density by the formula');
  // Sample moments of a tied model: within-component covariance ≈ the tied matrix.
  const big = tied.sample(40000, 4);
  const acc = [0, 0, 0];
  for (let i = 0; i < big.points.n; i++) {
    const c = big.components[i], dx = big.points.data[2 * i] - tied.means[2 * c], dy = big.points.data[2 * i + 1] - tied.means[2 * c + 1];
    acc[0] += dx * dx; acc[1] += dx * dy; acc[2] += dy * dy;
  }
  close(acc.map((v) => v / big.points.n), [0.5, 0.2, 0.7], 0.03, 'tied sample covariance');
});

test('JSON round trip for every covariance type, in scikit-learn shapes; malformed covariances named', () => {
  for (const g of [full, full.withCovarianceType('diag'), tied, spherical]) {
    const json = g.toJSON();
    const back = GMM.fromJSONString(JSON.stringify(json));
    assert.equal(back.covarianceType, g.covarianceType);
    assert.deepEqual(Array.from(back.covariances), Array.from(g.covariances));
    assert.deepEqual(back.logPdf(data), g.logPdf(data));
  }
  assert.deepEqual(tied.toJSON().covariances, [[0.5, 0.2], [0.2, 0.7]]);
  assert.deepEqual(spherical.toJSON().covariances, [0.5, 0.3, 0.8]);
  const bad = (patch: Record<string, unknown>) => () => GMM.fromJSON({ ...tied.toJSON(), ...patch });
  assert.throws(bad({ covariances: [[0.5, 0.2, 0], [0.2, 0.7, 0]] }), /field 'covariances\[0\]' must have 2 entries, got 3/);
  assert.throws(bad({ covariances: [[1, 0], [0, 1], [0, 1]] }), /field 'covariances' must be one 2×2 matrix \(2 rows\) for covarianceType 'tied'/);
  assert.throws(() => GMM.fromJSON({ ...spherical.toJSON(), covariances: [0.5, 0.3] }), /must be 3 variances for covarianceType 'spherical'/);
  assert.throws(() => GMM.fromJSON({ ...spherical.toJSON(), covariances: [0.5, 'x', 0.1] }), /field 'covariances\[1\]' must be a finite number/);
  assert.throws(() => GMM.fromJSON({ ...spherical.toJSON(), covarianceType: 'blocky' }), /field 'covarianceType' must be one of 'full', 'tied', 'diag', 'spherical', got "blocky"/);
});

test('tied and spherical parameters are validated with messages naming the field', () => {
  const base = { k: 2, d: 2, weights: f64([0.5, 0.5]), means: f64([0, 0, 1, 1]) };
  assert.throws(() => new GMM({ ...base, covarianceType: 'tied', covariances: new Float64Array([1, 0, 0, 1, 1, 0, 0, 1]) }), /covariances must have length 4, got 8/);
  assert.throws(() => new GMM({ ...base, covarianceType: 'tied', covariances: new Float64Array([1, 2, 2, 1]) }), /covariances \(the tied covariance\) is not positive-definite/);
  assert.throws(() => new GMM({ ...base, covarianceType: 'tied', covariances: new Float64Array([1, 0.5, 0.2, 1]) }), /covariances \(the tied covariance\) is not symmetric/);
  assert.throws(() => new GMM({ ...base, covarianceType: 'tied', covariances: new Float64Array([1, 0, NaN, 1]) }), /covariances\[1\]\[0\] is not finite/);
  assert.throws(() => new GMM({ ...base, covarianceType: 'spherical', covariances: new Float64Array([1, -1]) }), /covariances\[1\] \(component 1\) must be a positive variance, got -1/);
  assert.throws(() => new GMM({ ...base, covarianceType: 'blocky' as CovarianceType, covariances: f64([1, 1]) }), GMMValidationError);
});

test('withCovarianceType: exact expansions, and the moment-matching reductions scikit-learn uses', () => {
  const t = full.withCovarianceType('tied');
  const expect = [0, 0, 0, 0];
  for (let c = 0; c < 3; c++) for (let i = 0; i < 4; i++) expect[i] += full.weights[c] * full.covariances[4 * c + i];
  close(t.covariances, expect, 1e-15, 'tied = Σ w_c Σ_c');
  const s = full.withCovarianceType('spherical');
  close(s.covariances, [0.45, 0.45, 0.325], 1e-15, 'spherical = tr Σ_c / d');
  close(full.withCovarianceType('diag').covariances, [0.5, 0.4, 0.3, 0.6, 0.4, 0.25], 0, 'diag = the diagonals');
  close(spherical.withCovarianceType('diag').covariances, [0.5, 0.5, 0.3, 0.3, 0.8, 0.8], 0, 'spherical → diag exact');
  close(tied.withCovarianceType('tied').covariances, tied.covariances, 0, 'same type: a copy');
  close(spherical.withCovarianceType('diag').withCovarianceType('spherical').covariances, spherical.covariances, 1e-15, 'diag → spherical → same');
  assert.throws(() => full.withCovarianceType('blocky' as CovarianceType), /must be one of 'full', 'tied', 'diag', 'spherical'/);
});

test("nParameters, bic and aic follow scikit-learn's definitions", () => {
  // k = 3, d = 2: means 6, weights 2; covariances full 9, diag 6, tied 3, spherical 3.
  const counts = { full: 17, diag: 14, tied: 11, spherical: 11 } as const;
  for (const g of [full, full.withCovarianceType('diag'), tied, spherical]) {
    const p = counts[g.covarianceType];
    assert.equal(g.nParameters(), p, g.covarianceType);
    const ll = g.logPdf(data).reduce((a, b) => a + b, 0);
    close([g.bic(data)], [-2 * ll + p * Math.log(data.n)], 1e-12, `${g.covarianceType} bic`);
    close([g.aic(data)], [-2 * ll + 2 * p], 1e-12, `${g.covarianceType} aic`);
  }
  const d = 5, k = 4;
  const g = initGMM(randomPoints(400, d, 2), k, { covarianceType: 'full' });
  assert.equal(g.nParameters(), k * d * (d + 1) / 2 + k * d + k - 1);
  // BIC chooses the true number of components on well-separated data.
  const bic = [1, 2, 3, 4, 5].map((kk) => fitGMM('em', data, { k: kk, seed: 0, nInit: 2 }).gmm.bic(data));
  assert.equal(bic.indexOf(Math.min(...bic)) + 1, 3, `BIC over k = 1..5: ${bic.map((b) => b.toFixed(1)).join(', ')}`);
});

function randomPoints(n: number, d: number, seed: number): Points {
  const rng = new Rng(seed);
  return { n, d, data: rng.normals(new Float64Array(n * d)) as Float64Array };
}

/** One EM step written out as scikit-learn's `_e_step` / `_estimate_gaussian_parameters` (plain loops). */
function referenceStep(points: Points, g: GMM, reg: number): { weights: number[]; means: number[]; covariances: number[] } {
  const { n, d, data } = points, k = g.k;
  const resp = g.predictProba(points);
  const nk = new Array(k).fill(10 * Number.EPSILON);
  const means = new Array(k * d).fill(0);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) {
    nk[c] += resp[i * k + c];
    for (let j = 0; j < d; j++) means[c * d + j] += resp[i * k + c] * data[i * d + j];
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] /= nk[c];
  const total = nk.reduce((a, b) => a + b, 0);
  const type = g.covarianceType;
  let covariances: number[];
  if (type === 'tied') {
    // (XᵀX − Σ_c N_c μ_c μ_cᵀ) / Σ N_c + reg I
    covariances = new Array(d * d).fill(0);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) covariances[a * d + b] += data[i * d + a] * data[i * d + b];
    for (let c = 0; c < k; c++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) covariances[a * d + b] -= nk[c] * means[c * d + a] * means[c * d + b];
    for (let a = 0; a < d * d; a++) covariances[a] /= total;
    for (let a = 0; a < d; a++) covariances[a * d + a] += reg;
  } else {
    // full: Σ_i γ (x − μ)(x − μ)ᵀ / N_c + reg I; diag: its diagonal (scikit-learn's avg x² − 2 avg x μ + μ², the
    // same sum expanded) + reg; spherical: the mean of the diag variances.
    const per = type === 'full' ? d * d : d;
    const cov = new Array(k * per).fill(0);
    for (let c = 0; c < k; c++) for (let i = 0; i < n; i++) {
      const r = resp[i * k + c];
      for (let a = 0; a < d; a++) {
        const da = data[i * d + a] - means[c * d + a];
        if (type === 'full') for (let b = 0; b < d; b++) cov[c * per + a * d + b] += (r * da * (data[i * d + b] - means[c * d + b])) / nk[c];
        else cov[c * per + a] += (r * da * da) / nk[c];
      }
    }
    for (let c = 0; c < k; c++) for (let a = 0; a < d; a++) cov[c * per + (type === 'full' ? a * d + a : a)] += reg;
    covariances = type === 'spherical' ? Array.from({ length: k }, (_, c) => cov.slice(c * d, c * d + d).reduce((s, v) => s + v, 0) / d) : cov;
  }
  return { weights: nk.map((v) => v / total), means, covariances };
}

test("EM on both kernel sets takes scikit-learn's step for all four covariance types; without regCovar its NLL never rises", () => {
  const pts = full.sample(3000, 21).points;
  for (const type of COVARIANCE_TYPES) {
    const init = initGMM(pts, 3, { method: 'random', seed: 4, covarianceType: type, regCovar: 1e-3 });
    const ref = referenceStep(pts, init, 1e-3);
    const fits: Record<string, ReturnType<typeof runEM>> = {};
    for (const kernels of ['wasm', 'js']) {
      withEnv({ GMMGEN_KERNELS: kernels }, () => {
        const one = runEM(pts, init, 1, 0, 1e-3);
        close(one.gmm.weights, ref.weights, 1e-12, `${type}/${kernels}: weights after one step`);
        close(one.gmm.means, ref.means, 1e-12, `${type}/${kernels}: means after one step`);
        close(one.gmm.covariances, ref.covariances, 1e-11, `${type}/${kernels}: covariances after one step`);
        // regCovar > 0 makes the M-step a regularised one, which need not lower the NLL: the monotone run has none.
        fits[kernels] = runEM(pts, init, 60, 1e-8, 0);
      });
      const loss = fits[kernels].history.loss;
      for (let t = 1; t < loss.length; t++) assert.ok(loss[t] <= loss[t - 1] + 1e-12, `${type}/${kernels}: NLL rose at step ${t}: ${loss[t - 1]} → ${loss[t]}`);
    }
    assert.equal(fits.wasm.gmm.covarianceType, type);
    assert.equal(fits.wasm.history.iterations, fits.js.history.iterations, `${type}: iterations`);
    close(fits.wasm.gmm.covariances, fits.js.gmm.covariances, 1e-10, `${type}: wasm vs js covariances`);
    close(fits.wasm.gmm.means, fits.js.gmm.means, 1e-10, `${type}: wasm vs js means`);
  }
});

test('a tied fit is not stopped by a component too small for a covariance of its own (regCovar 0)', () => {
  // A 3-D cloud and two far points: k-means gives the pair a cluster of its own, whose own covariance is singular.
  const rng = new Rng(8);
  const n = 300, d = 3;
  const x = rng.normals(new Float64Array(n * d)) as Float64Array;
  x.set([30, 30, 30, 31, 30.5, 29], (n - 2) * d);
  const pts = { n, d, data: x };
  for (const kernels of ['wasm', 'js']) {
    withEnv({ GMMGEN_KERNELS: kernels }, () => {
      const { gmm, history } = fitGMM('em', pts, { k: 2, covarianceType: 'tied', regCovar: 0, seed: 0 });
      assert.ok(Number.isFinite(history.finalNll), kernels);
      assert.ok(gmm.weights.some((w) => Math.abs(w - 2 / n) < 1e-9), `${kernels}: the pair is one component (${Array.from(gmm.weights)})`);
      assert.throws(() => fitGMM('em', pts, { k: 2, covarianceType: 'full', regCovar: 0, seed: 0 }), /not positive-definite|singular/, `${kernels}: full fails`);
    });
  }
});

/** Small, quick options per method (nInit runs each several times). */
const QUICK: Record<FitMethod, Record<string, unknown>> = {
  em: { maxIter: 30 },
  nll: { maxIter: 40, lr: 0.05 },
  sw: { maxIter: 40, L: 8 },
  sc2: { maxIter: 40, batchSize: 300 },
  mmd: { maxIter: 30, bandwidth: 1, batchSize: 300 },
  'fixed-basis': {},
};

test('nInit, for every method: the start with the lowest NLL of the points, among seed, seed + 1, …', () => {
  const pts = full.sample(600, 5).points;
  for (const method of FIT_METHODS) {
    const opts = { k: 3, seed: 10, ...QUICK[method] };
    const single = [0, 1, 2].map((r) => fitGMM(method, pts, { ...opts, seed: 10 + r }));
    const nll = single.map((s) => s.gmm.nll(pts));
    const best = fitGMM(method, pts, { ...opts, nInit: 3 });
    assert.deepEqual(best.history.starts?.map((s) => s.seed), [10, 11, 12], method);
    close(best.history.starts!.map((s) => s.nll), nll, 1e-12, `${method}: NLL of each start`);
    const win = nll.indexOf(Math.min(...nll));
    assert.deepEqual(Array.from(best.gmm.means), Array.from(single[win].gmm.means), `${method}: the best start is returned`);
    assert.deepEqual(Array.from(best.gmm.covariances), Array.from(single[win].gmm.covariances), `${method}: the best start is returned`);
  }
  // A GMM target: ranked by the NLL of one sample of SELECTION_SAMPLE points of it (the second fork of Rng(seed)).
  const gOpts = { k: 3, maxIter: 20, bandwidth: 1 };
  const rng = new Rng(7);
  rng.fork();
  const yardstick = full.sample(SELECTION_SAMPLE, rng.fork()).points;
  const gSingle = [7, 8].map((seed) => fitGMM('mmd', full, { ...gOpts, seed }).gmm);
  const gBest = fitGMM('mmd', full, { ...gOpts, seed: 7, nInit: 2 });
  close(gBest.history.starts!.map((s) => s.nll), gSingle.map((g) => g.nll(yardstick)), 1e-12, 'GMM target: NLL of the fixed sample');
  const gWin = gSingle[gSingle[0].nll(yardstick) <= gSingle[1].nll(yardstick) ? 0 : 1];
  assert.deepEqual(Array.from(gBest.gmm.means), Array.from(gWin.means), 'GMM target: the best start is returned');
  assert.throws(() => fitGMM('sw', pts, { k: 3, nInit: 0 }), /option nInit must be a positive integer, got 0/);
  assert.throws(() => fitGMM('em', pts, { k: 3, nInit: 2, init: full }), /nInit = 2 needs seeded initialisations .* init is a fixed GMM/);
  assert.throws(() => fitSW(pts, { k: 3, nInit: 2 }), /fitSW: unknown option 'nInit'/);
});

test('covariance types: declared per method, refused with the supported ones named; EM fits all four', () => {
  assert.deepEqual(fitterCovarianceTypes('em'), ['full', 'tied', 'diag', 'spherical']);
  for (const method of availableFitMethods().filter((m) => m !== 'em')) {
    assert.deepEqual(fitterCovarianceTypes(method), ['full', 'diag'], method);
    for (const type of ['tied', 'spherical']) {
      assert.throws(() => fitGMM(method, data, { k: 3, covarianceType: type }),
        new RegExp(`fitGMM\\('${method}'\\): covarianceType '${type}' is not supported; '${method}' fits 'full', 'diag' \\(methods that fit '${type}': 'em'\\)`));
    }
  }
  assert.throws(() => fitSW(data, { k: 3, covarianceType: 'tied' }), /fitSW: covarianceType 'tied' is not supported; it fits 'full', 'diag'/);
  // A tied / spherical target GMM is handed to the distance-based fitters as its full / diag form.
  const r = fitGMM('sw', tied, { k: 3, seed: 1, maxIter: 20, L: 8 });
  assert.equal(r.gmm.k, 3);
  assert.throws(() => fitSW(tied, { k: 3 }), /a 'tied' target GMM must be passed as target.withCovarianceType\('full'\)/);
  for (const type of COVARIANCE_TYPES) assert.equal(fitGMM('em', data, { k: 3, covarianceType: type, seed: 0 }).gmm.covarianceType, type);
});

test('warm start: init from a fitted GMM continues from exactly that mixture, also into another covariance type', () => {
  const first = fitGMM('em', data, { k: 3, seed: 0, maxIter: 3, tol: 0 });
  const more = fitGMM('em', data, { k: 3, init: first.gmm, maxIter: 50 });
  assert.equal(more.history.loss[0], first.gmm.nll(data), 'the first E-step is that of the given mixture');
  const straight = fitGMM('em', data, { k: 3, seed: 0, maxIter: 3 + more.history.iterations, tol: 0 });
  close(more.gmm.means, straight.gmm.means, 1e-9, 'three steps then the rest = all the steps at once');
  const asTied = fitGMM('em', data, { k: 3, init: first.gmm, covarianceType: 'tied', maxIter: 1, tol: 0 });
  assert.equal(asTied.history.loss[0], first.gmm.withCovarianceType('tied').nll(data));
});
