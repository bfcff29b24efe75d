/**
 * The argument checks of the normal quantile functions (src/gmm/model/mixture1d.ts) with their exact messages: p
 * and q in [0, 1], both ends accepted (±Infinity), just outside and NaN refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { normCdf, normQuantile, normSfInverse } from '../../../src/gmm/model/mixture1d.ts';

test('normQuantile: p in [0, 1]', () => {
  assert.equal(normQuantile(0), -Infinity);
  assert.equal(normQuantile(1), Infinity);
  assert.equal(normQuantile(0.5), 0);
  assert.ok(Math.abs(normCdf(normQuantile(0.975)) - 0.975) < 1e-14);
  for (const p of [-1e-300, 1 + 2 ** -52, NaN, -Infinity]) throwsExactly(() => normQuantile(p), `RangeError: normQuantile: p must be in [0, 1], got ${p}`);
});

test('normSfInverse: q in [0, 1]', () => {
  assert.equal(normSfInverse(0), Infinity);
  assert.equal(normSfInverse(1), -Infinity);
  assert.equal(normSfInverse(0.5) + 0, 0);
  assert.ok(Math.abs(1 - normCdf(normSfInverse(0.025)) - 0.025) < 1e-14);
  for (const q of [-1e-300, 1 + 2 ** -52, NaN, Infinity]) throwsExactly(() => normSfInverse(q), `RangeError: normSfInverse: q must be in [0, 1], got ${q}`);
});
