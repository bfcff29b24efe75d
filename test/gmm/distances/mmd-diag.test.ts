/**
 * The diagonal-covariance fast paths of the MMD fitter's kernels (mmdSelfTerm, mmdPointsTerm) against the
 * full-matrix path on the same model written with full covariances, and against the reference closed form
 * (mmd2Grad, which always runs the general pair kernel), at d = 5 with unequal variances.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mmd2, mmd2Grad, mmdPointsTerm, mmdSelfTerm, pointsKernelMean, type GradAcc } from '../../../src/gmm/distances/mmd.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import type { GMMParams } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

const k = 3, d = 5;
const rng = new Rng(11);
const diag: GMMParams = {
  k, d, covarianceType: 'diag',
  weights: new Float64Array([0.2, 0.5, 0.3]),
  means: Float64Array.from({ length: k * d }, () => 2 * rng.normal()),
  covariances: Float64Array.from({ length: k * d }, () => 0.1 + 2 * rng.uniform()),
};
const asFull = (p: GMMParams): GMMParams => {
  const cov = new Float64Array(p.k * p.d * p.d);
  for (let c = 0; c < p.k; c++) for (let t = 0; t < p.d; t++) cov[c * p.d * p.d + t * p.d + t] = p.covariances[c * p.d + t];
  return { ...p, covarianceType: 'full', covariances: cov };
};
const full = asFull(diag);
const X = new GMM(full).sample(200, 3).points;
const h = 1.7;
const acc = (cov: 'diag' | 'full'): GradAcc => ({ dW: new Float64Array(k), dM: new Float64Array(k * d), dC: new Float64Array(cov === 'full' ? k * d * d : k * d) });
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-11 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function compare(term: (p: GMMParams, g: GradAcc) => number, what: string): void {
  const gd = acc('diag'), gf = acc('full');
  const vd = term(diag, gd), vf = term(full, gf);
  close(vd, vf, `${what} value`);
  assert.ok(Math.abs(vd) > 1e-6, `${what}: the case is not degenerate (value ${vd})`);
  for (let i = 0; i < k; i++) close(gd.dW[i], gf.dW[i], `${what} dW[${i}]`);
  for (let i = 0; i < k * d; i++) close(gd.dM[i], gf.dM[i], `${what} dM[${i}]`);
  for (let c = 0; c < k; c++) for (let t = 0; t < d; t++) close(gd.dC[c * d + t], gf.dC[c * d * d + t * d + t], `${what} dC[${c}, ${t}]`);
}

test('diagonal MMD self term equals the full-matrix path (value and every gradient entry)', () => {
  compare((p, g) => mmdSelfTerm(p, h, g), 'self term');
  assert.equal(mmdSelfTerm(diag, h, null), mmdSelfTerm(diag, h, acc('diag')), 'value without a gradient');
});

test('diagonal MMD points term equals the full-matrix path (value and every gradient entry)', () => {
  compare((p, g) => mmdPointsTerm(p, X, h, g), 'points term');
  assert.equal(mmdPointsTerm(diag, X, h, null), mmdPointsTerm(diag, X, h, acc('diag')), 'value without a gradient');
});

test('diagonal fast kernels sum to the reference MMD² and its gradient, checked by central differences', () => {
  const g = acc('diag');
  const v = mmdSelfTerm(diag, h, g) + mmdPointsTerm(diag, X, h, g) + pointsKernelMean(X, h);
  const ref = mmd2Grad(diag, X, { bandwidth: h });
  close(v, ref.value, 'MMD²');
  for (let i = 0; i < k * d; i++) close(g.dC[i], ref.dCovariances[i], `dC[${i}] vs reference`);
  const at = (c: number, t: number, dx: number, field: 'means' | 'covariances') => {
    const p = { ...diag, [field]: Float64Array.from(diag[field]) };
    p[field][c * d + t] += dx;
    return mmd2(p, X, { bandwidth: h });
  };
  for (const [c, t] of [[0, 0], [2, 4]]) {
    const fm = (at(c, t, 1e-6, 'means') - at(c, t, -1e-6, 'means')) / 2e-6;
    assert.ok(Math.abs(fm - g.dM[c * d + t]) < 1e-8, `finite difference dM[${c}, ${t}]: ${fm} vs ${g.dM[c * d + t]}`);
    const fd = (at(c, t, 1e-6, 'covariances') - at(c, t, -1e-6, 'covariances')) / 2e-6;
    assert.ok(Math.abs(fd - g.dC[c * d + t]) < 1e-7, `finite difference dC[${c}, ${t}]: ${fd} vs ${g.dC[c * d + t]}`);
  }
});

test('diagonal kernels refuse a non-positive M with a message naming it', () => {
  const bad = { ...diag, covariances: Float64Array.from(diag.covariances) };
  bad.covariances[3] = -10;
  assert.throws(() => mmdSelfTerm(bad, h, null), /Sigma_i \+ Sigma_j \+ h\^2 I is not positive definite \(entry 3/);
  assert.throws(() => mmdPointsTerm(bad, X, h, null), /Sigma \+ h\^2 I is not positive definite \(entry 3/);
});

test('a GMM target: mmd2Grad.value is mmd2 (the target–target term included), and the MMD of a GMM to itself is 0', () => {
  const target: GMMParams = { ...full, weights: new Float64Array([0.6, 0.1, 0.3]), means: full.means.map((v) => v + 0.4) };
  for (const model of [diag, full]) {
    const v = mmd2(model, target, { bandwidth: h });
    assert.ok(v > 1e-4, `the case is not degenerate (MMD² ${v})`);
    close(mmd2Grad(model, target, { bandwidth: h }).value, v, `mmd2Grad value (${model.covarianceType})`);
  }
  assert.ok(Math.abs(mmd2(target, target, { bandwidth: h })) < 1e-14);
  assert.ok(Math.abs(mmd2Grad(target, target, { bandwidth: h }).value) < 1e-14);
});
