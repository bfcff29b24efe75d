/**
 * synthesize's documented defaults (src/style/synth.ts SynthOptions: size 256, iterations 200, Adam lr 0.02,
 * style weight 1, content weight 0.6, TV weights 0, colour weight 0, seed 0, previews only at the end, one
 * level, sizes snapped to the extractor's stride) observed through results: leaving an option out gives
 * exactly the run with the documented value, and a neighbouring value gives a different run. A stand-in
 * extractor (the image itself as the one style layer and the content layer) keeps every run to a few
 * 16 × 16 iterations on the cpu backend.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import type { FeatureExtractor } from '../../src/style/extractor.ts';
import type { RgbImage } from '../../src/style/images.ts';
import { levelsOf, styleLoss, synthesize, type SynthOptions } from '../../src/style/synth.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

/** The RGB image is both the style features (3 channels) and the content features; no `stride` (a stand-in). */
const ex = {
  name: 'mobilenet', dir: '', styleLayers: ['rgb'], styleChannels: [3], contentLayer: 'rgb', smoothing: null,
  features: (img: tf.Tensor4D) => ({ style: [img], content: img }),
  dispose() {},
} as unknown as FeatureExtractor;
/** Target Gram of a reddish texture. */
const targets = [Float32Array.from([0.5, 0.1, 0.1, 0.1, 0.2, 0.05, 0.1, 0.05, 0.2])];

function gradient(side: number): RgbImage {
  const data = new Float32Array(side * side * 3);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) for (let c = 0; c < 3; c++) data[(y * side + x) * 3 + c] = ((x + 2 * y + 5 * c) % 16) / 16;
  return { width: side, height: side, data };
}
const content = gradient(16);
const palette = { mean: [0.2, 0.6, 0.4], cov: [0.02, 0, 0, 0, 0.01, 0, 0, 0, 0.03] };

/** What a default can change: the image and the loss trace. */
async function run(opts: SynthOptions) {
  const r = await synthesize(ex, targets, opts);
  return { width: r.image.width, height: r.image.height, image: Array.from(r.image.data), loss: r.loss, styleLoss: r.styleLoss, contentLoss: r.contentLoss };
}

/** `base` alone equals `base` + the documented value and differs from `base` + the neighbouring value. */
async function pinned(base: SynthOptions, documented: SynthOptions, neighbour: SynthOptions) {
  const dflt = await run(base);
  assert.deepEqual(dflt, await run({ ...base, ...documented }), `default = ${JSON.stringify(documented)}`);
  assert.notDeepEqual(dflt, await run({ ...base, ...neighbour }), `default ≠ ${JSON.stringify(neighbour)}`);
}

test('size defaults to 256 and the seed to 0 (the noise start image, no iterations)', async () => {
  const dflt = await run({ iterations: 0 });
  assert.equal(dflt.width, 256);
  assert.equal(dflt.height, 256);
  assert.deepEqual(dflt, await run({ iterations: 0, size: 256, seed: 0 }));
  assert.equal((await run({ iterations: 0, size: 272 })).width, 272);
  await pinned({ size: 16, iterations: 0 }, { seed: 0 }, { seed: 1 });
});

test('an extractor without a stride gets sizes snapped to multiples of 1 (a 17-px side stays 17)', async () => {
  const r = await run({ size: 17, iterations: 0 });
  assert.deepEqual([r.width, r.height], [17, 17]);
  // levelsOf's own default multiple is 1 too.
  assert.deepEqual(levelsOf(17, 33, [1], 5), [{ width: 17, height: 33, iterations: 5 }]);
  assert.deepEqual(levelsOf(17, 33, [1], 5, undefined, 2), [{ width: 18, height: 34, iterations: 5 }]);
});

test('iterations default to 200 (the split of the levels must sum to it)', async () => {
  await assert.rejects(synthesize(ex, targets, { size: 16, scales: [0.5, 1], scaleIterations: [100, 101] }),
    (e: Error) => e instanceof RangeError && e.message === 'scaleIterations must be 2 non-negative integers summing to iterations (200), got [100, 101]');
  // [100, 100] sums to the default: accepted, and the run goes on (stopped here at once by an aborted signal).
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  await assert.rejects(synthesize(ex, targets, { size: 16, scales: [0.5, 1], scaleIterations: [100, 100], signal: ac.signal }), /stop/);
});

test('Adam lr defaults to 0.02', async () => {
  await pinned({ size: 16, iterations: 2, optimizer: 'adam' }, { lr: 0.02 }, { lr: 0.03 });
});

test("Adam runs with the documented β₁ 0.9, β₂ 0.999, ε 1e-8 (the optimizer tfjs is asked for)", async () => {
  const adam = tf.train.adam;
  const asked: unknown[][] = [];
  tf.train.adam = ((...a: Parameters<typeof adam>) => { asked.push(a); return adam(...a); }) as typeof adam;
  try {
    await run({ size: 16, iterations: 1, optimizer: 'adam', lr: 0.05 });
  } finally {
    tf.train.adam = adam;
  }
  assert.deepEqual(asked, [[0.05, 0.9, 0.999, 1e-8]]);
});

test('style weight defaults to 1; luminance and chroma TV weights to 0', async () => {
  const base: SynthOptions = { size: 16, iterations: 2 };
  await pinned(base, { styleWeight: 1 }, { styleWeight: 2 });
  await pinned(base, { tvWeight: 0 }, { tvWeight: 1 });
  await pinned(base, { tvChromaWeight: 0 }, { tvChromaWeight: 1 });
});

test('content weight defaults to 0.6 (with a content image); colour weight to 0 (with a palette)', async () => {
  await pinned({ size: 16, iterations: 2, content, init: 'noise' }, { contentWeight: 0.6 }, { contentWeight: 0.7 });
  await pinned({ size: 16, iterations: 2, palette, init: 'noise' }, { colourWeight: 0 }, { colourWeight: 1 });
});

test('previews default to the last iteration only (previewEvery 0)', async () => {
  const previews = async (o: SynthOptions) => {
    const seen: boolean[] = [];
    await synthesize(ex, targets, { size: 16, iterations: 3, optimizer: 'adam', ...o, onProgress: (p) => void seen.push(p.preview !== undefined) });
    return seen;
  };
  assert.deepEqual(await previews({}), [false, false, true]);
  assert.deepEqual(await previews({ previewEvery: 0 }), [false, false, true]);
  assert.deepEqual(await previews({ previewEvery: 1 }), [true, true, true]);
});

test('styleLoss without invNorm divides by ‖T‖², floored at 1e-30 for an all-zero target', () => {
  const feat = tf.ones([1, 1, 1, 1]) as tf.Tensor4D; // N = 1, Gram 1
  const t = tf.tensor2d([[2]]);
  const zero = tf.zeros([1, 1]) as tf.Tensor2D;
  try {
    assert.equal(styleLoss(feat, t as tf.Tensor2D).dataSync()[0], (1 - 2) ** 2 / 4);
    const v = styleLoss(feat, zero).dataSync()[0];
    assert.ok(Math.abs(v / 1e30 - 1) < 1e-6, `zero target: ${v}, expected 1e30`);
  } finally {
    tf.dispose([feat, t, zero]);
  }
});
