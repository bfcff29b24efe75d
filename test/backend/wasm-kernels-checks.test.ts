/**
 * The argument checks of the gmmgen wasm kernels (src/backend/wasm-kernels.ts), with their exact messages:
 * dataFormat (NHWC / channelsLast accepted, NCHW refused), dilations (1 or [1, 1] accepted, 2, [1, 2] and
 * [2, 1] refused), input/filter ranks, dy's shape and dtype, 'prelu' without its weights, and unknown kernel
 * names, and a stock wasm kernel they need that is missing or returns several outputs. The argument refusals
 * happen before any wasm memory is touched, so they are called directly with shape-only inputs; the accepted
 * edges run on the wasm backend against hand-computed values.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { WASM_GRADIENT_KERNELS, registerWasmGradientKernels } from '../../src/backend/wasm-kernels.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  process.env.GMMGEN_WASM_THREADS = '1';
  const info = await initBackend({ prefer: 'wasm', quiet: true });
  assert.equal(info.tfName, 'wasm');
});

/** A shape-only tensor description (the checks read nothing else). */
const t = (shape: number[], dtype = 'float32') => ({ dataId: {}, shape, dtype }) as unknown as tf.TensorInfo;
const call = (kernel: string, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>) => () =>
  WASM_GRADIENT_KERNELS[kernel]({ inputs, attrs: attrs as tf.NamedAttrMap, backend: null });

// x [1,4,4,1] with a 3×3×1×2 filter, stride 1, 'valid': the output (dy) is [1,2,2,2].
const filterGrad = (o: { x?: number[]; dy?: tf.TensorInfo } & Record<string, unknown>) => {
  const { x = [1, 4, 4, 1], dy = t([1, 2, 2, 2]), ...attrs } = o;
  return call('Conv2DBackpropFilter', { x: t(x), dy }, { strides: 1, pad: 'valid', filterShape: [3, 3, 1, 2], ...attrs });
};

test('dataFormat and dilations: anything but NHWC and dilation 1 is refused, naming kernel and value', () => {
  throwsExactly(filterGrad({ dataFormat: 'NCHW' }), "Error: Conv2DBackpropFilter on wasm (gmmgen kernels): dataFormat 'NCHW' is not supported; only NHWC");
  throwsExactly(filterGrad({ dilations: 2 }), 'Error: Conv2DBackpropFilter on wasm (gmmgen kernels): dilations [2,2] are not supported; only 1');
  throwsExactly(filterGrad({ dilations: [1, 2] }), 'Error: Conv2DBackpropFilter on wasm (gmmgen kernels): dilations [1,2] are not supported; only 1');
  throwsExactly(filterGrad({ dilations: [2, 1] }), 'Error: Conv2DBackpropFilter on wasm (gmmgen kernels): dilations [2,1] are not supported; only 1');
  throwsExactly(
    call('AvgPoolGrad', { dy: t([1, 1, 1, 1]), input: t([1, 2, 2, 1]) }, { filterSize: 2, strides: 2, pad: 'valid', dataFormat: 'NCHW' }),
    "Error: AvgPoolGrad on wasm (gmmgen kernels): dataFormat 'NCHW' is not supported; only NHWC",
  );
});

test('ranks: input, filter and pooling input must be rank 4', () => {
  throwsExactly(filterGrad({ x: [4, 4, 1] }), 'Error: Conv2DBackpropFilter: input shape [4,4,1] must be rank 4');
  throwsExactly(filterGrad({ filterShape: [3, 3, 1] }), 'Error: Conv2DBackpropFilter: filter shape [3,3,1] must be rank 4');
  throwsExactly(
    call('Conv2DBackpropInput', { dy: t([1, 2, 2, 2]), filter: t([3, 3, 1, 2]) }, { strides: 1, pad: 'valid', inputShape: [1, 4, 4, 1, 1] }),
    'Error: Conv2DBackpropInput: input shape [1,4,4,1,1] must be rank 4',
  );
  throwsExactly(
    call('DepthwiseConv2dNativeBackpropInput', { dy: t([1, 2, 2, 1]), filter: t([3, 3, 1]) }, { strides: 1, pad: 'valid', inputShape: [1, 4, 4, 1] }),
    'Error: DepthwiseConv2dNativeBackpropInput: filter shape [3,3,1] must be rank 4',
  );
  throwsExactly(call('AvgPoolGrad', { dy: t([1, 1, 1]), input: t([2, 2, 1]) }, { filterSize: 2, strides: 2, pad: 'valid' }), 'Error: AvgPoolGrad: input shape [2,2,1] must be rank 4');
});

test("dy: the convolution output's shape and float32 only", () => {
  throwsExactly(filterGrad({ dy: t([1, 2, 2, 1]) }), 'Error: Conv2DBackpropFilter: dy shape [1,2,2,1] does not match the convolution output [1,2,2,2]');
  throwsExactly(filterGrad({ dy: t([1, 2, 2]) }), 'Error: Conv2DBackpropFilter: dy shape [1,2,2] does not match the convolution output [1,2,2,2]');
  throwsExactly(filterGrad({ dy: t([1, 2, 2, 2, 1]) }), 'Error: Conv2DBackpropFilter: dy shape [1,2,2,2,1] does not match the convolution output [1,2,2,2]');
  throwsExactly(filterGrad({ dy: t([1, 2, 2, 2], 'int32') }), 'Error: Conv2DBackpropFilter: dy dtype int32 is not supported; only float32');
  throwsExactly(
    call('AvgPoolGrad', { dy: t([1, 2, 2, 1]), input: t([1, 2, 2, 1]) }, { filterSize: 2, strides: 2, pad: 'valid' }),
    'Error: AvgPoolGrad: dy shape [1,2,2,1] does not match the convolution output [1,1,1,1]',
  );
});

test('the accepted edges compute: NHWC / channelsLast, dilations 1 and [1, 1] (filter gradient by hand)', () => {
  // x = [1 2; 3 4], dy = [1 0; 0 2], 1×1 filter: dW = Σ x·dy = 1 + 8 = 9.
  const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  const dy = tf.tensor4d([1, 0, 0, 2], [1, 2, 2, 1]);
  for (const extra of [{ dataFormat: 'NHWC', dilations: 1 }, { dataFormat: 'channelsLast', dilations: [1, 1] }, {}]) {
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', filterShape: [1, 1, 1, 1], ...extra } as never) as tf.Tensor;
    assert.deepEqual(Array.from(dw.dataSync()), [9], JSON.stringify(extra));
    dw.dispose();
  }
  // AvgPoolGrad, one 2×2 window: each input pixel gets dy/4.
  const g = tf.engine().runKernel('AvgPoolGrad', { dy: tf.tensor4d([8], [1, 1, 1, 1]), input: x }, { filterSize: 2, strides: 2, pad: 'valid' } as never) as tf.Tensor;
  assert.deepEqual(Array.from(g.dataSync()), [2, 2, 2, 2]);
  tf.dispose([x, dy, g]);
});

test("'prelu' without its weights is refused naming the kernel; with them it computes", () => {
  // Batch 2 with a bias takes the gmmgen _FusedMatMul path; one output channel from 2 takes the FusedConv2D one.
  const a = tf.tensor3d([1, -1, -2, 3], [2, 1, 2]);
  const b = tf.tensor3d([1, 1, 1, 1], [2, 2, 1]);
  const bias = tf.tensor1d([0]);
  throwsExactly(() => tf.fused.matMul({ a, b, bias, activation: 'prelu' }), "Error: _FusedMatMul: activation 'prelu' needs preluActivationWeights");
  const y = tf.fused.matMul({ a, b, bias, activation: 'prelu', preluActivationWeights: tf.tensor1d([0.5]) });
  assert.deepEqual(Array.from(y.dataSync()), [0, 1], 'rows 1−1 = 0 and −2+3 = 1');
  const x = tf.tensor4d([1, -3], [1, 1, 1, 2]);
  const f = tf.tensor4d([1, 1], [1, 1, 2, 1]);
  throwsExactly(() => tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'valid', bias, activation: 'prelu' }), "Error: FusedConv2D: activation 'prelu' needs preluActivationWeights");
  const z = tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'valid', bias, activation: 'prelu', preluActivationWeights: tf.tensor1d([0.5]) });
  assert.deepEqual(Array.from(z.dataSync()), [-1], 'prelu(1 − 3) = 0.5·(−2)');
  tf.dispose([a, b, bias, y, x, f, z]);
});

test('registerWasmGradientKernels: an unknown name is refused, listing the known ones', () => {
  const known = Object.keys(WASM_GRADIENT_KERNELS).join(', ');
  assert.ok(known.startsWith('Conv2DBackpropInput, Conv2DBackpropFilter, '), known);
  throwsExactly(() => registerWasmGradientKernels(['Conv2D', 'Conv2DBackprop']), `Error: registerWasmGradientKernels: unknown kernel "Conv2DBackprop"; known: ${known}`);
});

test('a stock kernel the gmmgen kernels need: missing, or returning several outputs, is named; restored, it computes', () => {
  // The gmmgen LeakyRelu is x · Step(x, α) through the stock wasm Step kernel.
  const step = tf.getKernel('Step', 'wasm')!;
  const x = tf.tensor1d([-1, 2]);
  try {
    tf.unregisterKernel('Step', 'wasm');
    throwsExactly(() => tf.leakyRelu(x, 0.25), 'Error: wasm kernel Step is not registered (needed by the gmmgen gradient kernels)');
    tf.registerKernel({ ...step, kernelFunc: ((a: Parameters<tf.KernelFunc>[0]) => [step.kernelFunc(a)].flat().concat([])) as tf.KernelFunc });
    throwsExactly(() => tf.leakyRelu(x, 0.25), 'Error: wasm kernel Step returned several outputs; expected one');
  } finally {
    tf.unregisterKernel('Step', 'wasm');
    tf.registerKernel(step);
  }
  const y = tf.leakyRelu(x, 0.25);
  assert.deepEqual(Array.from(y.dataSync()), [-0.25, 2]);
  tf.dispose([x, y]);
});
