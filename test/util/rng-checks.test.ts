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
  for (const w of [[], [0], [0, 0], [-1, 1], [NaN, 1]]) throwsExactly(() => r.categorical(w), msg);
  // The smallest positive sum is accepted, and the only positive weight is always drawn.
  for (let i = 0; i < 20; i++) assert.equal(r.categorical([0, 5e-324, 0]), 1);
  assert.equal(r.categorical([0, 0, 2]), 2);
});
