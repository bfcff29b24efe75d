/**
 * The dense linear algebra of src/gmm/linalg/dense.ts on small matrices worked out by hand: Cholesky and what is
 * built on it (triangular solves, log-determinant, inverses), the general LU solve with several right-hand
 * sides and a pivot swap, products, transpose, symmetrisation and the symmetric eigen-decomposition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/util/rng.ts';
import {
  asymmetry, cholesky, choleskySolve, identity, inverseFromCholesky, invertLower, logDetFromCholesky, matmul, matvec,
  NotPositiveDefiniteError, solve, solveLower, solveLowerRows, solveLowerT, symEigen, symEigenRows, symmetrize, transpose,
} from '../../../src/gmm/linalg/dense.ts';

const F = (...v: number[]) => Float64Array.from(v);
function near(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

// A = L Lᵀ with L = [[2, 0, 0], [1, 3, 0], [−1, 2, 1]]: A = [[4, 2, −2], [2, 10, 5], [−2, 5, 6]], det A = (2·3·1)² = 36.
const L = F(2, 0, 0, 1, 3, 0, -1, 2, 1);
const A = F(4, 2, -2, 2, 10, 5, -2, 5, 6);

test('Cholesky of a hand-built matrix, its log-determinant, and the error on an indefinite one', () => {
  near(cholesky(A, 3), L, 1e-14, 'L');
  assert.ok(Math.abs(logDetFromCholesky(L, 3) - Math.log(36)) < 1e-14);
  assert.throws(() => cholesky(F(1, 2, 2, 1), 2), (e: Error) => e instanceof NotPositiveDefiniteError && e.pivot === 1);
  // With jitter, a singular PSD matrix factorises as A + τ I.
  const J = cholesky(F(1, 1, 1, 1), 2, { jitter: 1e-6 });
  assert.ok(Math.abs(J[0] ** 2 - 1) < 1e-5 && J[1] === 0 && Number.isFinite(J[3]) && J[3] > 0);
});

test('triangular solves, Cholesky solve and inverses', () => {
  // L x = (2, 7, 2) → x = (1, 2, −1); Lᵀ y = (3, 7, 1) is checked by multiplying back.
  near(solveLower(L, 3, [2, 7, 2]), [1, 2, -1], 1e-14, 'L x = b');
  const y = solveLowerT(L, 3, [3, 7, 1]);
  near([2 * y[0] + y[1] - y[2], 3 * y[1] + 2 * y[2], y[2]], [3, 7, 1], 1e-14, 'Lᵀ y = b');
  // A x = b with x = (1, −1, 2): b = A x = (−2, 2, 5).
  near(choleskySolve(L, 3, [-2, 2, 5]), [1, -1, 2], 1e-13, 'A x = b');
  // A longer `out` (e.g. a scratch buffer) gets the d solutions and nothing past them; `out` may alias `b`.
  for (const solveFn of [solveLower, solveLowerT, choleskySolve]) {
    const out = F(0, 0, 0, 42);
    solveFn(L, 3, [2, 7, 2], out);
    near(Array.from(out.subarray(0, 3)), Array.from(solveFn(L, 3, [2, 7, 2])), 0, `${solveFn.name} into a longer buffer`);
    assert.equal(out[3], 42, `${solveFn.name} wrote past its d entries`);
    const inPlace = F(2, 7, 2, 42);
    solveFn(L, 3, inPlace, inPlace);
    near(Array.from(inPlace.subarray(0, 3)), Array.from(solveFn(L, 3, [2, 7, 2])), 0, `${solveFn.name} in place`);
    assert.equal(inPlace[3], 42, `${solveFn.name} in place wrote past its d entries`);
  }
  // Rows of B solved at once: each row r → L⁻¹ r.
  near(solveLowerRows(L, 3, F(2, 7, 2, 4, 14, 4), 2), [1, 2, -1, 2, 4, -2], 1e-14, 'rows');
  // Only the first n rows: a third row of B (and of a longer `out`, or of B itself when solved in place) is left as it was.
  const rowsOut = F(0, 0, 0, 0, 0, 0, 42, 42, 42);
  solveLowerRows(L, 3, F(2, 7, 2, 4, 14, 4, 1, 1, 1), 2, rowsOut);
  near(Array.from(rowsOut), [1, 2, -1, 2, 4, -2, 42, 42, 42], 1e-14, 'rows into a longer buffer');
  const rowsInPlace = F(2, 7, 2, 4, 14, 4, 1, 1, 1);
  solveLowerRows(L, 3, rowsInPlace, 2, rowsInPlace);
  near(Array.from(rowsInPlace), [1, 2, -1, 2, 4, -2, 1, 1, 1], 1e-14, 'rows in place, first 2 of 3');
  near(matmul(invertLower(L, 3), L, 3, 3, 3), identity(3), 1e-14, 'L⁻¹ L');
  near(matmul(inverseFromCholesky(L, 3), A, 3, 3, 3), identity(3), 1e-13, 'A⁻¹ A');
});

test('LU solve with a pivot swap and two right-hand sides; a singular matrix is refused', () => {
  // A = [[0, 1, 2], [1, 0, 1], [2, 1, 0]] needs a row swap (A00 = 0). X = [[1, 0], [2, 1], [3, −1]] → B = A X.
  const M = F(0, 1, 2, 1, 0, 1, 2, 1, 0);
  const X = F(1, 0, 2, 1, 3, -1);
  const B = matmul(M, X, 3, 3, 2);
  near(B, [8, -1, 4, -1, 4, 1], 0, 'B by hand');
  near(solve(M, 3, B, 2), X, 1e-14, 'X (m = 2)');
  near(solve(M, 3, [8, 4, 4]), [1, 2, 3], 1e-14, 'x (m = 1)');
  assert.deepEqual(Array.from(M), [0, 1, 2, 1, 0, 1, 2, 1, 0], 'inputs unchanged');
  assert.throws(() => solve(F(1, 2, 2, 4), 2, [1, 2]), /singular/);
  assert.throws(() => solve(M, 3, [1, 2]), /B must have length d\*m = 3, got 2/);
});

test('products, transpose, identity, symmetrise and asymmetry', () => {
  near(matmul(F(1, 2, 3, 4, 5, 6), F(1, 0, 0, 1, 1, 1), 2, 3, 2), [4, 5, 10, 11], 0, 'A B (2×3 · 3×2)');
  near(matvec(F(1, 2, 3, 4, 5, 6), [1, -1, 2], 2, 3), [5, 11], 0, 'A x');
  near(transpose(F(1, 2, 3, 4, 5, 6), 2, 3), [1, 4, 2, 5, 3, 6], 0, 'Aᵀ');
  near(identity(2, 3), [3, 0, 0, 3], 0, '3 I');
  near(symmetrize(F(1, 2, 4, 3), 2), [1, 3, 3, 3], 0, '(A + Aᵀ)/2');
  assert.equal(asymmetry(F(1, 2, 4, 3), 2), 2 / 4);
  assert.equal(asymmetry(F(0.1, 0.2, 0.4, 0.3), 2), 0.2);
});

test('symmetric eigen-decomposition of matrices with known spectra', () => {
  // 1×1 (a 1-d covariance): the entry itself with the vector (1), also as rows.
  for (const v of [-2.5, 0, 3]) {
    const one = symEigen(F(v), 1);
    assert.deepEqual([...one.values, ...one.vectors], [v, 1], `symEigen([${v}])`);
    const oneRows = symEigenRows([v], 1);
    assert.deepEqual([...oneRows.values, ...oneRows.rows], [v, 1], `symEigenRows([${v}])`);
  }
  // [[2, 1], [1, 2]]: 1 with (1, −1)/√2 and 3 with (1, 1)/√2.
  const e = symEigen(F(2, 1, 1, 2), 2);
  near(e.values, [1, 3], 1e-14, 'eigenvalues');
  const r = Math.SQRT1_2;
  near([Math.abs(e.vectors[0]), Math.abs(e.vectors[2])], [r, r], 1e-14, 'first eigenvector');
  assert.ok(e.vectors[0] * e.vectors[2] < 0, 'first eigenvector is ±(1, −1)');
  assert.ok(e.vectors[1] * e.vectors[3] > 0, 'second eigenvector is ±(1, 1)');
  // A = L Lᵀ above: A v = λ v for every pair, ascending values, orthonormal vectors, trace and determinant kept.
  const s = symEigen(A, 3);
  assert.ok(s.values[0] <= s.values[1] && s.values[1] <= s.values[2]);
  assert.ok(Math.abs(s.values[0] + s.values[1] + s.values[2] - 20) < 1e-12, 'trace 20');
  assert.ok(Math.abs(s.values[0] * s.values[1] * s.values[2] - 36) < 1e-11, 'det 36');
  for (let j = 0; j < 3; j++) {
    const v = [s.vectors[j], s.vectors[3 + j], s.vectors[6 + j]];
    near(matvec(A, v, 3, 3), v.map((x) => s.values[j] * x), 1e-12, `A v${j}`);
    for (let k = 0; k < 3; k++) {
      const dot = s.vectors[j] * s.vectors[k] + s.vectors[3 + j] * s.vectors[3 + k] + s.vectors[6 + j] * s.vectors[6 + k];
      assert.ok(Math.abs(dot - (j === k ? 1 : 0)) < 1e-13, `v${j} · v${k}`);
    }
  }
});

test('symmetric eigen-decomposition of random 5×5 to 40×40 matrices: A v = λ v, orthonormal vectors, ascending values, the trace', () => {
  // Long QL sweeps (several rotations per step) only happen beyond 3×3; the known-spectra cases above are too small.
  const rng = new Rng(1);
  for (const n of [5, 8, 16, 40]) {
    for (let t = 0; t < 3; t++) {
      const M = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) M[i * n + j] = M[j * n + i] = rng.normal();
      const { values, vectors } = symEigen(M, n);
      let trace = 0, sum = 0;
      for (let i = 0; i < n; i++) { trace += M[i * n + i]; sum += values[i]; }
      assert.ok(Math.abs(trace - sum) < 1e-10 * n, `n ${n}: trace ${trace} vs Σλ ${sum}`);
      for (let k = 0; k < n; k++) {
        if (k > 0) assert.ok(values[k - 1] <= values[k], `n ${n}: ascending`);
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let j = 0; j < n; j++) av += M[i * n + j] * vectors[j * n + k];
          assert.ok(Math.abs(av - values[k] * vectors[i * n + k]) < 1e-10 * n, `n ${n}: (A v${k})[${i}]`);
        }
        for (let q = 0; q <= k; q++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += vectors[i * n + k] * vectors[i * n + q];
          assert.ok(Math.abs(dot - (k === q ? 1 : 0)) < 1e-10, `n ${n}: v${k} · v${q}`);
        }
      }
    }
  }
});
