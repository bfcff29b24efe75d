/**
 * predictClasses and accuracy (src/models/classifier.ts) evaluate every image exactly once whatever the batch:
 * a hand-built "classifier" whose logits are the image's first three pixels gives the argmax of each image, for
 * batches that divide n, do not, and exceed it.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { accuracy, predictClasses } from '../../src/models/classifier.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('every image classified once, in order, for batches 1, 3, 7 and 50', () => {
  // Images 2×2×1; logits = the first three pixels (a dense layer with an identity block, no bias).
  const n = 7;
  const classes = [2, 0, 1, 1, 2, 0, 2];
  const pixels = classes.flatMap((c, i) => [0, 1, 2].map((j) => (j === c ? 5 + i : i % 3)).concat([9]));
  const images = tf.tensor4d(pixels, [n, 2, 2, 1]);
  const kernel = tf.tensor2d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], [4, 3]);
  const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [2, 2, 1] }), tfl.layers.dense({ units: 3, useBias: false, weights: [kernel] })] });
  try {
    for (const batch of [1, 3, 7, 50]) {
      assert.deepEqual(Array.from(predictClasses(model, images, batch)), classes, `batch ${batch}`);
      assert.equal(accuracy(model, images, classes, batch), 1, `batch ${batch}`);
      assert.equal(accuracy(model, images, classes.map((c, i) => (i === 0 ? (c + 1) % 3 : c)), batch), 6 / 7, `batch ${batch}: image 0 counted`);
    }
    assert.deepEqual(Array.from(predictClasses(model, images)), classes, 'default batch');
  } finally {
    images.dispose();
    kernel.dispose();
    model.dispose();
  }
});
