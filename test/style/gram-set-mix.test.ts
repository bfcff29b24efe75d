/**
 * mixGramSets's raw (unprojected) samples, `sampleTri`, which the Gram-level study reads for the spread before the
 * PSD projection: each is the weighted sum Σ_i w_i t_i of one raw upper-triangle vector per model, with the
 * weights normalised, per layer and per sample, from each model's own stream. Hand-computed on fixed models.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mixGramSets, type GramModel } from '../../src/style/gram-model.ts';
import type { Rng } from '../../src/util/rng.ts';

/** A model whose raw samples are given per layer (n × D each, the sample index added to every entry) and which records the streams it got. */
function rawModel(tri: number[][], streams: unknown[]): GramModel {
  return {
    method: 'pca-sw', fitter: 'sw', layers: ['a', 'b'], channels: [1, 2],
    sampleTri: (n: number, seed: number | Rng) => {
      streams.push(seed);
      return tri.map((t) => Float64Array.from({ length: n * t.length }, (_, i) => t[i % t.length] + Math.floor(i / t.length)));
    },
    sample: () => { throw new Error('not used'); },
  };
}

test('mixGramSets.sampleTri: Σ w_i t_i per layer and sample, weights normalised, one stream per model', () => {
  const sA: unknown[] = [], sB: unknown[] = [];
  const A = rawModel([[4], [2, -1, 3]], sA);
  const B = rawModel([[8], [0, 5, -2]], sB);
  const [l0, l1] = mixGramSets([A, B], [1, 3]).sampleTri(2, 7); // weights 0.25, 0.75
  // Sample 0, then sample 1 (every entry + 1 in both models, so + 1 in the mix).
  assert.deepEqual(Array.from(l0), [0.25 * 4 + 0.75 * 8, 0.25 * 5 + 0.75 * 9]);
  assert.deepEqual(Array.from(l1), [0.5, 0.25 * -1 + 0.75 * 5, 0.25 * 3 + 0.75 * -2, 1.5, 0.25 * 0 + 0.75 * 6, 0.25 * 4 + 0.75 * -1]);
  assert.equal(sA.length, 1);
  assert.equal(sB.length, 1);
  assert.notEqual(sA[0], sB[0], 'each model draws from its own stream');
});
