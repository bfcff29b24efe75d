/** encodeImages (src/train/autoencoder.ts): the latent codes of N 28×28 images, batch by batch, against a hand-weighted encoder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { encodeImages } from '../../src/train/autoencoder.ts';

test('encodeImages: codes of N 28×28 images in batches equal one pass of the encoder; a partial image is refused', async () => {
  await initBackend({ quiet: true });
  const enc = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] }), tfl.layers.dense({ units: 3, useBias: false })] });
  const w = new Float32Array(784 * 3);
  for (let p = 0; p < 784; p++) {
    w[p * 3] = 1; // code 0: sum of the pixels
    w[p * 3 + 1] = p === 0 ? 1 : 0; // code 1: pixel 0
    w[p * 3 + 2] = p === 783 ? 2 : 0; // code 2: twice the last pixel
  }
  enc.layers[1].setWeights([tf.tensor2d(w, [784, 3])]);
  const n = 5;
  const images = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) {
    images[i * 784] = i + 1;
    images[i * 784 + 783] = 10 * (i + 1);
    images[i * 784 + 400] = 0.5;
  }
  const want = Array.from({ length: n }, (_, i) => [i + 1 + 10 * (i + 1) + 0.5, i + 1, 20 * (i + 1)]).flat();
  assert.deepEqual([...encodeImages(enc, images, 2)], want, 'batches of 2, 2, 1');
  assert.deepEqual([...encodeImages(enc, images)], want, 'one batch (default 500)');
  assert.throws(() => encodeImages(enc, images.subarray(0, 784 * 2 + 1)), /^Error: encodeImages: 1569 values is not a whole number of 28×28 images$/);
  enc.dispose();
});
