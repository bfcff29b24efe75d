/**
 * Gatys synthesis with MobileNet at 64 px: a few iterations reduce the style loss (texture mode from
 * noise, and with a content image) with L-BFGS and with Adam, the coarse-to-fine levels run at their
 * sizes, the palette start has the palette's colours, progress reports iteration/loss/preview, aborting
 * stops it, and a loss that overflows stops the run with a clear error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { loadMobileNet, type FeatureExtractor } from '../../src/style/extractor.ts';
import { loadImage, imageTensor, resizeImage, type RgbImage } from '../../src/style/images.ts';
import { gramMatrix } from '../../src/style/gram.ts';
import { imagePalette, levelsOf, snapToMultiple, synthesize, type SynthProgress } from '../../src/style/synth.ts';
import { gramDataset, datasetMean } from '../../src/style/dataset.ts';
import { triToGram } from '../../src/style/gram.ts';
import { sharedPath } from '../../src/util/paths.ts';

let ex: FeatureExtractor;
let style: RgbImage, content: RgbImage;
let targets: Float32Array[];

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
  ex = await loadMobileNet({ dir: sharedPath('models', 'mobilenet_v1_1.0_224') });
  style = await loadImage(sharedPath('assets', 'styles', 'starry_night.jpg'), { maxSide: 64 });
  content = await loadImage(sharedPath('assets', 'styles', 'shipwreck.jpg'), { maxSide: 64 });
  targets = tf.tidy(() => ex.features(imageTensor(style)).style.map((f) => gramMatrix(f))).map((t) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return Float32Array.from(v);
  });
});
after(() => ex?.dispose());

test('texture mode: 12 iterations from noise reduce the style loss, no tensors leak', async () => {
  const before = tf.memory().numTensors;
  const seen: SynthProgress[] = [];
  const r = await synthesize(ex, targets, { size: 64, iterations: 12, seed: 1, previewEvery: 5, onProgress: (p) => void seen.push(p) });
  assert.equal(r.evaluations >= 12, true);
  assert.equal(r.image.width, 64);
  assert.equal(r.image.height, 64);
  assert.equal(r.loss.length, 12);
  assert.ok(r.styleLoss[11] < 0.7 * r.styleLoss[0], `style loss ${r.styleLoss[0]} → ${r.styleLoss[11]}`);
  assert.deepEqual(r.contentLoss, new Array(12).fill(0));
  assert.deepEqual(seen.map((p) => p.iteration), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(seen.filter((p) => p.preview).map((p) => p.iteration), [5, 10, 12]);
  assert.equal(seen[4].preview!.data.length, 64 * 64 * 3);
  assert.ok(r.image.data.every((v) => v >= 0 && v <= 1));
  assert.equal(tf.memory().numTensors, before);
});

test('content mode: starts at the content image, style loss falls, content loss stays moderate', async () => {
  const r = await synthesize(ex, targets, { size: 64, content, iterations: 10, seed: 2 });
  assert.equal(r.image.width, 64);
  assert.equal(r.image.height, 48); // 64 · 662 / 960 = 44.1, rounded to a multiple of the stride 16
  assert.ok(r.contentLoss[0] < 0.05, `content loss starts near 0, got ${r.contentLoss[0]}`);
  assert.ok(r.styleLoss[9] < 0.8 * r.styleLoss[0], `style loss ${r.styleLoss[0]} → ${r.styleLoss[9]}`);
  assert.ok(r.loss[9] < r.loss[0]);
  // Same seed and inputs → the same image.
  const again = await synthesize(ex, targets, { size: 64, content, iterations: 10, seed: 2 });
  assert.deepEqual(again.image.data, r.image.data);
});

test('Adam still works; coarse-to-fine levels run at their sizes and report their scale', async () => {
  const adam = await synthesize(ex, targets, { size: 64, iterations: 8, seed: 1, optimizer: 'adam', lr: 0.05 });
  assert.ok(adam.styleLoss[7] < 0.8 * adam.styleLoss[0], `Adam: style loss ${adam.styleLoss[0]} → ${adam.styleLoss[7]}`);
  const seen: SynthProgress[] = [];
  const ms = await synthesize(ex, targets, { size: 64, iterations: 6, scales: [0.5, 1], scaleIterations: [4, 2], seed: 1, onProgress: (p) => void seen.push(p) });
  assert.deepEqual(seen.map((p) => [p.scale, p.width]), [[0, 32], [0, 32], [0, 32], [0, 32], [1, 64], [1, 64]]);
  assert.deepEqual(ms.iterationScale, [0, 0, 0, 0, 1, 1]);
  assert.equal(ms.image.width, 64);
  await assert.rejects(synthesize(ex, targets, { size: 64, iterations: 4, scales: [1, 0.5] }), /scales must be ascending/);
  await assert.rejects(synthesize(ex, targets, { size: 64, iterations: 4, scales: [0.5, 1], scaleIterations: [1, 2] }), /summing to iterations \(4\)/);
});

test('palette start: smooth noise with the palette colours; a content image recoloured to it', async () => {
  const palette = imagePalette(style);
  const r = await synthesize(ex, targets, { size: 64, iterations: 0, palette, seed: 3 });
  const got = imagePalette(r.image);
  got.mean.forEach((m, c) => assert.ok(Math.abs(m - palette.mean[c]) < 0.02, `mean ${c}: ${m} vs ${palette.mean[c]}`));
  const rc = await synthesize(ex, targets, { size: 64, iterations: 0, palette, content, init: 'palette' });
  const gc = imagePalette(rc.image);
  gc.mean.forEach((m, c) => assert.ok(Math.abs(m - palette.mean[c]) < 0.03, `content mean ${c}: ${m} vs ${palette.mean[c]}`));
  await assert.rejects(synthesize(ex, targets, { size: 64, iterations: 1, init: 'palette' }), /needs a palette/);
});

test('a loss that overflows stops the run with a clear error (L-BFGS and Adam)', async () => {
  await assert.rejects(synthesize(ex, targets, { size: 64, iterations: 3, styleWeight: 1e39 }), /the loss is Infinity at the start: the weights are too large/);
  await assert.rejects(synthesize(ex, targets, { size: 64, iterations: 3, styleWeight: 1e39, optimizer: 'adam' }), /the loss became Infinity at iteration 1/);
  await assert.rejects(synthesize(ex, targets, { size: 64, iterations: 3, styleWeight: -1 }), /styleWeight must be a finite number >= 0, got -1/);
});

test('abort: the signal stops the optimisation with its reason; bad targets are rejected', async () => {
  const ac = new AbortController();
  const before = tf.memory().numTensors;
  await assert.rejects(
    synthesize(ex, targets, { size: 64, iterations: 50, onProgress: (p) => { if (p.iteration === 3) ac.abort(new Error('user cancelled')); }, signal: ac.signal }),
    /user cancelled/,
  );
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(synthesize(ex, targets.slice(1), { size: 64 }), /4 target Grams for 5 style layers/);
  await assert.rejects(synthesize(ex, [targets[1], ...targets.slice(1)], { size: 64 }), /conv_pw_1_relu/);
});

test('image sides are snapped to multiples of the network stride (16 for MobileNet), per level', () => {
  assert.equal(ex.stride, 16);
  assert.deepEqual([snapToMultiple(177, 16), snapToMultiple(184, 16), snapToMultiple(5, 16), snapToMultiple(177, 1)], [176, 192, 16, 177]);
  assert.deepEqual(levelsOf(256, 177, [0.5, 1], 80, undefined, 16), [{ width: 128, height: 96, iterations: 40 }, { width: 256, height: 176, iterations: 40 }]);
  assert.deepEqual(levelsOf(256, 177, [0.5, 1], 80), [{ width: 128, height: 89, iterations: 40 }, { width: 256, height: 177, iterations: 40 }]);
});

/** Mean |horizontal second difference| of the luminance of each row. */
function rowEnergy(img: RgbImage): number[] {
  const { width: w, height: h, data: d } = img;
  const Y = (x: number, y: number) => 0.299 * d[(y * w + x) * 3] + 0.587 * d[(y * w + x) * 3 + 1] + 0.114 * d[(y * w + x) * 3 + 2];
  return Array.from({ length: h }, (_, y) => {
    let s = 0;
    for (let x = 1; x < w - 1; x++) s += Math.abs(Y(x - 1, y) - 2 * Y(x, y) + Y(x + 1, y));
    return s / (w - 2);
  });
}

test('content mode at an odd height (128×81 asked): no speckled top rows', async () => {
  // Before the sides were snapped to multiples of 16, a 128×81 image (81 → 41 → 21 → 11 rows: a zero row above
  // the image at every strided layer, which the square crops never had) ended with its top two rows at 1.3–1.5×
  // the median row's high-frequency energy (colour speckle); at 128×80 they are below it.
  const big = await loadImage(sharedPath('assets', 'styles', 'starry_night.jpg'), { maxSide: 256, enlarge: true });
  const ds = await gramDataset(ex, big, { crops: 4, cropSize: 128, seed: 1, pixelMoments: false });
  const mean = datasetMean(ds);
  const t = ds.channels.map((c, l) => Float32Array.from(triToGram(mean[l], c)));
  const ship = await loadImage(sharedPath('assets', 'styles', 'shipwreck.jpg'), { maxSide: 256 });
  const c81 = await resizeImage(ship, 256, 162);
  const r = await synthesize(ex, t, { size: 128, content: c81, init: 'palette', palette: imagePalette(big), colourWeight: 10, tvChromaWeight: 0.3, iterations: 40, seed: 1 });
  assert.deepEqual([r.image.width, r.image.height], [128, 80]);
  const e = rowEnergy(r.image);
  const med = [...e].sort((a, b) => a - b)[e.length >> 1];
  assert.ok(e[0] < med && e[1] < med, `top rows' energy ${(e[0] / med).toFixed(2)}, ${(e[1] / med).toFixed(2)} × the median row's`);
});
