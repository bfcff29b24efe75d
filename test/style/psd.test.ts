/**
 * The symmetric eigensolver (src/gmm/linalg/dense.ts symEigenRows, and symEigen, its column view) checked against the
 * definition of the decomposition (A v = λ v, orthonormal vectors, ascending eigenvalues), the PSD projections of
 * both libraries against the definition of the projection, and the selected-eigenpair solver of src/style/psd.ts
 * (tridiagonalisation, inverse iteration, Rayleigh–Ritz) against the full one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symEigen, projectPSD } from '../../src/gmm/index.ts';
import { symEigenRows, projectPSDRows, projectPSDSelected, eigenpairsBelow, tridiagonalize, tridiagonalEigenvalues } from '../../src/style/psd.ts';
import { Rng } from '../../src/util/rng.ts';

function randomSym(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

/** Checks that (values, vector p = vec(p)) is an eigen-decomposition of the symmetric n × n matrix a. */
function assertDecomposition(a: Float64Array, n: number, values: Float64Array, vec: (p: number) => Float64Array, name: string): void {
  assert.equal(values.length, n, `${name}: number of eigenvalues`);
  for (let p = 1; p < n; p++) assert.ok(values[p - 1] <= values[p], `${name}: eigenvalues ascending at ${p}`);
  const scale = Math.max(1, ...Array.from(values, Math.abs));
  const vs = Array.from({ length: n }, (_, p) => vec(p));
  for (let p = 0; p < n; p++) {
    const v = vs[p];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      assert.ok(Math.abs(s - values[p] * v[i]) < 1e-12 * scale * n, `${name}: (A v - λ v)[${i}] for pair ${p}`);
    }
    for (let q = 0; q <= p; q++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i] * vs[q][i];
      assert.ok(Math.abs(s - (p === q ? 1 : 0)) < 1e-12 * n, `${name}: <v${p}, v${q}> = ${s}`);
    }
  }
}

test('the eigensolver: A v = λ v, orthonormal eigenvectors, eigenvalues ascending (n = 1, 2, 7, 40, 120; both layouts)', () => {
  const rng = new Rng(4);
  for (const n of [1, 2, 7, 40, 120]) {
    const a = randomSym(n, rng);
    const rowsForm = symEigenRows(a, n);
    assertDecomposition(a, n, rowsForm.values, (p) => rowsForm.rows.subarray(p * n, (p + 1) * n), `rows n=${n}`);
    const cols = symEigen(a, n);
    assertDecomposition(a, n, cols.values, (p) => Float64Array.from({ length: n }, (_, i) => cols.vectors[i * n + p]), `columns n=${n}`);
  }
  // A diagonal matrix: its entries, sorted, with unit vectors; a repeated eigenvalue still gives an orthonormal pair.
  const diag = Float64Array.of(3, 0, 0, 0, -1, 0, 0, 0, 3);
  const e = symEigenRows(diag, 3);
  assert.deepEqual(Array.from(e.values), [-1, 3, 3]);
  assertDecomposition(diag, 3, e.values, (p) => e.rows.subarray(p * 3, p * 3 + 3), 'diag(3, -1, 3)');
  // Only the symmetric part counts: (A + Aᵀ)/2.
  const skewed = Float64Array.of(2, 1, 3, 2);
  const sym = Float64Array.of(2, 2, 2, 2);
  assert.deepEqual(Array.from(symEigenRows(skewed, 2).values), Array.from(symEigenRows(sym, 2).values));
});

test('both PSD projections raise the negative eigenvalues to 0 and keep the eigenvectors (P v = max(λ, 0) v)', () => {
  const rng = new Rng(6);
  for (const n of [1, 2, 7, 40, 120]) {
    const a = randomSym(n, rng);
    const { values, rows } = symEigenRows(a, n);
    for (const [name, P] of [['projectPSD', projectPSD(a, n)], ['projectPSDRows', projectPSDRows(a, n).matrix]] as [string, Float64Array][]) {
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(P[i * n + j], P[j * n + i], `${name} n=${n}: symmetric`);
      for (let p = 0; p < n; p++) {
        const v = rows.subarray(p * n, (p + 1) * n);
        const lam = Math.max(values[p], 0);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += P[i * n + j] * v[j];
          assert.ok(Math.abs(s - lam * v[i]) < 1e-10 * n, `${name} n=${n}: (P v - max(λ, 0) v)[${i}] for pair ${p}`);
        }
      }
    }
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

/** A symmetric n × n matrix with the given eigenvalues and a random orthonormal basis (QR of a Gaussian matrix). */
function withEigenvalues(lams: number[], rng: Rng): Float64Array {
  const n = lams.length;
  const Q: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const q = Float64Array.from({ length: n }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (const r of Q) {
        let s = 0;
        for (let i = 0; i < n; i++) s += r[i] * q[i];
        for (let i = 0; i < n; i++) q[i] -= s * r[i];
      }
    }
    const nrm = Math.hypot(...q);
    Q.push(q.map((v) => v / nrm));
  }
  const a = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += lams[k] * Q[k][i] * Q[k][j];
  return a;
}

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

test('tridiagonalisation keeps the eigenvalues (random matrices, n = 1 … 60)', () => {
  const rng = new Rng(8);
  for (const n of [1, 2, 3, 5, 17, 60]) {
    const a = randomSym(n, rng);
    const t = tridiagonalize(a, n);
    assert.equal(t.d.length, n);
    assert.equal(t.e.length, Math.max(0, n - 1));
    const ours = tridiagonalEigenvalues(t.d, t.e);
    const ref = symEigenRows(a, n).values;
    assert.ok(maxAbsDiff(ours, ref) < 1e-12 * n, `n=${n}`);
  }
  // A matrix that is tridiagonal already (every reflector is the identity) stays as it is.
  const n = 6;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = i + 1;
    if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = 0.5 * (i + 1);
  }
  const t = tridiagonalize(a, n);
  assert.deepEqual(Array.from(t.d), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(t.e), [0.5, 1, 1.5, 2, 2.5]);
  assert.throws(() => tridiagonalize(new Float64Array(5), 2), /expected 2×2/);
});

test('eigenpairsBelow: A v = λ v, orthonormal, the same eigenvalues as the full solver, clusters included', () => {
  const rng = new Rng(9);
  const cases: [string, Float64Array, number][] = [
    ['random n=40', randomSym(40, rng), 40],
    // Five equal negative eigenvalues, then a cluster 1e-12 apart, then positives: the vectors of a cluster
    // are not defined one by one, only their span; A v = λ v must still hold for each.
    ['clusters n=30', withEigenvalues([-2, -2, -2, -2, -2, -1, -1 + 1e-12, -1 + 2e-12, ...Array.from({ length: 22 }, (_, i) => 1 + i)], rng), 30],
  ];
  for (const [name, a, n] of cases) {
    const full = symEigenRows(a, n);
    const { values, low, rows } = eigenpairsBelow(a, n, 0);
    const m = full.values.filter((v) => v < 0).length;
    assert.equal(low.length, m, name);
    assert.ok(maxAbsDiff(values, full.values) < 1e-12 * n, `${name}: eigenvalues`);
    assert.ok(maxAbsDiff(low, full.values.subarray(0, m)) < 1e-12 * n, `${name}: selected eigenvalues`);
    for (let p = 0; p < m; p++) {
      const v = rows.subarray(p * n, (p + 1) * n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
        assert.ok(Math.abs(s - low[p] * v[i]) < 1e-10 * n, `${name}: A v = λ v for pair ${p}, entry ${i}`);
      }
      for (let q = 0; q <= p; q++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += v[i] * rows[q * n + i];
        assert.ok(Math.abs(s - (p === q ? 1 : 0)) < 1e-10, `${name}: <v${p}, v${q}> = ${s}`);
      }
    }
  }
  // No eigenvalue below the threshold: nothing computed.
  const pd = withEigenvalues([1, 2, 3], rng);
  assert.equal(eigenpairsBelow(pd, 3, 0).low.length, 0);
});

test('projectPSDSelected equals the full projection (few negatives, many negatives, a floor, tiny sizes)', () => {
  const rng = new Rng(10);
  // A sampled-Gram-like case: low-rank PSD plus a small symmetric perturbation (a few dozen small negatives).
  const n = 80, r = 30;
  const B = Float64Array.from({ length: n * r }, () => rng.normal());
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < r; k++) s += B[i * r + k] * B[j * r + k];
    g[i * n + j] = s;
  }
  const noise = randomSym(n, rng);
  for (let i = 0; i < n * n; i++) g[i] += 0.05 * noise[i];
  for (const [name, a, size, floor] of [
    ['gram-like', g, n, 0],
    ['random (half negative: full solver)', randomSym(50, rng), 50, 0],
    ['random with floor 0.5', randomSym(30, rng), 30, 0.5],
    ['1×1 negative', Float64Array.of(-3), 1, 0],
    ['2×2', Float64Array.of(1, 2, 2, 1), 2, 0],
  ] as [string, Float64Array, number, number][]) {
    const full = projectPSDRows(a, size, floor);
    const sel = projectPSDSelected(a, size, floor);
    const scale = Math.max(...Array.from(full.matrix, Math.abs));
    assert.ok(maxAbsDiff(sel.matrix, full.matrix) <= 1e-12 * scale * size, `${name}: matrix`);
    assert.ok(maxAbsDiff(sel.values, full.values) <= 1e-12 * scale * size, `${name}: eigenvalues`);
    assert.equal(sel.selected, full.values.filter((v) => v < floor).length, name);
  }
  assert.ok(projectPSDSelected(g, n).selected > 0 && projectPSDSelected(g, n).selected < 0.4 * n, 'the gram-like case uses the selected path');
});
