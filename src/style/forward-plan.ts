/**
 * A lean, differentiable forward pass of a loaded feature model, for image optimisation.
 *
 * Why not `model.apply(x)`: tfjs-layers runs every convolution through `tf.fused.conv2d`, whose custom
 * gradient computes the filter and bias gradients eagerly even when only the input gradient is asked
 * for, and inference-mode BatchNormalization's gradient materialises tiled copies of its statistics
 * (the profile of one MobileNet step at 256 px on wasm: Tile 330 ms, Conv2DBackpropFilter 140 ms of
 * ~1.2 s). Here each layer becomes plain tfjs-core ops whose gradients are lazy per input, so the tape
 * only differentiates the path from the image to the features; and every BatchNormalization that
 * directly follows a linear Conv2D/DepthwiseConv2D (its only consumer) is folded into that
 * convolution's kernel and bias: with s = γ/√(σ²+ε), W' = W·s (per output channel) and
 * b' = (b − μ)·s + β.
 *
 * A ReLU/ReLU6 that alone consumes a convolution (after folding) is fused into it as well: one fused
 * conv + bias + activation kernel forward, and a hand-written backward (the activation mask read off the
 * output, then the convolution's input gradient); `fuseActivation: false` turns this off.
 *
 * Supported layer classes: InputLayer, Conv2D, DepthwiseConv2D, BatchNormalization, Activation, ReLU,
 * MaxPooling2D, AveragePooling2D, ZeroPadding2D. Any other layer (or a layer used at several nodes) is
 * run through its own `apply`, which is correct, only slower. `poolingOverride: 'avg'` swaps max
 * pooling for average pooling (Gatys et al. report smoother syntheses with average pooling).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';

type T4 = tf.Tensor4D;

interface Step {
  name: string;
  inputs: string[];
  run: (xs: tf.Tensor[]) => tf.Tensor;
  /** What the step does (for tests / diagnostics): 'conv', 'conv+bn', 'depthwise+bn', 'apply', ... */
  kind: string;
}

export interface ForwardPlanOptions {
  poolingOverride?: 'avg' | null;
  /** Fold BatchNormalization into the preceding convolution (default true). */
  foldBatchNorm?: boolean;
  /**
   * Fuse a ReLU / ReLU6 that is the only consumer of a convolution (after BatchNorm folding) into it:
   * one fused conv + bias + activation kernel forward, and a hand-written backward (activation mask
   * from the output, then the input gradient of the convolution). Default true.
   */
  fuseActivation?: boolean;
}

type AnyConfig = Record<string, unknown>;

/**
 * A [rows, cols] config entry: tfjs-layers' getConfig() gives pairs even for a layer built with one number; a
 * Keras-format config may hold the number itself (n → [n, n]); absent → [fallback, fallback].
 */
function pair(v: unknown, fallback: number): [number, number] {
  if (Array.isArray(v)) return [Number(v[0]), Number(v[1] ?? v[0])];
  if (typeof v === 'number') return [v, v];
  return [fallback, fallback];
}

function activationFn(name: unknown, where: string): ((x: tf.Tensor) => tf.Tensor) | null {
  switch (name ?? 'linear') {
    case 'linear':
      return (x) => x;
    case 'relu':
      return (x) => tf.relu(x);
    case 'relu6':
      return (x) => tf.relu6(x);
    case 'sigmoid':
      return (x) => tf.sigmoid(x);
    case 'tanh':
      return (x) => tf.tanh(x);
    case 'elu':
      return (x) => tf.elu(x);
    default:
      void where;
      return null;
  }
}

function activationName(a: unknown): string {
  // tfjs-layers stores activations as objects with getClassName(); configs hold strings.
  if (typeof a === 'string') return a;
  const o = a as { getClassName?: () => string } | undefined;
  const n = o?.getClassName?.();
  return n ? n.toLowerCase() : 'linear';
}

export class ForwardPlan {
  private readonly steps: Step[] = [];
  private readonly owned: tf.Tensor[] = [];
  readonly outputNames: string[];
  /** Layer name → the step kind it was compiled to (folded BatchNorm layers map to 'folded'). */
  readonly kinds = new Map<string, string>();

  constructor(readonly model: tfl.LayersModel, opts: ForwardPlanOptions = {}) {
    const fold = opts.foldBatchNorm ?? true;
    this.outputNames = model.outputs.map((o) => o.sourceLayer.name);
    const layers = model.layers;
    const consumers = new Map<string, number>();
    const inbound = new Map<string, string[]>();
    for (const l of layers) {
      const nodes = (l as unknown as { inboundNodes: { inboundLayers: { name: string }[] }[] }).inboundNodes;
      const ins = nodes.length ? nodes[0].inboundLayers.map((x) => x.name) : [];
      inbound.set(l.name, ins);
      for (const i of ins) consumers.set(i, (consumers.get(i) ?? 0) + 1);
    }
    const outputs = new Set(this.outputNames);
    // Folding candidates: conv layer name → the BatchNormalization layer right after it.
    const foldedBn = new Map<string, tfl.layers.Layer>();
    if (fold) {
      for (const l of layers) {
        if (l.getClassName() !== 'BatchNormalization') continue;
        const ins = inbound.get(l.name)!;
        if (ins.length !== 1) continue;
        const conv = layers.find((x) => x.name === ins[0]);
        if (!conv) continue;
        const cls = conv.getClassName();
        const cfg = conv.getConfig() as AnyConfig;
        const bnCfg = l.getConfig() as AnyConfig;
        const axis = bnCfg.axis;
        const axisOk = axis === -1 || axis === 3 || (Array.isArray(axis) && (axis[0] === -1 || axis[0] === 3));
        if ((cls === 'Conv2D' || cls === 'DepthwiseConv2D') && activationName(cfg.activation) === 'linear' &&
            consumers.get(conv.name) === 1 && !outputs.has(conv.name) && axisOk && conv.inboundNodes.length === 1) {
          foldedBn.set(conv.name, l);
        }
      }
    }
    // Fusion candidates: conv layer name → the relu/relu6 activation layer that alone consumes it (or its folded BN).
    const fusedAct = new Map<string, { layer: tfl.layers.Layer; act: 'relu' | 'relu6' }>();
    if (opts.fuseActivation ?? true) {
      const byName = new Map(layers.map((l) => [l.name, l]));
      for (const conv of layers) {
        const cls = conv.getClassName();
        if (cls !== 'Conv2D' && cls !== 'DepthwiseConv2D') continue;
        const cfg = conv.getConfig() as AnyConfig;
        if (activationName(cfg.activation) !== 'linear' || conv.inboundNodes.length !== 1) continue;
        const dil = pair(cfg.dilation_rate ?? cfg.dilationRate, 1);
        if (dil[0] !== 1 || dil[1] !== 1) continue;
        const tail = foldedBn.get(conv.name)?.name ?? conv.name;
        if (outputs.has(tail) || consumers.get(tail) !== 1) continue;
        const next = layers.find((x) => (inbound.get(x.name) ?? []).includes(tail));
        if (!next || (inbound.get(next.name) ?? []).length !== 1 || next.inboundNodes.length !== 1) continue;
        const act = fusableActivation(next);
        if (act && byName.has(next.name)) fusedAct.set(conv.name, { layer: next, act });
      }
    }
    const renamed = new Map<string, string>(); // folded BN name → conv name whose output replaces it
    for (const l of layers) {
      const cls = l.getClassName();
      const ins = (inbound.get(l.name) ?? []).map((n) => renamed.get(n) ?? n);
      if (renamed.has(l.name)) {
        this.kinds.set(l.name, 'folded');
        continue;
      }
      const bn = foldedBn.get(l.name) ?? null;
      const fa = fusedAct.get(l.name) ?? null;
      const step = l.inboundNodes.length > 1 ? null : this.compile(l, cls, bn, opts, fa?.act ?? null);
      if (step) {
        if (bn) renamed.set(bn.name, l.name);
        if (fa && step.kind.endsWith(`+${fa.act}`)) renamed.set(fa.layer.name, l.name);
        this.steps.push({ name: l.name, inputs: ins, ...step });
        this.kinds.set(l.name, step.kind);
      } else {
        this.steps.push({
          name: l.name,
          inputs: ins,
          kind: 'apply',
          run: (xs) => l.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as tf.Tensor,
        });
        this.kinds.set(l.name, 'apply');
      }
    }
    // Output of a folded BN layer is the conv step's output.
    this.outputNames = this.outputNames.map((n) => renamed.get(n) ?? n);
  }

  private keep<T extends tf.Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }

  private compile(l: tfl.layers.Layer, cls: string, bn: tfl.layers.Layer | null, opts: ForwardPlanOptions, fuse: 'relu' | 'relu6' | null = null): Omit<Step, 'name' | 'inputs'> | null {
    const cfg = l.getConfig() as AnyConfig;
    switch (cls) {
      case 'InputLayer':
        return { kind: 'input', run: (xs) => xs[0] };
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const fmt = cfg.data_format ?? cfg.dataFormat ?? 'channelsLast';
        if (fmt !== 'channelsLast' && fmt !== 'channels_last') return null;
        const act = activationFn(activationName(cfg.activation), l.name);
        if (!act) return null;
        const strides = pair(cfg.strides, 1);
        const dilation = pair(cfg.dilation_rate ?? cfg.dilationRate, 1);
        const padding = (cfg.padding as 'same' | 'valid') ?? 'valid';
        const w = l.getWeights();
        const depthwise = cls === 'DepthwiseConv2D';
        let kernel = w[0] as T4;
        let bias: tf.Tensor1D | null = (cfg.use_bias ?? cfg.useBias) !== false && w.length > 1 ? (w[1] as tf.Tensor1D) : null;
        if (bn) {
          const folded = tf.tidy(() => foldBatchNorm(kernel, bias, bn, depthwise));
          kernel = this.keep(folded.kernel);
          bias = this.keep(folded.bias);
        } else {
          kernel = this.keep(tf.clone(kernel));
          if (bias) bias = this.keep(tf.clone(bias));
        }
        const k = kernel, b = bias;
        // The convolution's own relu/relu6 (VGG: Conv2D(activation='relu')) fuses the same way.
        const own = activationName(cfg.activation);
        if (!fuse && (opts.fuseActivation ?? true) && (own === 'relu' || own === 'relu6') && dilation[0] === 1 && dilation[1] === 1) fuse = own;
        if (fuse) {
          const kT = !depthwise && k.shape[0] === 1 && k.shape[1] === 1 && strides[0] === 1 && strides[1] === 1 ? this.keep(tf.tidy(() => tf.transpose(k, [0, 1, 3, 2]))) : null;
          const bb = b ?? this.keep(tf.zeros([k.shape[3] * (depthwise ? k.shape[2] : 1)]) as tf.Tensor1D);
          const fn = fusedConvAct(depthwise, k, kT, bb, strides, padding, fuse);
          return { kind: `${depthwise ? 'depthwise' : 'conv'}${bn ? '+bn' : ''}+${fuse}`, run: (xs) => fn(xs[0]) };
        }
        let conv: (x: tf.Tensor) => tf.Tensor;
        if (depthwise) conv = (x) => tf.depthwiseConv2d(x as T4, k, strides, padding, 'NHWC', dilation);
        else if (k.shape[0] === 1 && k.shape[1] === 1 && strides[0] === 1 && strides[1] === 1 && dilation[0] === 1 && dilation[1] === 1) {
          conv = pointwiseConv(k, this.keep(tf.tidy(() => tf.transpose(k, [0, 1, 3, 2]))));
        } else conv = (x) => tf.conv2d(x as T4, k, strides, padding, 'NHWC', dilation);
        return {
          kind: `${depthwise ? 'depthwise' : 'conv'}${bn ? '+bn' : ''}`,
          run: (xs) => act(b ? tf.add(conv(xs[0]), b) : conv(xs[0])),
        };
      }
      case 'BatchNormalization': {
        const bc = cfg;
        const axis = bc.axis;
        if (!(axis === -1 || axis === 3 || (Array.isArray(axis) && (axis[0] === -1 || axis[0] === 3)))) return null;
        const { scale, offset, mean, variance, eps } = bnParams(l);
        const s = this.keep(tf.tidy(() => tf.div(scale, tf.sqrt(tf.add(variance, eps)))));
        const o = this.keep(tf.tidy(() => tf.sub(offset, tf.mul(mean, s))));
        return { kind: 'bn', run: (xs) => tf.add(tf.mul(xs[0], s), o) };
      }
      case 'Activation': {
        const act = activationFn(activationName(cfg.activation), l.name);
        return act ? { kind: 'activation', run: (xs) => act(xs[0]) } : null;
      }
      case 'ReLU': {
        const maxValue = cfg.max_value ?? cfg.maxValue;
        const slope = Number(cfg.negative_slope ?? 0);
        const thr = Number(cfg.threshold ?? 0);
        if (slope !== 0 || thr !== 0) return null;
        if (maxValue === null || maxValue === undefined) return { kind: 'activation', run: (xs) => tf.relu(xs[0]) };
        if (maxValue === 6) return { kind: 'activation', run: (xs) => tf.relu6(xs[0]) };
        const mv = Number(maxValue);
        return { kind: 'activation', run: (xs) => tf.clipByValue(tf.relu(xs[0]), 0, mv) };
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const pool = pair(cfg.pool_size ?? cfg.poolSize, 2);
        const strides = pair(cfg.strides ?? pool, pool[0]);
        const padding = (cfg.padding as 'same' | 'valid') ?? 'valid';
        const avg = cls === 'AveragePooling2D' || opts.poolingOverride === 'avg';
        return {
          kind: avg ? 'avgpool' : 'maxpool',
          run: (xs) => (avg ? tf.avgPool(xs[0] as T4, pool, strides, padding) : tf.maxPool(xs[0] as T4, pool, strides, padding)),
        };
      }
      case 'ZeroPadding2D': {
        const p = cfg.padding as number | [number, number] | [[number, number], [number, number]];
        let pads: [[number, number], [number, number]];
        if (typeof p === 'number') pads = [[p, p], [p, p]];
        else if (Array.isArray(p) && typeof p[0] === 'number') pads = [[p[0] as number, p[0] as number], [p[1] as number, p[1] as number]];
        else pads = p as [[number, number], [number, number]];
        return { kind: 'pad', run: (xs) => tf.pad(xs[0] as T4, [[0, 0], pads[0], pads[1], [0, 0]]) };
      }
      default:
        return null;
    }
  }

  /** Runs the plan on x (NHWC, in the model's input space); returns the outputs in `outputNames` order. */
  run(x: tf.Tensor4D): tf.Tensor4D[] {
    const values = new Map<string, tf.Tensor>();
    for (const s of this.steps) {
      const xs = s.inputs.length ? s.inputs.map((n) => values.get(n)!) : [x];
      values.set(s.name, s.run(xs));
    }
    return this.outputNames.map((n) => values.get(n) as tf.Tensor4D);
  }

  dispose(): void {
    for (const t of this.owned) t.dispose();
    this.owned.length = 0;
  }
}

/**
 * A 1×1, stride-1 convolution whose input gradient is the 1×1 convolution of dy with the
 * pre-transposed kernel (a forward convolution, the fastest kernel of every backend) instead of a
 * generic Conv2DBackpropInput. No filter gradient: the kernel is a constant here.
 */
function pointwiseConv(k: T4, kT: T4): (x: tf.Tensor) => tf.Tensor {
  const f = tf.customGrad(((x: tf.Tensor) => {
    return {
      value: tf.conv2d(x as T4, k, 1, 'valid'),
      gradFunc: (dy: tf.Tensor) => tf.conv2d(dy as T4, kT, 1, 'valid'),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (x) => f(x);
}

/** 'relu' / 'relu6' when the layer is a plain ReLU or ReLU6 activation layer, else null. */
function fusableActivation(l: tfl.layers.Layer): 'relu' | 'relu6' | null {
  const cls = l.getClassName();
  const cfg = l.getConfig() as AnyConfig;
  if (cls === 'Activation') {
    const a = activationName(cfg.activation);
    return a === 'relu' || a === 'relu6' ? a : null;
  }
  if (cls === 'ReLU') {
    const maxValue = cfg.max_value ?? cfg.maxValue;
    if (Number(cfg.negative_slope ?? 0) !== 0 || Number(cfg.threshold ?? 0) !== 0) return null;
    if (maxValue === null || maxValue === undefined) return 'relu';
    return maxValue === 6 ? 'relu6' : null;
  }
  return null;
}

/**
 * act(conv(x, k) + b) as one fused kernel, with the input gradient written by hand: dz = dy · 1[0 < y < 6]
 * (relu6) or dy · 1[y > 0] (relu), read off the output y, then the input gradient of the convolution:
 * a 1×1 convolution with the transposed kernel (pointwise), Conv2DBackpropInput, or
 * DepthwiseConv2dNativeBackpropInput. No kernel/bias gradients (they are constants here).
 */
function fusedConvAct(depthwise: boolean, k: T4, kT: T4 | null, b: tf.Tensor1D, strides: [number, number], pad: 'same' | 'valid', act: 'relu' | 'relu6'): (x: tf.Tensor) => tf.Tensor {
  const f = tf.customGrad(((x: T4, save: (ts: tf.Tensor[]) => void) => {
    const y = depthwise
      ? tf.fused.depthwiseConv2d({ x, filter: k, strides, pad, bias: b, activation: act })
      : tf.fused.conv2d({ x, filter: k, strides, pad, bias: b, activation: act });
    save([y]);
    const inShape = x.shape;
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const yv = saved[0];
        const mask = act === 'relu' ? tf.step(yv) : tf.step(tf.mul(yv, tf.sub(6, yv)));
        const dz = tf.mul(dy, mask) as T4;
        if (kT) return tf.conv2d(dz, kT, 1, 'valid');
        if (!depthwise) return tf.conv2dTranspose(dz, k, inShape, strides, pad);
        return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dz, filter: k }, { strides, pad, dilations: [1, 1], inputShape: inShape }) as tf.Tensor;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (x) => f(x);
}

function bnParams(l: tfl.layers.Layer): { scale: tf.Tensor1D; offset: tf.Tensor1D; mean: tf.Tensor1D; variance: tf.Tensor1D; eps: number } {
  const cfg = l.getConfig() as AnyConfig;
  const useScale = cfg.scale !== false;
  const center = cfg.center !== false;
  const w = l.getWeights() as tf.Tensor1D[];
  let i = 0;
  const scale = useScale ? w[i++] : null;
  const offset = center ? w[i++] : null;
  const mean = w[i++];
  const variance = w[i++];
  const c = mean.shape[0];
  return {
    scale: scale ?? tf.ones([c]),
    offset: offset ?? tf.zeros([c]),
    mean,
    variance,
    eps: Number(cfg.epsilon ?? 1e-3),
  };
}

/** Folds an inference-mode BatchNormalization into the kernel and bias of the convolution before it. */
export function foldBatchNorm(kernel: tf.Tensor4D, bias: tf.Tensor1D | null, bn: tfl.layers.Layer, depthwise: boolean): { kernel: tf.Tensor4D; bias: tf.Tensor1D } {
  const { scale, offset, mean, variance, eps } = bnParams(bn);
  const s = tf.div(scale, tf.sqrt(tf.add(variance, eps))) as tf.Tensor1D;
  const [kh, kw, cin, cm] = kernel.shape;
  const sk = depthwise ? tf.reshape(s, [1, 1, cin, cm]) : tf.reshape(s, [1, 1, 1, cm]);
  const k2 = tf.mul(kernel, sk) as tf.Tensor4D;
  void kh;
  void kw;
  const b0 = bias ?? tf.zeros([s.shape[0]]);
  const b2 = tf.add(tf.mul(tf.sub(b0, mean), s), offset) as tf.Tensor1D;
  return { kernel: k2, bias: b2 };
}
