/**
 * totalStride (src/style/extractor.ts): the product of the convolutions' and poolings' strides along the path to
 * the deepest output, an asymmetric stride counting with its larger side, a pooling without strides with its pool
 * size, and over several inputs the largest. Built with tfjs-layers models (no weights needed).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.ts';
import { totalStride } from '../../src/style/extractor.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('totalStride: products along the path, asymmetric strides by their larger side, pool size as default stride, the largest branch', () => {
  const input = tfl.input({ shape: [32, 32, 3] });
  const c1 = tfl.layers.conv2d({ name: 'c1', filters: 2, kernelSize: 3, strides: [2, 1], padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  const c2 = tfl.layers.depthwiseConv2d({ name: 'c2', kernelSize: 3, strides: [1, 3], padding: 'same' }).apply(c1) as tfl.SymbolicTensor;
  const p1 = tfl.layers.maxPooling2d({ name: 'p1', poolSize: 2 }).apply(c2) as tfl.SymbolicTensor; // stride = pool size
  const a1 = tfl.layers.averagePooling2d({ name: 'a1', poolSize: 4, strides: 1, padding: 'same' }).apply(c1) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: [c1, c2, p1, a1] });
  assert.equal(totalStride(model, ['c1']), 2);
  assert.equal(totalStride(model, ['c2']), 6);
  assert.equal(totalStride(model, ['p1']), 12);
  assert.equal(totalStride(model, ['a1']), 2);
  assert.equal(totalStride(model, ['c1', 'p1', 'a1']), 12, 'the deepest output');
  // Two branches meeting at the same size: stride 4, and stride 8 upsampled back (upsampling is not counted).
  const x = tfl.input({ shape: [16, 16, 3] });
  const s4 = tfl.layers.conv2d({ name: 's4', filters: 2, kernelSize: 1, strides: 4 }).apply(x) as tfl.SymbolicTensor;
  const s8 = tfl.layers.conv2d({ name: 's8', filters: 2, kernelSize: 1, strides: 8 }).apply(x) as tfl.SymbolicTensor;
  const s2b = tfl.layers.upSampling2d({ name: 'up', size: [2, 2] }).apply(s8) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([s2b, s4]) as tfl.SymbolicTensor;
  const after = tfl.layers.conv2d({ name: 'after', filters: 2, kernelSize: 1, strides: 2 }).apply(sum) as tfl.SymbolicTensor;
  const m2 = tfl.model({ inputs: x, outputs: after });
  assert.equal(totalStride(m2, ['after']), 16, 'the larger input stride (8) times 2');
});
