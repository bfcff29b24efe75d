/**
 * featureModel's check with its exact message: a model without the 'clf_features' layer is refused naming the
 * model; one that has it yields that layer's output (computed by hand on a 2-unit dense layer).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { FEATURE_LAYER, featureModel } from '../../src/models/classifier.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('featureModel: no clf_features layer refused; with it, the layer output', () => {
  const plain = tfl.sequential({ name: 'plain', layers: [tfl.layers.dense({ inputShape: [2], units: 3, name: 'clf_feature' })] });
  throwsExactly(() => featureModel(plain), 'Error: featureModel: the classifier "plain" has no layer "clf_features"');
  const m = tfl.sequential({
    name: 'small',
    layers: [tfl.layers.dense({ inputShape: [2], units: 2, useBias: false, name: FEATURE_LAYER }), tfl.layers.dense({ units: 10 })],
  });
  m.layers[0].setWeights([tf.tensor2d([1, 2, 3, 4], [2, 2])]);
  const y = featureModel(m).apply(tf.tensor2d([[1, -1]])) as tf.Tensor;
  assert.deepEqual(Array.from(y.dataSync()), [1 - 3, 2 - 4]);
  tf.dispose(y);
  plain.dispose();
  m.dispose();
});
