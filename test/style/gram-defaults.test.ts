/**
 * factorTriOfGram's documented zero-pivot tolerance (src/style/gram.ts: a pivot ≤ tol · trace(G) is taken as zero,
 * default tol 3e-6), observed on diag(1, d): the second pivot d is kept when d > 3e-6 · (1 + d) and zeroed below,
 * exactly as with tol = 3e-6 written out and unlike tol = 4e-6.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factorTriOfGram } from '../../src/style/gram.ts';

/** Upper triangle (isometric layout) of diag(1, d). */
const diag = (d: number) => [1, 0, d];

test('factorTriOfGram: pivots up to 3e-6 · trace are zero by default', () => {
  // 3.5e-6 > 3e-6 · 1.0000035: kept, R = diag(1, √3.5e-6).
  const kept = Array.from(factorTriOfGram(diag(3.5e-6), 2));
  assert.deepEqual(kept, [1, 0, Math.sqrt(3.5e-6)]);
  assert.deepEqual(kept, Array.from(factorTriOfGram(diag(3.5e-6), 2, 0, 3e-6)));
  assert.deepEqual(Array.from(factorTriOfGram(diag(3.5e-6), 2, 0, 4e-6)), [1, 0, 0]);
  // 2.5e-6 < 3e-6 · 1.0000025: zeroed.
  assert.deepEqual(Array.from(factorTriOfGram(diag(2.5e-6), 2)), [1, 0, 0]);
});
