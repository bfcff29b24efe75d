/**
 * The row-stored symmetric eigensolver and PSD projection of src/style/psd.ts against the GMM library's
 * symEigen / projectPSD (same algorithm, different memory layout) and against their defining properties.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symEigen, projectPSD } from '../../src/gmm/index.ts';
import { symEigenRows, projectPSDRows } from '../../src/style/psd.ts';
import { Rng } from '../../src/util/rng.ts';

function randomSym(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

test('eigenvalues and the PSD projection agree with the GMM library (n = 1, 2, 7, 40, 120)', () => {
  const rng = new Rng(4);
  for (const n of [1, 2, 7, 40, 120]) {
    const a = randomSym(n, rng);
    const ref = symEigen(a, n);
    const ours = symEigenRows(a, n);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(ref.values[i] - ours.values[i]) < 1e-10 * n, `n=${n} eigenvalue ${i}`);
    // A W_p = λ_p W_p, rows orthonormal.
    for (const p of [0, n - 1]) {
      const w = ours.rows.subarray(p * n, (p + 1) * n);
      let nrm = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j] * w[j];
        assert.ok(Math.abs(s - ours.values[p] * w[i]) < 1e-9 * n, `n=${n} eigenvector ${p}`);
        nrm += w[i] * w[i];
      }
      assert.ok(Math.abs(nrm - 1) < 1e-12 * n);
    }
    const pr = projectPSD(a, n);
    const po = projectPSDRows(a, n).matrix;
    for (let i = 0; i < n * n; i++) assert.ok(Math.abs(pr[i] - po[i]) < 1e-10 * n, `n=${n} projection entry ${i}`);
  }
});

test('the projection with a floor raises the small eigenvalues to it and keeps the rest', () => {
  const rng = new Rng(5);
  const n = 30;
  const a = randomSym(n, rng);
  const { matrix, values } = projectPSDRows(a, n, 0.5);
  const after = symEigen(matrix, n).values;
  const want = Array.from(values, (v) => Math.max(v, 0.5)).sort((x, y) => x - y);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(after[i] - want[i]) < 1e-9, `eigenvalue ${i}: ${after[i]} vs ${want[i]}`);
  assert.throws(() => symEigenRows(new Float64Array(5), 2), /expected 2×2/);
});
