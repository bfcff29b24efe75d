import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frechetDistance, frechetFromStats, gaussianStats, sqrtmPSD } from '../../src/eval/index.ts';
import { Rng } from '../../src/util/rng.ts';

function gaussianSet(n: number, d: number, mean: number[], scale: number[], seed: number) {
  const rng = new Rng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = mean[j] + scale[j] * rng.normal();
  return { n, d, data };
}

test('identical sets give Fréchet distance ≈ 0; a pure shift gives ‖Δμ‖²', () => {
  const a = gaussianSet(3000, 6, [0, 1, 2, 3, 4, 5], [1, 2, 1, 0.5, 1, 3], 1);
  assert.ok(frechetDistance(a, a) < 1e-8, `FD(a, a) = ${frechetDistance(a, a)}`);
  const b = { ...a, data: a.data.map((v, i) => v + (i % 6 === 2 ? 3 : 0)) };
  assert.ok(Math.abs(frechetDistance(a, b) - 9) < 1e-7);
  // Two independent samples of the same distribution: small; of different ones: large.
  const a2 = gaussianSet(3000, 6, [0, 1, 2, 3, 4, 5], [1, 2, 1, 0.5, 1, 3], 2);
  const c = gaussianSet(3000, 6, [0, 1, 2, 3, 4, 5], [2, 2, 1, 0.5, 1, 3], 3);
  assert.ok(frechetDistance(a, a2) < 0.1, `same distribution: ${frechetDistance(a, a2)}`);
  assert.ok(Math.abs(frechetDistance(a, c) - 1) < 0.15, `sd 1 vs 2 on one axis: ${frechetDistance(a, c)} (expected (2-1)² = 1)`);
});

test('closed forms: diagonal covariances and a general 2×2 pair', () => {
  // Diagonal: FD = ‖μ1 − μ2‖² + Σ (σ1 − σ2)².
  const s1 = { d: 3, mean: Float64Array.of(0, 0, 1), cov: Float64Array.of(4, 0, 0, 0, 1, 0, 0, 0, 9) };
  const s2 = { d: 3, mean: Float64Array.of(1, 0, 0), cov: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 4) };
  assert.ok(Math.abs(frechetFromStats(s1, s2) - (2 + 1 + 0 + 1)) < 1e-10);
  // 2×2, non-commuting: tr sqrt(Σ1 Σ2) = sqrt(tr(Σ1Σ2) + 2 sqrt(det Σ1 det Σ2)).
  const A = [2, 0.7, 0.7, 1], B = [1, -0.4, -0.4, 3];
  const trAB = A[0] * B[0] + A[1] * B[2] + A[2] * B[1] + A[3] * B[3];
  const detA = A[0] * A[3] - A[1] * A[2], detB = B[0] * B[3] - B[1] * B[2];
  const expected = 0.25 + A[0] + A[3] + B[0] + B[3] - 2 * Math.sqrt(trAB + 2 * Math.sqrt(detA * detB));
  const got = frechetFromStats({ d: 2, mean: Float64Array.of(0.5, 0), cov: Float64Array.from(A) }, { d: 2, mean: Float64Array.of(0, 0), cov: Float64Array.from(B) });
  assert.ok(Math.abs(got - expected) < 1e-10, `${got} vs ${expected}`);
  assert.throws(() => frechetFromStats(s1, { d: 2, mean: new Float64Array(2), cov: new Float64Array(4) }), /dimensions differ/);
});

test('sqrtmPSD squares back; gaussianStats is unbiased', () => {
  const a = Float64Array.of(4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2);
  const r = sqrtmPSD(a, 3);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += r[i * 3 + k] * r[k * 3 + j];
    assert.ok(Math.abs(s - a[i * 3 + j]) < 1e-10);
  }
  const st = gaussianStats({ n: 3, d: 1, data: [1, 2, 6] });
  assert.equal(st.mean[0], 3);
  assert.equal(st.cov[0], 7); // ((−2)² + (−1)² + 3²) / 2
  // The edge: two points are enough (unbiased: divided by n − 1 = 1), one is not.
  const two = gaussianStats({ n: 2, d: 2, data: [1, 2, 3, 6] });
  assert.deepEqual(Array.from(two.mean), [2, 4]);
  assert.deepEqual(Array.from(two.cov), [2, 4, 4, 8]);
  assert.throws(() => gaussianStats({ n: 1, d: 1, data: [1] }), /^Error: gaussianStats: need at least 2 points, got n = 1$/);
  assert.throws(() => gaussianStats({ n: 2.5, d: 1, data: [1, 2] }), /^Error: gaussianStats: need at least 2 points, got n = 2.5$/);
  // n·d values exactly: one too few or too many is named (not read past the end or half a point ignored).
  for (const data of [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6, 7]]) {
    assert.throws(() => gaussianStats({ n: 3, d: 2, data }), new RegExp(`^Error: gaussianStats: data has ${data.length} values, expected n·d = 6$`));
  }
});
