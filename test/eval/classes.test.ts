import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { GMM } from '../../src/gmm/index.ts';
import { componentPurity, confusionMatrix, confusionMatrixSvg, gmmPurity, mixturePurity, perClassAccuracy, perClassAccuracyOf } from '../../src/eval/index.ts';
import { LatentModelSet } from '../../src/latent/index.ts';
import { svgToPng } from '../../src/util/plot.ts';

test('confusion matrix and per-class accuracy', () => {
  const cm = confusionMatrix([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 2, 2], 3);
  assert.deepEqual(cm, [[1, 1, 0], [0, 2, 1], [0, 0, 1]]);
  const a = perClassAccuracy(cm);
  assert.deepEqual(a.perClass, [0.5, 2 / 3, 1]);
  assert.equal(a.overall, 4 / 6);
  assert.equal(a.meanOverClasses, (0.5 + 2 / 3 + 1) / 3);
  // A class with no items: NaN for it, left out of the mean over classes (not of the overall share).
  const gap = perClassAccuracy([[3, 1, 0], [0, 0, 0], [0, 1, 1]]);
  assert.deepEqual(gap.perClass, [0.75, NaN, 0.5]);
  assert.deepEqual([gap.overall, gap.meanOverClasses], [4 / 6, (0.75 + 0.5) / 2]);
  assert.deepEqual(perClassAccuracy([[0, 0], [0, 0]]).overall, NaN);
  assert.throws(() => confusionMatrix([0, 3], [0, 0], 3), /label 1 is 3, outside 0..2/);
  // Every edge of both checks: the last class is counted, one past it, below 0 and a fraction are refused.
  assert.deepEqual(confusionMatrix([2, 0], [0, 2], 3), [[0, 0, 1], [0, 0, 0], [1, 0, 0]]);
  for (const [t, p, msg] of [
    [-1, 0, 'label 0 is -1'], [0.5, 0, 'label 0 is 0.5'], [3, 0, 'label 0 is 3'],
    [0, -1, 'prediction 0 is -1'], [0, 1.5, 'prediction 0 is 1.5'], [0, 3, 'prediction 0 is 3'],
  ] as const) assert.throws(() => confusionMatrix([t], [p], 3), new RegExp(`^Error: confusionMatrix: ${msg.replace('.', '\\.')}, outside 0\\.\\.2$`), `${t}, ${p}`);
  assert.throws(() => confusionMatrix([0, 1], [0], 3), /^Error: confusionMatrix: 2 labels but 1 predictions$/);
});

test('component purity: a perfect component has purity 1; a 70/30 one 0.7', () => {
  assert.deepEqual(componentPurity(new Int32Array(50).fill(3)), { majority: 3, purity: 1, counts: [0, 0, 0, 50, 0, 0, 0, 0, 0, 0] });
  const mixed = [...Array(70).fill(4), ...Array(30).fill(9)];
  assert.equal(componentPurity(mixed).purity, 0.7);
  const m = mixturePurity([new Int32Array(10).fill(1), mixed], [0.25, 0.75]);
  assert.equal(m.mean, 0.85);
  assert.equal(m.weightedMean, 0.25 + 0.75 * 0.7);
  assert.equal(m.distinctMajorities, 2);
  assert.throws(() => componentPurity([]), /no predictions/);
});

/**
 * Constructed models: the "decoder" writes code coordinate j into pixel j (others 0), the "classifier" scores
 * class c by pixel c. So a code is classified as the argmax of its first 10 coordinates.
 */
function constructedModels(d: number) {
  const decoder = tfl.sequential();
  decoder.add(tfl.layers.dense({ inputShape: [d], units: 784, useBias: false }));
  decoder.add(tfl.layers.reshape({ targetShape: [28, 28, 1] }));
  const k1 = new Float32Array(d * 784);
  for (let j = 0; j < d; j++) k1[j * 784 + j] = 1;
  decoder.setWeights([tf.tensor2d(k1, [d, 784])]);
  const classifier = tfl.sequential();
  classifier.add(tfl.layers.flatten({ inputShape: [28, 28, 1] }));
  classifier.add(tfl.layers.dense({ units: 10, useBias: false }));
  const k2 = new Float32Array(784 * 10);
  for (let c = 0; c < 10; c++) k2[c * 10 + c] = 1;
  classifier.setWeights([tf.tensor2d(k2, [784, 10])]);
  return { decoder, classifier };
}

test('gmmPurity and perClassAccuracyOf through a decoder and a classifier (constructed models)', async () => {
  await initBackend({ quiet: true });
  const d = 12;
  const { decoder, classifier } = constructedModels(d);
  // Component 0 sits on class 2 (pure); component 1 halfway between classes 5 and 7 (purity ≈ 0.5).
  const means = new Float64Array(2 * d);
  means[2] = 8;
  means[d + 5] = 8;
  means[d + 7] = 8;
  const g = new GMM({ k: 2, d, covarianceType: 'diag', weights: Float64Array.of(0.4, 0.6), means, covariances: new Float64Array(2 * d).fill(1) });
  const r = gmmPurity(g, decoder, classifier, { perComponent: 2000, seed: 1 });
  assert.equal(r.components[0].majority, 2);
  assert.equal(r.components[0].purity, 1);
  assert.ok([5, 7].includes(r.components[1].majority));
  assert.ok(Math.abs(r.components[1].purity - 0.5) < 0.04, `purity ${r.components[1].purity}`);
  assert.ok(Math.abs(r.mean - (1 + r.components[1].purity) / 2) < 1e-12);
  assert.ok(Math.abs(r.weightedMean - (0.4 + 0.6 * r.components[1].purity)) < 1e-12);
  // Per-class accuracy: class c's GMM centred on coordinate c, except class 3 centred on coordinate 4.
  const gmms = new Map<number, GMM>();
  for (const c of [1, 3, 6]) {
    const m = new Float64Array(d);
    m[c === 3 ? 4 : c] = 10;
    gmms.set(c, new GMM({ k: 1, d, covarianceType: 'diag', weights: Float64Array.of(1), means: m, covariances: new Float64Array(d).fill(1) }));
  }
  const acc = perClassAccuracyOf(new LatentModelSet('t', gmms), decoder, classifier, { nPerClass: 300, seed: 2 });
  assert.deepEqual(acc.classes, [1, 3, 6]);
  assert.equal(acc.confusion[1][1], 300);
  assert.equal(acc.confusion[3][4], 300);
  assert.equal(acc.confusion[6][6], 300);
  assert.equal(acc.perClass[3], 0);
  assert.ok(Number.isNaN(acc.perClass[0]));
  assert.equal(acc.overall, 2 / 3);
  assert.equal(acc.images.n, 900);
  const png = await svgToPng(confusionMatrixSvg(acc.confusion, { title: 'test' }));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  decoder.dispose();
  classifier.dispose();
});
