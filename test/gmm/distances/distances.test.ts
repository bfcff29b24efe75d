/**
 * SW, SC2 and MMD of a distribution with itself ≈ 0 and growing with a shift; closed-form MMD against numerical
 * integration; the fast MMD kernels of the fitter against the reference closed form; the fixed-basis loss and
 * the 1-D algorithms on a known mixture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { checkPoints, slicedWasserstein, wasserstein1D } from '../../../src/gmm/distances/wasserstein.ts';
import { slicedCramer2 } from '../../../src/gmm/distances/cramer.ts';
import { mmd2, mmd2Grad, mmdPointsTerm, mmdSelfTerm, pointsKernelMean } from '../../../src/gmm/distances/mmd.ts';
import { fitFixedBasis1D, fixedBasisLoss, FixedBasisProduct } from '../../../src/gmm/fit/fixed-basis.ts';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import type { GMMParams, Mixture1D } from '../../../src/gmm/model/types.ts';
import { integrate } from '../_quad.ts';

const g = new GMM({
  k: 2, d: 2, covarianceType: 'full', weights: new Float64Array([0.4, 0.6]),
  means: new Float64Array([-1, 0, 1.5, 1]), covariances: new Float64Array([0.5, 0.2, 0.2, 0.8, 0.3, -0.1, -0.1, 0.4]),
});
const shifted = (s: number): GMMParams => { const p = g.params(); for (let c = 0; c < 2; c++) p.means[c * 2] += s; return p; };
const sample = g.sample(1500, 1).points;

test('SW, SC2 and MMD of a distribution with itself are ≈ 0 and grow with a shift', () => {
  const sw = [0, 0.5, 1, 2].map((s) => slicedWasserstein(shifted(s), sample, { L: 24, seed: 2 }));
  const sc = [0, 0.5, 1, 2].map((s) => slicedCramer2(shifted(s), g.params(), { L: 64, seed: 2 }));
  const mm = [0, 0.5, 1, 2].map((s) => mmd2(shifted(s), g.params(), { bandwidth: 1 }));
  assert.ok(sw[0] < 0.05, `SW of a sample with its model: ${sw[0]}`);
  assert.ok(Math.abs(sc[0]) < 1e-12, `SC2 GMM vs itself: ${sc[0]}`);
  assert.ok(Math.abs(mm[0]) < 1e-12, `MMD² GMM vs itself: ${mm[0]}`);
  for (const [name, v] of [['SW', sw], ['SC2', sc], ['MMD', mm]] as const) {
    for (let i = 1; i < v.length; i++) assert.ok(v[i] > v[i - 1], `${name} grows with the shift: ${v.join(', ')}`);
  }
  // Points against themselves: SC2 = 0 exactly, MMD ≈ 0 (point-point term), SW ≈ small (Gaussian slices vs atoms).
  assert.ok(slicedCramer2(g.params(), sample, { L: 32, seed: 1 }) < 2e-3);
  assert.ok(mmd2(g.params(), sample, { bandwidth: 1 }) < 1e-3);
  // 1-D W2 of a shifted sample grows like the shift squared.
  const m: Mixture1D = { weights: new Float64Array([1]), means: new Float64Array([0]), sds: new Float64Array([1]) };
  const x = Float64Array.from(g.sample(2000, 5).points.data.filter((_, i) => i % 2 === 0));
  const w0 = wasserstein1D(m, x.map((v) => v));
  assert.ok(wasserstein1D(m, x.map((v) => v + 1)) > w0);
});

test('closed-form MMD² (1-D) equals numerical integration of the kernel expectations', () => {
  const P = { k: 2, d: 1, covarianceType: 'full' as const, weights: new Float64Array([0.3, 0.7]), means: new Float64Array([-1, 1]), covariances: new Float64Array([0.4, 1.5]) };
  const Q = { k: 1, d: 1, covarianceType: 'full' as const, weights: new Float64Array([1]), means: new Float64Array([0.5]), covariances: new Float64Array([2]) };
  const h = 0.8;
  const pdf = (G: typeof P, x: number) => { let s = 0; for (let c = 0; c < G.k; c++) s += G.weights[c] * Math.exp(-((x - G.means[c]) ** 2) / (2 * G.covariances[c])) / Math.sqrt(2 * Math.PI * G.covariances[c]); return s; };
  const ek = (A: typeof P, B: typeof P) => integrate((x) => pdf(A, x) * integrate((y) => Math.exp(-((x - y) ** 2) / (2 * h * h)) * pdf(B, y), -15, 15, 1e-12), -15, 15, 1e-11);
  const num = ek(P, P) - 2 * ek(P, Q) + ek(Q, Q);
  const cf = mmd2(P, Q, { bandwidth: h });
  assert.ok(Math.abs(cf - num) < 1e-8 * Math.max(1, Math.abs(num)), `closed form ${cf} vs numerical ${num}`);
});

test('fast MMD kernels of the fitter equal the reference closed form and its gradient', () => {
  const P = g.params();
  const X = g.sample(300, 8).points;
  const h = 0.9;
  const grad = { dW: new Float64Array(2), dM: new Float64Array(4), dC: new Float64Array(8) };
  const v = mmdSelfTerm(P, h, grad) + mmdPointsTerm(P, X, h, grad) + pointsKernelMean(X, h);
  const ref = mmd2Grad(P, X, { bandwidth: h });
  assert.ok(Math.abs(v - ref.value) < 1e-12, `${v} vs ${ref.value}`);
  for (const [a, b] of [[grad.dW, ref.dWeights], [grad.dM, ref.dMeans], [grad.dC, ref.dCovariances]] as const) {
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-10, `gradient entry ${i}: ${a[i]} vs ${b[i]}`);
  }
  // And the gradient against a finite difference of the value (mean 0, x).
  const f = (dx: number) => { const Q = g.params(); Q.means[0] += dx; return mmd2(Q, X, { bandwidth: h }); };
  const fd = (f(1e-6) - f(-1e-6)) / 2e-6;
  assert.ok(Math.abs(fd - ref.dMeans[0]) < 1e-7, `fd ${fd} vs ${ref.dMeans[0]}`);
});

test('fixed-basis 1-D: both algorithms approximate a known mixture (small Eq. 9 loss), L = 0 against itself', () => {
  const target: Mixture1D = { weights: new Float64Array([0.3, 0.5, 0.2]), means: new Float64Array([-4, 0, 5]), sds: new Float64Array([1, 0.7, 1.5]) };
  const G = new GMM({ k: 3, d: 1, covarianceType: 'full', weights: target.weights, means: target.means, covariances: target.sds.map((s) => s * s) });
  const x = G.sample(5000, 4).points.data;
  for (const algorithm of [1, 2] as const) {
    const fb = fitFixedBasis1D(x, { n: 200, t: 2, algorithm });
    const L = fixedBasisLoss(target, fb.mixture, fb.centers, fb.d);
    assert.ok(L < 0.08, `algorithm ${algorithm}: L = ${L}`);
    assert.ok(Math.abs(fb.mixture.weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(fixedBasisLoss(fb.mixture, fb.mixture, fb.centers, fb.d) < 1e-12);
    // A uniform-weight basis is much worse than the fit.
    const flat: Mixture1D = { ...fb.mixture, weights: new Float64Array(200).fill(1 / 200) };
    assert.ok(fixedBasisLoss(target, flat, fb.centers, fb.d) > 3 * L);
  }
});

test('fixed-basis d > 1: PCA product model samples deterministically and matches the marginal spread', () => {
  const pts = g.sample(3000, 6).points;
  const r = fitGMM('fixed-basis', pts, { k: 4, seed: 0, frame: 'pca' }) as ReturnType<typeof fitGMM> & { product?: FixedBasisProduct };
  assert.ok(r.product instanceof FixedBasisProduct);
  const a = r.product!.sample(500, 3), b = r.product!.sample(500, 3);
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  const big = r.product!.sample(20000, 4);
  // Variance along each axis of the data is reproduced (the product keeps the marginals).
  for (let j = 0; j < 2; j++) {
    const v = (p: typeof pts) => { let m = 0, s = 0; for (let i = 0; i < p.n; i++) m += p.data[i * 2 + j] / p.n; for (let i = 0; i < p.n; i++) s += (p.data[i * 2 + j] - m) ** 2 / p.n; return s; };
    assert.ok(Math.abs(v(big) / v(pts) - 1) < 0.1, `variance ratio axis ${j}: ${v(big) / v(pts)}`);
  }
  assert.ok(Number.isFinite(r.product!.nll(pts)));
  assert.equal(r.gmm.k, 4);
});

test('checkPoints rejects a non-finite value at every position of the data, first and last included', () => {
  const d = 3, n = 4;
  assert.doesNotThrow(() => checkPoints({ n, d, data: new Float64Array(n * d).fill(0.5) }, 'x', d));
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const i of [0, 1, d, n * d - 1]) {
      const data = new Float64Array(n * d).fill(0.5);
      data[i] = bad;
      assert.throws(() => checkPoints({ n, d, data }, 'x'), new RegExp(`^RangeError: x\\.data\\[${i}\\] \\(point ${Math.floor(i / d)}\\) is not finite`), `data[${i}] = ${bad}`);
    }
  }
});
