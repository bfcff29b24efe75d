/**
 * Defaults of src/gmm/linalg/dense.ts: choleskyInto's shift 0 (the factor of A itself, by hand), and cholesky's
 * maxTries 6 with a jitter (six retries, τ = jitter · 10^t: a matrix needing the sixth passes, the message after
 * running out counts 6 and quotes the sixth shift).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, choleskyInto, NotPositiveDefiniteError } from '../../../src/gmm/linalg/dense.ts';

const F = (...v: number[]) => Float64Array.from(v);

test('choleskyInto: shift 0 by default — the factor of A itself, by hand', () => {
  // A = [[4, 2], [2, 5]]: L = [[2, 0], [1, 2]].
  const out = new Float64Array(4);
  assert.equal(choleskyInto(F(4, 2, 2, 5), 2, out), -1);
  assert.deepEqual([...out], [2, 0, 1, 2]);
  const shifted = new Float64Array(4);
  choleskyInto(F(4, 2, 2, 5), 2, shifted, 1);
  assert.notDeepEqual([...shifted], [...out]);
  // A zero pivot fails without a shift.
  assert.equal(choleskyInto(F(0, 0, 0, 1), 2, new Float64Array(4)), 0);
});

test('cholesky with a jitter retries 6 times by default', () => {
  // The shifts tried after the first failure, as the loop computes them.
  const taus: number[] = [];
  for (let t = 0, tau = 1e-6; t < 7; t++, tau *= 10) taus.push(tau);
  // −0.05 on the diagonal needs τ > 0.05: the sixth shift (≈ 0.1) passes.
  const L = cholesky(F(-0.05, 0, 0, 1), 2, { jitter: 1e-6 });
  assert.deepEqual([...L], [Math.sqrt(-0.05 + taus[5]), 0, 0, Math.sqrt(1 + taus[5])]);
  assert.throws(() => cholesky(F(-0.05, 0, 0, 1), 2, { jitter: 1e-6, maxTries: 5 }), NotPositiveDefiniteError, 'five retries are not enough');
  // −0.5 needs the seventh: not tried by default.
  assert.throws(() => cholesky(F(-0.5, 0, 0, 1), 2, { jitter: 1e-6 }), (e: unknown) => {
    assert.ok(e instanceof NotPositiveDefiniteError);
    assert.equal(e.message, `matrix is not positive-definite (Cholesky failed at pivot 0 after 6 jittered retries up to ${taus[5]})`);
    return true;
  });
  assert.deepEqual([...cholesky(F(-0.5, 0, 0, 1), 2, { jitter: 1e-6, maxTries: 7 })], [Math.sqrt(-0.5 + taus[6]), 0, 0, Math.sqrt(1 + taus[6])]);
});
