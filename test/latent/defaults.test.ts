/**
 * The documented default seed (0) of every seeded sampler of src/latent — unsupervisedSubset, the set's
 * sampleClass / sampleClass64 / sampleCodes / sampleComponents, mixClasses — asserted against seed 0 written out and
 * told apart from seed 1; unsupervisedSubset's rows by hand; and LatentModelSet's size edge: one class is a set,
 * none is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../src/gmm/index.ts';
import { unsupervisedSubset } from '../../src/latent/fit.ts';
import { mixClasses } from '../../src/latent/mixing.ts';
import { LatentModelSet } from '../../src/latent/model-set.ts';
import { Rng } from '../../src/util/rng.ts';
import { throwsExactly } from '../_assert.ts';
import { blobCodes, handSet } from './_synthetic.ts';

test('unsupervisedSubset: the first `limit` rows of the permutation of seed·64 + 17, with their labels; seed 0 by default', () => {
  const codes = blobCodes([0, 1, 2], 7, 3); // 21 codes
  const sub = unsupervisedSubset(codes, 10);
  const perm = new Rng(17).permutation(21).subarray(0, 10);
  assert.deepEqual(sub.labels, Array.from(perm, (r) => codes.labels[r]));
  assert.deepEqual([...sub.points.data], Array.from(perm).flatMap((r) => Array.from(codes.data.subarray(r * 3, r * 3 + 3))));
  assert.deepEqual(sub, unsupervisedSubset(codes, 10, 0));
  assert.notDeepEqual(sub.labels, unsupervisedSubset(codes, 10, 1).labels);
  assert.deepEqual(unsupervisedSubset(codes, 10, 1).labels, Array.from(new Rng(81).permutation(21).subarray(0, 10), (r) => codes.labels[r]));
  assert.equal(unsupervisedSubset(codes, 500).points.n, 21, 'a limit above n keeps every code');
});

test('the set samplers and mixClasses default to seed 0', () => {
  const set = handSet([2, 5], 4);
  const same = (a: unknown, b: unknown, c: unknown, what: string) => {
    assert.deepEqual(a, b, `${what}: the default is seed 0`);
    assert.notDeepEqual(a, c, `${what}: seed 1 differs`);
  };
  same(set.sampleClass(5, 6), set.sampleClass(5, 6, 0), set.sampleClass(5, 6, 1), 'sampleClass');
  same(set.sampleClass64(5, 6), set.sampleClass64(5, 6, 0), set.sampleClass64(5, 6, 1), 'sampleClass64');
  same(set.sampleCodes([2, 5], 3), set.sampleCodes([2, 5], 3, 0), set.sampleCodes([2, 5], 3, 1), 'sampleCodes');
  same(set.sampleComponents(2, 3), set.sampleComponents(2, 3, 0), set.sampleComponents(2, 3, 1), 'sampleComponents');
  for (const mode of ['mixture', 'blend', 'interpolate'] as const) {
    same(mixClasses(set, mode, { 2: 1, 5: 3 }, 6), mixClasses(set, mode, { 2: 1, 5: 3 }, 6, 0), mixClasses(set, mode, { 2: 1, 5: 3 }, 6, 1), `mixClasses ${mode}`);
  }
});

test('LatentModelSet: a single class is a set; no class is refused, naming the set', () => {
  const g = new GMM({ k: 1, d: 2, covarianceType: 'diag', weights: Float64Array.of(1), means: Float64Array.of(1, 2), covariances: Float64Array.of(1, 1) });
  const one = new LatentModelSet('solo', new Map([[7, g]]));
  assert.deepEqual(one.classes, [7]);
  assert.equal(one.sampleClass(7, 3).n, 3);
  throwsExactly(() => new LatentModelSet('none', new Map()), "LatentSetError: latent set 'none': no class models");
});
