/**
 * erf near 0 (src/gmm/model/mixture1d.ts) to full relative accuracy: for |x| ≤ 0.46875 it is x R(x²) directly, where
 * 1 − erfc(x) would cancel (erf(1e-10) kept about 6 digits that way). Reference: the Taylor series, accurate to
 * rounding for |x| < 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erf, erfc } from '../../../src/gmm/model/mixture1d.ts';

const series = (x: number) => {
  let term = x, s = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    s += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * s;
};

test('erf(x) to 2e-15 relative for small |x|, both signs; erfc keeps 1 − erf there', () => {
  for (const x of [1e-300, 1e-100, 1e-10, 3e-6, 1e-3, 0.05, 0.2, 0.46875]) {
    for (const v of [x, -x]) {
      const want = series(v);
      assert.ok(Math.abs(erf(v) - want) <= 2e-15 * Math.abs(want), `erf(${v}) = ${erf(v)}, series ${want}`);
      assert.ok(Math.abs(erfc(v) - (1 - want)) <= 4.5e-16, `erfc(${v}) = ${erfc(v)} vs ${1 - want}`); // within two ulps of values up to 1.5
    }
  }
  assert.equal(erf(0), 0);
  assert.ok(Object.is(erf(-0), -0), 'erf(−0) = −0');
});
