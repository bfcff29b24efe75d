/**
 * The gmmgen wasm kernels (src/backend/wasm-kernels.ts) against the cpu backend's kernels, over grids of shapes,
 * strides, paddings, kernel sizes and channel counts; gradients through tf.grad on wasm vs cpu; no leaks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import {
  WASM_GRADIENT_KERNELS,
  exactNearest,
  registerWasmGradientKernels,
  unregisterWasmGradientKernels,
} from '../../src/backend/wasm-kernels.ts';
import { Rng } from '../../src/util/rng.ts';

const TOL = 1e-4;
const rng = new Rng(20261122);

before(async () => {
  const info = await initBackend({ prefer: 'wasm', quiet: true });
  assert.equal(info.tfName, 'wasm');
});

function randn(shape: number[]): tf.Tensor {
  const v = new Float32Array(tf.util.sizeFromShape(shape));
  rng.normals(v);
  return tf.tensor(v, shape);
}

/** max |a − b| / max |b| (b is the reference). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'result sizes differ');
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    num = Number.isNaN(d) ? Infinity : Math.max(num, d);
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-30);
}

/** Runs `kernel` on the cpu backend's own kernel function with copies of `inputs`. */
function cpuKernel(kernel: string, inputs: Record<string, tf.Tensor>, attrs: object): { shape: number[]; values: Float32Array } {
  const cpu = tf.findBackend('cpu');
  const k = tf.getKernel(kernel, 'cpu');
  assert.ok(cpu && k, `cpu kernel ${kernel} missing`);
  const infos: Record<string, tf.TensorInfo> = {};
  for (const [name, t] of Object.entries(inputs)) {
    infos[name] = { dataId: cpu.write(t.dataSync(), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
  }
  const out = k.kernelFunc({ inputs: infos, backend: cpu, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  const values = Float32Array.from(cpu.readSync(out.dataId) as Float32Array);
  for (const t of [...Object.values(infos), out]) cpu.disposeData(t.dataId);
  return { shape: out.shape, values };
}

/** Runs `kernel` on wasm (through the engine) and compares with the cpu kernel; returns the relative error. */
function compare(kernel: string, inputs: Record<string, tf.Tensor>, attrs: object, label: string): number {
  const ref = cpuKernel(kernel, inputs, attrs);
  const out = tf.engine().runKernel(kernel, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
  try {
    assert.deepEqual(out.shape, ref.shape, `${label}: shape`);
    const e = relErr(out.dataSync(), ref.values);
    assert.ok(e <= TOL, `${label}: relative error ${e.toExponential(2)} > ${TOL}`);
    return e;
  } finally {
    out.dispose();
  }
}

const EXPLICIT: tf.backend_util.ExplicitPadding = [[0, 0], [1, 2], [2, 0], [0, 0]];
const PADS: { name: string; pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding; round?: 'floor' | 'ceil' }[] = [
  { name: 'same', pad: 'same' },
  { name: 'valid', pad: 'valid' },
  { name: 'explicit', pad: EXPLICIT },
  { name: 'num1', pad: 1 },
  { name: 'num2ceil', pad: 2, round: 'ceil' },
];

test('our kernels are the ones registered on wasm', () => {
  for (const [name, impl] of Object.entries(WASM_GRADIENT_KERNELS)) {
    assert.equal(tf.getKernel(name, 'wasm')?.kernelFunc, impl, `${name} is not the gmmgen kernel`);
  }
});

test('Conv2DBackpropInput / Conv2DBackpropFilter match cpu over a grid', () => {
  let cases = 0;
  let worst = 0;
  for (const [h, w] of [[7, 7], [8, 8], [6, 9]]) {
    for (const s of [1, 2]) {
      for (const { name, pad, round } of PADS) {
        for (const k of [1, 3, 5]) {
          for (const [ci, co] of [[1, 8], [3, 5], [16, 16], [6, 1]]) {
            if (typeof pad === 'string' && pad === 'valid' && (k > h || k > w)) continue;
            const label = `${h}x${w} s${s} ${name} k${k} ${ci}->${co}`;
            const x = randn([2, h, w, ci]) as tf.Tensor4D;
            const f = randn([k, k, ci, co]) as tf.Tensor4D;
            const y = tf.conv2d(x, f, s, pad, 'NHWC', 1, round);
            const dy = randn(y.shape);
            const common = { strides: [s, s], pad, dataFormat: 'NHWC', dimRoundingMode: round };
            worst = Math.max(
              worst,
              compare('Conv2DBackpropInput', { dy, filter: f }, { ...common, inputShape: x.shape }, `input ${label}`),
              compare('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: f.shape }, `filter ${label}`),
            );
            tf.dispose([x, f, y, dy]);
            cases++;
          }
        }
      }
    }
  }
  assert.ok(cases >= 300, `only ${cases} cases ran`);
  console.log(`  conv2d backprop: ${cases} cases, worst relative error ${worst.toExponential(2)}`);
});

test('stride-1 filter gradient at the model layer shapes, non-square kernels, explicit pads', () => {
  const cases: [number[], number[], tf.backend_util.ExplicitPadding | 'same' | 'valid'][] = [
    // [n, h, w, ci], [kh, kw, co], pad
    [[3, 28, 28, 8], [3, 3, 8], 'same'],
    [[2, 16, 16, 32], [3, 3, 16], 'valid'],
    [[3, 4, 4, 32], [3, 3, 32], 'same'],
    [[2, 7, 7, 16], [3, 3, 32], 'same'],
    [[2, 9, 6, 5], [2, 4, 9], 'same'],
    [[2, 9, 6, 5], [4, 1, 8], 'valid'],
    [[2, 6, 9, 3], [3, 2, 12], [[0, 0], [3, 0], [0, 2], [0, 0]]],
    [[1, 5, 5, 2], [1, 1, 8], [[0, 0], [2, 2], [1, 3], [0, 0]]],
  ];
  for (const [[n, h, w, ci], [kh, kw, co], pad] of cases) {
    const label = `${n}x${h}x${w}x${ci} k${kh}x${kw} ->${co} ${typeof pad === 'string' ? pad : JSON.stringify(pad)}`;
    const x = randn([n, h, w, ci]) as tf.Tensor4D;
    const f = randn([kh, kw, ci, co]) as tf.Tensor4D;
    const y = tf.conv2d(x, f, 1, pad);
    const dy = randn(y.shape);
    compare('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: f.shape }, `filter ${label}`);
    tf.dispose([x, f, y, dy]);
  }
});

test('non-square strides and kernels, batch 1, larger channels', () => {
  for (const [h, w, kh, kw, sh, sw, ci, co] of [
    [9, 12, 3, 1, 2, 1, 4, 6],
    [10, 7, 2, 4, 1, 2, 2, 3],
    [5, 5, 5, 5, 2, 2, 33, 9],
    [12, 12, 4, 4, 2, 2, 8, 40],
    // Few output channels and more inputs (the filter gradient's swapped path is for stride 1 × 1 only): one stride 1.
    [9, 10, 3, 3, 2, 1, 6, 2],
    [8, 9, 3, 2, 1, 2, 5, 1],
    [7, 7, 3, 3, 1, 1, 9, 3],
  ]) {
    for (const pad of ['same', 'valid'] as const) {
      const x = randn([1, h, w, ci]) as tf.Tensor4D;
      const f = randn([kh, kw, ci, co]) as tf.Tensor4D;
      const y = tf.conv2d(x, f, [sh, sw], pad);
      const dy = randn(y.shape);
      const common = { strides: [sh, sw], pad, dataFormat: 'NHWC' };
      const label = `${h}x${w} k${kh}x${kw} s${sh}x${sw} ${pad} ${ci}->${co}`;
      compare('Conv2DBackpropInput', { dy, filter: f }, { ...common, inputShape: x.shape }, `input ${label}`);
      compare('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: f.shape }, `filter ${label}`);
      tf.dispose([x, f, y, dy]);
    }
  }
});

test('explicit pads wider than k − 1 on one side and narrower on the other (rows and columns): input and filter gradients', () => {
  // The input gradient pads dilate(dy) by k − 1 − pad on each side; a pad above k − 1 makes that side negative
  // (clamped, the surplus sliced off) while the other side stays positive.
  const pads: tf.backend_util.ExplicitPadding[] = [
    [[0, 0], [3, 0], [0, 3], [0, 0]],
    [[0, 0], [0, 3], [3, 0], [0, 0]],
    [[0, 0], [4, 1], [1, 4], [0, 0]],
    [[0, 0], [1, 0], [0, 1], [0, 0]],
  ];
  let cases = 0;
  for (const [kh, kw] of [[3, 3], [1, 1], [2, 3]]) {
    for (const s of [1, 2]) {
      for (const pad of pads) {
        const label = `k${kh}x${kw} s${s} ${JSON.stringify(pad)}`;
        const x = randn([2, 6, 7, 3]) as tf.Tensor4D;
        const f = randn([kh, kw, 3, 4]) as tf.Tensor4D;
        const y = tf.conv2d(x, f, s, pad);
        const dy = randn(y.shape);
        const common = { strides: [s, s], pad, dataFormat: 'NHWC' };
        compare('Conv2DBackpropInput', { dy, filter: f }, { ...common, inputShape: x.shape }, `input ${label}`);
        compare('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: f.shape }, `filter ${label}`);
        const fd = randn([kh, kw, 3, 2]) as tf.Tensor4D;
        const yd = tf.depthwiseConv2d(x, fd, s, pad);
        const dyd = randn(yd.shape);
        const dcommon = { strides: [s, s], pad, dilations: [1, 1] };
        compare('DepthwiseConv2dNativeBackpropInput', { dy: dyd, filter: fd }, { ...dcommon, inputShape: x.shape }, `depthwise input ${label}`);
        compare('DepthwiseConv2dNativeBackpropFilter', { x, dy: dyd }, { ...dcommon, filterShape: fd.shape }, `depthwise filter ${label}`);
        tf.dispose([x, f, y, dy, fd, yd, dyd]);
        cases++;
      }
    }
  }
  assert.equal(cases, 24);
});

test('DepthwiseConv2dNativeBackpropInput / Filter match cpu over a grid', () => {
  let cases = 0;
  for (const [h, w] of [[7, 7], [8, 8], [6, 9]]) {
    for (const s of [1, 2]) {
      for (const { name, pad, round } of PADS) {
        for (const k of [1, 3, 5]) {
          for (const [c, m] of [[1, 1], [3, 1], [8, 1], [3, 2]]) {
            if (pad === 'valid' && (k > h || k > w)) continue;
            const label = `${h}x${w} s${s} ${name} k${k} c${c} m${m}`;
            const x = randn([2, h, w, c]) as tf.Tensor4D;
            const f = randn([k, k, c, m]) as tf.Tensor4D;
            const y = tf.depthwiseConv2d(x, f, s, pad, 'NHWC', 1, round);
            const dy = randn(y.shape);
            const common = { strides: [s, s], pad, dilations: [1, 1], dimRoundingMode: round };
            compare('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { ...common, inputShape: x.shape }, `input ${label}`);
            compare('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: f.shape }, `filter ${label}`);
            tf.dispose([x, f, y, dy]);
            cases++;
          }
        }
      }
    }
  }
  assert.ok(cases >= 150, `only ${cases} cases ran`);
});

test('MobileNet-like depthwise shapes (3x3, stride 1 and 2, same)', () => {
  for (const [h, c, s] of [[28, 32, 1], [28, 32, 2], [14, 64, 2], [15, 16, 2]]) {
    const x = randn([3, h, h, c]) as tf.Tensor4D;
    const f = randn([3, 3, c, 1]) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(x, f, s, 'same');
    const dy = randn(y.shape);
    const common = { strides: [s, s], pad: 'same', dilations: [1, 1] };
    compare('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { ...common, inputShape: x.shape }, `mobilenet input ${h} c${c} s${s}`);
    compare('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: f.shape }, `mobilenet filter ${h} c${c} s${s}`);
    tf.dispose([x, f, y, dy]);
  }
});

test('AvgPoolGrad matches cpu', () => {
  for (const [h, w] of [[7, 7], [8, 8], [6, 9], [28, 28]]) {
    for (const [fs, st] of [[2, 2], [3, 2], [3, 1], [2, 1]]) {
      for (const pad of ['same', 'valid'] as const) {
        for (const c of [1, 8]) {
          const x = randn([2, h, w, c]) as tf.Tensor4D;
          const y = tf.avgPool(x, fs, st, pad);
          const dy = randn(y.shape);
          compare('AvgPoolGrad', { dy, input: x }, { filterSize: [fs, fs], strides: [st, st], pad }, `avgpool ${h}x${w} f${fs} s${st} ${pad} c${c}`);
          tf.dispose([x, y, dy]);
        }
      }
    }
  }
});

/** dx[b, src(y), src(x), c] += dy[b, y, x, c] with tfjs' nearest source index (alignCorners = false). */
function resizeNearestGradRef(dy: tf.Tensor, h: number, w: number, halfPixelCenters: boolean): Float32Array {
  const [n, oh, ow, c] = dy.shape;
  const dv = dy.dataSync();
  const out = new Float32Array(n * h * w * c);
  const src = (o: number, inSize: number, outSize: number) => {
    const scale = inSize / outSize;
    return Math.min(inSize - 1, halfPixelCenters ? Math.floor((o + 0.5) * scale) : Math.floor(o * scale));
  };
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const o = ((b * h + src(y, h, oh)) * w + src(x, w, ow)) * c;
        const i = ((b * oh + y) * ow + x) * c;
        for (let k = 0; k < c; k++) out[o + k] += dv[i + k];
      }
    }
  }
  return out;
}

test('ResizeNearestNeighborGrad matches cpu (batch 1) and the definition (batch 3)', () => {
  // tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad indexes dy with the *image* batch stride, so it is wrong
  // for batch > 1 (checked: max error ~8 on N(0,1) data; the stock wasm kernel is right). Hence cpu is the
  // reference at batch 1 only, and the definition (scatter-add over tfjs' source index) at batch 3.
  const cases: [number, number, number, number, boolean, boolean][] = [
    // h, w, outH, outW, alignCorners, halfPixelCenters
    [4, 4, 8, 8, false, false],
    [7, 7, 14, 14, false, false],
    [14, 14, 28, 28, false, true],
    [5, 3, 15, 6, false, false],
    [3, 5, 3, 10, false, false],
    [6, 6, 6, 6, false, false],
    [5, 5, 8, 8, false, false], // fractional scale: stock kernel
    [4, 4, 8, 6, false, false], // integer height factor, fractional width: stock kernel
    [4, 4, 6, 8, false, false], // fractional height, integer width factor: stock kernel
    [4, 4, 8, 8, true, false], // alignCorners: stock kernel
  ];
  for (const [h, w, oh, ow, alignCorners, halfPixelCenters] of cases) {
    for (const c of [1, 16]) {
      const label = `resize ${h}x${w}->${oh}x${ow} ac=${alignCorners} hpc=${halfPixelCenters} c${c}`;
      const attrs = { alignCorners, halfPixelCenters };
      const x1 = randn([1, h, w, c]);
      const dy1 = randn([1, oh, ow, c]);
      compare('ResizeNearestNeighborGrad', { images: x1, dy: dy1 }, attrs, label);
      if (!alignCorners && !(halfPixelCenters && oh % h)) {
        const x3 = randn([3, h, w, c]);
        const dy3 = randn([3, oh, ow, c]);
        const out = tf.engine().runKernel('ResizeNearestNeighborGrad', { images: x3, dy: dy3 }, attrs) as tf.Tensor;
        const e = relErr(out.dataSync(), resizeNearestGradRef(dy3, h, w, halfPixelCenters));
        assert.ok(e <= TOL, `${label} batch 3: relative error ${e.toExponential(2)}`);
        tf.dispose([x3, dy3, out]);
      }
      tf.dispose([x1, dy1]);
    }
  }
});

test('exactNearest says whether the wasm forward resize maps every output row to its block floor(y/f): integer factors 1–70, several sizes, with and without half-pixel centres', () => {
  // The wasm kernels compute the source row in float32, so at some factors (41, 47, …) a block-edge row goes to the
  // block before; the gradient may be taken as block sums only where it does not.
  let blocky = 0, notBlocky = 0;
  for (const hpc of [false, true]) {
    for (let f = 1; f <= 70; f++) {
      for (const inSize of [1, 2, 3, 7, 14]) {
        const outSize = inSize * f;
        const src = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.tensor4d(Array.from({ length: inSize }, (_, i) => i), [1, inSize, 1, 1]), [outSize, 1], false, hpc).dataSync());
        let blocks = true;
        for (let y = 0; y < outSize; y++) if (src[y] !== Math.floor(y / f)) blocks = false;
        assert.equal(exactNearest(inSize, outSize, f, hpc), blocks, `in ${inSize}, factor ${f}, half-pixel ${hpc}`);
        if (blocks) blocky++;
        else notBlocky++;
      }
    }
  }
  assert.ok(blocky > 500 && notBlocky >= 10, `${blocky} block-exact and ${notBlocky} other cases`);
});

test('ResizeNearestNeighborGrad equals the stock wasm kernel (the gradient of the wasm forward) at integer factors where blocks are exact and where they are not (41, 49), rows and columns', () => {
  const cases: [number, number, number, number, boolean][] = [
    [2, 2, 82, 4, false], // factor 41: a block-edge row goes to the block before (stock kernel)
    [2, 2, 4, 82, false],
    [2, 2, 98, 4, false], // factor 49: blocks exact in float32 (block sums), not in float64
    [2, 2, 4, 98, true],
    [3, 3, 6, 6, true],
  ];
  for (const [h, w, oh, ow, halfPixelCenters] of cases) {
    const label = `resize ${h}x${w}->${oh}x${ow} hpc=${halfPixelCenters}`;
    const images = randn([2, h, w, 3]);
    const dy = randn([2, oh, ow, 3]);
    const attrs = { alignCorners: false, halfPixelCenters };
    const ours = tf.engine().runKernel('ResizeNearestNeighborGrad', { images, dy }, attrs) as tf.Tensor;
    unregisterWasmGradientKernels();
    let stock: tf.Tensor;
    try {
      stock = tf.engine().runKernel('ResizeNearestNeighborGrad', { images, dy }, attrs) as tf.Tensor;
    } finally {
      registerWasmGradientKernels();
    }
    const e = relErr(ours.dataSync(), stock.dataSync());
    assert.ok(e <= TOL, `${label}: relative error ${e.toExponential(2)} against the stock kernel`);
    tf.dispose([images, dy, ours, stock]);
  }
});

test('BatchMatMul and _FusedMatMul with transposes match cpu', () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const [batch, m, k, n] of [[[], 250, 512, 128], [[1], 250, 64, 32], [[3], 5, 7, 4], [[2, 2], 1, 9, 6]] as [number[], number, number, number][]) {
      const a = randn([...batch, ...(ta ? [k, m] : [m, k])]);
      const b = randn([...batch, ...(tb ? [n, k] : [k, n])]);
      const label = `matmul [${a.shape}]x[${b.shape}] ta=${ta} tb=${tb}`;
      compare('BatchMatMul', { a, b }, { transposeA: ta, transposeB: tb }, label);
      if (batch.length === 1) {
        // At kernel level _FusedMatMul takes rank-3 operands (the op reshapes before dispatch). Batch > 1 with a
        // bias is wrong in the stock wasm kernel (bias added to the first matrix only); ours splits that case.
        const bias = randn([n]);
        const alpha = randn([n]);
        for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu']) {
          const inputs: Record<string, tf.Tensor> = activation === 'prelu' ? { a, b, bias, preluActivationWeights: alpha } : { a, b, bias };
          compare('_FusedMatMul', inputs, { transposeA: ta, transposeB: tb, activation, leakyreluAlpha: 0.3 }, `fused ${activation} ${label}`);
        }
        tf.dispose([bias, alpha]);
      }
      tf.dispose([a, b]);
    }
  }
});

test('_FusedMatMul with a bias and a batch from one operand only (the other broadcast) matches cpu', () => {
  // The stock wasm kernel adds the bias to the first matrix only whenever the batch is > 1, whichever operand
  // carries it; ours must count the batch of both operands to take its split path.
  for (const [ba, bb] of [[3, 1], [1, 3]]) {
    for (const [ta, tb] of [[false, false], [true, false]]) {
      const a = randn(ta ? [ba, 7, 5] : [ba, 5, 7]);
      const b = randn(tb ? [bb, 4, 7] : [bb, 7, 4]);
      const bias = randn([4]);
      compare('_FusedMatMul', { a, b, bias }, { transposeA: ta, transposeB: tb, activation: 'linear' }, `fused [${a.shape}]x[${b.shape}] ta=${ta}`);
      tf.dispose([a, b, bias]);
    }
  }
});

test('Sum over leading axes (the AvgPool path) and other reductions match cpu', () => {
  const cases: [number[], number[], boolean][] = [
    [[250, 28, 28, 8], [0, 1, 2], false],
    [[3, 5, 7, 2], [0, 1, 2], true],
    [[3, 5, 7, 2], [2, 1, 0], false],
    [[1, 250, 128], [0, 1], false],
    [[40, 6], [0], true],
    [[4, 1, 3, 2, 5], [0, 1, 2, 3], false],
    [[1, 1, 6], [0, 1], true],
    // not leading axes, or all of them: the stock kernel
    [[3, 5, 7, 2], [3], true],
    [[3, 5, 7, 2], [1, 2], false],
    [[3, 5, 7, 2], [0, 1, 2, 3], false],
    [[6, 4], [-1], false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    // A non-zero mean keeps the reference sums away from cancellation.
    const x = tf.tidy(() => tf.add(randn(shape), 0.5));
    compare('Sum', { x }, { axis, keepDims }, `sum [${shape}] axes ${axis} keepDims=${keepDims}`);
    x.dispose();
  }
  const xi = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
  const si = tf.sum(xi, 0);
  assert.equal(si.dtype, 'int32');
  assert.deepEqual(si.arraySync(), [4, 6]);
  tf.dispose([xi, si]);
});

test('Identity shares data; disposing either tensor leaves the other intact', () => {
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const x = randn([5, 7]);
  const want = Float32Array.from(x.dataSync());
  const before = backend.numDataIds();
  const y = tf.clone(x);
  assert.equal(backend.numDataIds(), before, 'clone allocated new data');
  x.dispose();
  assert.deepEqual(y.dataSync(), want);
  const z = tf.clone(y);
  z.dispose();
  assert.deepEqual(y.dataSync(), want);
  y.dispose();
  assert.equal(backend.numDataIds(), before - 1);
  const s = tf.tensor1d(['a', 'b'], 'string');
  assert.deepEqual(tf.clone(s).arraySync(), ['a', 'b']);
  s.dispose();
});

test('Conv2D / FusedConv2D with one output channel (depthwise + channel sum) match cpu', () => {
  let cases = 0;
  for (const [h, w] of [[28, 28], [7, 9]]) {
    for (const [s, d] of [[1, 1], [2, 1], [1, 2]]) {
      for (const { name, pad, round } of PADS) {
        for (const [k, ci] of [[3, 16], [1, 5], [5, 2]]) {
          if (pad === 'valid' && (k - 1) * d + 1 > Math.min(h, w)) continue;
          const label = `${h}x${w} s${s} d${d} ${name} k${k} ${ci}->1`;
          const x = randn([2, h, w, ci]);
          const filter = randn([k, k, ci, 1]);
          const common = { strides: [s, s], pad, dataFormat: 'NHWC', dilations: [d, d], dimRoundingMode: round };
          compare('Conv2D', { x, filter }, common, `conv ${label}`);
          const bias = randn([1]);
          const alpha = randn([1]);
          for (const activation of ['linear', 'sigmoid', 'leakyrelu', 'prelu']) {
            const inputs: Record<string, tf.Tensor> = activation === 'prelu' ? { x, filter, bias, preluActivationWeights: alpha } : { x, filter, bias };
            compare('FusedConv2D', inputs, { ...common, activation, leakyreluAlpha: 0.3 }, `fused ${activation} ${label}`);
          }
          tf.dispose([x, filter, bias, alpha]);
          cases++;
        }
      }
    }
  }
  assert.ok(cases >= 40, `only ${cases} cases ran`);
  // More output channels: the stock kernels, unchanged.
  const x = randn([2, 6, 6, 3]);
  const filter = randn([3, 3, 3, 4]);
  compare('Conv2D', { x, filter }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] }, 'conv 3->4');
  tf.dispose([x, filter]);
});

test('LeakyRelu matches cpu and is bit-identical to the stock wasm kernel', () => {
  const x = tf.concat([randn([1000]), tf.tensor1d([0, -0, 1e-30, -1e-30, -5, 5])]);
  for (const alpha of [0.2, 0, 1.5]) {
    const ours = tf.leakyRelu(x, alpha);
    const ref = cpuKernel('LeakyRelu', { x }, { alpha });
    // cpu multiplies in float64 (α is a JS number), wasm in float32: ≤ 1 ulp apart.
    assert.ok(relErr(ours.dataSync(), ref.values) <= 1e-6, `alpha ${alpha} vs cpu`);
    unregisterWasmGradientKernels();
    let stockVals: Float32Array;
    try {
      const stock = tf.leakyRelu(x, alpha);
      stockVals = Float32Array.from(stock.dataSync());
      stock.dispose();
    } finally {
      registerWasmGradientKernels();
    }
    assert.deepEqual(Array.from(ours.dataSync()), Array.from(stockVals), `alpha ${alpha} vs stock wasm`);
    ours.dispose();
  }
  x.dispose();
});

/** Gradients of `f` w.r.t. `xs` on wasm and on cpu (same input values). */
async function gradsBoth(f: (...xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const run = () => {
    const ts = xs.map((t) => tf.tensor(t.dataSync(), t.shape));
    const g = tf.grads(f)(ts);
    const vals = g.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose([...g, ...ts]);
    return vals;
  };
  const w = run();
  await tf.setBackend('cpu');
  try {
    return [w, run()];
  } finally {
    await tf.setBackend('wasm');
  }
}

test('on wasm the LeakyRelu gradient runs as dy·step(x, α) (no Greater/Select), elsewhere unchanged', async () => {
  const x = randn([64, 32]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.leakyRelu(t, 0.2)));
  const prof = await tf.profile(() => g(x));
  assert.ok(prof.kernelNames.includes('Step'), `kernels: ${prof.kernelNames.join(', ')}`);
  assert.ok(!prof.kernelNames.includes('Select'), `kernels: ${prof.kernelNames.join(', ')}`);
  const xv = x.dataSync();
  const gv = (prof.result as tf.Tensor).dataSync();
  for (let i = 0; i < xv.length; i++) assert.equal(gv[i], xv[i] > 0 ? 1 : Math.fround(0.2));
  tf.dispose([x, prof.result as tf.Tensor]);
  await tf.setBackend('cpu');
  try {
    const xc = tf.tensor([-1, 2]);
    const pc = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.leakyRelu(t, 0.2)))(xc));
    assert.ok(pc.kernelNames.includes('Select') && !pc.kernelNames.includes('Step'), `cpu kernels: ${pc.kernelNames.join(', ')}`);
    tf.dispose([xc, pc.result as tf.Tensor]);
  } finally {
    await tf.setBackend('wasm');
  }
});

test('tf.grad of conv2d / depthwiseConv2d on wasm matches cpu', async () => {
  const settings: [number, 'same' | 'valid', number][] = [[1, 'same', 3], [2, 'same', 3], [2, 'valid', 5], [1, 'valid', 1]];
  for (const [s, pad, k] of settings) {
    const x = randn([3, 9, 8, 4]);
    const f = randn([k, k, 4, 6]);
    const fd = randn([k, k, 4, 2]);
    const w1 = randn(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, pad).shape);
    const w2 = randn(tf.depthwiseConv2d(x as tf.Tensor4D, fd as tf.Tensor4D, s, pad).shape);
    const loss = (xa: tf.Tensor, fa: tf.Tensor, fda: tf.Tensor) =>
      tf.add(
        tf.sum(tf.mul(tf.conv2d(xa as tf.Tensor4D, fa as tf.Tensor4D, s, pad), w1)),
        tf.sum(tf.mul(tf.depthwiseConv2d(xa as tf.Tensor4D, fda as tf.Tensor4D, s, pad), w2)),
      ) as tf.Scalar;
    const [gw, gc] = await gradsBoth(loss, [x, f, fd]);
    ['dx', 'dfilter', 'ddepthwise'].forEach((name, i) => {
      const e = relErr(gw[i], gc[i]);
      assert.ok(e <= TOL, `grad ${name} s${s} ${pad} k${k}: relative error ${e.toExponential(2)}`);
    });
    tf.dispose([x, f, fd, w1, w2]);
  }
});

test('tf.grad through the autoencoder building blocks (bias conv, leakyRelu, avgPool, upsampling, dense) matches cpu', async () => {
  // Batch 1: the cpu backend's ResizeNearestNeighborGrad is wrong for batch > 1 (see above).
  const x = randn([1, 14, 14, 3]);
  const f1 = randn([3, 3, 3, 8]);
  const b1 = randn([8]);
  const wd = randn([7 * 7 * 8, 10]);
  const bd = randn([10]);
  const f2 = randn([3, 3, 1, 2]);
  const loss = (xa: tf.Tensor, fa: tf.Tensor, ba: tf.Tensor, wa: tf.Tensor, bda: tf.Tensor, f2a: tf.Tensor) => {
    let h = tf.fused.conv2d({ x: xa as tf.Tensor4D, filter: fa as tf.Tensor4D, strides: 1, pad: 'same', bias: ba });
    h = tf.leakyRelu(h, 0.2);
    h = tf.avgPool(h as tf.Tensor4D, 2, 2, 'same');
    const z = tf.fused.matMul({ a: tf.reshape(h, [1, -1]), b: wa as tf.Tensor2D, bias: bda, activation: 'linear' });
    const img = tf.reshape(tf.leakyRelu(z, 0.2), [1, 5, 2, 1]) as tf.Tensor4D;
    const up = tf.image.resizeNearestNeighbor(img, [10, 4]);
    const out = tf.conv2d(up, f2a as tf.Tensor4D, 1, 'valid');
    return tf.mean(tf.abs(tf.sub(out, 0.5))) as tf.Scalar;
  };
  const [gw, gc] = await gradsBoth(loss, [x, f1, b1, wd, bd, f2]);
  ['x', 'f1', 'b1', 'wd', 'bd', 'f2'].forEach((name, i) => {
    const e = relErr(gw[i], gc[i]);
    assert.ok(e <= TOL, `grad ${name}: relative error ${e.toExponential(2)}`);
  });
  tf.dispose([x, f1, b1, wd, bd, f2]);
});

test('the kernels leak neither tensors nor wasm buffers', () => {
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const x = randn([2, 9, 9, 3]) as tf.Tensor4D;
  const f = randn([3, 3, 3, 4]) as tf.Tensor4D;
  const fd = randn([3, 3, 3, 2]) as tf.Tensor4D;
  const dy = randn(tf.conv2d(x, f, 2, 'same').shape);
  const dyd = randn(tf.depthwiseConv2d(x, fd, 2, 'same').shape);
  const dyp = randn([2, 5, 5, 3]);
  const dyu = randn([2, 18, 27, 3]);
  const a = randn([3, 6, 5]);
  const bias6 = randn([6]);
  const dy1 = randn([2, 9, 9, 1]);
  const dy8 = randn([2, 9, 9, 8]);
  const f1 = randn([3, 3, 3, 1]);
  const b1 = randn([1]);
  const dy4 = randn([2, 4, 4, 4]);
  const calls: [string, tf.NamedTensorMap, object][] = [
    ['Conv2DBackpropInput', { dy, filter: f }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: x.shape }],
    ['Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: f.shape }],
    ['Conv2DBackpropFilter', { x, dy: dy1 }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 1] }],
    ['Conv2DBackpropFilter', { x, dy: dy8 }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 8] }],
    ['Conv2DBackpropFilter', { x, dy: dy4 }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: f.shape }],
    ['DepthwiseConv2dNativeBackpropInput', { dy: dyd, filter: fd }, { strides: 2, pad: 'same', dilations: 1, inputShape: x.shape }],
    ['DepthwiseConv2dNativeBackpropFilter', { x, dy: dyd }, { strides: 2, pad: 'same', dilations: 1, filterShape: fd.shape }],
    ['AvgPoolGrad', { dy: dyp, input: x }, { filterSize: 2, strides: 2, pad: 'same' }],
    ['ResizeNearestNeighborGrad', { images: x, dy: dyu }, { alignCorners: false, halfPixelCenters: false }],
    ['BatchMatMul', { a, b: a }, { transposeA: true, transposeB: false }],
    ['_FusedMatMul', { a, b: a }, { transposeA: false, transposeB: true, activation: 'linear' }],
    ['_FusedMatMul', { a, b: a, bias: bias6 }, { transposeA: false, transposeB: true, activation: 'relu' }],
    ['LeakyRelu', { x }, { alpha: 0.2 }],
    ['Identity', { x }, {}],
    ['Sum', { x }, { axis: [0, 1, 2], keepDims: false }],
    ['Conv2D', { x, filter: f1 }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 }],
    ['FusedConv2D', { x, filter: f1, bias: b1 }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', dilations: 1, activation: 'sigmoid' }],
  ];
  for (const [name, inputs, attrs] of calls) {
    // Warm once (XNNPACK operator caches), then count.
    (tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dispose();
    const before = { ...tf.memory(), ids: backend.numDataIds() };
    for (let i = 0; i < 3; i++) (tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dispose();
    const after = { ...tf.memory(), ids: backend.numDataIds() };
    assert.equal(after.numTensors, before.numTensors, `${name}: numTensors ${before.numTensors} → ${after.numTensors}`);
    assert.equal(after.numBytes, before.numBytes, `${name}: numBytes ${before.numBytes} → ${after.numBytes}`);
    assert.equal(after.ids, before.ids, `${name}: wasm data ids ${before.ids} → ${after.ids}`);
  }
  // A whole gradient computation leaves nothing behind either.
  const before = { ...tf.memory(), ids: backend.numDataIds() };
  const g = tf.grads((xa: tf.Tensor, fa: tf.Tensor) => tf.sum(tf.leakyRelu(tf.conv2d(xa as tf.Tensor4D, fa as tf.Tensor4D, 2, 'same'), 0.2)) as tf.Scalar)([x, f]);
  tf.dispose(g);
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(backend.numDataIds(), before.ids);
  tf.dispose([x, f, fd, dy, dyd, dyp, dyu, a, bias6, dy1, dy4, dy8, f1, b1]);
});

test('unsupported configurations throw errors naming them', () => {
  const x = randn([1, 6, 6, 2]);
  const f = randn([3, 3, 2, 2]);
  const dy = randn([1, 6, 6, 2]);
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: f.shape }),
    /Conv2DBackpropFilter.*dataFormat 'NCHW'/,
  );
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: [2, 2], inputShape: x.shape }),
    /Conv2DBackpropInput.*dilations \[2,2\]/,
  );
  assert.throws(
    () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dilations: 2, filterShape: [3, 3, 2, 1] }),
    /DepthwiseConv2dNativeBackpropFilter.*dilations \[2,2\]/,
  );
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: randn([1, 5, 5, 2]) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: f.shape }),
    /Conv2DBackpropFilter: dy shape \[1,5,5,2\] does not match/,
  );
  tf.dispose([x, f, dy]);
});

test('unregister restores the stock kernels and register brings ours back', () => {
  unregisterWasmGradientKernels();
  try {
    assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
    const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
    assert.ok(stockInput && stockInput.kernelFunc !== WASM_GRADIENT_KERNELS.Conv2DBackpropInput);
    // The stock kernel still works after the swap (its setup was re-run).
    const f = randn([3, 3, 2, 3]) as tf.Tensor4D;
    const dy = randn([1, 4, 4, 3]) as tf.Tensor4D;
    compare('Conv2DBackpropInput', { dy, filter: f }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 4, 4, 2] }, 'stock input');
    tf.dispose([f, dy]);
  } finally {
    registerWasmGradientKernels();
  }
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc, WASM_GRADIENT_KERNELS.Conv2DBackpropFilter);
});
