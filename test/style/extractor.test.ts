/**
 * Feature extractors: MobileNet (the shared ImageNet weights) and VGG19 (a small random model with the
 * real Keras layer names, written by the test): output shapes, agreement of the lean forward plan with
 * tfjs-layers' own predict, gradients reaching the image, and clear errors for bad model folders.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, truncateSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { loadMobileNet, loadVGG19, VGG_BGR_MEANS, type FeatureExtractor } from '../../src/style/extractor.ts';
import { ModelFileError, loadLayersModelFromDir, saveLayersModelToDir } from '../../src/style/model-io.ts';
import { gramMatrix } from '../../src/style/gram.ts';
import { ForwardPlan } from '../../src/style/forward-plan.ts';
import { styleLoss } from '../../src/style/synth.ts';
import { sharedPath } from '../../src/util/paths.ts';
import { Rng } from '../../src/util/rng.ts';

const MOBILENET = sharedPath('models', 'mobilenet_v1_1.0_224');
let tmp: string;
let mobilenet: FeatureExtractor;
const rng = new Rng(6);

function randomImage(h: number, w: number): tf.Tensor4D {
  const v = new Float32Array(h * w * 3);
  for (let i = 0; i < v.length; i++) v[i] = rng.uniform();
  return tf.tensor4d(v, [1, h, w, 3]);
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-30);
}

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-style-'));
  mobilenet = await loadMobileNet({ dir: MOBILENET });
});
after(() => {
  mobilenet?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

test('MobileNet: default style layers, output shapes at 64 px and 64×96 px', () => {
  assert.deepEqual(mobilenet.styleLayers, ['conv_pw_1_relu', 'conv_pw_3_relu', 'conv_pw_5_relu', 'conv_pw_7_relu', 'conv_pw_11_relu']);
  assert.deepEqual(mobilenet.styleChannels, [64, 128, 256, 512, 512]);
  tf.tidy(() => {
    const { style, content } = mobilenet.features(randomImage(64, 64));
    assert.deepEqual(style.map((s) => s.shape), [[1, 32, 32, 64], [1, 16, 16, 128], [1, 8, 8, 256], [1, 4, 4, 512], [1, 4, 4, 512]]);
    assert.deepEqual(content!.shape, [1, 4, 4, 512]);
    const r = mobilenet.features(randomImage(64, 96));
    assert.deepEqual(r.style[0].shape, [1, 32, 48, 64]);
  });
});

test('MobileNet: a content layer that is also the first style layer gives the content features (output index 0), once', async () => {
  const ex = await loadMobileNet({ dir: MOBILENET, styleLayers: ['conv_pw_1_relu', 'conv_pw_3_relu'], contentLayer: 'conv_pw_1_relu' });
  try {
    tf.tidy(() => {
      const { style, content } = ex.features(randomImage(32, 32));
      assert.ok(content, 'content features');
      assert.deepEqual(content.shape, [1, 16, 16, 64]);
      assert.deepEqual(Array.from(content.dataSync()), Array.from(style[0].dataSync()), 'the same layer');
    });
  } finally {
    ex.dispose();
  }
});

test('MobileNet: the lean forward plan (BatchNorm folded) matches tfjs-layers predict', async () => {
  const layers = ['conv_pw_1_relu', 'conv_pw_5_relu', 'conv_pw_11_relu'];
  const ex = await loadMobileNet({ dir: MOBILENET, styleLayers: layers, contentLayer: null });
  const model = await loadLayersModelFromDir(MOBILENET, { outputs: layers, inputShape: [null, null, 3] });
  tf.tidy(() => {
    const x = randomImage(48, 48);
    const ours = ex.features(x).style;
    const ref = model.predict(tf.sub(tf.mul(x, 2), 1)) as tf.Tensor[];
    ours.forEach((o, i) => assert.ok(maxRel(o.dataSync(), ref[i].dataSync()) < 1e-3, `layer ${layers[i]}`));
  });
  ex.dispose();
  model.dispose();
});

test('forward plan: fused conv+BN+ReLU6 blocks give the same features and image gradients as unfused ones', async () => {
  const layers = ['conv_pw_2_relu', 'conv_pw_4_relu'];
  const model = await loadLayersModelFromDir(MOBILENET, { outputs: layers, inputShape: [null, null, 3] });
  const fused = new ForwardPlan(model);
  const plain = new ForwardPlan(model, { fuseActivation: false, foldBatchNorm: false });
  assert.equal(fused.kinds.get('conv1'), 'conv+bn+relu6');
  assert.equal(fused.kinds.get('conv_dw_2'), 'depthwise+bn+relu6');
  assert.equal(fused.kinds.get('conv_pw_2'), 'conv+bn+relu6');
  assert.equal(fused.kinds.get('conv_pw_2_relu'), 'folded');
  assert.equal(plain.kinds.get('conv_pw_2_relu'), 'activation');
  tf.tidy(() => {
    const x = tf.sub(tf.mul(randomImage(40, 40), 2), 1) as tf.Tensor4D;
    const a = fused.run(x), b = plain.run(x);
    a.forEach((t, i) => assert.ok(maxRel(t.dataSync(), b[i].dataSync()) < 1e-4, `features of ${layers[i]}`));
    const target = gramMatrix(plain.run(tf.sub(tf.mul(randomImage(40, 40), 2), 1) as tf.Tensor4D)[1]);
    const ga = tf.grad((v: tf.Tensor) => styleLoss(fused.run(v as tf.Tensor4D)[1], target))(x);
    const gb = tf.grad((v: tf.Tensor) => styleLoss(plain.run(v as tf.Tensor4D)[1], target))(x);
    assert.ok(maxRel(ga.dataSync(), gb.dataSync()) < 1e-3, 'image gradients');
  });
  fused.dispose();
  plain.dispose();
  model.dispose();
});

test('MobileNet: style-loss gradients reach the image (directional derivative)', () => {
  tf.tidy(() => {
    const target = gramMatrix(mobilenet.features(randomImage(32, 32)).style[2]);
    const x0 = randomImage(32, 32);
    const loss = (x: tf.Tensor4D) => styleLoss(mobilenet.features(x).style[2], target);
    const g = tf.grad((x: tf.Tensor) => loss(x as tf.Tensor4D))(x0);
    const gv = g.dataSync();
    assert.ok(gv.every(Number.isFinite));
    let nz = 0;
    for (const v of gv) if (v !== 0) nz++;
    assert.ok(nz > 0.9 * gv.length, `only ${nz}/${gv.length} pixels get a gradient`);
    // Along the normalised gradient the directional derivative is ||g|| (large enough to see in float32).
    const gn = tf.norm(g).dataSync()[0];
    const dir = tf.div(g, gn) as tf.Tensor4D;
    const l0 = loss(x0).dataSync()[0];
    const eps = (0.01 * l0) / gn;
    const lp = loss(tf.add(x0, tf.mul(dir, eps)) as tf.Tensor4D).dataSync()[0];
    const lm = loss(tf.sub(x0, tf.mul(dir, eps)) as tf.Tensor4D).dataSync()[0];
    const fd = (lp - lm) / (2 * eps);
    const an = tf.sum(tf.mul(g, dir)).dataSync()[0];
    assert.ok(Math.abs(fd - an) < 0.05 * Math.abs(an), `finite difference ${fd} vs gradient ${an}`);
  });
});

/** A small VGG19-shaped functional model with the Keras layer names and random weights. */
function tinyVgg(): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, 3], name: 'input_1' });
  let x: tfl.SymbolicTensor = input;
  const convs = [2, 2, 4, 4, 4];
  const width = [4, 6, 8, 8, 8];
  for (let b = 1; b <= 5; b++) {
    for (let c = 1; c <= convs[b - 1]; c++) {
      x = tfl.layers.conv2d({ filters: width[b - 1], kernelSize: 3, padding: 'same', activation: 'relu', name: `block${b}_conv${c}`, kernelInitializer: 'glorotNormal', biasInitializer: 'randomNormal' }).apply(x) as tfl.SymbolicTensor;
    }
    x = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${b}_pool` }).apply(x) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: input, outputs: x, name: 'vgg19' });
}

test('VGG19: real Keras names, BGR-minus-means input, shapes and values vs predict', async () => {
  const dir = join(tmp, 'vgg19');
  const model = tinyVgg();
  await saveLayersModelToDir(model, dir);
  const ex = await loadVGG19({ dir, avgPool: false });
  assert.deepEqual(ex.styleLayers, ['block1_conv1', 'block2_conv1', 'block3_conv1', 'block4_conv1', 'block5_conv1']);
  assert.equal(ex.contentLayer, 'block4_conv2');
  assert.deepEqual(ex.styleChannels, [4, 6, 8, 8, 8]);
  const names = [...ex.styleLayers, 'block4_conv2'];
  const ref = tfl.model({ inputs: model.inputs, outputs: names.map((n) => model.getLayer(n).output as tfl.SymbolicTensor) });
  tf.tidy(() => {
    const x = randomImage(32, 32);
    const { style, content } = ex.features(x);
    assert.deepEqual(style.map((s) => s.shape.slice(1)), [[32, 32, 4], [16, 16, 6], [8, 8, 8], [4, 4, 8], [2, 2, 8]]);
    const bgr = tf.sub(tf.mul(tf.reverse(x, 3), 255), tf.tensor1d(VGG_BGR_MEANS));
    const want = ref.predict(bgr) as tf.Tensor[];
    [...style, content!].forEach((o, i) => assert.ok(maxRel(o.dataSync(), want[i].dataSync()) < 1e-4, `layer ${names[i]}`));
  });
  ex.dispose();
  // Default avgPool: max pooling replaced by average pooling, so deeper features differ, shapes do not.
  const exAvg = await loadVGG19({ dir });
  tf.tidy(() => {
    const x = randomImage(32, 32);
    const a = exAvg.features(x).style;
    assert.deepEqual(a[4].shape, [1, 2, 2, 8]);
  });
  exAvg.dispose();
});

test('missing or malformed model files give errors naming the file', async () => {
  const missing = join(tmp, 'nope');
  await assert.rejects(loadMobileNet({ dir: missing }), (e: Error) => e instanceof ModelFileError && e.message.includes(missing));
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  await assert.rejects(loadMobileNet({ dir: empty }), (e: Error) => e instanceof ModelFileError && e.message.includes(join(empty, 'model.json')));
  const bad = join(tmp, 'badjson');
  mkdirSync(bad);
  writeFileSync(join(bad, 'model.json'), '{"modelTopology": ');
  await assert.rejects(loadVGG19({ dir: bad }), (e: Error) => e instanceof ModelFileError && /not valid JSON/.test(e.message) && e.message.includes(join(bad, 'model.json')));
  // A truncated weight shard.
  const dir = join(tmp, 'vgg-trunc');
  await saveLayersModelToDir(tinyVgg(), dir);
  const shard = join(dir, 'group1-shard1of1.bin');
  truncateSync(shard, readFileSync(shard).length - 8);
  await assert.rejects(loadVGG19({ dir }), (e: Error) => e instanceof ModelFileError && e.message.includes(shard));
  // A missing shard.
  rmSync(shard);
  await assert.rejects(loadVGG19({ dir }), (e: Error) => e instanceof ModelFileError && /not found/.test(e.message) && e.message.includes(shard));
  // An unknown layer name.
  await assert.rejects(loadMobileNet({ dir: MOBILENET, styleLayers: ['conv_pw_99_relu'] }), (e: Error) => e instanceof ModelFileError && e.message.includes('conv_pw_99_relu'));
});
