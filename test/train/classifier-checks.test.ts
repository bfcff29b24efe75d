/**
 * ClassifierTrainer's learning-rate check with its exact message: inside (0, 1) accepted (0.5 and the default
 * 1e-3, read back from the optimizer), the edges 0 and 1, negatives and NaN refused.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.ts';
import { ClassifierTrainer } from '../../src/train/classifier.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('ClassifierTrainer: lr in (0, 1) accepted, 0, 1, −0.1 and NaN refused', () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 10 })] });
  const lrOf = (t: ClassifierTrainer) => (t.opt.getConfig() as { learningRate: number }).learningRate;
  assert.equal(lrOf(new ClassifierTrainer(model, 0.5)), 0.5);
  assert.equal(lrOf(new ClassifierTrainer(model)), 1e-3);
  for (const lr of [0, 1, -0.1, NaN]) throwsExactly(() => new ClassifierTrainer(model, lr), `Error: classifier lr must be in (0, 1), got ${lr}`);
  model.dispose();
});
