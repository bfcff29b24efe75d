/**
 * The decode-and-classify evaluations of src/eval/generated.ts — perClassAccuracyOf (sampled codes of every class →
 * decoder → classifier → confusion matrix) and gmmPurity (samples of every component → majority class share) — with
 * hand-built models whose predictions are known in closed form: the decoder writes a 1-d code x into pixel 0 of a
 * 2×2 image, the classifier's logits are k·x − 5k² (k = 0, 1, 2), so the predicted class is the k nearest to x / 10
 * (boundaries at 5 and 15). Each result is compared with the same draws classified by that rule, and the documented
 * defaults (seed 0, 10 classes, 1000 codes per class, 10 000 samples per component) are asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { gmmPurity, perClassAccuracyOf } from '../../src/eval/generated.ts';
import { GMM } from '../../src/gmm/index.ts';
import { LatentModelSet } from '../../src/latent/model-set.ts';
import { Rng } from '../../src/util/rng.ts';

function pixelDecoder(): tfl.LayersModel {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [1], units: 4, useBias: false }), tfl.layers.reshape({ targetShape: [2, 2, 1] })] });
  m.layers[0].setWeights([tf.tensor2d([[1, 0, 0, 0]])]);
  return m;
}

function tenthClassifier(): tfl.LayersModel {
  const m = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [2, 2, 1] }), tfl.layers.dense({ units: 3 })] });
  m.layers[1].setWeights([tf.tensor2d([[0, 1, 2], [0, 0, 0], [0, 0, 0], [0, 0, 0]]), tf.tensor1d([0, -5, -20])]);
  return m;
}

/** The classifier's rule in closed form. */
const classOf = (x: number) => (x < 5 ? 0 : x < 15 ? 1 : 2);

const normal1 = (mean: number, variance: number) => new GMM({ k: 1, d: 1, covarianceType: 'full', weights: Float64Array.of(1), means: Float64Array.of(mean), covariances: Float64Array.of(variance) });

test('perClassAccuracyOf: the confusion matrix of the same sampled codes classified by hand; defaults seed 0, 10 classes, 1000 per class', async () => {
  await initBackend({ quiet: true });
  const dec = pixelDecoder(), cls = tenthClassifier();
  // Class c ~ N(10c, 16): about 11 % (classes 0, 2) and 21 % (class 1) fall beyond a boundary.
  const set = new LatentModelSet('overlap', new Map([0, 1, 2].map((c) => [c, normal1(10 * c, 16)])));
  const byHand = (n: number, seed: number) => {
    const codes = set.sampleCodes([0, 1, 2], n, seed);
    const cm = Array.from({ length: 10 }, () => new Array(10).fill(0));
    for (let i = 0; i < codes.n; i++) cm[codes.labels[i]][classOf(codes.data[i])]++;
    return cm;
  };
  const r = perClassAccuracyOf(set, dec, cls, { nPerClass: 200, seed: 3 });
  const cm = byHand(200, 3);
  assert.deepEqual(r.confusion, cm);
  assert.deepEqual(r.classes, [0, 1, 2]);
  assert.equal(r.nPerClass, 200);
  assert.deepEqual(r.perClass.slice(0, 3), [0, 1, 2].map((c) => cm[c][c] / 200));
  assert.equal(r.overall, (cm[0][0] + cm[1][1] + cm[2][2]) / 600);
  assert.ok(r.perClass[1] < r.perClass[0] && r.perClass[1] < r.perClass[2], 'the middle class has two boundaries');
  assert.equal(r.images.n, 600);
  assert.equal(r.images.data[4 * 7], set.sampleCodes([0, 1, 2], 200, 3).data[7], 'image 7 carries code 7 in pixel 0');
  const d = perClassAccuracyOf(set, dec, cls);
  assert.equal(d.nPerClass, 1000);
  assert.deepEqual(d.confusion, byHand(1000, 0), 'default seed 0');
  assert.equal(d.confusion.length, 10);
  assert.deepEqual(perClassAccuracyOf(set, dec, cls, { nPerClass: 5, numClasses: 3 }).confusion.length, 3);
  dec.dispose();
  cls.dispose();
});

test('gmmPurity: each component\'s majority share of its own samples classified by hand; defaults seed 0, 10 classes, 10 000 per component', async () => {
  await initBackend({ quiet: true });
  const dec = pixelDecoder(), cls = tenthClassifier();
  // Component 0 straddles the 0|1 boundary (purity near ½), component 1 lies inside class 2.
  const gmm = new GMM({ k: 2, d: 1, covarianceType: 'full', weights: Float64Array.of(0.25, 0.75), means: Float64Array.of(5.5, 21), covariances: Float64Array.of(1, 1) });
  const byHand = (n: number, seed: number) => {
    const rng = new Rng(seed);
    return [0, 1].map((c) => {
      const counts = new Array(10).fill(0);
      for (const x of gmm.sampleComponent(c, n, rng).data) counts[classOf(x)]++;
      const majority = counts.indexOf(Math.max(...counts));
      return { majority, purity: counts[majority] / n, counts };
    });
  };
  const r = gmmPurity(gmm, dec, cls, { perComponent: 300, seed: 4 });
  const want = byHand(300, 4);
  assert.deepEqual(r.components, want.map((c, i) => ({ ...c, weight: [0.25, 0.75][i] })));
  assert.equal(want[0].majority, 1);
  assert.ok(want[0].purity > 0.55 && want[0].purity < 0.8, `component 0 purity ${want[0].purity}`);
  assert.deepEqual(want[1], { majority: 2, purity: 1, counts: [0, 0, 300, 0, 0, 0, 0, 0, 0, 0] });
  assert.equal(r.mean, (want[0].purity + 1) / 2);
  assert.equal(r.weightedMean, 0.25 * want[0].purity + 0.75);
  assert.equal(r.distinctMajorities, 2);
  assert.equal(r.perComponent, 300);
  const d = gmmPurity(gmm, dec, cls);
  assert.equal(d.perComponent, 10_000);
  assert.deepEqual(d.components.map((c) => c.counts), byHand(10_000, 0).map((c) => c.counts), 'default seed 0');
  assert.deepEqual(gmmPurity(gmm, dec, cls, { perComponent: 4, numClasses: 3 }).components[1].counts, [0, 0, 4]);
  dec.dispose();
  cls.dispose();
});
