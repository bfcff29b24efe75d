/**
 * The `out` buffers of src/gmm/linalg/dense.ts, as the library's users pass them: a scratch buffer that is longer
 * than the result and holds old values. Each function must write its whole result (not rely on a zeroed buffer)
 * and nothing past it, and must give what it gives with a fresh buffer. Random 5×5 / 4×3 operands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cholesky, choleskyInto, inverseFromCholesky, invertLower, lowerGram, matmul, matvec, solveLowerRows, transpose,
} from '../../../src/gmm/linalg/dense.ts';
import { Rng } from '../../../src/util/rng.ts';

const rng = new Rng(20261201);
const randn = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
const TAIL = 3;
const OLD = -7.25;

/** A buffer of `n` + TAIL entries, all set to an old value. */
const stale = (n: number) => new Float64Array(n + TAIL).fill(OLD);

function sameWithTail(got: Float64Array, want: Float64Array, label: string): void {
  assert.deepEqual(Array.from(got.subarray(0, want.length)), Array.from(want), `${label}: result in a stale, longer buffer`);
  assert.deepEqual(Array.from(got.subarray(want.length)), new Array(TAIL).fill(OLD), `${label}: wrote past its ${want.length} entries`);
}

/** A random SPD 5×5 matrix and its Cholesky factor. */
const d = 5;
const G = randn(d * d);
const A = matmul(G, transpose(G, d, d), d, d, d);
for (let i = 0; i < d; i++) A[i * d + i] += d;
const L = cholesky(A, d);

test('invertLower, inverseFromCholesky and lowerGram fill a stale, longer buffer exactly as a fresh one', () => {
  sameWithTail(invertLower(L, d, stale(d * d)), invertLower(L, d), 'invertLower');
  sameWithTail(inverseFromCholesky(L, d, stale(d * d)), inverseFromCholesky(L, d), 'inverseFromCholesky');
  sameWithTail(lowerGram(L, 0, d, stale(d * d)), lowerGram(L, 0, d, new Float64Array(d * d)), 'lowerGram');
});

test('matmul, matvec and transpose fill a stale, longer buffer exactly as a fresh one', () => {
  const M = randn(4 * 3), N = randn(3 * 5), x = randn(3);
  sameWithTail(matmul(M, N, 4, 3, 5, stale(20)), matmul(M, N, 4, 3, 5), 'matmul');
  sameWithTail(matvec(M, x, 4, 3, stale(4)), matvec(M, x, 4, 3), 'matvec');
  sameWithTail(transpose(M, 4, 3, stale(12)), transpose(M, 4, 3), 'transpose');
});

test('choleskyInto and solveLowerRows fill a stale, longer buffer exactly as a fresh one', () => {
  const out = stale(d * d);
  assert.equal(choleskyInto(A, d, out), -1);
  sameWithTail(out, L, 'choleskyInto (upper triangle zeroed)');
  const B = randn(2 * d);
  sameWithTail(solveLowerRows(L, d, B, 2, stale(2 * d)), solveLowerRows(L, d, B, 2), 'solveLowerRows');
});
