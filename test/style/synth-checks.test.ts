/**
 * Checks of src/style/synth.ts that no test fed a bad value, with the exact messages: gaussianBlur's sigma > 0,
 * levelsOf's per-scale iteration split (length, non-negative integers, exact sum: one off either way refused, the
 * edges accepted), and a loss that is not finite — at the start (L-BFGS) and at a later iteration (Adam) — stopping
 * the run (issue 13: `--style-weight 1e39` overflows float32). A stand-in extractor whose style feature is a
 * constant map (value chosen per call) keeps the losses hand-computable: the Gram of a constant map a is a² in
 * every entry, so a = 1 against an all-ones target gives style loss 0, and a = 1e20 overflows to Infinity.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { gaussianBlur, levelsOf, synthesize } from '../../src/style/synth.ts';
import type { FeatureExtractor } from '../../src/style/extractor.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('gaussianBlur refuses sigma <= 0 or NaN, naming it; a tiny sigma is accepted (and leaves the image as it is)', () => {
  const z = Float64Array.from([1, 2, 3, 4]);
  for (const s of [0, -0.5, NaN, -Infinity]) throwsExactly(() => gaussianBlur(z, 2, 2, s), `RangeError: gaussianBlur: sigma must be > 0, got ${s}`);
  // sigma 1e-3: the 3-tap kernel's side weights are exp(−1/(2·1e-6)) = 0 in double, so the image comes back unchanged.
  assert.deepEqual([...gaussianBlur(z, 2, 2, 1e-3)], [1, 2, 3, 4]);
});

test('levelsOf refuses a split of the wrong length, with a negative or fractional entry, or one off the total', () => {
  const msg = (split: number[]) => `RangeError: scaleIterations must be 2 non-negative integers summing to iterations (10), got [${split.join(', ')}]`;
  for (const split of [[10], [5, 5, 0], [-1, 11], [4.5, 5.5], [NaN, 10], [4, 5], [4, 7]]) throwsExactly(() => levelsOf(64, 64, [0.5, 1], 10, split), msg(split));
  assert.deepEqual(levelsOf(64, 64, [0.5, 1], 10, [0, 10]).map((l) => l.iterations), [0, 10]);
  assert.deepEqual(levelsOf(64, 64, [0.5, 1], 10, [10, 0]).map((l) => l.iterations), [10, 0]);
  assert.deepEqual(levelsOf(64, 64, [0.5, 1], 0, [0, 0]).map((l) => [l.width, l.iterations]), [[32, 0], [64, 0]]);
});

/** A one-layer stand-in extractor (3 channels) whose style feature on call i is the constant value(i). */
function constantExtractor(value: (call: number) => number): FeatureExtractor {
  let calls = 0;
  return {
    name: 'mobilenet', dir: '', styleLayers: ['a'], styleChannels: [3], contentLayer: null, smoothing: null, stride: 1,
    features: (img: tf.Tensor4D) => ({ style: [tf.add(tf.mul(img, 0), value(++calls)) as tf.Tensor4D], content: null }),
    dispose() {},
  } as unknown as FeatureExtractor;
}
const ones = [new Float32Array(9).fill(1)];
const rejectsExactly = (p: Promise<unknown>, message: string) =>
  assert.rejects(p, (e: Error) => {
    assert.equal(`${e.name}: ${e.message}`, message);
    return true;
  });

test('a loss that is not finite at the start stops an L-BFGS run with its value; a finite one runs', async () => {
  // styleWeight 1e39 is finite in JS but Infinity in float32: 0 · Infinity = NaN.
  await rejectsExactly(synthesize(constantExtractor(() => 1), ones, { size: 16, iterations: 2, styleWeight: 1e39 }),
    'RangeError: the loss is NaN at the start: the weights are too large for this image');
  await rejectsExactly(synthesize(constantExtractor(() => 1e20), ones, { size: 16, iterations: 2 }),
    'RangeError: the loss is Infinity at the start: the weights are too large for this image');
  const r = await synthesize(constantExtractor(() => 1), ones, { size: 16, iterations: 2, styleWeight: 1e38 });
  assert.deepEqual(r.loss, [0, 0]);
  assert.deepEqual(r.styleLoss, [0, 0]);
});

test('a loss that becomes non-finite stops an Adam run, naming the iteration and the parts', async () => {
  await rejectsExactly(synthesize(constantExtractor((i) => (i >= 3 ? 1e20 : 1)), ones, { size: 16, iterations: 5, optimizer: 'adam' }),
    'RangeError: the loss became Infinity at iteration 3 (style Infinity, content 0): the weights or the step size are too large for this image');
  await rejectsExactly(synthesize(constantExtractor(() => 1), ones, { size: 16, iterations: 5, optimizer: 'adam', styleWeight: 1e39 }),
    'RangeError: the loss became NaN at iteration 1 (style 0, content 0): the weights or the step size are too large for this image');
  const r = await synthesize(constantExtractor(() => 1), ones, { size: 16, iterations: 3, optimizer: 'adam', styleWeight: 1e38 });
  assert.deepEqual(r.loss, [0, 0, 0]);
});
