/**
 * The forward plan (src/style/forward-plan.ts) compiles each supported layer class to its own step instead of the
 * slower generic `layer.apply` fallback, with the layer's result: ZeroPadding2D in its three config forms (one number,
 * [rows, cols], [[top, bottom], [left, right]]) — the full tfjs MobileNet that `fetch-models` downloads has
 * conv_pad_* layers — and max / average pooling. A layer that silently fell back would give the same values, only
 * slower, so the step kinds are asserted too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { ForwardPlan } from '../../src/style/forward-plan.ts';

/** The plan's single output on a seeded random input of `shape` equals the layers model's, value for value (± 1e-5). */
function assertMatchesModel(plan: ForwardPlan, model: tfl.LayersModel, shape: [number, number, number, number], seed: number, label: string): void {
  tf.tidy(() => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
    const ours = plan.run(x)[0], ref = model.predict(x) as tf.Tensor;
    assert.deepEqual(ours.shape, ref.shape, label);
    const a = ours.dataSync(), b = ref.dataSync();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `${label}: value ${i}: ${a[i]} vs ${b[i]}`);
  });
}

/** The plan's input gradient of Σ w ⊙ output (w random) against the layers model's, on a random input. */
function assertInputGradientMatches(plan: ForwardPlan, model: tfl.LayersModel, shape: [number, number, number, number], seed: number, label: string): void {
  tf.tidy(() => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = tf.randomNormal(plan.run(x)[0].shape, 0, 1, 'float32', seed + 1);
    const g1 = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(plan.run(y as tf.Tensor4D)[0], w)))(x).dataSync();
    const g2 = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(model.apply(y) as tf.Tensor, w)))(x).dataSync();
    assert.equal(g1.length, g2.length, label);
    for (let i = 0; i < g1.length; i++) assert.ok(Math.abs(g1[i] - g2[i]) < 1e-4, `${label}: input gradient ${i}: ${g1[i]} vs ${g2[i]}`);
  });
}

test('ZeroPadding2D (all three padding forms) and pooling compile to their own steps and match the layers model', async () => {
  await initBackend({ quiet: true });
  const paddings: (number | [number, number] | [[number, number], [number, number]])[] = [2, [1, 3], [[1, 2], [0, 3]]];
  for (const padding of paddings) {
    const input = tfl.input({ shape: [5, 6, 2] });
    const padLayer = tfl.layers.zeroPadding2d({ name: 'pad', padding: padding as never });
    // tfjs-layers normalises every form to [[top, bottom], [left, right]] in its config; a Keras-format config may
    // hold the short forms, which is what the plan reads, so the config is made to say the form as given.
    const config = padLayer.getConfig();
    padLayer.getConfig = () => ({ ...config, padding: padding as never });
    const padded = padLayer.apply(input) as tfl.SymbolicTensor;
    const maxed = tfl.layers.maxPooling2d({ name: 'maxpool', poolSize: 2, strides: 1 }).apply(padded) as tfl.SymbolicTensor;
    const avg = tfl.layers.averagePooling2d({ name: 'avgpool', poolSize: 2, strides: 2 }).apply(maxed) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: [padded, avg] });
    const plan = new ForwardPlan(model);
    assert.equal(plan.kinds.get('pad'), 'pad', `padding ${JSON.stringify(padding)}`);
    assert.equal(plan.kinds.get('maxpool'), 'maxpool');
    assert.equal(plan.kinds.get('avgpool'), 'avgpool');
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 6, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
      const ours = plan.run(x);
      const ref = model.predict(x) as tf.Tensor[];
      assert.deepEqual(ours[0].shape, ref[0].shape);
      assert.deepEqual(Array.from(ours[0].dataSync()), Array.from(ref[0].dataSync()), `padded values, padding ${JSON.stringify(padding)}`);
      const a = ours[1].dataSync(), b = ref[1].dataSync();
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `pooled value ${i}`);
    });
    plan.dispose();
    model.dispose();
  }
});

test('a config that gives strides, pool size or dilation as one number (Keras format) is read as [n, n]: convolution, depthwise convolution and pooling match the layers model', async () => {
  await initBackend({ quiet: true });
  const input = tfl.input({ shape: [13, 13, 2] });
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 3, kernelSize: 3, strides: 2, padding: 'same' });
  const dilated = tfl.layers.conv2d({ name: 'dilated', filters: 3, kernelSize: 2, dilationRate: 2, padding: 'valid' });
  const dw = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 2, strides: 2, padding: 'same' });
  const pool = tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2, strides: 1 });
  // tfjs-layers' own configs hold pairs; make each say the number instead. (A dilated depthwise layer is not used:
  // tfjs-layers 4.22's DepthwiseConv2D ignores its dilation rate.)
  const numbers: [tfl.layers.Layer, Record<string, number>][] = [
    [conv, { strides: 2 }], [dilated, { dilation_rate: 2, dilationRate: 2 }], [dw, { strides: 2 }], [pool, { pool_size: 2, poolSize: 2, strides: 1 }],
  ];
  for (const [layer, n] of numbers) {
    const config = layer.getConfig();
    layer.getConfig = () => ({ ...config, ...n });
  }
  const out = pool.apply(dw.apply(dilated.apply(conv.apply(input)))) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  const plan = new ForwardPlan(model);
  assert.deepEqual(['conv', 'dilated', 'dw', 'pool'].map((n) => plan.kinds.get(n)), ['conv', 'conv', 'depthwise', 'maxpool']);
  assertMatchesModel(plan, model, [2, 13, 13, 2], 13, 'number forms');
  plan.dispose();
  model.dispose();
});

test('layers with two inputs (Add, Concatenate) and a one-input layer the plan does not compile (UpSampling2D) run through layer.apply with their inputs and match the layers model', async () => {
  await initBackend({ quiet: true });
  const input = tfl.input({ shape: [5, 5, 2] });
  const a = tfl.layers.conv2d({ name: 'a', filters: 2, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.conv2d({ name: 'b', filters: 2, kernelSize: 1 }).apply(input) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ name: 'cat', axis: -1 }).apply([sum, input]) as tfl.SymbolicTensor;
  const up = tfl.layers.upSampling2d({ name: 'up', size: [2, 2] }).apply(cat) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: up });
  const plan = new ForwardPlan(model);
  assert.deepEqual(['sum', 'cat', 'up'].map((n) => plan.kinds.get(n)), ['apply', 'apply', 'apply']);
  assertMatchesModel(plan, model, [2, 5, 5, 2], 17, 'two-input and fallback layers');
  plan.dispose();
  model.dispose();
});

test('a BatchNormalization after a convolution is folded into it when its axis is the channel axis (3, −1, [3]) and applied as it is otherwise (1, [1]); both match the layers model', async () => {
  await initBackend({ quiet: true });
  // Height 4 = 4 filters, so a BN over the height axis has weights of the same shape as one over the channels:
  // folding it would give wrong values, not a shape error.
  const cases: [unknown, boolean][] = [[3, true], [-1, true], [[3], true], [1, false], [[1], false]];
  for (const [axis, folded] of cases) {
    const input = tfl.input({ shape: [4, 4, 3] });
    const conv = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tfl.SymbolicTensor;
    const bn = tfl.layers.batchNormalization({
      name: 'bn', axis: axis as number, movingMeanInitializer: 'randomNormal', gammaInitializer: 'randomNormal', betaInitializer: 'randomNormal',
    }).apply(conv) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: bn });
    const plan = new ForwardPlan(model);
    const label = `axis ${JSON.stringify(axis)}`;
    assert.deepEqual([plan.kinds.get('conv'), plan.kinds.get('bn')], folded ? ['conv+bn', 'folded'] : ['conv', 'apply'], label);
    assertMatchesModel(plan, model, [2, 4, 4, 3], 7, label);
    plan.dispose();
    model.dispose();
  }
});

test('a BatchNormalization that follows no convolution runs as its own affine step when its axis is the channel axis (3, −1, [3]) and through the layer otherwise (1, [1]); both match the layers model', async () => {
  await initBackend({ quiet: true });
  const cases: [unknown, string][] = [[3, 'bn'], [-1, 'bn'], [[3], 'bn'], [1, 'apply'], [[1], 'apply']]; // tfjs-layers refuses axis [-1]
  for (const [axis, kind] of cases) {
    const input = tfl.input({ shape: [4, 4, 4] });
    const pooled = tfl.layers.maxPooling2d({ name: 'pool', poolSize: 1 }).apply(input) as tfl.SymbolicTensor;
    const bn = tfl.layers.batchNormalization({
      name: 'bn', axis: axis as number, movingMeanInitializer: 'randomNormal', movingVarianceInitializer: 'ones', gammaInitializer: 'randomNormal', betaInitializer: 'randomNormal',
    }).apply(pooled) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: bn });
    const plan = new ForwardPlan(model);
    const label = `axis ${JSON.stringify(axis)}`;
    assert.equal(plan.kinds.get('bn'), kind, label);
    assertMatchesModel(plan, model, [2, 4, 4, 4], 9, label);
    plan.dispose();
    model.dispose();
  }
});

test('linear convolutions with 1×1 (stride 1 and 2), 1×3, 3×1 and 1×2 kernels match the layers model, values and input gradients (only 1×1 at stride 1 may take the pointwise shortcut)', async () => {
  await initBackend({ quiet: true });
  const cases: { kernelSize: [number, number]; strides: number; padding: 'same' | 'valid' }[] = [
    { kernelSize: [1, 1], strides: 1, padding: 'valid' },
    { kernelSize: [1, 3], strides: 1, padding: 'same' },
    { kernelSize: [3, 1], strides: 1, padding: 'valid' },
    { kernelSize: [1, 1], strides: 2, padding: 'valid' },
    { kernelSize: [1, 2], strides: 2, padding: 'same' },
  ];
  for (const c of cases) {
    const label = JSON.stringify(c);
    const input = tfl.input({ shape: [5, 6, 3] });
    const out = tfl.layers.conv2d({ name: 'conv', filters: 4, ...c }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const plan = new ForwardPlan(model);
    assert.equal(plan.kinds.get('conv'), 'conv', label);
    assertMatchesModel(plan, model, [2, 5, 6, 3], 3, label);
    assertInputGradientMatches(plan, model, [2, 5, 6, 3], 3, label);
    plan.dispose();
    model.dispose();
  }
});

test('convolutions with their own ReLU (fused) at 1×1 with strides 1, [1, 2], [2, 1], 2 and at 3×3 match the layers model, values and input gradients (only 1×1 at stride 1 in both axes may take the transposed-kernel gradient)', async () => {
  await initBackend({ quiet: true });
  const cases: { kernelSize: [number, number]; strides: number | [number, number]; padding: 'same' | 'valid' }[] = [
    { kernelSize: [1, 1], strides: 1, padding: 'valid' },
    { kernelSize: [1, 1], strides: [1, 2], padding: 'valid' },
    { kernelSize: [1, 1], strides: [2, 1], padding: 'same' },
    { kernelSize: [1, 1], strides: 2, padding: 'valid' },
    { kernelSize: [3, 3], strides: 1, padding: 'same' },
  ];
  for (const c of cases) {
    const label = JSON.stringify(c);
    const input = tfl.input({ shape: [5, 6, 3] });
    const out = tfl.layers.conv2d({ name: 'conv', filters: 4, activation: 'relu', biasInitializer: 'randomNormal', ...c }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const plan = new ForwardPlan(model);
    assert.equal(plan.kinds.get('conv'), 'conv+relu', label);
    assertMatchesModel(plan, model, [2, 5, 6, 3], 5, label);
    assertInputGradientMatches(plan, model, [2, 5, 6, 3], 5, label);
    plan.dispose();
    model.dispose();
  }
});

test("a ReLU whose config carries Keras's negative_slope or threshold is left to the layer, not compiled as a plain ReLU", async () => {
  await initBackend({ quiet: true });
  // tfjs's own ReLU has only maxValue; a layer whose config says otherwise (a Keras ReLU(negative_slope, threshold))
  // must not be replaced by tf.relu, which would drop them.
  const cases: [Record<string, number>, string][] = [[{}, 'activation'], [{ negative_slope: 0.1 }, 'apply'], [{ threshold: 0.5 }, 'apply'], [{ negative_slope: 0.1, threshold: 0.5 }, 'apply']];
  for (const [extra, kind] of cases) {
    const input = tfl.input({ shape: [3, 3, 2] });
    const relu = tfl.layers.reLU({ name: 'relu' });
    const config = relu.getConfig();
    relu.getConfig = () => ({ ...config, ...extra });
    const model = tfl.model({ inputs: input, outputs: relu.apply(input) as tfl.SymbolicTensor });
    const plan = new ForwardPlan(model);
    assert.equal(plan.kinds.get('relu'), kind, JSON.stringify(extra));
    plan.dispose();
    model.dispose();
  }
});

test('only a BatchNormalization is folded into the convolution before it: a linear convolution followed by pooling, a ReLU layer or a softmax over the channels matches the layers model', async () => {
  await initBackend({ quiet: true });
  const nexts: [string, () => tfl.layers.Layer, string][] = [
    ['maxpool', () => tfl.layers.maxPooling2d({ name: 'next', poolSize: 2 }), 'maxpool'],
    ['relu', () => tfl.layers.reLU({ name: 'next' }), 'folded'], // fused into the convolution: conv+relu
    ['softmax', () => tfl.layers.softmax({ name: 'next', axis: -1 }), 'apply'], // an `axis` of -1, as a BN's
  ];
  for (const [label, make, nextKind] of nexts) {
    const input = tfl.input({ shape: [4, 4, 3] });
    const conv = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: make().apply(conv) as tfl.SymbolicTensor });
    const plan = new ForwardPlan(model);
    assert.deepEqual([plan.kinds.get('conv'), plan.kinds.get('next')], [label === 'relu' ? 'conv+relu' : 'conv', nextKind], label);
    assertMatchesModel(plan, model, [2, 4, 4, 3], 5, label);
    plan.dispose();
    model.dispose();
  }
});


test('a ReLU layer after a convolution is fused as relu without a cap, as relu6 with maxValue 6, and not fused with any other cap; each matches the layers model on activations well above 6', async () => {
  await initBackend({ quiet: true });
  // MobileNet's blocks end in ReLU(max_value=6): fusing it as a plain relu would leave values above 6 uncapped.
  const cases: [number | undefined, [string, string]][] = [
    [undefined, ['conv+relu', 'folded']],
    [6, ['conv+relu6', 'folded']],
    [3, ['conv', 'activation']], // a clip at 3 after its own step
  ];
  for (const [maxValue, kinds] of cases) {
    const label = `maxValue ${maxValue}`;
    const input = tfl.input({ shape: [4, 4, 3] });
    const conv = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.constant({ value: 2 }) }).apply(input) as tfl.SymbolicTensor;
    const relu = tfl.layers.reLU({ name: 'next', ...(maxValue === undefined ? {} : { maxValue }) });
    const model = tfl.model({ inputs: input, outputs: relu.apply(conv) as tfl.SymbolicTensor });
    const plan = new ForwardPlan(model);
    assert.deepEqual([plan.kinds.get('conv'), plan.kinds.get('next')], kinds, label);
    // A constant-2 3×3×3 kernel sums up to 27 inputs of sd 1 (output sd up to ≈ 10): many outputs are above 6, many below 0.
    assertMatchesModel(plan, model, [2, 4, 4, 3], 11, label);
    tf.tidy(() => {
      const y = plan.run(tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 11) as tf.Tensor4D)[0].dataSync();
      const cap = maxValue ?? Infinity;
      assert.ok(y.some((v) => v > Math.min(cap, 6) - 1e-6 && v <= cap) && y.some((v) => v === 0), `${label}: outputs reach the cap and 0`);
    });
    plan.dispose();
    model.dispose();
  }
});
test('a dilated convolution is not fused with its relu (its own or the ReLU layer after it) and computes the dilated convolution; the same convolution undilated is fused', async () => {
  await initBackend({ quiet: true });
  for (const dilationRate of [2, 1]) {
    for (const own of [false, true]) {
      for (const depthwise of [false, true]) {
        const input = tfl.input({ shape: [7, 7, 3] });
        const activation = own ? 'relu' : 'linear';
        const layer = depthwise
          ? tfl.layers.depthwiseConv2d({ name: 'conv', kernelSize: 3, padding: 'same', dilationRate, activation, biasInitializer: 'randomNormal' })
          : tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same', dilationRate, activation, biasInitializer: 'randomNormal' });
        const conv = layer.apply(input) as tfl.SymbolicTensor;
        const out = own ? conv : tfl.layers.reLU({ name: 'next' }).apply(conv) as tfl.SymbolicTensor;
        const model = tfl.model({ inputs: input, outputs: out });
        const plan = new ForwardPlan(model);
        const label = `${depthwise ? 'depthwise' : 'conv'} dilation ${dilationRate}, ${own ? 'own relu' : 'ReLU layer'}`;
        const kind = depthwise ? 'depthwise' : 'conv';
        assert.equal(plan.kinds.get('conv'), dilationRate === 1 ? `${kind}+relu` : kind, label);
        if (depthwise && dilationRate > 1) {
          // tfjs-layers 4.22's DepthwiseConv2D.call passes no dilation to the op ("TODO(cais): Add support for
          // dilation", dist/layers/convolutional_depthwise.js), so the layers model is no reference here: the plan
          // computes what Keras defines, relu(depthwiseConv2d(x, k, dilation) + b).
          tf.tidy(() => {
            const x = tf.randomNormal([2, 7, 7, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
            const [k, b] = layer.getWeights() as [tf.Tensor4D, tf.Tensor1D];
            const want = tf.relu(tf.add(tf.depthwiseConv2d(x, k, 1, 'same', 'NHWC', dilationRate), b)).dataSync();
            const undilated = tf.relu(tf.add(tf.depthwiseConv2d(x, k, 1, 'same', 'NHWC', 1), b)).dataSync();
            const got = plan.run(x)[0].dataSync();
            assert.ok(got.some((v, i) => Math.abs(v - undilated[i]) > 1e-3), `${label}: the case tells dilation apart`);
            for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-5, `${label}: value ${i}: ${got[i]} vs ${want[i]}`);
          });
        } else assertMatchesModel(plan, model, [2, 7, 7, 3], 11, label);
        plan.dispose();
        model.dispose();
      }
    }
  }
});
