/**
 * The latent library's argument checks at the exact edges of their ranges (seeds in [0, 2^40], counts in
 * [1, 1 000 000] by default) and splitByClass's defaults (no limit: every code, in order; seed 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCount, checkSeed } from '../../src/latent/model-set.ts';
import { splitByClass } from '../../src/latent/fit.ts';

test('checkSeed: 0 and 2^40 accepted; −1, 2^40 + 1, fractions and strings refused, naming the field', () => {
  for (const s of [0, 1, 2 ** 40]) assert.doesNotThrow(() => checkSeed(s));
  for (const s of [-1, 2 ** 40 + 1, 0.5, '1', NaN]) {
    assert.throws(() => checkSeed(s), (e: Error) => e.message === `seed must be an integer in [0, 2^40], got ${JSON.stringify(s)}`, String(s));
  }
  assert.throws(() => checkSeed(-1, 'modelSeed'), /^LatentSetError: modelSeed must be/);
});

test('checkCount: 1 and 1 000 000 accepted by default; 0 and 1 000 001 refused; `what` and `max` apply', () => {
  for (const n of [1, 1_000_000]) assert.doesNotThrow(() => checkCount(n));
  for (const n of [0, 1_000_001, 2.5, '3', null]) {
    assert.throws(() => checkCount(n), (e: Error) => e.message === `n must be an integer in [1, 1000000], got ${JSON.stringify(n)}`, String(n));
  }
  assert.doesNotThrow(() => checkCount(10, 'count', 10));
  assert.throws(() => checkCount(11, 'count', 10), (e: Error) => e.message === 'count must be an integer in [1, 10], got 11');
});

test('splitByClass: every code of each class in order without a limit; a limit ≥ the class size keeps all; seed 0 by default', () => {
  const n = 40, d = 2;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const data = Float32Array.from({ length: n * d }, (_, i) => i);
  const codes = { n, d, data, labels };
  const all = splitByClass(codes, [1, 3]);
  assert.deepEqual([...all.keys()], [1, 3]);
  const rows1 = Array.from({ length: 10 }, (_, j) => 4 * j + 1);
  assert.deepEqual(Array.from(all.get(1)!.data), rows1.flatMap((r) => [2 * r, 2 * r + 1]));
  assert.equal(all.get(3)!.n, 10);
  assert.deepEqual(splitByClass(codes, [1], 10).get(1), all.get(1), 'limit = class size: all codes');
  const sub = splitByClass(codes, [1], 9).get(1)!;
  assert.equal(sub.n, 9);
  assert.deepEqual(sub, splitByClass(codes, [1], 9, 0).get(1));
  assert.notDeepEqual(sub, splitByClass(codes, [1], 9, 1).get(1));
  // The kept rows are class-1 rows in their original order.
  const kept = Array.from({ length: 9 }, (_, j) => sub.data[2 * j] / 2);
  assert.ok(kept.every((r, j) => rows1.includes(r) && (j === 0 || r > kept[j - 1])), kept.join());
  assert.throws(() => splitByClass(codes, [7]), /class 7 has no codes \(labels present: 0, 1, 2, 3\)/);
});
