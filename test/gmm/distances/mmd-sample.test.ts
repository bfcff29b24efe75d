/**
 * The finite-sample MMD of Alon et al. (Eq. 21): a hand-computed value and gradient, the gradient against central
 * finite differences, unbiasedness against the library's closed form (mmd.ts), and bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mmdSample, mmdRealTerm } from '../../../src/gmm/distances/mmd-sample.ts';
import { mmd2 } from '../../../src/gmm/distances/mmd.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { Rng } from '../../../src/util/rng.ts';
import type { Points } from '../../../src/gmm/model/types.ts';

const pts = (d: number, rows: number[]): Points => ({ n: rows.length / d, d, data: Float64Array.from(rows) });

test('Eq. 21 by hand: X = {0, 1}, Y = {0, 2}, h = 1', () => {
  const X = pts(1, [0, 1]), Y = pts(1, [0, 2]);
  // XX: e^-1/2; YY: e^-2; XY: -(2/4)(1 + e^-2 + 2 e^-1/2)  =>  total (e^-2 - 1) / 2
  const r = mmdSample(X, Y, 1, { grad: true });
  assert.ok(Math.abs(r.value - (Math.exp(-2) - 1) / 2) < 1e-15, `value ${r.value}`);
  // d/dx_1 at x_1 = 0: e^-1/2 (pair term) - e^-2 (cross term)
  assert.ok(Math.abs(r.dX![0] - (Math.exp(-0.5) - Math.exp(-2))) < 1e-15, `dx1 ${r.dX![0]}`);
  assert.ok(Math.abs(mmdRealTerm(Y, 1) - Math.exp(-2)) < 1e-15);
  assert.equal(mmdSample(X, Y, 1).dX, null);
});

test('gradient with respect to the generated points matches central differences', () => {
  const rng = new Rng(3);
  const d = 3, n = 7, m = 9, h = 0.8;
  const X = pts(d, Array.from({ length: n * d }, () => rng.normal()));
  const Y = pts(d, Array.from({ length: m * d }, () => 0.5 + rng.normal()));
  const { value, dX } = mmdSample(X, Y, h, { grad: true });
  assert.ok(Math.abs(value - mmdSample(X, Y, h, { realTerm: mmdRealTerm(Y, h) }).value) < 1e-15);
  const e = 1e-6;
  let maxErr = 0, maxG = 0;
  for (let i = 0; i < n * d; i++) {
    const x0 = X.data[i];
    X.data[i] = x0 + e; const up = mmdSample(X, Y, h).value;
    X.data[i] = x0 - e; const dn = mmdSample(X, Y, h).value;
    X.data[i] = x0;
    maxErr = Math.max(maxErr, Math.abs((up - dn) / (2 * e) - dX![i]));
    maxG = Math.max(maxG, Math.abs(dX![i]));
  }
  assert.ok(maxG > 1e-3, 'a non-trivial gradient');
  assert.ok(maxErr < 1e-8, `max |fd - analytic| = ${maxErr}`);
});

test('Eq. 21 is unbiased: its mean over draws matches the closed-form MMD² between the two Gaussians', () => {
  const P = new GMM({ k: 1, d: 2, covarianceType: 'full', weights: new Float64Array([1]), means: new Float64Array([0, 0]), covariances: new Float64Array([1, 0, 0, 1]) });
  const Q = new GMM({ k: 1, d: 2, covarianceType: 'full', weights: new Float64Array([1]), means: new Float64Array([1, 0]), covariances: new Float64Array([1, 0.3, 0.3, 0.5]) });
  const exact = mmd2(P.params(), Q.params(), { bandwidth: 1 });
  const vals: number[] = [];
  for (let r = 0; r < 300; r++) vals.push(mmdSample(P.sample(30, 2 * r).points, Q.sample(30, 2 * r + 1).points, 1).value);
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / (vals.length - 1));
  const se = sd / Math.sqrt(vals.length);
  assert.ok(exact > 0.05, `a clearly positive population MMD² (${exact})`);
  assert.ok(Math.abs(mean - exact) < 4 * se, `mean ${mean} vs closed form ${exact} (se ${se})`);
});

test('bad input is named', () => {
  const X = pts(2, [0, 0, 1, 1]);
  assert.throws(() => mmdSample(X, pts(1, [0, 1]), 1), /does not match/);
  assert.throws(() => mmdSample(X, X, 0), /bandwidth/);
  assert.throws(() => mmdSample(pts(2, [0, 0]), X, 1), /at least 2 points/);
  assert.throws(() => mmdSample(X, pts(2, [0, NaN, 1, 1]), 1), /not finite/);
});
