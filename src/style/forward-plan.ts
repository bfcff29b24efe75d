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
}

type AnyConfig = Record<string, unknown>;

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
    const renamed = new Map<string, string>(); // folded BN name → conv name whose output replaces it
    for (const l of layers) {
      const cls = l.getClassName();
      const ins = (inbound.get(l.name) ?? []).map((n) => renamed.get(n) ?? n);
      if (renamed.has(l.name)) {
        this.kinds.set(l.name, 'folded');
        continue;
      }
      const bn = foldedBn.get(l.name) ?? null;
      const step = l.inboundNodes.length > 1 ? null : this.compile(l, cls, bn, opts);
      if (step) {
        if (bn) renamed.set(bn.name, l.name);
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

  private compile(l: tfl.layers.Layer, cls: string, bn: tfl.layers.Layer | null, opts: ForwardPlanOptions): Omit<Step, 'name' | 'inputs'> | null {
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
