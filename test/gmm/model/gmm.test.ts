/**
 * The GMM model: validation, JSON round trip and rejection of malformed files, seeded sampling, log-density
 * against a direct formula, projection onto a direction, EM-style density kernels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM, GMMValidationError } from '../../../src/gmm/model/gmm.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';
import { mixtureCdf } from '../../../src/gmm/model/mixture1d.ts';
import { Rng } from '../../../src/util/rng.ts';

const g3 = new GMM({
  k: 3, d: 3, covarianceType: 'full',
  weights: new Float64Array([0.2, 0.5, 0.3]),
  means: new Float64Array([0, 0, 0, 3, -1, 2, -2, 4, 1]),
  covariances: new Float64Array([
    1, 0.3, 0.1, 0.3, 2, -0.4, 0.1, -0.4, 0.7,
    0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5,
    2, 1, 0.5, 1, 1.5, 0.2, 0.5, 0.2, 1,
  ]),
});
const gDiag = new GMM({ k: 2, d: 2, covarianceType: 'diag', weights: new Float64Array([0.4, 0.6]), means: new Float64Array([0, 1, -1, 2]), covariances: new Float64Array([0.5, 2, 1, 0.25]) });

/** Direct formula: log Σ_c w_c (2π)^{-d/2} det Σ_c^{-1/2} exp(-½ (x−μ)ᵀ Σ⁻¹ (x−μ)), 3×3 by cofactors. */
function directLogPdf(g: GMM, x: number[]): number {
  let p = 0;
  for (let c = 0; c < g.k; c++) {
    const S = Array.from(g.componentCovariance(c));
    const [a, b, cc, d, e, f, gg, h, i] = S;
    const det = a * (e * i - f * h) - b * (d * i - f * gg) + cc * (d * h - e * gg);
    const inv = [e * i - f * h, cc * h - b * i, b * f - cc * e, f * gg - d * i, a * i - cc * gg, cc * d - a * f, d * h - e * gg, b * gg - a * h, a * e - b * d].map((v) => v / det);
    const dx = [0, 1, 2].map((j) => x[j] - g.means[c * 3 + j]);
    let q = 0;
    for (let r = 0; r < 3; r++) for (let s = 0; s < 3; s++) q += dx[r] * inv[r * 3 + s] * dx[s];
    p += g.weights[c] * Math.exp(-0.5 * q) / Math.sqrt((2 * Math.PI) ** 3 * det);
  }
  return Math.log(p);
}

test('log-density equals the direct formula; nll is the mean; responsibilities sum to 1', () => {
  const rng = new Rng(3);
  const rows = Array.from({ length: 40 }, () => [rng.range(-4, 5), rng.range(-3, 5), rng.range(-2, 4)]);
  const pts = pointsFromRows(rows);
  const lp = g3.logPdf(pts);
  for (let i = 0; i < rows.length; i++) assert.ok(Math.abs(lp[i] - directLogPdf(g3, rows[i])) < 1e-10, `point ${i}: ${lp[i]} vs ${directLogPdf(g3, rows[i])}`);
  assert.ok(Math.abs(g3.nll(pts) + lp.reduce((s, v) => s + v, 0) / rows.length) < 1e-12);
  const R = g3.predictProba(pts);
  for (let i = 0; i < rows.length; i++) assert.ok(Math.abs(R[i * 3] + R[i * 3 + 1] + R[i * 3 + 2] - 1) < 1e-12);
  // Diagonal covariances equal their full expansion.
  const q = pointsFromRows([[0.3, 1.2], [-5, 7], [40, -40]]);
  const a = gDiag.logPdf(q), b = gDiag.toFull().logPdf(q);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-9 * Math.max(1, Math.abs(a[i])));
  // Far away: still finite (log-sum-exp), no underflow to -Infinity.
  assert.ok(Number.isFinite(a[2]) && a[2] < -1000);
});

test('sampling is deterministic per seed and matches the moments', () => {
  const s1 = g3.sample(20000, 42), s2 = g3.sample(20000, 42), s3 = g3.sample(20000, 43);
  assert.deepEqual(Array.from(s1.points.data.subarray(0, 300)), Array.from(s2.points.data.subarray(0, 300)));
  assert.deepEqual(Array.from(s1.components.subarray(0, 300)), Array.from(s2.components.subarray(0, 300)));
  assert.notDeepEqual(Array.from(s1.points.data.subarray(0, 30)), Array.from(s3.points.data.subarray(0, 30)));
  const mean = [0, 0, 0];
  for (let c = 0; c < 3; c++) for (let j = 0; j < 3; j++) mean[j] += g3.weights[c] * g3.means[c * 3 + j];
  const m = [0, 0, 0];
  for (let i = 0; i < 20000; i++) for (let j = 0; j < 3; j++) m[j] += s1.points.data[i * 3 + j] / 20000;
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(m[j] - mean[j]) < 0.06, `mean ${j}: ${m[j]} vs ${mean[j]}`);
  const counts = [0, 0, 0];
  for (const c of s1.components) counts[c]++;
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(counts[c] / 20000 - g3.weights[c]) < 0.015);
});

test('projection onto a direction is the 1-D mixture of the projected samples', () => {
  const theta = [0.6, -0.8, 0];
  const m = g3.project(theta);
  const s = g3.sample(20000, 9).points;
  for (const x of [-3, 0, 2, 5]) {
    let below = 0;
    for (let i = 0; i < s.n; i++) if (s.data[i * 3] * 0.6 - s.data[i * 3 + 1] * 0.8 <= x) below++;
    assert.ok(Math.abs(below / s.n - mixtureCdf(m, x)) < 0.012, `F(${x})`);
  }
});

test('JSON round trip (full and diag, with meta) is exact', () => {
  for (const g of [g3.withMeta({ method: 'em', seed: 3 }), gDiag]) {
    const back = GMM.fromJSONString(g.toJSONString());
    assert.deepEqual(Array.from(back.weights), Array.from(g.weights));
    assert.deepEqual(Array.from(back.means), Array.from(g.means));
    assert.deepEqual(Array.from(back.covariances), Array.from(g.covariances));
    assert.equal(back.covarianceType, g.covarianceType);
    assert.deepEqual(back.meta, g.meta);
  }
});

test('malformed JSON is rejected with a message naming the problem', () => {
  const good = g3.toJSON();
  const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });
  assert.throws(() => GMM.fromJSONString('{"format": "gmmgen-gmm",'), /GMM JSON: not valid JSON/);
  assert.throws(() => GMM.fromJSONString(bad({ format: 'other' })), /field 'format' must be 'gmmgen-gmm'/);
  assert.throws(() => GMM.fromJSONString(bad({ version: 2 })), /unsupported version 2/);
  assert.throws(() => GMM.fromJSONString(bad({ k: 2 })), /weights/);
  assert.throws(() => GMM.fromJSONString(bad({ weights: [0.2, 0.5, 'x'] })), /field 'weights\[2\]' must be a finite number/);
  assert.throws(() => GMM.fromJSONString(bad({ weights: [0.2, 0.5, 0.5] })), /weights must sum to 1/);
  assert.throws(() => GMM.fromJSONString(bad({ means: [[0, 0, 0], [1, 2, 3]] })), /field 'means' must be an array of 3 rows/);
  const cov = JSON.parse(JSON.stringify(good.covariances));
  cov[1][0][0] = -1;
  assert.throws(() => GMM.fromJSONString(bad({ covariances: cov })), /covariances\[1\] \(component 1\) is not positive-definite/);
  cov[1][0][0] = 0.5; cov[1][0][1] = 0.3;
  assert.throws(() => GMM.fromJSONString(bad({ covariances: cov })), /covariances\[1\] \(component 1\) is not symmetric/);
  assert.throws(() => GMM.fromJSONString(bad({ extra: 1 })), /unknown field 'extra'/);
  assert.throws(() => GMM.fromJSON([1, 2]), GMMValidationError);
});

test('constructor validation names the field and component', () => {
  const base = g3.params();
  assert.throws(() => new GMM({ ...base, weights: new Float64Array([0.5, 0.7, -0.2]) }), /weights\[2\] \(component 2\) is negative/);
  assert.throws(() => new GMM({ ...base, means: new Float64Array(9).fill(NaN) }), /means\[0\]\[0\] \(component 0\) is not finite/);
  assert.throws(() => new GMM({ ...base, k: 0 }), /k must be a positive integer/);
  assert.throws(() => new GMM({ ...gDiag.params(), covariances: new Float64Array([1, 1, 0, 1]) }), /covariances\[1\]\[0\] \(component 1\) must be a positive variance/);
  assert.throws(() => g3.sample(-1), /n must be a non-negative integer/);
  assert.throws(() => g3.project([1, 0]), /direction must have length d = 3/);
});
