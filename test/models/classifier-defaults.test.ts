/**
 * buildClassifier's documented dropout default (src/models/classifier.ts: "Dropout rate before the last layer
 * (default 0.3)"): the built model's dropout layer has rate 0.3, like dropout 0.3 written out; and in training mode
 * it zeroes about 30 % of the 128 features and scales the rest by 1/0.7 (so a 0.4 rate would show).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { buildClassifier } from '../../src/models/classifier.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('buildClassifier: dropout 0.3 by default — layer rate and the share of features it drops in training', () => {
  const m = buildClassifier({ seed: 1 });
  const rate = (model: tfl.Sequential) => (model.getLayer('clf_dropout').getConfig() as { rate: number }).rate;
  assert.equal(rate(m), 0.3);
  const explicit = buildClassifier({ seed: 1, dropout: 0.3 }), other = buildClassifier({ seed: 1, dropout: 0.4 });
  assert.equal(rate(explicit), 0.3);
  assert.equal(rate(other), 0.4);
  // Behaviour: ones through the layer in training mode, 50 000 values: zero with probability 0.3, else 1/0.7.
  const out = tf.tidy(() => (m.getLayer('clf_dropout').apply(tf.ones([500, 100]), { training: true }) as tf.Tensor).dataSync());
  let zeros = 0;
  for (const v of out) {
    if (v === 0) zeros++;
    else assert.ok(Math.abs(v - 1 / 0.7) < 1e-6, `kept value ${v}`);
  }
  // sd of the share: √(0.3·0.7/50 000) ≈ 0.002; 0.4 is 50 sd away.
  assert.ok(Math.abs(zeros / out.length - 0.3) < 0.012, `dropped share ${zeros / out.length}`);
  for (const model of [m, explicit, other]) model.dispose();
});
