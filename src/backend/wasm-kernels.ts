/**
 * Fast gradient kernels for the tfjs wasm backend (@tensorflow/tfjs-backend-wasm 4.22.0).
 *
 * 4.22 registers no `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput` or
 * `DepthwiseConv2dNativeBackpropFilter` on wasm, and its `Conv2DBackpropInput` is a plain scalar C++ loop.
 * Every kernel here is re-expressed through wasm's fast forward kernels (XNNPACK `Conv2D`,
 * `DepthwiseConv2dNative`, `Transpose`, `PadV2`, `Reverse`, `Sum`), called directly through their kernel
 * functions; every intermediate is released with `backend.disposeData` before returning.
 *
 *  - Conv2DBackpropFilter: "batch as channels". With x' = x^T[h,w,ci,n] (one image of width w·ci) and
 *    dy' = dy^T[oh,ow,n,co], the filter gradient dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci]
 *    · dy[n,oh,ow,co] is a stride-1 convolution of x' (channels n) with dy' used as an OH×OW filter dilated by
 *    (s, s·ci); its output [1, kh, kw·ci, co] is dW. (Until 2026-11-30 x' was [ci,h,w,n], batch ci: 17 % slower,
 *    with 9 output pixels per image for XNNPACK to tile and a 4-D transpose.)
 *  - Conv2DBackpropInput: a stride-1 convolution of dy (zero-dilated by the stride, i.e. s−1 zeros between
 *    samples) with the spatially flipped, in/out-transposed kernel, padded by (k−1−pad).
 *  - DepthwiseConv2dNativeBackpropInput: the same, with a depthwise convolution; channel multipliers m>1 are
 *    handled by a depthwise conv over the c·m channels followed by a sum over m.
 *  - DepthwiseConv2dNativeBackpropFilter: see `depthwiseBackpropFilter` below.
 *
 * Also replaced, because the profile of the MNIST autoencoder step showed them on slow paths:
 *  - BatchMatMul / _FusedMatMul with transposeA/B (dense-layer gradients): explicit Transpose + XNNPACK path.
 *  - AvgPoolGrad: depthwise input gradient with a constant 1/(fh·fw) filter.
 *  - ResizeNearestNeighborGrad (integer factors, no align_corners): stride-f depthwise conv with a ones filter.
 *  - LeakyRelu: x·step(x, α); and, on wasm only, its gradient dy·step(x, α) instead of where(x>0, dy, α·dy).
 *  - Identity: shares the data (tfjs clones every tensor saved for the backward pass; wasm copied each one).
 *  - Sum over leading axes (bias gradients): one AvgPool over the [1, R, 1, C] view instead of transpose + sum.
 *  - Conv2D / FusedConv2D with one output channel: depthwise convolution + channel sum.
 * Tried and dropped (slower at every layer of the MNIST autoencoder, see docs/RESULTS.md): the stride-1 filter
 * gradient as im2col + one XNNPACK GEMM, and the x/dy role swap for ≥ 8 channels.
 *
 * Supported: NHWC, dilation 1, any stride/kernel size, 'same' | 'valid' | explicit padding (numbers or
 * explicit per-side arrays, with optional dimRoundingMode). Anything else throws an error naming it.
 */
import * as tf from '@tensorflow/tfjs-core';
// In Node, tfjs' gradient configs are registered by the tfjs-layers bundle (tfjs-core's node bundle has none).
// Load it first so that the LeakyRelu gradient installed below is not overwritten by a later import.
import '@tensorflow/tfjs-layers';

type DataId = object;
type TensorInfo = tf.TensorInfo;
/** What tfjs passes to a kernel function. */
type KArgs = { inputs: Record<string, TensorInfo>; attrs?: tf.NamedAttrMap; backend: unknown };
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** The parts of BackendWasm this module touches (kept structural so tfjs-backend-wasm's types need not load). */
export interface WasmBackendLike {
  disposeData(dataId: DataId, force?: boolean): boolean;
  incRef(dataId: DataId): void;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  getMemoryOffset(dataId: DataId): number;
  dataIdMap: { get(dataId: DataId): { id: number } | undefined; delete(dataId: DataId): boolean };
  wasm: { tfjs: { disposeData(id: number): void } };
}

const BACKEND = 'wasm';

/** Runs wasm kernels directly and remembers every output so it can be released in one go. */
class KernelScope {
  private temps: TensorInfo[] = [];
  private views: TensorInfo[] = [];
  constructor(readonly backend: WasmBackendLike) {}

  run(name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo {
    const k = tf.getKernel(name, BACKEND);
    if (!k) throw new Error(`wasm kernel ${name} is not registered (needed by the gmmgen gradient kernels)`);
    const out = k.kernelFunc({ inputs, backend: this.backend as unknown as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap });
    if (Array.isArray(out)) throw new Error(`wasm kernel ${name} returned several outputs; expected one`);
    this.temps.push(out);
    return out;
  }

  /** A view with a new shape over the same data (refcounted like wasm's Reshape). */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    if (tf.util.sizeFromShape(shape) !== tf.util.sizeFromShape(x.shape)) {
      throw new Error(`internal reshape from [${x.shape}] to [${shape}] changes the size`);
    }
    this.backend.incRef(x.dataId);
    const out = { dataId: x.dataId, shape, dtype: x.dtype };
    this.temps.push(out);
    return out;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Zero-padding; skipped when every pad is 0. */
  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /** 4-D slice [0, h0:h0+h, w0:w0+w, :] done with contiguous heap copies (wasm's Slice copies the whole input first). */
  sliceHW(x: TensorInfo, h0: number, h: number, w0: number, w: number): TensorInfo {
    const [n, H, W, c] = x.shape;
    if (h0 === 0 && w0 === 0 && h === H && w === W) return x;
    if (h0 < 0 || w0 < 0 || h0 + h > H || w0 + w > W) {
      throw new Error(`internal slice [${h0}+${h}, ${w0}+${w}] out of range for [${x.shape}]`);
    }
    const out = this.backend.makeOutput([n, h, w, c], x.dtype);
    this.temps.push(out);
    // Views taken after makeOutput: a heap growth detaches older views.
    const src = this.backend.typedArrayFromHeap(x);
    const dst = this.backend.typedArrayFromHeap(out);
    const run = w * c;
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < h; i++) {
        const s = ((b * H + h0 + i) * W + w0) * c;
        dst.set(src.subarray(s, s + run), o);
        o += run;
      }
    }
    return out;
  }

  /** Inserts s−1 zeros after every sample along H and W: [n,h,w,c] → [n,h·sh,w·sw,c] (trailing zeros included). */
  dilate(x: TensorInfo, sh: number, sw: number): TensorInfo {
    if (sh === 1 && sw === 1) return x;
    const [n, h, w, c] = x.shape;
    const x6 = this.reshape(x, [n, h, 1, w, 1, c]);
    const p = this.run('PadV2', { x: x6 }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
      constantValue: 0,
    });
    return this.reshape(p, [n, h * sh, w * sw, c]);
  }

  /** Makes the scope responsible for a tensor produced outside `run` (e.g. by a stock kernel called directly). */
  adopt(t: TensorInfo): TensorInfo {
    this.temps.push(t);
    return t;
  }

  /** A float32 tensor filled with `value`. */
  constant(shape: number[], value: number): TensorInfo {
    const vals = new Float32Array(tf.util.sizeFromShape(shape)).fill(value);
    return this.adopt(this.backend.makeOutput(shape, 'float32', undefined, vals));
  }

  /** Takes `t` out of the scope (it becomes the kernel's output). */
  keep(t: TensorInfo): TensorInfo {
    if (this.views.includes(t)) throw new Error('internal: a heap view cannot be a kernel output');
    const i = this.temps.lastIndexOf(t);
    if (i >= 0) this.temps.splice(i, 1);
    else this.backend.incRef(t.dataId); // an input passed straight through: the output needs its own reference
    return t;
  }

  /**
   * A zero-copy float32 view of `shape` starting `elemOffset` elements into `base` (which must stay alive while
   * the view is used). Views are unregistered without freeing at dispose() and must never be kernel outputs.
   */
  view(base: TensorInfo, elemOffset: number, shape: number[]): TensorInfo {
    if (base.dtype !== 'float32') throw new Error('internal view of a non-float32 tensor');
    if (elemOffset < 0 || elemOffset + tf.util.sizeFromShape(shape) > tf.util.sizeFromShape(base.shape)) {
      throw new Error(`internal view [${elemOffset}, +${shape}] out of range for [${base.shape}]`);
    }
    const v = this.backend.makeOutput(shape, 'float32', this.backend.getMemoryOffset(base.dataId) + 4 * elemOffset);
    this.views.push(v);
    return v;
  }

  dispose(): void {
    for (const v of this.views) {
      const d = this.backend.dataIdMap.get(v.dataId);
      if (d) this.backend.wasm.tfjs.disposeData(d.id);
      this.backend.dataIdMap.delete(v.dataId);
    }
    this.views = [];
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps = [];
  }
}

function withScope(backend: unknown, f: (s: KernelScope) => TensorInfo): TensorInfo {
  const s = new KernelScope(backend as WasmBackendLike);
  try {
    return s.keep(f(s));
  } finally {
    s.dispose();
  }
}

function checkCommon(kernel: string, attrs: Record<string, unknown>): void {
  const df = attrs.dataFormat as string | undefined;
  if (df !== undefined && df !== 'NHWC' && df !== 'channelsLast') {
    throw new Error(`${kernel} on wasm (gmmgen kernels): dataFormat '${df}' is not supported; only NHWC`);
  }
  const d = attrs.dilations as number | [number, number] | undefined;
  if (d !== undefined && d !== null) {
    const [dh, dw] = typeof d === 'number' ? [d, d] : d;
    if (dh !== 1 || dw !== 1) {
      throw new Error(`${kernel} on wasm (gmmgen kernels): dilations [${dh},${dw}] are not supported; only 1`);
    }
  }
}

function convInfo(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  attrs: Record<string, unknown>,
  depthwise: boolean,
): tf.backend_util.Conv2DInfo {
  checkCommon(kernel, attrs);
  if (xShape.length !== 4) throw new Error(`${kernel}: input shape [${xShape}] must be rank 4`);
  if (filterShape.length !== 4) throw new Error(`${kernel}: filter shape [${filterShape}] must be rank 4`);
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
    'channelsLast',
  );
}

function checkDy(kernel: string, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): void {
  const want = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dy.shape.length !== 4 || dy.shape.some((v, i) => v !== want[i])) {
    throw new Error(`${kernel}: dy shape [${dy.shape}] does not match the convolution output [${want}]`);
  }
  if (dy.dtype !== 'float32') throw new Error(`${kernel}: dy dtype ${dy.dtype} is not supported; only float32`);
}

/**
 * Stride-1 "full" correlation computing an input gradient: y = conv(dilate(dy), flippedFilter) with the padding
 * that maps it back onto the input grid. Negative paddings (explicit pads wider than k−1, or odd sizes with
 * stride 2 and k=1) are clamped to 0 and the surplus rows/columns sliced off.
 */
function inputGradient(
  s: KernelScope,
  dy: TensorInfo,
  flipped: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  conv: 'Conv2D' | 'DepthwiseConv2dNative',
): TensorInfo {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: H, inWidth: W } = info;
  const d = s.dilate(dy, sh, sw);
  const hd = d.shape[1];
  const wd = d.shape[2];
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = H + kh - 1 - hd - top;
  const right = W + kw - 1 - wd - left;
  const t0 = Math.max(top, 0);
  const b0 = Math.max(bottom, 0);
  const l0 = Math.max(left, 0);
  const r0 = Math.max(right, 0);
  const y = s.run(conv, { x: d, filter: flipped }, {
    strides: [1, 1],
    dilations: [1, 1],
    pad: [[0, 0], [t0, b0], [l0, r0], [0, 0]],
    dataFormat: 'NHWC',
  });
  return s.sliceHW(y, t0 - top, H, l0 - left, W);
}

function conv2DBackpropInput(args: KArgs): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as Record<string, unknown>;
  const name = 'Conv2DBackpropInput';
  const info = convInfo(name, attrs.inputShape as number[], filter.shape, attrs, false);
  checkDy(name, dy, info);
  return withScope(args.backend, (s) => {
    // W[kh,kw,ci,co] → W'[kh,kw,co,ci] = W[K−1−kh, K−1−kw, ci, co]
    const rev = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const flipped = s.transpose(rev, [0, 1, 3, 2]);
    return inputGradient(s, dy, flipped, info, 'Conv2D');
  });
}

function conv2DBackpropFilter(args: KArgs): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as Record<string, unknown>;
  const name = 'Conv2DBackpropFilter';
  const info = convInfo(name, x.shape, attrs.filterShape as number[], attrs, false);
  checkDy(name, dy, info);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: H, inWidth: W } = info;
  const { inChannels: ci, outChannels: co } = info;
  const n = x.shape[0];
  return withScope(args.backend, (s) => {
    // XNNPACK computes output channels in blocks of 8: with few output channels (e.g. a 16→1 conv) most of the
    // work is padding, so for stride 1 swap the roles of x and dy when that gives more output channels.
    if (sh === 1 && sw === 1 && co < 8 && ci > co) {
      // out[co, i, j, ci] = Σ_{a,b,n} dyPad[co, i+a, j+b, n] · x[n, a, b, ci] with i = kh−1−k_h: the filter
      // gradient with its taps reversed.
      const dyt = s.transpose(dy, [3, 1, 2, 0]); // [co, oh, ow, n]
      const xt = s.transpose(x, [1, 2, 0, 3]); // [h, w, n, ci]
      const top = kh - 1 - info.padInfo.top;
      const left = kw - 1 - info.padInfo.left;
      const bottom = H - info.outHeight + info.padInfo.top;
      const right = W - info.outWidth + info.padInfo.left;
      const t0 = Math.max(top, 0);
      const l0 = Math.max(left, 0);
      const g = s.run('Conv2D', { x: dyt, filter: xt }, {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [[0, 0], [t0, Math.max(bottom, 0)], [l0, Math.max(right, 0)], [0, 0]],
        dataFormat: 'NHWC',
      }); // [co, kh(+extra), kw(+extra), ci], taps reversed
      const gs = s.sliceHW(g, t0 - top, kh, l0 - left, kw);
      const rev = s.run('Reverse', { x: gs }, { dims: [1, 2] });
      return s.transpose(rev, [1, 2, 3, 0]);
    }
    // One image whose width axis runs over (w, ci): x'' = x^T viewed as [1, h, w·ci, n] (a plain 2-D transpose
    // of x as [n, h·w·ci]). Dilating dy' by (sh, sw·ci) makes output column b·ci + c the tap b of channel c, so
    // the output [1, kh, kw·ci, co] is dW itself, and XNNPACK tiles kh·kw·ci output pixels of one image.
    const xt = s.reshape(s.transpose(s.reshape(x, [n, H * W * ci]), [1, 0]), [1, H, W * ci, n]);
    const dyt = s.transpose(dy, [1, 2, 0, 3]); // [oh, ow, n, co]
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const bottom = (info.outHeight - 1) * sh + kh - H - top;
    const right = (info.outWidth - 1) * sw + kw - W - left;
    const g = s.run('Conv2D', { x: xt, filter: dyt }, {
      strides: [1, 1],
      dilations: [sh, sw * ci],
      pad: [[0, 0], [top, Math.max(bottom, 0)], [left * ci, Math.max(right, 0) * ci], [0, 0]],
      dataFormat: 'NHWC',
    }); // [1, kh(+extra), (kw(+extra))·ci, co]
    return s.reshape(s.sliceHW(g, 0, kh, 0, kw * ci), [kh, kw, ci, co]);
  });
}

function depthwiseBackpropInput(args: KArgs): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as Record<string, unknown>;
  const name = 'DepthwiseConv2dNativeBackpropInput';
  const info = convInfo(name, attrs.inputShape as number[], filter.shape, attrs, true);
  checkDy(name, dy, info);
  const [kh, kw, c, m] = filter.shape;
  return withScope(args.backend, (s) => {
    // dx[c] = Σ_m corr(dy[c·m+j], flip(W[:,:,c,j])): a depthwise conv over the c·m channels, then a sum over m.
    const rev = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const flipped = s.reshape(rev, [kh, kw, c * m, 1]);
    const y = inputGradient(s, dy, flipped, info, 'DepthwiseConv2dNative');
    if (m === 1) return y;
    const [n, h, w] = y.shape;
    const y5 = s.reshape(y, [n, h, w, c, m]);
    return s.run('Sum', { x: y5 }, { axis: [4], keepDims: false });
  });
}

/**
 * Depthwise filter gradient dW[kh,kw,c,j] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, c] · dy[n,oh,ow,c·m+j].
 *
 * x is zero-padded into a frame [n, Hf, Wf, c] and dy is zero-dilated by the stride into the same frame, so
 * that tap (kh,kw) pairs dy at flat frame position p with x at p + kh·Wf + kw — for the whole batch at once,
 * since the taps of a valid dy position never leave its own image's frame. Each tap is then one elementwise
 * Multiply of two zero-copy heap views and one AvgPool over all positions (both vectorised in XNNPACK).
 * Channel multipliers m > 1 tile x m times along a new last axis first.
 */
function depthwiseBackpropFilter(args: KArgs): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as Record<string, unknown>;
  const name = 'DepthwiseConv2dNativeBackpropFilter';
  const filterShape = attrs.filterShape as number[];
  const info = convInfo(name, x.shape, filterShape, attrs, true);
  checkDy(name, dy, info);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: H, inWidth: W } = info;
  const [n, , , c] = x.shape;
  const m = filterShape[3];
  const cm = c * m;
  const oh = info.outHeight;
  const ow = info.outWidth;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const hf = Math.max(H + pt, (oh - 1) * sh + kh, oh * sh);
  const wf = Math.max(W + pl, (ow - 1) * sw + kw, ow * sw);
  return withScope(args.backend, (s) => {
    let xm = x;
    if (m > 1) {
      const x5 = s.reshape(x, [n, H, W, c, 1]);
      xm = s.reshape(s.run('Tile', { x: x5 }, { reps: [1, 1, 1, 1, m] }), [n, H, W, cm]);
    }
    const xf = s.pad(xm, [[0, 0], [pt, hf - H - pt], [pl, wf - W - pl], [0, 0]]);
    const dd = s.dilate(dy, sh, sw); // [n, oh·sh, ow·sw, cm]
    const df = s.pad(dd, [[0, 0], [0, hf - dd.shape[1]], [0, wf - dd.shape[2]], [0, 0]]);
    const total = n * hf * wf;
    const span = total - ((kh - 1) * wf + (kw - 1)); // every valid dy position lies below `span`
    const dv = s.view(df, 0, [1, span, 1, cm]);
    const taps: TensorInfo[] = [];
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const xv = s.view(xf, (a * wf + b) * cm, [1, span, 1, cm]);
        const prod = s.run('Multiply', { a: xv, b: dv });
        const mean = s.run('AvgPool', { x: prod }, { filterSize: [span, 1], strides: [1, 1], pad: 'valid' });
        taps.push(s.reshape(mean, [1, cm]));
      }
    }
    // Gather the kh·kw means (tiny) and scale them back to sums.
    const out = s.adopt(s.backend.makeOutput([kh * kw, cm], 'float32'));
    const dst = s.backend.typedArrayFromHeap(out);
    taps.forEach((t, i) => {
      const src = s.backend.typedArrayFromHeap(t);
      for (let k = 0; k < cm; k++) dst[i * cm + k] = src[k] * span;
    });
    const sum = out;
    return s.reshape(sum, [kh, kw, c, m]);
  });
}

/** Stock wasm kernel configs captured before we replaced them (composed kernels fall back to these). */
const stock = new Map<string, tf.KernelConfig>();

function stockKernel(name: string): tf.KernelConfig {
  const k = stock.get(name) ?? (replaced.has(name) ? undefined : tf.getKernel(name, BACKEND));
  if (!k) throw new Error(`the stock wasm kernel ${name} is not available`);
  return k;
}

function runStock(name: string, args: KArgs): TensorInfo {
  return stockKernel(name).kernelFunc(args as Parameters<tf.KernelFunc>[0]) as TensorInfo;
}

/** Swaps the last two axes. */
function lastTwoPerm(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * wasm's (_Fused)BatchMatMul runs XNNPACK only without transposes; with transposeA/transposeB (every dense-layer
 * gradient) it takes a scalar loop that is 10-25× slower. Transposing explicitly and calling the fast path wins.
 * Also, the stock _FusedMatMul adds the bias to the first batch matrix only when the batch is > 1 (tfjs 4.22 bug);
 * that case is computed here as BatchMatMul + Add + activation.
 */
function matMulWithoutTransposes(name: 'BatchMatMul' | '_FusedMatMul'): KernelImpl {
  return (args) => {
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    const inputs = args.inputs as Record<string, TensorInfo>;
    const { a, b } = inputs;
    const batch = Math.max(tf.util.sizeFromShape(a.shape.slice(0, -2)), tf.util.sizeFromShape(b.shape.slice(0, -2)));
    const splitFused = name === '_FusedMatMul' && inputs.bias != null && batch > 1;
    if (!attrs.transposeA && !attrs.transposeB && !splitFused) return runStock(name, args);
    return withScope(args.backend, (s) => {
      const at = attrs.transposeA ? s.transpose(a, lastTwoPerm(a.shape.length)) : a;
      const bt = attrs.transposeB ? s.transpose(b, lastTwoPerm(b.shape.length)) : b;
      const plain = { ...attrs, transposeA: false, transposeB: false } as tf.NamedAttrMap;
      if (!splitFused) {
        return s.adopt(runStock(name, { inputs: { ...inputs, a: at, b: bt }, backend: args.backend, attrs: plain }));
      }
      const prod = s.adopt(runStock('BatchMatMul', { inputs: { a: at, b: bt }, backend: args.backend, attrs: plain }));
      const biased = s.run('Add', { a: prod, b: inputs.bias });
      return applyActivation(s, biased, attrs, inputs.preluActivationWeights);
    });
  };
}

/** The fused-op activations of tfjs ('linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'). */
function applyActivation(s: KernelScope, x: TensorInfo, attrs: Record<string, unknown>, preluWeights?: TensorInfo, kernel = '_FusedMatMul'): TensorInfo {
  const act = (attrs.activation as string | undefined) ?? 'linear';
  switch (act) {
    case 'linear':
      return x;
    case 'relu':
      return s.run('Relu', { x });
    case 'relu6':
      return s.run('Relu6', { x });
    case 'elu':
      return s.run('Elu', { x });
    case 'sigmoid':
      return s.run('Sigmoid', { x });
    case 'leakyrelu':
      return s.run('LeakyRelu', { x }, { alpha: (attrs.leakyreluAlpha as number | undefined) ?? 0.2 });
    case 'prelu':
      if (!preluWeights) throw new Error(`${kernel}: activation 'prelu' needs preluActivationWeights`);
      return s.run('Prelu', { x, alpha: preluWeights });
    default:
      throw new Error(`${kernel}: activation '${act}' is not supported`);
  }
}

/** LeakyRelu as x · step(x, α): two vectorised passes instead of wasm's slower dedicated kernel; bit-exact. */
function leakyRelu(args: KArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const alpha = (args.attrs as { alpha: number }).alpha;
  if (x.dtype !== 'float32') return runStock('LeakyRelu', args);
  return withScope(args.backend, (s) => {
    const st = s.run('Step', { x }, { alpha });
    return s.run('Multiply', { a: x, b: st });
  });
}

/**
 * AvgPoolGrad: every dy value is spread uniformly over its pooling window, i.e. the input gradient of a depthwise
 * convolution with a constant filter 1/(fh·fw) (the same constant multiplier the cpu kernel uses, also at 'same'
 * borders).
 */
function avgPoolGrad(args: KArgs): TensorInfo {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const attrs = args.attrs as Record<string, unknown>;
  const name = 'AvgPoolGrad';
  checkCommon(name, attrs);
  if (input.shape.length !== 4) throw new Error(`${name}: input shape [${input.shape}] must be rank 4`);
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  checkDy(name, dy, info);
  const { filterHeight: fh, filterWidth: fw, inChannels: c } = info;
  return withScope(args.backend, (s) => {
    const w = s.constant([fh, fw, c, 1], 1 / (fh * fw));
    return inputGradient(s, dy, w, info, 'DepthwiseConv2dNative');
  });
}

/**
 * ResizeNearestNeighborGrad for exact integer up-sampling factors (the UpSampling2D case): each input pixel
 * received one f_h×f_w block, so its gradient is the block sum — a depthwise convolution with a ones filter and
 * stride f. Other geometries (align_corners, fractional scales) use the stock kernel.
 */
function resizeNearestNeighborGrad(args: KArgs): TensorInfo {
  const { images, dy } = args.inputs as { images: TensorInfo; dy: TensorInfo };
  const { alignCorners, halfPixelCenters } = args.attrs as { alignCorners: boolean; halfPixelCenters?: boolean };
  const hpc = halfPixelCenters === true;
  const [n, h, w, c] = images.shape;
  const [dn, dh, dw, dc] = dy.shape;
  const fh = dh / h;
  const fw = dw / w;
  const blocky =
    !alignCorners && dy.dtype === 'float32' && images.shape.length === 4 && dn === n && dc === c &&
    Number.isInteger(fh) && Number.isInteger(fw) && exactNearest(h, dh, fh, hpc) && exactNearest(w, dw, fw, hpc);
  if (!blocky) return runStock('ResizeNearestNeighborGrad', args);
  if (fh === 1 && fw === 1) return withScope(args.backend, (s) => s.run('Identity', { x: dy }));
  return withScope(args.backend, (s) => {
    const ones = s.constant([fh, fw, c, 1], 1);
    return s.run('DepthwiseConv2dNative', { x: dy, filter: ones }, {
      strides: [fh, fw],
      dilations: [1, 1],
      pad: 'valid',
      dataFormat: 'NHWC',
    });
  });
}

/**
 * True when the wasm backend's nearest-neighbour source index equals the block index floor(y/f) for every output
 * row y. The wasm ResizeNearestNeighbor (and its stock gradient) computes the index in float32:
 * min(in − 1, floor(fl32(y' · fl32(in/out)))) with y' = y or fl32(y + 0.5) (half-pixel centres), so for some integer
 * factors (41, 47, …) a row at a block edge goes to the block before; a float64 check disagrees with it (it flags
 * 49 and misses 41). Checked against the wasm forward kernel in test/backend/kernels.test.ts.
 */
export function exactNearest(inSize: number, outSize: number, f: number, halfPixelCenters = false): boolean {
  const scale = Math.fround(inSize / outSize);
  for (let y = 0; y < outSize; y++) {
    const src = Math.fround((halfPixelCenters ? Math.fround(y + 0.5) : y) * scale);
    if (Math.min(inSize - 1, Math.floor(src)) !== Math.floor(y / f)) return false;
  }
  return true;
}

/**
 * Identity shares the input's data (a reference count, as the cpu backend does) instead of copying it. tfjs
 * clones every tensor it saves for the backward pass, so on wasm this was ~90 full copies per autoencoder step.
 * Safe because tfjs never writes into a tensor's data in place.
 */
function identity(args: KArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === 'string') return runStock('Identity', args);
  (args.backend as WasmBackendLike).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Sum over the leading axes of a float32 tensor (every bias gradient: Σ over n, h, w of dy) as XNNPACK average
 * pooling over one [R, 1] window of the [1, R, 1, C] view, times R, without the stock kernel's transpose of the
 * whole input. Other reductions use the stock kernel.
 */
function sum(args: KArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading) return runStock('Sum', args);
  const r = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
  const kept = x.shape.slice(axes.length);
  const c = tf.util.sizeFromShape(kept);
  const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
  if (r === 1 || c === 0) return withScope(args.backend, (s) => s.reshape(x, outShape));
  return withScope(args.backend, (s) => {
    const mean = s.run('AvgPool', { x: s.reshape(x, [1, r, 1, c]) }, { filterSize: [r, 1], strides: [1, 1], pad: 'valid' });
    const out = s.adopt(s.backend.makeOutput(outShape, 'float32'));
    const src = s.backend.typedArrayFromHeap(mean);
    const dst = s.backend.typedArrayFromHeap(out);
    for (let k = 0; k < c; k++) dst[k] = src[k] * r;
    return out;
  });
}

/**
 * Convolutions with one output channel (the decoder's last 16→1 layer, and the input gradient of a 1-channel
 * input): XNNPACK computes output channels in tiles of 8, so 7/8 of the work is padding. Done instead as a
 * depthwise convolution (same strides, dilations, and tfjs' padding made explicit) followed by a sum over the
 * input channels, then FusedConv2D's bias and activation. Other shapes use the stock kernels.
 */
function singleOutputChannelConv(name: 'Conv2D' | 'FusedConv2D'): KernelImpl {
  return (args) => {
    const inputs = args.inputs as Record<string, TensorInfo>;
    const { x, filter } = inputs;
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    const df = attrs.dataFormat as string | undefined;
    const nhwc = df === undefined || df === 'NHWC' || df === 'channelsLast';
    const [kh, kw, ci, co] = filter.shape;
    if (co !== 1 || ci < 2 || !nhwc || x.dtype !== 'float32' || x.shape.length !== 4) return runStock(name, args);
    const dilations = (attrs.dilations ?? [1, 1]) as number | [number, number];
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides as number | [number, number],
      dilations,
      attrs.pad as Pad,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    );
    // Explicit pads that yield tfjs' output size (wasm's depthwise kernel mishandles dimRoundingMode 'ceil').
    const { top, left } = info.padInfo;
    const bottom = Math.max(0, (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight - info.inHeight - top);
    const right = Math.max(0, (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth - info.inWidth - left);
    return withScope(args.backend, (s) => {
      const y = s.run('DepthwiseConv2dNative', { x, filter: s.reshape(filter, [kh, kw, ci, 1]) }, {
        strides: [info.strideHeight, info.strideWidth],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dilations: [info.dilationHeight, info.dilationWidth],
        dataFormat: 'NHWC',
      });
      const summed = s.run('Sum', { x: y }, { axis: [3], keepDims: true });
      if (name === 'Conv2D') return summed;
      const biased = inputs.bias ? s.run('Add', { a: summed, b: inputs.bias }) : summed;
      return applyActivation(s, biased, attrs, inputs.preluActivationWeights, name);
    });
  };
}

type KernelImpl = (args: KArgs) => TensorInfo;

/** Kernel names this module provides on wasm, with their implementations. */
export const WASM_GRADIENT_KERNELS: Readonly<Record<string, KernelImpl>> = {
  Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  AvgPoolGrad: avgPoolGrad,
  ResizeNearestNeighborGrad: resizeNearestNeighborGrad,
  BatchMatMul: matMulWithoutTransposes('BatchMatMul'),
  _FusedMatMul: matMulWithoutTransposes('_FusedMatMul'),
  LeakyRelu: leakyRelu,
  Identity: identity,
  Sum: sum,
  Conv2D: singleOutputChannelConv('Conv2D'),
  FusedConv2D: singleOutputChannelConv('FusedConv2D'),
};

/** Kernel configs that were registered on wasm before ours (restored by `unregisterWasmGradientKernels`). */
const replaced = new Map<string, tf.KernelConfig | null>();

/**
 * The LeakyRelu gradient of tfjs-core is where(x > 0, dy, α·dy); on wasm Greater-with-a-scalar and Select are
 * slow paths (~10× a plain multiply). On wasm we use dy · step(x, α) instead (bit-identical); on every other
 * backend the original gradient runs unchanged.
 */
let originalLeakyReluGrad: tf.GradConfig | undefined;

function installLeakyReluGradient(): void {
  if (originalLeakyReluGrad) return;
  const orig = tf.getGradient('LeakyRelu');
  if (!orig) return;
  originalLeakyReluGrad = orig;
  tf.registerGradient({
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      if (tf.getBackend() !== BACKEND) return orig.gradFunc(dy, saved, attrs);
      const [x] = saved;
      const alpha = (attrs as unknown as { alpha: number }).alpha;
      return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
    },
  });
}

function restoreLeakyReluGradient(): void {
  if (!originalLeakyReluGrad) return;
  tf.registerGradient(originalLeakyReluGrad);
  originalLeakyReluGrad = undefined;
}

/** The four convolution-gradient kernels (what tfjs 4.22 lacks or runs slowly); the rest are profile-driven. */
export const CONV_GRADIENT_KERNELS = [
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
] as const;

/**
 * Registers the gmmgen kernels for the 'wasm' backend, replacing tfjs' own where present, and (with 'LeakyRelu')
 * the wasm-only LeakyRelu gradient. `names` restricts the set (default: all of WASM_GRADIENT_KERNELS). Must run
 * after `@tensorflow/tfjs-backend-wasm` is imported (its import registers the stock kernels). Idempotent.
 */
export function registerWasmGradientKernels(names: readonly string[] = Object.keys(WASM_GRADIENT_KERNELS)): void {
  for (const kernelName of names) {
    const impl = WASM_GRADIENT_KERNELS[kernelName];
    if (!impl) throw new Error(`registerWasmGradientKernels: unknown kernel "${kernelName}"; known: ${Object.keys(WASM_GRADIENT_KERNELS).join(', ')}`);
    if (replaced.has(kernelName)) continue;
    const existing = tf.getKernel(kernelName, BACKEND);
    replaced.set(kernelName, existing ?? null);
    if (existing) {
      stock.set(kernelName, existing);
      tf.unregisterKernel(kernelName, BACKEND);
    }
    // Keep the stock setup (cwrap of the C++ entry point) so the composed kernels can fall back to it.
    tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc: impl as unknown as tf.KernelFunc, setupFunc: existing?.setupFunc });
  }
  if (names.includes('LeakyRelu')) installLeakyReluGradient();
}

/** Restores the kernels (and gradient) that were registered before `registerWasmGradientKernels`. */
export function unregisterWasmGradientKernels(): void {
  // If the wasm backend is already up, the stock kernels' setup has run through our registration (we pass
  // their setupFunc along); run it again anyway in case the backend came up some other way.
  const backend = tf.engine().registry[BACKEND] ?? null;
  for (const [kernelName, prev] of replaced) {
    tf.unregisterKernel(kernelName, BACKEND);
    if (prev) {
      tf.registerKernel(prev);
      if (backend && prev.setupFunc) prev.setupFunc(backend);
    }
  }
  replaced.clear();
  stock.clear();
  restoreLeakyReluGradient();
}

/** True when our kernels are the ones registered. */
export function wasmGradientKernelsRegistered(): boolean {
  return replaced.size > 0;
}
