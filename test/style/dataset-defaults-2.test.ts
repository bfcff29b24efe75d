/**
 * gramDataset's default batch of 4 crops per forward pass (src/style/dataset.ts CropOptions.batch), observed through
 * the progress callback: 10 crops go through in passes of 4, 4 and 2 (onCrops after 4, 8, 10), as with `batch: 4`
 * written out, and not as with 5. A stand-in extractor (the crop's RGB as the one style layer) on the cpu backend.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import type { FeatureExtractor } from '../../src/style/extractor.ts';
import { gramDataset, type CropOptions } from '../../src/style/dataset.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

const ex = {
  name: 'mobilenet', dir: '', styleLayers: ['rgb'], styleChannels: [3], contentLayer: null, smoothing: null, stride: 1,
  features: (img: tf.Tensor4D) => ({ style: [img], content: null }),
  dispose() {},
} as unknown as FeatureExtractor;
const side = 24;
const image = { width: side, height: side, data: Float32Array.from({ length: side * side * 3 }, (_, i) => (i % 7) / 7) };

async function progress(opts: CropOptions): Promise<number[]> {
  const done: number[] = [];
  await gramDataset(ex, image, { crops: 10, cropSize: 16, ...opts, onCrops: (d) => void done.push(d) });
  return done;
}

test('gramDataset: 4 crops per forward pass by default', async () => {
  assert.deepEqual(await progress({}), [4, 8, 10]);
  assert.deepEqual(await progress({ batch: 4 }), [4, 8, 10]);
  assert.deepEqual(await progress({ batch: 5 }), [5, 10]);
});
