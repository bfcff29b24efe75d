/**
 * totalVariation (src/style/regularize.ts) for exponents other than 1 and 2: TV_β = mean over positions of
 * ((x_right − x)² + (x_down − x)² + eps)^(β/2), per channel, weighted by channelWeights, on a 2×2 image worked by hand
 * (one position; squared differences 1 + 4 = 5 in channel 0, 4 + 16 = 20 in channel 1).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { totalVariation } from '../../src/style/regularize.ts';

before(async () => {
  await initBackend({ quiet: true });
});

test('totalVariation with β = 1.5 and 3, two weighted channels, against the hand-computed value', () => {
  // channel 0: [[0, 1], [2, 5]]; channel 1: twice channel 0.
  const x = tf.tensor4d([0, 0, 1, 2, 2, 4, 5, 10], [1, 2, 2, 2]);
  for (const beta of [1.5, 3, 0.5]) {
    for (const eps of [0, 1e-3]) {
      const got = totalVariation(x, { beta, eps, channelWeights: [1, 0.25] }).dataSync()[0];
      const want = (5 + eps) ** (beta / 2) + 0.25 * (20 + eps) ** (beta / 2);
      assert.ok(Math.abs(got - want) <= 1e-5 * want, `β ${beta}, eps ${eps}: ${got} vs ${want}`);
    }
  }
  x.dispose();
});
