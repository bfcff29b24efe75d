/**
 * cholesky's jittered retries (src/gmm/linalg/dense.ts) by hand: the shift is jitter, then ×10 per retry, added to
 * the diagonal; a failure at the first pivot (index 0) is retried like any other; the message counts the retries
 * and quotes the last shift; jitter 0 means no retry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, NotPositiveDefiniteError } from '../../../src/gmm/linalg/dense.ts';

const F = (...v: number[]) => Float64Array.from(v);

test('a failure at pivot 0 is retried: diag(0, 1) factorises as diag(√τ, √(1 + τ)) with τ = jitter', () => {
  const Lz = cholesky(F(0, 0, 0, 1), 2, { jitter: 1e-6 });
  assert.deepEqual([...Lz], [Math.sqrt(1e-6), 0, 0, Math.sqrt(1 + 1e-6)]);
  // −5e-6 on the diagonal: τ = 1e-6 fails, the retry with τ = 1e-5 passes.
  const Ln = cholesky(F(-5e-6, 0, 0, 1), 2, { jitter: 1e-6 });
  const tau = 1e-6 * 10; // the shift of the first retry, as the loop computes it
  assert.deepEqual([...Ln], [Math.sqrt(-5e-6 + tau), 0, 0, Math.sqrt(1 + tau)]);
});

test('retries run out: the error names the pivot, the retries and the last shift; jitter 0 has none', () => {
  const bad = F(-1, 0, 0, 1);
  assert.throws(() => cholesky(bad, 2, { jitter: 1e-6, maxTries: 3, name: 'Σ' }), (e: unknown) => {
    assert.ok(e instanceof NotPositiveDefiniteError);
    assert.equal(e.pivot, 0);
    assert.equal(e.message, 'Σ is not positive-definite (Cholesky failed at pivot 0 after 3 jittered retries up to 0.0001)');
    return true;
  });
  assert.throws(() => cholesky(bad, 2), (e: unknown) => e instanceof NotPositiveDefiniteError && e.message === 'matrix is not positive-definite (Cholesky failed at pivot 0)');
});
