/**
 * Argument checks of src/gmm/linalg/dense.ts with their exact messages, on both sides of each edge: solve's B length
 * and singularity threshold (pivot ≤ 1e-14 × the largest entry), the square-matrix check (type and length), matmul's
 * operand lengths (longer buffers are allowed), symEigenRows' entry count, projectPSD's minEig.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { matmul, projectPSD, solve, symEigen, symEigenRows } from '../../../src/gmm/linalg/dense.ts';

const f64 = (a: number[]) => Float64Array.from(a);

test('solve: B of d·m entries; hand-solved diagonal systems with one and two right-hand sides', () => {
  const A = f64([2, 0, 0, 4]);
  assert.deepEqual([...solve(A, 2, [2, 4])], [1, 1]);
  // B 2×2 row-major [[2, 4], [6, 8]]: X = diag(1/2, 1/4) B.
  assert.deepEqual([...solve(A, 2, [2, 4, 6, 8], 2)], [1, 2, 1.5, 2]);
  throwsExactly(() => solve(A, 2, [2, 4, 6]), 'RangeError: solve: B must have length d*m = 2, got 3');
  throwsExactly(() => solve(A, 2, [2]), 'RangeError: solve: B must have length d*m = 2, got 1');
  throwsExactly(() => solve(A, 2, [2, 4, 6], 2), 'RangeError: solve: B must have length d*m = 4, got 3');
});

test('solve: singular below a pivot of 1e-14 × the largest entry, solved just above it', () => {
  // [[1, 2], [2, 4]]: rows swapped (pivot 2), then the second row becomes [0, 0].
  throwsExactly(() => solve(f64([1, 2, 2, 4]), 2, [1, 1]), 'RangeError: solve: matrix is singular (pivot 1 is 0)');
  throwsExactly(() => solve(f64([1, 0, 0, 1e-15]), 2, [1, 1]), 'RangeError: solve: matrix is singular (pivot 1 is 1e-15)');
  throwsExactly(() => solve(f64([0, 0, 0, 1]), 2, [1, 1]), 'RangeError: solve: matrix is singular (pivot 0 is 0)');
  const x = solve(f64([1, 0, 0, 1e-13]), 2, [1, 1]);
  assert.equal(x[0], 1);
  assert.ok(Math.abs(x[1] / 1e13 - 1) < 1e-12, String(x[1]));
  // The threshold is relative: scaled by 1e20, the same matrix solves, and a 1e-15 pivot is still singular.
  const y = solve(f64([1e20, 0, 0, 1e7]), 2, [1e20, 1e7]);
  assert.deepEqual([...y], [1, 1]);
  throwsExactly(() => solve(f64([1e20, 0, 0, 1e5]), 2, [1, 1]), 'RangeError: solve: matrix is singular (pivot 1 is 100000)');
});

test('square-matrix check: a Float64Array of at least d×d entries (solve, symEigen)', () => {
  throwsExactly(() => solve([1, 0, 0, 1] as never, 2, [1, 1]), 'TypeError: solve: A: expected a Float64Array');
  throwsExactly(() => solve(f64([1, 0, 0]), 2, [1, 1]), 'RangeError: solve: A: expected a 2×2 matrix (length 4), got length 3');
  throwsExactly(() => symEigen(f64([1, 0, 0]), 2), 'RangeError: symEigen: expected a 2×2 matrix (length 4), got length 3');
  throwsExactly(() => symEigen(new Float32Array(4) as never, 2), 'TypeError: symEigen: expected a Float64Array');
  // [[2, 1], [1, 2]]: eigenvalues 1 and 3.
  const { values } = symEigen(f64([2, 1, 1, 2]), 2);
  assert.deepEqual([...values].map((v) => +v.toFixed(12)).sort(), [1, 3]);
});

test('matmul: A of at least m·k and B of at least k·n entries', () => {
  // [1 2] · [3 4]ᵀ = 11.
  assert.deepEqual([...matmul(f64([1, 2]), f64([3, 4]), 1, 2, 1)], [11]);
  assert.deepEqual([...matmul(f64([1, 2, 99]), f64([3, 4, 99]), 1, 2, 1)], [11]);
  throwsExactly(() => matmul(f64([1]), f64([3, 4]), 1, 2, 1), 'RangeError: matmul: A must have length m*k = 2, got 1');
  throwsExactly(() => matmul(f64([1, 2]), f64([3]), 1, 2, 1), 'RangeError: matmul: B must have length k*n = 2, got 1');
  throwsExactly(() => matmul(f64([1, 2, 3, 4, 5]), f64([1, 0, 0, 1]), 3, 2, 2), 'RangeError: matmul: A must have length m*k = 6, got 5');
});

test('symEigenRows: exactly n² entries', () => {
  const { values } = symEigenRows([2, 1, 1, 2], 2);
  assert.deepEqual([...values].map((v) => +v.toFixed(12)).sort(), [1, 3]);
  throwsExactly(() => symEigenRows([2, 1, 1], 2), 'RangeError: symEigenRows: expected 2×2 = 4 entries, got 3');
  throwsExactly(() => symEigenRows([2, 1, 1, 2, 0], 2), 'RangeError: symEigenRows: expected 2×2 = 4 entries, got 5');
});

test('projectPSD: minEig must be finite; eigenvalues clipped at it', () => {
  const M = f64([-1, 0, 0, 2]);
  assert.deepEqual([...projectPSD(M, 2)].map((v) => v + 0), [0, 0, 0, 2]);
  assert.deepEqual([...projectPSD(M, 2, 0.5)].map((v) => v + 0), [0.5, 0, 0, 2]);
  assert.deepEqual([...projectPSD(M, 2, -5)].map((v) => v + 0), [-1, 0, 0, 2]);
  for (const m of [NaN, Infinity, -Infinity]) throwsExactly(() => projectPSD(M, 2, m), `RangeError: projectPSD: minEig must be finite, got ${m}`);
});
