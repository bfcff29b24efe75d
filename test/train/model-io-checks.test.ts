/**
 * src/train/model-io.ts' checks with exact messages: copyWeights refuses a model with another number of weight
 * tensors or another shape (naming the first mismatch) and copies between equal architectures; serializeModel
 * refuses a model whose save() never calls the handler.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { copyWeights, serializeModel } from '../../src/train/model-io.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

/** dense(inputShape [i] → units), with or without a bias. */
const dense = (i: number, units: number, useBias = true) => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [i], units, useBias })] });

test('copyWeights: equal architectures copy; another tensor count or shape is refused naming it', () => {
  const src = dense(2, 3);
  src.setWeights([tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), tf.tensor1d([7, 8, 9])]);
  const dst = dense(2, 3);
  copyWeights(src, dst);
  assert.deepEqual(dst.getWeights().map((w) => Array.from(w.dataSync())), [[1, 2, 3, 4, 5, 6], [7, 8, 9]]);
  throwsExactly(() => copyWeights(src, dense(2, 3, false), 'decoder'), 'Error: decoder: 2 weight tensors in the file, 1 in the model');
  throwsExactly(() => copyWeights(dense(2, 3, false), dst, 'decoder'), 'Error: decoder: 1 weight tensors in the file, 2 in the model');
  throwsExactly(() => copyWeights(src, dense(2, 4)), 'Error: model: weight 0 has shape [2,3] in the file but [2,4] in the model');
  throwsExactly(() => copyWeights(src, dense(3, 3), 'encoder'), 'Error: encoder: weight 0 has shape [2,3] in the file but [3,3] in the model');
  // Same count, first shapes equal, the second differs: named as weight 1.
  const two = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 3, useBias: false }), tfl.layers.dense({ units: 3, useBias: false })] });
  throwsExactly(() => copyWeights(src, two), 'Error: model: weight 1 has shape [3] in the file but [3,3] in the model');
});

test('serializeModel: the weights of a real model; a save() that never calls the handler is refused', async () => {
  const m = dense(1, 1);
  m.setWeights([tf.tensor2d([2], [1, 1]), tf.tensor1d([-1])]);
  const s = await serializeModel(m);
  assert.deepEqual(Array.from(new Float32Array(s.weights.buffer, s.weights.byteOffset, 2)), [2, -1]);
  await assert.rejects(serializeModel({ name: 'mute', save: async () => ({}) } as never), (e: Error) => {
    assert.equal(`${e.name}: ${e.message}`, 'Error: serializeModel: the save handler of model "mute" was not called');
    return true;
  });
});
