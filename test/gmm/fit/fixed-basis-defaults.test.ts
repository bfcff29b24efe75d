/**
 * FixedBasisProduct.sample's documented default seed 0 (src/gmm/fit/fixed-basis.ts): sample(n) is sample(n, 0)
 * and differs from sample(n, 1); the draws follow the marginals' supports (point masses, so every coordinate is
 * center + one of the marginal's means).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedBasisProduct } from '../../../src/gmm/fit/fixed-basis.ts';
import { mixture1D } from '../../../src/gmm/model/mixture1d.ts';

test('FixedBasisProduct.sample: seed 0 by default, seed 1 differs', () => {
  const center = Float64Array.of(10, -5);
  const p = new FixedBasisProduct(2, center, null, [mixture1D([-1, 0, 1, 2], 0, [0.25, 0.25, 0.25, 0.25]), mixture1D([-3, 3], 0, [0.5, 0.5])]);
  const byDefault = p.sample(12);
  assert.deepEqual(byDefault, p.sample(12, 0));
  assert.notDeepEqual(Array.from(byDefault.data), Array.from(p.sample(12, 1).data));
  for (let i = 0; i < 12; i++) {
    assert.ok([9, 10, 11, 12].includes(byDefault.data[i * 2]), `x ${byDefault.data[i * 2]}`);
    assert.ok([-8, -2].includes(byDefault.data[i * 2 + 1]), `y ${byDefault.data[i * 2 + 1]}`);
  }
});
