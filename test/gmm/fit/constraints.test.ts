/**
 * The constraints every fit must keep, checked where they bite: weights on the simplex and covariances
 * positive definite even when a component has nothing to fit (k larger than the number of clusters, a start
 * far off), diagonal EM covariances per component (the M-step divides each component's scatter by its own
 * mass), and the PSD projection on matrices that need it, against values worked out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { fitGMM, FIT_METHODS, type FitMethod } from '../../../src/gmm/fit/registry.ts';
import { projectPSD, symEigen } from '../../../src/gmm/linalg/dense.ts';
import { flooredSoftmax } from '../../../src/gmm/fit/sw.ts';
import { fitFixedBasis1D } from '../../../src/gmm/fit/fixed-basis.ts';
import { normCdf } from '../../../src/gmm/model/mixture1d.ts';

function close(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
}

test('projectPSD: clips negative eigenvalues (to a floor when given), keeps PSD input, symmetrises', () => {
  // [[1, 2], [2, 1]] has eigenvalues 3 and −1 with eigenvectors (1, 1)/√2 and (1, −1)/√2.
  const a = new Float64Array([1, 2, 2, 1]);
  assert.deepEqual(Array.from(projectPSD(a, 2), (v) => +v.toFixed(12)), [1.5, 1.5, 1.5, 1.5]);
  // With the floor 0.5: 3·½[[1,1],[1,1]] + 0.5·½[[1,−1],[−1,1]].
  assert.deepEqual(Array.from(projectPSD(a, 2, 0.5), (v) => +v.toFixed(12)), [1.75, 1.25, 1.25, 1.75]);
  // Already PSD (eigenvalues 1 and 3): unchanged; an asymmetric input is symmetrised first.
  const psd = new Float64Array([2, 1, 1, 2]);
  Array.from(projectPSD(psd, 2)).forEach((v, i) => close(v, psd[i], 1e-14, `PSD entry ${i}`));
  Array.from(projectPSD(new Float64Array([2, 0, 2, 2]), 2)).forEach((v, i) => close(v, psd[i], 1e-14, `symmetrised entry ${i}`));
  // A 3×3 with one negative eigenvalue: the result has the other two eigenvalues, 0 instead of the negative one,
  // and is the nearest PSD matrix (the Frobenius distance equals |λ_min|).
  const b = new Float64Array([2, -1, 0.5, -1, -1, 0.3, 0.5, 0.3, 1]);
  const ev = symEigen(b, 3).values;
  assert.ok(ev[0] < 0 && ev[1] > 0);
  const p = projectPSD(b, 3);
  const evp = symEigen(p, 3).values;
  close(evp[0], 0, 1e-12, 'clipped eigenvalue');
  close(evp[1], ev[1], 1e-12, 'kept eigenvalue 1');
  close(evp[2], ev[2], 1e-12, 'kept eigenvalue 2');
  let dist = 0;
  for (let i = 0; i < 9; i++) dist += (p[i] - b[i]) ** 2;
  close(Math.sqrt(dist), -ev[0], 1e-12, 'distance to the input');
});

test('flooredSoftmax (the SW weight map): softmax, every weight at least minWeight × the largest, never 0', () => {
  const map = (v: number[], minWeight: number) => {
    const z = Float64Array.from(v);
    const w = new Float64Array(v.length);
    flooredSoftmax(z, minWeight, w);
    return { w: Array.from(w), z: Array.from(z) };
  };
  // Plain softmax when nothing is below the floor: logits log 1, log 3 → 1/4, 3/4.
  const a = map([0, Math.log(3)], 1e-3);
  close(a.w[0], 0.25, 1e-15, 'w0');
  close(a.w[1], 0.75, 1e-15, 'w1');
  // A logit 50 below the largest is raised to max + log(0.01): weights 1/1.01 and 0.01/1.01 (not e^-50 ≈ 2e-22).
  const b = map([0, -50], 0.01);
  close(b.w[0], 1 / 1.01, 1e-15, 'kept weight');
  close(b.w[1], 0.01 / 1.01, 1e-15, 'floored weight');
  close(b.z[1], Math.log(0.01), 1e-15, 'logit raised in place');
  // -Infinity (a weight that was exactly 0) comes back at the floor; minWeight 0 is the plain softmax and lets it stay 0.
  const c = map([1, -Infinity, 1], 1e-3);
  close(c.w[1], 1e-3 / 2.001, 1e-15, 'revived weight');
  assert.deepEqual(map([0, -Infinity], 0).w, [1, 0]);
  // Huge logits do not overflow (the largest is subtracted first).
  const d = map([1000, 1000], 1e-3);
  assert.deepEqual(d.w, [0.5, 0.5]);
});

test('fixed-basis Algorithm 2: the final clip at 0 and renormalisation, against the closed form', () => {
  // With lr = 2/(N dL) the closed form is pi_m = 2 c_m (1 + 1/n)/N − 1/n: negative for every empty bin.
  const x = [0, 0.1, 0.2, 0.2, 2.9, 3, 5.5, 6];
  const N = x.length;
  const n = 12;
  const auto = fitFixedBasis1D(x, { n, t: 2, algorithm: 2 });
  const { r, sigma, d, counts } = auto;
  const mass = (lo: number, hi: number) => normCdf(hi / sigma) - normCdf(lo / sigma);
  const dL = mass(-d, d) - mass(-r, -r + d);
  // lr 'auto' (1/(N dL)) gives pi_m = c_m (1 + 1/n)/N ≥ 0, which renormalises to c_m/N.
  counts.forEach((c, m) => close(auto.mixture.weights[m], c / N, 1e-12, `auto weight ${m}`));
  counts.forEach((c, m) => c === 0 && assert.equal(auto.mixture.weights[m], 0, `auto: empty bin ${m} has weight exactly 0`));
  const fb = fitFixedBasis1D(x, { n, t: 2, algorithm: 2, lr: 2 / (N * dL) });
  const raw = Array.from(counts, (c) => (2 * c * (1 + 1 / n)) / N - 1 / n);
  assert.ok(raw.some((v) => v < 0) && counts.some((c) => c === 0), 'some bins need the clip');
  const kept = raw.map((v) => Math.max(0, v));
  const s = kept.reduce((a, b) => a + b, 0);
  kept.forEach((v, m) => close(fb.mixture.weights[m], v / s, 1e-12, `clipped weight ${m} (count ${counts[m]})`));
  counts.forEach((c, m) => c === 0 && assert.equal(fb.mixture.weights[m], 0, `empty bin ${m} has weight exactly 0`));
});

test('fixed-basis Algorithm 1: the convolution with the kernel equals the paper\'s per-point update (Eq. 7–8) done point by point, end bins included', () => {
  // Points in the first and the last bin, and an empty middle; lr 0.05 keeps some weights negative before the clip.
  const x = [0, 0.05, 0.1, 1.4, 2.95, 3];
  const n = 6;
  for (const lr of [1, 0.05]) {
    const fb = fitFixedBasis1D(x, { n, t: 1.5, algorithm: 1, lr });
    const { centers, sigma, d, r, counts } = fb;
    assert.ok(counts[0] > 0 && counts[n - 1] > 0, 'the end bins hold points');
    const mass = (lo: number, hi: number) => normCdf(hi / sigma) - normCdf(lo / sigma);
    const pi = new Array(n).fill(1 / n);
    for (const xj of x) {
      // The nearest centre mu_i of x_j, then dL_m for every component m (centre mu_m, sd sigma).
      let i = 0;
      for (let m = 1; m < n; m++) if (Math.abs(xj - centers[m]) < Math.abs(xj - centers[i])) i = m;
      for (let m = 0; m < n; m++) {
        const c = centers[m] - centers[i];
        const dL = mass(-d - c, d - c) - 0.5 * (mass(r - d - c, r - c) + mass(-r - c, -r + d - c));
        pi[m] += lr * dL;
      }
    }
    const kept = pi.map((v) => Math.max(0, v));
    const s = kept.reduce((a, b) => a + b, 0);
    kept.forEach((v, m) => close(fb.mixture.weights[m], v / s, 1e-12, `lr ${lr}, weight ${m} (count ${counts[m]})`));
  }
  // lr 'auto' is the paper's step, 1, for Algorithm 1.
  assert.deepEqual(fitFixedBasis1D(x, { n, t: 1.5, algorithm: 1 }).mixture.weights, fitFixedBasis1D(x, { n, t: 1.5, algorithm: 1, lr: 1 }).mixture.weights);
});

/** Two blobs, fitted with four components from a start that puts two components far from any data. */
const twoBlobs = new GMM({
  k: 2, d: 2, covarianceType: 'full', weights: new Float64Array([0.5, 0.5]),
  means: new Float64Array([-3, 0, 3, 0]), covariances: new Float64Array([0.3, 0, 0, 0.3, 0.3, 0, 0, 0.3]),
}).sample(600, 3).points;
const farStart = new GMM({
  k: 4, d: 2, covarianceType: 'full', weights: new Float64Array([0.4, 0.4, 0.1, 0.1]),
  means: new Float64Array([-3, 0, 3, 0, 0, 12, 0, -12]), covariances: new Float64Array(4 * 4).map((_, i) => (i % 4 === 0 || i % 4 === 3 ? 0.5 : 0)),
});
const SHORT: Record<FitMethod, Record<string, unknown>> = {
  em: { init: farStart, maxIter: 50 },
  nll: { init: farStart, maxIter: 60, lr: 0.05 },
  sw: { init: farStart, maxIter: 40, L: 8 },
  sc2: { init: farStart, maxIter: 80, batchSize: 200 },
  mmd: { init: farStart, maxIter: 60, bandwidth: 1 },
  'fixed-basis': {},
};

for (const method of FIT_METHODS) {
  test(`${method}: weights stay on the simplex and covariances positive definite when components have nothing to fit`, () => {
    const g = fitGMM(method, twoBlobs, { k: 4, seed: 1, ...SHORT[method] }).gmm;
    let sum = 0;
    for (let c = 0; c < g.k; c++) {
      assert.ok(g.weights[c] >= 0, `${method}: weight ${c} = ${g.weights[c]}`);
      sum += g.weights[c];
      const ev = symEigen(g.componentCovariance(c), 2).values;
      assert.ok(ev[0] > 0 && Number.isFinite(ev[1]), `${method}: component ${c} covariance eigenvalues ${Array.from(ev)}`);
    }
    close(sum, 1, 1e-9, `${method}: weight sum`);
    assert.ok(Number.isFinite(g.nll(twoBlobs)), `${method}: finite NLL`);
  });
}

test('EM with diagonal covariances recovers each component\'s own variances (unequal sizes)', () => {
  // Weights 0.15 / 0.85: a scatter divided by the total count instead of the component's mass shrinks the small
  // component's variances about sevenfold.
  const truth = new GMM({
    k: 2, d: 3, covarianceType: 'diag', weights: new Float64Array([0.15, 0.85]),
    means: new Float64Array([-5, 0, 2, 4, 1, -1]), covariances: new Float64Array([0.5, 2, 1, 1.5, 0.25, 3]),
  });
  const X = truth.sample(4000, 2).points;
  const g = fitGMM('em', X, { k: 2, seed: 0, covarianceType: 'diag' }).gmm;
  // A diagonal start is used as it is for a diagonal fit (and turned into a full one for a full fit).
  const fromTruth = fitGMM('em', X, { k: 2, covarianceType: 'diag', init: truth, maxIter: 1 });
  assert.equal(fromTruth.gmm.covarianceType, 'diag');
  assert.ok(Math.abs(fromTruth.history.loss[0] - truth.nll(X)) < 1e-9, `first EM step starts from the truth: ${fromTruth.history.loss[0]} vs ${truth.nll(X)}`);
  const full = fitGMM('em', X, { k: 2, covarianceType: 'full', init: truth, maxIter: 1 });
  assert.ok(Math.abs(full.history.loss[0] - truth.nll(X)) < 1e-9, 'the full fit starts from the same mixture');
  const order = g.means[0] < g.means[3] ? [0, 1] : [1, 0];
  for (let c = 0; c < 2; c++) {
    const f = order[c];
    close(g.weights[f], truth.weights[c], 0.02, `weight ${c}`);
    for (let j = 0; j < 3; j++) {
      const ratio = g.covariances[f * 3 + j] / truth.covariances[c * 3 + j];
      assert.ok(Math.abs(ratio - 1) < 0.12, `component ${c} variance ${j}: fitted ${g.covariances[f * 3 + j].toFixed(3)} vs ${truth.covariances[c * 3 + j]}`);
      close(g.means[f * 3 + j], truth.means[c * 3 + j], 0.1, `component ${c} mean ${j}`);
    }
  }
});

test('fitFixedBasis1D: points that are all equal have no grid range and are refused unless a range is given', () => {
  assert.throws(() => fitFixedBasis1D([2, 2, 2, 2], { n: 8, t: 2 }), /all points are equal; the grid range is empty \(pass range\)/);
  const fb = fitFixedBasis1D([2, 2, 2, 2], { n: 8, t: 2, range: [0, 4] });
  assert.equal(fb.mixture.weights.length, 8);
  close(Array.from(fb.mixture.weights).reduce((a, b) => a + b, 0), 1, 1e-12, 'weights sum');
});
