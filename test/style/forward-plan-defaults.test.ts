/**
 * The forward plan (src/style/forward-plan.ts) reads a ReLU layer's negative slope and threshold as 0 when its config
 * has none (tfjs-layers' ReLU config holds only maxValue): such a ReLU compiles to its own 'activation' step, and one
 * that alone consumes a convolution is fused into it ('conv+relu'), instead of the generic `apply` fallback. The
 * fallback gives the same values, only slower, so the step kinds are asserted (and the values against the model).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { ForwardPlan } from '../../src/style/forward-plan.ts';

/** Both outputs of the plan against the layers model on a random 1 × 4 × 4 × 3 input, to `tol` relative above 1. */
function assertOutputsMatch(plan: ForwardPlan, model: tfl.LayersModel, seed: number, tol: number): void {
  tf.tidy(() => {
    const x = tf.randomNormal([1, 4, 4, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
    const ours = plan.run(x);
    const ref = model.predict(x) as tf.Tensor[];
    assert.equal(ours.length, 2);
    for (let o = 0; o < 2; o++) {
      const a = ours[o].dataSync(), b = ref[o].dataSync();
      assert.equal(a.length, b.length);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < tol * Math.max(1, Math.abs(b[i])), `output ${o} value ${i}: ${a[i]} vs ${b[i]}`);
    }
  });
}

test('ReLU layers without negative slope or threshold in their config: fused after a convolution, an activation step elsewhere', async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
  const input = tfl.input({ shape: [4, 4, 3] });
  const conv = tfl.layers.conv2d({ name: 'c', filters: 2, kernelSize: 1, kernelInitializer: 'glorotNormal', biasInitializer: 'ones' }).apply(input) as tfl.SymbolicTensor;
  const r1 = tfl.layers.reLU({ name: 'r1' }).apply(conv) as tfl.SymbolicTensor;
  const pooled = tfl.layers.averagePooling2d({ name: 'p', poolSize: 2, strides: 2 }).apply(input) as tfl.SymbolicTensor;
  const r2 = tfl.layers.reLU({ name: 'r2' }).apply(pooled) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: [r1, r2] });
  assert.equal((model.getLayer('r2').getConfig() as Record<string, unknown>).negative_slope, undefined, 'the config has no slope');
  const plan = new ForwardPlan(model);
  try {
    assert.equal(plan.kinds.get('c'), 'conv+relu');
    assert.equal(plan.kinds.get('r2'), 'activation');
    assertOutputsMatch(plan, model, 3, 1e-5);
  } finally {
    plan.dispose();
    model.dispose();
  }
});

test("a BatchNormalization config without epsilon is read with Keras' default 1e-3, folded after a convolution and on its own (moving variance 1e-3, where ε is half the scale)", async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
  const input = tfl.input({ shape: [4, 4, 3] });
  const conv = tfl.layers.conv2d({ name: 'c', filters: 2, kernelSize: 1, kernelInitializer: 'glorotNormal' }).apply(input) as tfl.SymbolicTensor;
  const small = () => tfl.initializers.constant({ value: 1e-3 });
  const bn1 = tfl.layers.batchNormalization({ name: 'bn1', movingVarianceInitializer: small() }).apply(conv) as tfl.SymbolicTensor;
  const pooled = tfl.layers.averagePooling2d({ name: 'p', poolSize: 2, strides: 2 }).apply(input) as tfl.SymbolicTensor;
  const bn2 = tfl.layers.batchNormalization({ name: 'bn2', movingVarianceInitializer: small() }).apply(pooled) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: [bn1, bn2] });
  for (const name of ['bn1', 'bn2']) {
    const layer = model.getLayer(name);
    const config = layer.getConfig() as Record<string, unknown>;
    assert.equal(config.epsilon, 1e-3, "tfjs' default");
    const { epsilon: _dropped, ...rest } = config;
    layer.getConfig = () => rest as never;
  }
  const plan = new ForwardPlan(model);
  try {
    assert.deepEqual([plan.kinds.get('c'), plan.kinds.get('bn2')], ['conv+bn', 'bn']);
    assertOutputsMatch(plan, model, 5, 1e-4);
  } finally {
    plan.dispose();
    model.dispose();
  }
});
