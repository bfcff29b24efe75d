/**
 * The style library's documented defaults, asserted as values: fitting a Gram model without options gives
 * exactly the model of the documented settings written out (GramModelOptions: method 'pca-sw', k 3, pcaDim 23,
 * fitDim 4 (a Gaussian tail of 19 per layer), Cholesky coordinates, seed 0, covariance 'full', 200 SW/SC2 steps;
 * fixed-basis: bins 32, t 2), and each documented value is one
 * the result depends on (a different value gives a different model), so a changed default cannot pass.
 * Synthetic Gram datasets (no network, no images): two layers of 3 and 4 channels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGramModel, gramModelSnapshot, type GramModelOptions } from '../../src/style/gram-model.ts';
import { GRAM_MODEL_DEFAULTS, styleCliWasmThreads } from '../../src/style/defaults.ts';
import { clusteredGramDataset } from './_grams.ts';

/** A model as comparable plain data (typed arrays → arrays). */
function plain(m: ReturnType<typeof fitGramModel>): unknown {
  return JSON.parse(JSON.stringify(gramModelSnapshot(m), (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
}

const ds = clusteredGramDataset(16, 5);

test('fitGramModel without options is the documented pca-sw model (k 3, pcaDim 23, fitDim 4, Cholesky, seed 0, full, 200 steps, unbiased)', () => {
  const documented: GramModelOptions = { method: 'pca-sw', k: 3, pcaDim: 23, fitDim: 4, tail: 'gaussian', coordinates: 'cholesky', seed: 0, covarianceType: 'full', maxIter: 200, covarianceEstimate: 'unbiased' };
  // 30 rows, so that pcaDim 23 is not capped at n − 1 (seed 1: the SW fit does not stop before step 200).
  const ds = clusteredGramDataset(30, 1);
  const byDefault = fitGramModel(ds);
  const snap = gramModelSnapshot(byDefault);
  assert.equal(byDefault.method, 'pca-sw');
  assert.equal(snap.kind, 'pca');
  if (snap.kind !== 'pca') return;
  assert.equal(snap.gmms[0].k, 3);
  assert.equal(snap.gmms[0].d, 8, 'fitDim 4 per layer × 2 layers');
  assert.equal(snap.parts[0].layers[0].p, 23, 'pcaDim 23');
  assert.equal(snap.tails?.[0]?.T, 2 * 19, 'a tail of 23 − 4 per layer');
  assert.equal(snap.tails?.[0]?.kind ?? 'gaussian', 'gaussian');
  assert.ok(snap.parts[0].layers.every((L) => L.factor === true), 'Cholesky coordinates');
  assert.equal(snap.gmms[0].covarianceType, 'full');
  assert.deepEqual(plain(byDefault), plain(fitGramModel(ds, documented)));
  // The one place the CLI's help and the library read them from says the same.
  assert.deepEqual({ ...GRAM_MODEL_DEFAULTS }, { k: 3, pcaDim: 23, fitDim: 4, coordinates: 'cholesky', covarianceEstimate: 'unbiased' });
  // Each documented value matters: one more step, another seed, more components or a smaller head give other models.
  for (const other of [{ maxIter: 201 }, { maxIter: 199 }, { seed: 1 }, { pcaDim: 22 }, { fitDim: 3 }, { coordinates: 'gram' }, { tail: 'crops' }, { covarianceEstimate: 'ml' }] as GramModelOptions[]) {
    assert.notDeepEqual(plain(byDefault), plain(fitGramModel(ds, { ...documented, ...other })), JSON.stringify(other));
  }
});

test('fitGramModel: pca-sc2 also defaults to 200 steps; pca-em to EM\'s own default', () => {
  const sc2 = fitGramModel(ds, { method: 'pca-sc2', k: 2, pcaDim: 2 });
  assert.deepEqual(plain(sc2), plain(fitGramModel(ds, { method: 'pca-sc2', k: 2, pcaDim: 2, maxIter: 200 })));
  assert.notDeepEqual(plain(sc2), plain(fitGramModel(ds, { method: 'pca-sc2', k: 2, pcaDim: 2, maxIter: 201 })));
  const em = fitGramModel(ds, { method: 'pca-em', k: 2, pcaDim: 2 });
  assert.deepEqual(plain(em), plain(fitGramModel(ds, { method: 'pca-em', k: 2, pcaDim: 2, maxIter: 100 })), "EM's default maxIter is 100");
});

test('fitGramModel: pcaDim is capped at n − 1 and k at n', () => {
  const small = clusteredGramDataset(3, 2);
  const snap = gramModelSnapshot(fitGramModel(small, { method: 'pca-em', k: 5, pcaDim: 9 }));
  assert.equal(snap.kind, 'pca');
  if (snap.kind !== 'pca') return;
  assert.equal(snap.gmms[0].d, 2 * 2, 'pcaDim min(9, n − 1 = 2) per layer, fitDim min(4, 2)');
  assert.equal(snap.tails?.[0], null, 'no tail coordinates left');
  assert.equal(snap.gmms[0].k, 3, 'k min(5, n = 3)');
  assert.throws(() => fitGramModel(clusteredGramDataset(1, 2)), /at least 2 crops, got 1/);
  assert.throws(() => fitGramModel(small, { pcaDim: 0 }), /pcaDim must be a positive integer, got 0/);
});

test('fitGramModel fixed-basis defaults: 32 bins per entry, t = 2', () => {
  const m = fitGramModel(ds, { method: 'fixed-basis' });
  const snap = gramModelSnapshot(m);
  assert.equal(snap.kind, 'entrywise');
  if (snap.kind !== 'entrywise') return;
  for (const L of snap.parts[0].layers) {
    assert.equal(L.bins, 32);
    assert.equal(L.cum.length, L.D * 32);
  }
  assert.deepEqual(plain(m), plain(fitGramModel(ds, { method: 'fixed-basis', bins: 32, t: 2 })));
  assert.notDeepEqual(plain(m), plain(fitGramModel(ds, { method: 'fixed-basis', bins: 32, t: 3 })));
});

test('the style CLI asks for one wasm thread on ≤ 2 processors up to 256 px, and never overrides GMMGEN_WASM_THREADS', () => {
  assert.equal(styleCliWasmThreads({}, 2, 256), '1');
  assert.equal(styleCliWasmThreads({}, 1, 128), '1');
  assert.equal(styleCliWasmThreads({}, 2, 257), undefined, 'larger images: the backend default (2 threads here)');
  assert.equal(styleCliWasmThreads({}, 4, 256), undefined, 'more processors: the backend default');
  assert.equal(styleCliWasmThreads({ GMMGEN_WASM_THREADS: '2' }, 2, 256), undefined);
  assert.equal(styleCliWasmThreads({ GMMGEN_WASM_THREADS: '' }, 2, 256), '1', 'an empty value counts as unset (as the backend reads it)');
});
