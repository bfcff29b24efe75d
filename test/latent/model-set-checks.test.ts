/**
 * LatentModelSet's checks, each fed the value just past its edge with the exact message, and the edge itself
 * accepted: class labels (0 is a label, −1 and 1.5 are not), model kinds, dimensions and model types that must
 * agree across classes and with the manifest, unknown classes, GMM-only views of a fixed-basis set, and
 * sampleCodes' label list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GMM } from '../../src/gmm/model/gmm.ts';
import { FixedBasisProduct } from '../../src/gmm/fit/fixed-basis.ts';
import { mixture1D } from '../../src/gmm/model/mixture1d.ts';
import { LatentModelSet, type LatentClassModel } from '../../src/latent/model-set.ts';
import { throwsExactly } from '../_assert.ts';

/** A one-component diagonal GMM of dimension d centred at (c, …, c). */
const gmm = (d: number, c = 0) =>
  new GMM({ k: 1, d, covarianceType: 'diag', weights: Float64Array.of(1), means: new Float64Array(d).fill(c), covariances: new Float64Array(d).fill(1) });
/** A fixed-basis product of dimension d (coordinates frame), each marginal ½N(−1, ½²) + ½N(1, ½²). */
const product = (d: number) =>
  new FixedBasisProduct(d, new Float64Array(d), null, Array.from({ length: d }, () => mixture1D([-1, 1], [0.5, 0.5], [0.5, 0.5])), { method: 'fixed-basis' });
const set = (models: [number, unknown][]) => new LatentModelSet('m', new Map(models as [number, LatentClassModel][]));

test('constructor: class label 0 accepted; −1 and 1.5 refused naming the label', () => {
  assert.deepEqual(set([[0, gmm(2)]]).classes, [0]);
  throwsExactly(() => set([[-1, gmm(2)]]), "LatentSetError: latent set 'm': class label must be a non-negative integer, got -1");
  throwsExactly(() => set([[1.5, gmm(2)]]), "LatentSetError: latent set 'm': class label must be a non-negative integer, got 1.5");
});

test('constructor: a class model that is neither a GMM nor a product is refused; either kind alone is accepted', () => {
  assert.equal(set([[3, gmm(2)]]).modelType, 'gmm');
  assert.equal(set([[3, product(2)]]).modelType, 'fixed-basis-product');
  throwsExactly(() => set([[0, gmm(2)], [3, { d: 2, sample: () => null }]]), "LatentSetError: latent set 'm': class 3 is neither a GMM nor a fixed-basis model");
});

test('constructor: dimensions and model types must agree across classes (equal ones accepted)', () => {
  const ok = set([[0, gmm(2)], [1, gmm(2, 5)]]);
  assert.equal(ok.d, 2);
  throwsExactly(() => set([[0, gmm(2)], [1, gmm(3)]]), "LatentSetError: latent set 'm': class 1 has dimension 3, other classes 2");
  throwsExactly(() => set([[0, gmm(2)], [1, product(2)]]), "LatentSetError: latent set 'm': class 1 is a fixed-basis-product model, other classes gmm");
  throwsExactly(() => set([[0, product(2)], [1, gmm(2)]]), "LatentSetError: latent set 'm': class 1 is a gmm model, other classes fixed-basis-product");
});

test('model/gmm/sampleComponents/sampleCodes: unknown classes, GMM-only views of a product set, empty label lists', () => {
  const s = set([[2, gmm(2)], [5, gmm(2, 4)]]);
  assert.equal(s.model(5), s.gmm(5));
  throwsExactly(() => s.model(3), "LatentSetError: latent set 'm' has no class 3 (classes: 2, 5)");
  throwsExactly(() => s.gmm(3), "LatentSetError: latent set 'm' has no class 3 (classes: 2, 5)");
  // One label is enough for sampleCodes: its n rows carry that label.
  const one = s.sampleCodes([5], 2, 1);
  assert.deepEqual(Array.from(one.labels), [5, 5]);
  assert.deepEqual(Array.from(one.data), Array.from(s.sampleClass(5, 2, 1).data));
  throwsExactly(() => s.sampleCodes([], 2), 'LatentSetError: sampleCodes: labels must be a non-empty array of classes');
  throwsExactly(() => s.sampleCodes('5' as never, 2), 'LatentSetError: sampleCodes: labels must be a non-empty array of classes');
  const p = set([[1, product(2)]]);
  assert.equal(p.sampleClass(1, 3, 0).n, 3);
  throwsExactly(() => p.gmm(1), "LatentSetError: latent set 'm' holds fixed-basis-product models (per-coordinate fixed-basis densities), not GMMs; use model(1)");
  throwsExactly(() => p.sampleComponents(1, 2), "LatentSetError: latent set 'm' has no mixture components to show (its class models are per-coordinate fixed-basis densities)");
  assert.equal(s.sampleComponents(5, 2).n, 2, 'a GMM set shows its components');
});

test('load: a missing manifest, a class of another dimension, a class of another model type — each names the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-modelset-'));
  try {
    throwsExactly(() => LatentModelSet.load(dir), `LatentSetError: no latent GMM set in ${dir}: index.json is missing (create one with: npm run fit-latent -- --method <m> --out ${dir})`);
    const manifest = (d: number, modelType?: string) =>
      writeFileSync(join(dir, 'index.json'), JSON.stringify({ format: 'gmmgen-latent-gmm-set', version: 1, method: 'em', d, ...(modelType ? { modelType } : {}), classes: [{ label: 4, file: 'class-4.json' }] }));
    const p = join(dir, 'class-4.json');
    writeFileSync(p, JSON.stringify(gmm(2, 1).toJSON()));
    manifest(2);
    const ok = LatentModelSet.load(dir);
    assert.deepEqual(ok.classes, [4]);
    assert.deepEqual(Array.from(ok.gmm(4).means), [1, 1]);
    manifest(3);
    throwsExactly(() => LatentModelSet.load(dir), `LatentSetError: ${p}: dimension 2 differs from the manifest's d = 3`);
    manifest(2, 'fixed-basis-product');
    throwsExactly(() => LatentModelSet.load(dir), `LatentSetError: ${p}: holds a gmm model, the manifest says 'fixed-basis-product'`);
    writeFileSync(p, JSON.stringify(product(2).toJSON()));
    assert.equal(LatentModelSet.load(dir).modelType, 'fixed-basis-product');
    manifest(2);
    throwsExactly(() => LatentModelSet.load(dir), `LatentSetError: ${p}: holds a fixed-basis-product model, the manifest says 'gmm'`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
