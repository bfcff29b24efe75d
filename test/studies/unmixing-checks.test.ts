/**
 * unmixingSample's argument checks (src/studies/unmixing.ts), with their exact messages, at their edges: A of d·r
 * entries, σ_W ≥ 0 (0 allowed: noise-free points lie on the simplex of A's columns).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unmixingSample } from '../../src/studies/unmixing.ts';
import { Rng } from '../../src/util/rng.ts';

test('unmixingSample: A of d·r entries and sigmaW ≥ 0, exact messages; sigmaW = 0 gives points in the span of A', () => {
  const A = Float64Array.of(1, 0, 0, 1, 1, 1); // d = 3, r = 2
  assert.throws(() => unmixingSample(A, 3, 3, 4, 0.1, new Rng(1)), (e: unknown) => e instanceof RangeError && (e as Error).message === 'unmixingSample: A has 6 entries, expected d·r = 9');
  for (const bad of [-1e-12, -1, NaN]) {
    assert.throws(() => unmixingSample(A, 3, 2, 4, bad, new Rng(1)), (e: unknown) => e instanceof RangeError && (e as Error).message === `unmixingSample: sigmaW must be >= 0, got ${bad}`, String(bad));
  }
  const { X, B } = unmixingSample(A, 3, 2, 5, 0, new Rng(1));
  for (let i = 0; i < 5; i++) {
    const [b0, b1] = [B[i * 2], B[i * 2 + 1]];
    assert.ok(Math.abs(b0 + b1 - 1) < 1e-12 && b0 >= 0 && b1 >= 0, 'abundances on the simplex');
    // x = A b with A's rows (1, 0), (0, 1), (1, 1).
    assert.deepEqual([...X.data.subarray(i * 3, i * 3 + 3)].map((v) => +v.toFixed(12)), [b0, b1, b0 + b1].map((v) => +v.toFixed(12)));
  }
});
