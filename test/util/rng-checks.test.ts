/**
 * The Rng's argument checks (src/util/rng.ts) with their exact messages, on both sides: a finite seed, and
 * categorical weights with a positive sum (the smallest positive sum accepted, and then always drawn).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../_assert.ts';
import { Rng } from '../../src/util/rng.ts';

test('Rng: the seed must be finite', () => {
  for (const seed of [NaN, Infinity, -Infinity]) throwsExactly(() => new Rng(seed), `Error: Rng: seed must be a finite number, got ${seed}`);
  for (const seed of [-1.5, 1e300, -Number.MAX_VALUE]) {
    const r = new Rng(seed);
    assert.equal(r.seed, seed);
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1, `${seed}: ${u}`);
  }
});

test('Rng.categorical: weights with a positive sum', () => {
  const r = new Rng(3);
  const msg = 'Error: Rng.categorical: weights must have a positive sum';
  for (const w of [[], [0], [0, 0]]) throwsExactly(() => r.categorical(w), msg);
  // Each weight finite and ≥ 0 (a negative one could cancel a positive one in the sum).
  for (const [w, bad, at] of [[[-1, 1], -1, 0], [[1, NaN], NaN, 1], [[0, 2, Infinity], Infinity, 2], [[1, -5e-324], -5e-324, 1]] as const) {
    throwsExactly(() => r.categorical(w), `Error: Rng.categorical: weights must be finite and >= 0, got ${bad} at index ${at}`);
  }
  // Weights whose sum overflows keep their proportions: 5e307 vs 1.5e308 draws index 1 about 3/4 of the time.
  const big = new Rng(8);
  let ones = 0;
  for (let i = 0; i < 4000; i++) ones += big.categorical([5e307, 1.5e308]);
  assert.ok(Math.abs(ones / 4000 - 0.75) < 0.03, `share of index 1: ${ones / 4000}`);
  // The same draws as weights / max: the rescaling is exactly that.
  const a = new Rng(9), b = new Rng(9);
  for (let i = 0; i < 200; i++) assert.equal(a.categorical([1e308, 1.7e308, 5e307]), b.categorical([1e308 / 1.7e308, 1, 5e307 / 1.7e308]));
  // The smallest positive sum is accepted, and the only positive weight is always drawn.
  for (let i = 0; i < 20; i++) assert.equal(r.categorical([0, 5e-324, 0]), 1);
  assert.equal(r.categorical([0, 0, 2]), 2);
});
