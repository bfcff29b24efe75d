/**
 * featuresOfImages' check with its exact message: a feature model whose output has no fixed last dimension is
 * refused; a fixed one gives n × dim features (computed by hand on a flatten + dense model, in two batches).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { featuresOfImages } from '../../src/eval/generated.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('featuresOfImages: a free last dimension refused; a fixed one computed per image', () => {
  // Three 1×2×1 images [1, 2], [3, 4], [0, −1]; features = [x0 + x1, x0 − x1].
  const images = { n: 3, h: 1, w: 2, c: 1, data: Float32Array.of(1, 2, 3, 4, 0, -1) };
  const fixed = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [1, 2, 1] }), tfl.layers.dense({ units: 2, useBias: false })] });
  fixed.layers[1].setWeights([tf.tensor2d([1, 1, 1, -1], [2, 2])]);
  const f = featuresOfImages(fixed, images, 2);
  assert.equal(f.d, 2);
  assert.equal(f.n, 3);
  assert.deepEqual(Array.from(f.data), [3, -1, 7, -1, -1, 1]);
  const input = tfl.input({ shape: [1, 2, null] as never });
  const free = tfl.model({ inputs: input, outputs: tfl.layers.activation({ activation: 'relu' }).apply(input) as tfl.SymbolicTensor });
  throwsExactly(() => featuresOfImages(free, images), "Error: featuresOfImages: the feature model's output shape [null,1,2,null] has no fixed last dimension");
  fixed.dispose();
  free.dispose();
});
