/**
 * The checks of src/style/extractor.ts with their exact messages, on a tiny two-convolution model the test saves in
 * a temp folder (layers input_1 → conv_a → conv_a_bn → conv_b): an empty or missing style-layer list, a style or content layer
 * the model lacks (the message lists the model's layers but not its batch-norm ones), a smoothing temperature that is not a finite positive
 * number (a small positive one is accepted and gives mean-1 features), images that are not NHWC with 3 channels
 * (a 3-channel batch is accepted), and an unknown extractor name.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { loadExtractor, loadMobileNet, loadVGG19 } from '../../src/style/extractor.ts';
import { saveLayersModelToDir } from '../../src/style/model-io.ts';
import { throwsExactly } from '../_assert.ts';

let tmp: string;
let dir: string;
before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-exchk-'));
  dir = join(tmp, 'tiny');
  const input = tfl.input({ shape: [null, null, 3], name: 'input_1' });
  const a = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'conv_a' }).apply(input) as tfl.SymbolicTensor;
  const bn = tfl.layers.batchNormalization({ name: 'conv_a_bn' }).apply(a) as tfl.SymbolicTensor;
  const b = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'conv_b' }).apply(bn) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: b });
  await saveLayersModelToDir(model, dir);
  model.dispose();
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const rejectsExactly = (p: Promise<unknown>, message: string) =>
  assert.rejects(p, (e: Error) => {
    assert.equal(`${e.name}: ${e.message}`, message);
    return true;
  });

test('styleLayers must be a non-empty array; a layer the model lacks is named with the layers it has', async () => {
  await rejectsExactly(loadMobileNet({ dir, styleLayers: [] }), 'RangeError: MobileNet: styleLayers must be a non-empty array of layer names');
  await rejectsExactly(loadVGG19({ dir, styleLayers: [] }), 'RangeError: VGG19: styleLayers must be a non-empty array of layer names');
  await rejectsExactly(loadMobileNet({ dir, styleLayers: 'conv_a' as never }), 'RangeError: MobileNet: styleLayers must be a non-empty array of layer names');
  const path = join(dir, 'model.json');
  await rejectsExactly(loadMobileNet({ dir, styleLayers: ['conv_a', 'conv_c'], contentLayer: null }), `ModelFileError: MobileNet: ${path} has no layer "conv_c" (layers include input_1, conv_a, conv_b, …)`);
  await rejectsExactly(loadMobileNet({ dir, styleLayers: ['conv_a'], contentLayer: 'conv_z' }), `ModelFileError: MobileNet: ${path} has no layer "conv_z" (layers include input_1, conv_a, conv_b, …)`);
  const one = await loadMobileNet({ dir, styleLayers: ['conv_a'], contentLayer: null });
  assert.deepEqual([one.styleLayers, one.styleChannels, one.contentLayer], [['conv_a'], [2], null]);
  one.dispose();
});

test('a smoothing temperature must be a finite positive number; 0.5 gives features of mean 1', async () => {
  for (const t of [0, -1, NaN, Infinity]) {
    await rejectsExactly(loadMobileNet({ dir, styleLayers: ['conv_a'], contentLayer: null, smoothing: { temperature: t } }), `RangeError: MobileNet: smoothing temperature must be a positive number, got ${t}`);
  }
  const ex = await loadMobileNet({ dir, styleLayers: ['conv_a'], contentLayer: 'conv_b', smoothing: { temperature: 0.5 } });
  assert.deepEqual(ex.smoothing, { temperature: 0.5 });
  tf.tidy(() => {
    const { style, content } = ex.features(tf.randomUniform([1, 4, 4, 3], 0, 1, 'float32', 1) as tf.Tensor4D);
    assert.ok(Math.abs(tf.mean(style[0]).dataSync()[0] - 1) < 1e-5, 'N·softmax has mean 1');
    assert.deepEqual(content!.shape, [1, 4, 4, 2]);
  });
  ex.dispose();
});

test('features refuses images that are not NHWC with 3 channels, naming the shape', async () => {
  const ex = await loadMobileNet({ dir, styleLayers: ['conv_a'], contentLayer: null });
  tf.tidy(() => {
    throwsExactly(() => ex.features(tf.zeros([1, 4, 4, 4]) as tf.Tensor4D), 'Error: mobilenet extractor: expected NHWC images with 3 channels, got shape [1, 4, 4, 4]');
    throwsExactly(() => ex.features(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D), 'Error: mobilenet extractor: expected NHWC images with 3 channels, got shape [1, 4, 4, 2]');
    throwsExactly(() => ex.features(tf.zeros([4, 4, 3]) as unknown as tf.Tensor4D), 'Error: mobilenet extractor: expected NHWC images with 3 channels, got shape [4, 4, 3]');
    // Rank 5 with 3 in the fourth place: only the rank check refuses it.
    throwsExactly(() => ex.features(tf.zeros([1, 2, 2, 3, 3]) as unknown as tf.Tensor4D), 'Error: mobilenet extractor: expected NHWC images with 3 channels, got shape [1, 2, 2, 3, 3]');
    assert.deepEqual(ex.features(tf.zeros([2, 4, 4, 3]) as tf.Tensor4D).style[0].shape, [2, 4, 4, 2]);
  });
  ex.dispose();
});

test('loadExtractor names an unknown extractor and lists the known ones', async () => {
  await assert.rejects(async () => loadExtractor('resnet' as never, { dir }), (e: Error) => {
    assert.equal(`${e.name}: ${e.message}`, 'RangeError: unknown extractor "resnet": expected one of mobilenet, vgg19');
    return true;
  });
  const ex = await loadExtractor('vgg19', { dir, styleLayers: ['conv_b'], contentLayer: null });
  assert.equal(ex.name, 'vgg19');
  ex.dispose();
});
