/**
 * The argument checks of src/style/regularize.ts at their edges with the exact messages: totalVariation needs an
 * image of at least 2×2 (1×4 and 4×1 refused, 2×2 gives its hand value) and one channel weight per channel;
 * softmaxSmoothing needs a finite temperature > 0 (a small one gives its hand value).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { softmaxSmoothing, totalVariation } from '../../src/style/regularize.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('totalVariation refuses images under 2×2 naming w×h; 2×2 gives (b − a)² + (c − a)²', () => {
  tf.tidy(() => {
    throwsExactly(() => totalVariation(tf.zeros([1, 1, 4, 1]) as tf.Tensor4D), 'RangeError: totalVariation: image must be at least 2×2, got 4×1');
    throwsExactly(() => totalVariation(tf.zeros([1, 4, 1, 1]) as tf.Tensor4D), 'RangeError: totalVariation: image must be at least 2×2, got 1×4');
    throwsExactly(() => totalVariation(tf.zeros([1, 1, 1, 1]) as tf.Tensor4D), 'RangeError: totalVariation: image must be at least 2×2, got 1×1');
    // a = 0, b = 1 (right), c = 3 (below), d = 7 (unused by the one 1×1 difference cell).
    const x = tf.tensor4d([0, 1, 3, 7], [1, 2, 2, 1]);
    assert.equal(totalVariation(x).dataSync()[0], 10);
    assert.ok(Math.abs(totalVariation(x, { beta: 1 }).dataSync()[0] - Math.sqrt(10 + 1e-8)) < 1e-6);
  });
});

test('totalVariation needs one channel weight per channel; the right count weights each channel', () => {
  tf.tidy(() => {
    const x = tf.tensor4d([0, 0, 1, 2, 3, 6, 0, 0], [1, 2, 2, 2]); // channel 0: 0, 1, 3, 0; channel 1: 0, 2, 6, 0
    throwsExactly(() => totalVariation(x, { channelWeights: [1] }), 'RangeError: totalVariation: 1 channel weights for 2 channels');
    throwsExactly(() => totalVariation(x, { channelWeights: [1, 1, 1] }), 'RangeError: totalVariation: 3 channel weights for 2 channels');
    // Channel 0: 1² + 3² = 10; channel 1: 2² + 6² = 40.
    assert.equal(totalVariation(x, { channelWeights: [2, 0.5] }).dataSync()[0], 2 * 10 + 0.5 * 40);
  });
});

test('softmaxSmoothing refuses a temperature that is not a finite positive number; 0.5 gives N·softmax(F/T)', () => {
  tf.tidy(() => {
    const f = tf.tensor4d([0, 1], [1, 1, 1, 2]);
    for (const t of [0, -1, NaN, Infinity, -Infinity]) throwsExactly(() => softmaxSmoothing(f, t), `RangeError: softmax temperature must be a positive number, got ${t}`);
    const got = softmaxSmoothing(f, 0.5).dataSync();
    const e2 = Math.exp(2);
    assert.ok(Math.abs(got[0] - 2 / (1 + e2)) < 1e-6 && Math.abs(got[1] - (2 * e2) / (1 + e2)) < 1e-5, `${[...got]}`);
  });
});

test('totalVariation needs β finite and > 0, named; β = 3 gives (10 + ε)^{3/2} by hand', () => {
  tf.tidy(() => {
    const x = tf.tensor4d([0, 1, 3, 7], [1, 2, 2, 1]);
    for (const beta of [0, -1, NaN, Infinity]) throwsExactly(() => totalVariation(x, { beta }), `RangeError: totalVariation: beta must be a finite number > 0, got ${beta}`);
    const v = totalVariation(x, { beta: 3 }).dataSync()[0];
    assert.ok(Math.abs(v - (10 + 1e-8) ** 1.5) < 1e-4 * 10 ** 1.5, `β = 3: ${v}`);
  });
});
