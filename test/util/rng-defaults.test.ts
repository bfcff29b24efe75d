/**
 * The default of `new Rng()` (seed 0, src/util/rng.ts) observed through its output: the stream of an
 * unseeded generator is exactly that of seed 0 and not that of seed 1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/util/rng.ts';

const draws = (r: Rng, n = 8): number[] => Array.from({ length: n }, () => r.nextUint32());

test('new Rng() is seed 0: same seed property and stream as new Rng(0), unlike new Rng(1)', () => {
  const unseeded = new Rng();
  assert.equal(unseeded.seed, 0);
  const a = draws(unseeded);
  assert.deepEqual(a, draws(new Rng(0)));
  assert.notDeepEqual(a, draws(new Rng(1)));
});
