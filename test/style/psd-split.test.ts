/**
 * The selected-eigenpair path of src/style/psd.ts on matrices whose tridiagonal form splits (a zero off-diagonal):
 * diagonal matrices and a block-diagonal one. There the shifted tridiagonal solve of inverse iteration meets an exact
 * zero pivot with a zero sub-diagonal (λ equal to a diagonal entry), which the pivot floor must replace by ±tiny; the
 * eigenvectors must still be orthonormal unit vectors and the PSD projection must equal the dense reference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eigenpairsBelow, projectPSDRows, projectPSDSelected } from '../../src/style/psd.ts';

const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('diagonal matrices: the negative entries\' eigenpairs are unit vectors, the projection clips them to zero', () => {
  const diag = [-1, 2, -3, 4, 0.5, -0.25];
  const n = diag.length;
  const a = new Float64Array(n * n);
  diag.forEach((v, i) => (a[i * n + i] = v));
  const r = eigenpairsBelow(a, n, 0);
  near(r.low, [-3, -1, -0.25], 1e-12, 'eigenvalues below 0');
  // Row p is ± the unit vector of the p-th lowest negative entry (indices 2, 0, 5).
  [2, 0, 5].forEach((j, p) => {
    const row = Array.from(r.rows.subarray(p * n, (p + 1) * n), Math.abs);
    near(row, Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)), 1e-12, `eigenvector of ${r.low[p]}`);
  });
  const want = new Float64Array(n * n);
  diag.forEach((v, i) => (want[i * n + i] = Math.max(v, 0)));
  near(projectPSDSelected(a, n).matrix, want, 1e-12, 'projection');
  const floorAt = 0.1;
  diag.forEach((v, i) => (want[i * n + i] = Math.max(v, floorAt)));
  near(projectPSDSelected(a, n, floorAt).matrix, want, 1e-12, 'projection with a floor');
});

test('a block-diagonal matrix (the tridiagonal form splits between the blocks): selected = dense projection', () => {
  // Blocks [[1, 2], [2, 1]] (eigenvalues 3, −1) and [[−2, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 2]].
  const n = 5;
  const a = new Float64Array(n * n);
  const put = (i: number, j: number, v: number) => { a[i * n + j] = v; a[j * n + i] = v; };
  put(0, 0, 1); put(1, 1, 1); put(0, 1, 2);
  put(2, 2, -2); put(3, 3, 1); put(4, 4, 2); put(2, 3, 0.5); put(3, 4, 0.5);
  const sel = projectPSDSelected(a, n);
  const dense = projectPSDRows(a, n);
  near(sel.matrix, dense.matrix, 1e-10, 'selected vs dense');
  near(sel.values, dense.values, 1e-12, 'eigenvalues');
  assert.ok(sel.matrix.every(Number.isFinite));
});
