/**
 * dirichletOnes' default offset 0 (src/studies/unmixing.ts): without `o` the draw fills out[0 .. r), by hand from
 * the same generator, and leaves the rest of the buffer alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirichletOnes } from '../../src/studies/unmixing.ts';
import { Rng } from '../../src/util/rng.ts';

test('dirichletOnes writes at offset 0 by default', () => {
  const out = new Float64Array(5).fill(-1);
  dirichletOnes(3, new Rng(8), out);
  const u = new Rng(8);
  const e = [0, 1, 2].map(() => -Math.log(1 - u.uniform()));
  const s = e[0] + e[1] + e[2];
  assert.deepEqual([...out], [e[0] / s, e[1] / s, e[2] / s, -1, -1]);
  const explicit = new Float64Array(5).fill(-1);
  dirichletOnes(3, new Rng(8), explicit, 0);
  assert.deepEqual(out, explicit);
});
