/**
 * Rng's derived draws against their definitions on the same stream: int(n) = ⌊u·n⌋ (n = 1 included, the smallest
 * valid bound), range(a, b) = a + (b − a)·u, normals() = successive normal(), shuffle = Fisher–Yates with
 * j = int(i + 1) from the last index down; and int's argument check at and beyond its edges.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { throwsExactly } from '../_assert.ts';

test('Rng.int(n) is ⌊u·n⌋ of the same stream for n = 1, 2, 7, 2³¹; n = 1 always gives 0', () => {
  for (const n of [1, 2, 7, 2 ** 31]) {
    const a = new Rng(11), b = new Rng(11);
    for (let i = 0; i < 50; i++) assert.equal(a.int(n), Math.floor(b.uniform() * n), `n = ${n}, draw ${i}`);
  }
  const r = new Rng(3);
  for (let i = 0; i < 20; i++) assert.equal(r.int(1), 0);
});

test('Rng.int refuses n that is not a positive integer, naming it', () => {
  const r = new Rng(0);
  for (const n of [0, -1, 0.5, 1.5, NaN, Infinity]) {
    throwsExactly(() => r.int(n), `Error: Rng.int: n must be a positive integer, got ${n}`);
  }
});

test('Rng.range(a, b) is a + (b − a)·u; normals fills with successive normal() draws', () => {
  const a = new Rng(5), b = new Rng(5);
  for (let i = 0; i < 20; i++) assert.equal(a.range(-3, 4.5), -3 + 7.5 * b.uniform());
  const c = new Rng(9), d = new Rng(9);
  const out = c.normals(new Float64Array(7)); // odd length: the spare of the polar method is used across calls
  assert.deepEqual([...out], Array.from({ length: 7 }, () => d.normal()));
  assert.equal(c.normal(), d.normal(), 'the streams stay in step after normals()');
});

test('Rng.shuffle is Fisher–Yates from the last index down with j = int(i + 1); permutation(n) shuffles 0..n−1', () => {
  const a = new Rng(21), b = new Rng(21);
  const got = a.shuffle(['a', 'b', 'c', 'd', 'e', 'f']);
  const want = ['a', 'b', 'c', 'd', 'e', 'f'];
  for (let i = want.length - 1; i > 0; i--) {
    const j = Math.floor(b.uniform() * (i + 1));
    [want[i], want[j]] = [want[j], want[i]];
  }
  assert.deepEqual(got, want);
  assert.deepEqual([...new Rng(4).permutation(6)], [...new Rng(4).shuffle(Int32Array.of(0, 1, 2, 3, 4, 5))]);
  assert.deepEqual([...new Rng(4).permutation(1)], [0]);
  assert.deepEqual([...new Rng(4).permutation(0)], []);
});
