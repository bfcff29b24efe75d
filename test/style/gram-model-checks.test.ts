/**
 * The argument checks of src/style/gram-model.ts that no test fed a bad value, with the exact messages: the method
 * name, at least 2 crops (1 and 0 refused, 2 fitted), fitPcaTail's array sizes (one value off either way refused,
 * the right sizes give the hand-computed tail), mixing models of different layers or channels, mixing models of
 * different methods (but a zero weight drops a model first), and the snapshot of a foreign model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGramModel, fitPcaTail, gramModelSnapshot, mixGramModels, mixGramSets, GRAM_METHODS, type GramModel } from '../../src/style/gram-model.ts';
import { throwsExactly } from '../_assert.ts';
import { clusteredGramDataset } from './_grams.ts';

/** A stand-in model with the given layers and channels (only what the mixers check). */
const standIn = (layers: string[], channels: number[]): GramModel => ({
  method: 'pca-sw', fitter: 'sw', layers, channels,
  sampleTri: () => { throw new Error('not used'); },
  sample: () => { throw new Error('not used'); },
});

test('fitGramModel: an unknown method is named with the list; fewer than 2 crops refused, 2 crops fit', () => {
  const ds = clusteredGramDataset(6, 1);
  throwsExactly(() => fitGramModel(ds, { method: 'pca-xx' as never }), 'RangeError: unknown Gram model method "pca-xx": expected one of fixed-basis, pca-sw, pca-sc2, pca-em');
  assert.deepEqual([...GRAM_METHODS], ['fixed-basis', 'pca-sw', 'pca-sc2', 'pca-em']);
  const keep = (n: number) => ({ ...ds, n, vectors: ds.vectors.map((v, l) => v.slice(0, n * [6, 10][l])), source: ds.source.slice(0, n) });
  for (const n of [1, 0]) throwsExactly(() => fitGramModel(keep(n), { method: 'fixed-basis' }), `RangeError: a Gram model needs at least 2 crops, got ${n}`);
  const m = fitGramModel(keep(2), { method: 'fixed-basis', bins: 4 });
  assert.equal(m.method, 'fixed-basis');
  assert.deepEqual(m.sample(1, 0)[0].grams.map((g) => g.length), [9, 16]);
});

test('fitPcaTail refuses r or x one value off n×k / n×T; the right sizes give the M-step by hand', () => {
  const r = Float64Array.from([1, 0, 1, 0, 0, 1]); // n = 3, k = 2: crops 0 and 1 in component 0, crop 2 in 1
  const x = Float64Array.from([1, 3, 10]); // T = 1
  throwsExactly(() => fitPcaTail(r.subarray(0, 5), x, 3, 2, 1), 'RangeError: fitPcaTail: expected r of 3×2 and x of 3×1, got 5 and 3 values');
  throwsExactly(() => fitPcaTail(Float64Array.from([...r, 0]), x, 3, 2, 1), 'RangeError: fitPcaTail: expected r of 3×2 and x of 3×1, got 7 and 3 values');
  throwsExactly(() => fitPcaTail(r, Float64Array.from([1, 3, 10, 0]), 3, 2, 1), 'RangeError: fitPcaTail: expected r of 3×2 and x of 3×1, got 6 and 4 values');
  throwsExactly(() => fitPcaTail(r, x.subarray(0, 2), 3, 2, 1), 'RangeError: fitPcaTail: expected r of 3×2 and x of 3×1, got 6 and 2 values');
  const t = fitPcaTail(r, x, 3, 2, 1);
  assert.deepEqual([...t.mean], [2, 10]);
  const h = Math.SQRT1_2;
  [-h, h, 0, 0, 0, 0].forEach((want, i) => assert.ok(Math.abs(t.factor[i] - want) < 1e-15, `factor[${i}] = ${t.factor[i]}, expected ${want}`));
});

test('mixing models of different layers or channels is refused, naming the caller; the same layers mix', () => {
  const a = standIn(['a', 'b'], [3, 4]);
  for (const other of [standIn(['a', 'c'], [3, 4]), standIn(['a', 'b'], [3, 5]), standIn(['a'], [3])]) {
    throwsExactly(() => mixGramModels([a, other], [1, 1]), 'RangeError: mixGramModels: models have different layers');
    throwsExactly(() => mixGramSets([a, other], [1, 1]), 'RangeError: mixGramSets: models have different layers');
  }
  assert.deepEqual(mixGramSets([a, standIn(['a', 'b'], [3, 4])], [1, 1]).layers, ['a', 'b']);
});

test('mixGramModels refuses models of different methods, listing them; a zero weight drops a model before the check', () => {
  const ds = clusteredGramDataset(12, 1);
  const fb = fitGramModel(ds, { method: 'fixed-basis', bins: 4 });
  const em = fitGramModel(ds, { method: 'pca-em', k: 2, pcaDim: 3, fitDim: 3, coordinates: 'gram' });
  throwsExactly(() => mixGramModels([fb, em], [1, 1]), 'RangeError: mixGramModels: cannot mix models of different methods (fixed-basis, pca-em)');
  throwsExactly(() => mixGramModels([em, fb, em], [1, 1e-9, 1]), 'RangeError: mixGramModels: cannot mix models of different methods (pca-em, fixed-basis, pca-em)');
  assert.equal(mixGramModels([fb, em], [0, 1]), em);
  assert.equal(mixGramModels([fb, em], [1, 0]), fb);
});

test('gramModelSnapshot names a model it did not make', () => {
  throwsExactly(() => gramModelSnapshot(standIn(['a'], [3])), 'RangeError: gramModelSnapshot: not a model made by fitGramModel / mixGramModels');
  const ds = clusteredGramDataset(6, 2);
  assert.equal(gramModelSnapshot(fitGramModel(ds, { method: 'fixed-basis', bins: 4 })).kind, 'entrywise');
});
