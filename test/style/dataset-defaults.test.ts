/**
 * gramDataset's documented defaults (src/style/dataset.ts CropOptions): 32 crops of 256 px at the positions of seed 0,
 * 4 crops per forward pass (the same Grams as any other batch size), style index 0, the pixel-moment layer first.
 * A small image (64 px on its longer side) and one style layer keep it fast; every default is compared with the value
 * written out, and each seed / count / size with its neighbour.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend/index.ts';
import { loadMobileNet, type FeatureExtractor } from '../../src/style/extractor.ts';
import { loadImage, randomCropBoxes, type RgbImage } from '../../src/style/images.ts';
import { gramDataset, PIXEL_LAYER } from '../../src/style/dataset.ts';
import { sharedPath } from '../../src/util/paths.ts';

let ex: FeatureExtractor;
let img: RgbImage, big: RgbImage;

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
  ex = await loadMobileNet({ dir: sharedPath('models', 'mobilenet_v1_1.0_224'), styleLayers: ['conv_pw_1_relu'], contentLayer: null });
  img = await loadImage(sharedPath('assets', 'styles', 'starry_night.jpg'), { maxSide: 64 });
  big = await loadImage(sharedPath('assets', 'styles', 'starry_night.jpg'), { maxSide: 420 });
});

test('gramDataset: seed 0, batch 4, style index 0 and the pixel layer by default', async () => {
  const base = { crops: 6, cropSize: 24 };
  const d = await gramDataset(ex, img, base);
  assert.deepEqual(d, await gramDataset(ex, img, { ...base, seed: 0, batch: 4, sourceIndex: 0, pixelMoments: true }));
  assert.notDeepEqual(d.vectors, (await gramDataset(ex, img, { ...base, seed: 1 })).vectors, 'seed 1 crops elsewhere');
  assert.deepEqual(d.vectors, (await gramDataset(ex, img, { ...base, batch: 5 })).vectors, 'the batch size does not change the Grams');
  assert.deepEqual(d.layers, [PIXEL_LAYER, 'conv_pw_1_relu']);
  assert.deepEqual(Array.from(d.source ?? []), new Array(6).fill(0));
  assert.notDeepEqual(randomCropBoxes(img.width, img.height, 6, 24, 0), randomCropBoxes(img.width, img.height, 6, 24, 1));
});

test('gramDataset: 32 crops of 256 px by default', async () => {
  const d = await gramDataset(ex, big, { pixelMoments: false });
  assert.equal(d.n, 32);
  assert.deepEqual(d, await gramDataset(ex, big, { pixelMoments: false, crops: 32, cropSize: 256 }));
  assert.notDeepEqual(d.vectors, (await gramDataset(ex, big, { pixelMoments: false, crops: 32, cropSize: 255 })).vectors, 'another crop size');
});
