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

test('fitLatentSet option checks, in order, each at its edge (the accepted value reaches the next check)', async () => {
  const { fitLatentSet, checkCodes, compactJson, classFile, classSeed } = await import('../../src/latent/fit.ts');
  const codes = { n: 4, d: 2, data: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]), labels: [0, 0, 1, 1] };
  const base = { codes, method: 'em' as const, k: 1, outDir: '/nonexistent/never-written' };
  const rejects = (o: Record<string, unknown>, message: string) =>
    assert.rejects(fitLatentSet({ ...base, ...o } as never), (e: Error) => {
      assert.equal(`${e.name}: ${e.message}`, `LatentSetError: ${message}`);
      return true;
    });
  await rejects({ method: 'kmeans' }, 'unknown method "kmeans": expected one of em, nll, sw, sc2, fixed-basis, mmd');
  for (const k of [0, 1.5]) await rejects({ k }, `k must be a positive integer, got ${k}`);
  for (const seed of [-1, 0.5]) await rejects({ seed }, `seed must be a non-negative integer, got ${seed}`);
  for (const limit of [0, 2.5]) await rejects({ limit }, `limit must be a positive integer, got ${limit}`);
  for (const workers of [-1, 1.5]) await rejects({ workers }, `workers must be a non-negative integer, got ${workers}`);
  for (const precision of [-1, 18, 2.5]) await rejects({ precision }, `precision must be an integer in [0, 17], got ${precision}`);
  for (const key of ['k', 'seed', 'covarianceType', 'onStep']) {
    await rejects({ fitOptions: { [key]: 1 } }, `fit option '${key}' is set by fit-latent itself (use its own flag)`);
  }
  // The accepted edges: k 1, seed 0, limit 1, workers 0, precision 0 and 17 reach the reserved-key check.
  for (const ok of [{ seed: 0, limit: 1, workers: 0, precision: 0 }, { precision: 17, limit: null }]) {
    await rejects({ ...ok, fitOptions: { seed: 1 } }, "fit option 'seed' is set by fit-latent itself (use its own flag)");
  }
  // Then the codes.
  await rejects({ codes: { ...codes, labels: [0, 0, 1] } }, 'codes: 4 codes but 3 labels');
  await rejects({ classes: [0, 2] }, 'class 2 has no codes (labels present: 0, 1)');

  const bad = (c: unknown, message: string) => assert.throws(() => checkCodes(c as never), (e: Error) => e.message === message, message);
  bad(null, 'codes must be an object {n, d, data, labels}');
  bad({ ...codes, n: 0 }, 'codes: n and d must be positive integers, got n=0, d=2');
  bad({ ...codes, d: 1.5 }, 'codes: n and d must be positive integers, got n=4, d=1.5');
  bad({ ...codes, data: [0, 0, 1, 1, 2, 2, 3, 3] }, 'codes: data must be a float array of n·d = 8 values, got 8');
  bad({ ...codes, data: new Float32Array(7) }, 'codes: data must be a float array of n·d = 8 values, got 7');
  bad({ ...codes, labels: undefined }, 'codes: 4 codes but undefined labels');
  bad({ ...codes, data: Float32Array.from([0, 0, 1, 1, 2, 2, 3, Infinity]) }, 'codes: value 7 (code 3) is not finite: Infinity');
  checkCodes({ ...codes, data: Float64Array.from(codes.data) });
  checkCodes({ n: 1, d: 1, data: Float32Array.from([0]), labels: [3] });

  assert.equal(compactJson({ a: 1 / 3, b: [2, 1e-20 / 3, Infinity], c: 'x' }, 3), '{"a":0.333,"b":[2,3.33e-21,null],"c":"x"}');
  assert.equal(compactJson({ a: 1 / 3 }, 0), JSON.stringify({ a: 1 / 3 }));
  assert.equal(compactJson(0.123456789, 1), '0.1');
  assert.equal(classFile(7), 'class-7.json');
  assert.deepEqual([classSeed(0, 0), classSeed(5, 0), classSeed(5, 3)], [0, 5, 5 + 3 * 1009]);
});

test('classModelFromJSON: a class file of any other JSON type is refused with the reader’s named error', async () => {
  const { classModelFromJSON } = await import('../../src/latent/model-set.ts');
  for (const [v, got] of [[null, 'null'], [5, '5'], ['x', '"x"'], [[], 'an array of length 0'], [true, 'true']] as const) {
    assert.throws(() => classModelFromJSON(v), (e: Error) => e.name === 'GMMValidationError' && e.message === `GMM JSON: expected an object, got ${got}`, String(v));
  }
  assert.throws(() => classModelFromJSON({ format: 'other' }), /^LatentSetError: unknown class model format "other" \(expected 'gmmgen-gmm' or 'gmmgen-fixed-basis-product'\)$/);
});
