/**
 * Feature extractors for style work: a pretrained CNN sliced at its style and content layers, run
 * through the lean differentiable ForwardPlan.
 *
 * - MobileNet v1 (alpha 1.0, ImageNet, tfjs layers format with Keras layer names; input RGB in [-1, 1]).
 *   Default style layers: a spread from conv_pw_1_relu to conv_pw_11_relu; default content layer
 *   conv_pw_7_relu.
 * - VGG19 (Keras names block1_conv1 … block5_conv4; input BGR minus the ImageNet channel means, in
 *   0..255). Default style layers block{1..5}_conv1 (Gatys et al.), content block4_conv2; max pooling
 *   is replaced by average pooling unless `avgPool: false`.
 *
 * Every extractor takes images as NHWC float tensors with RGB values in [0, 1] and does its own
 * preprocessing. A missing or malformed model folder throws ModelFileError naming the file.
 */
import { existsSync } from 'node:fs';
import { ModelFileError, loadLayersModelFromDir, readModelJson, topologyLayerNames } from './model-io.ts';
import { ForwardPlan } from './forward-plan.ts';
import { softmaxSmoothing } from './regularize.ts';
import { tf } from '../backend/index.ts';
import { cachePath, modelsPath, sharedDir, sharedPath } from '../util/paths.ts';

import { EXTRACTOR_NAMES as NAMES } from './defaults.ts';

export type ExtractorName = (typeof NAMES)[number];
export const EXTRACTOR_NAMES: readonly ExtractorName[] = NAMES;

export const MOBILENET_DIR_NAME = 'mobilenet_v1_1.0_224';
export const VGG19_DIR_NAME = 'vgg19';

export const MOBILENET_STYLE_LAYERS = ['conv_pw_1_relu', 'conv_pw_3_relu', 'conv_pw_5_relu', 'conv_pw_7_relu', 'conv_pw_11_relu'];
export const MOBILENET_CONTENT_LAYER = 'conv_pw_7_relu';
export const VGG19_STYLE_LAYERS = ['block1_conv1', 'block2_conv1', 'block3_conv1', 'block4_conv1', 'block5_conv1'];
export const VGG19_CONTENT_LAYER = 'block4_conv2';
/** ImageNet channel means in BGR order (Keras 'caffe' preprocessing of VGG). */
export const VGG_BGR_MEANS = [103.939, 116.779, 123.68];

export interface ExtractorOptions {
  /** Model folder (model.json + shards). Default: see defaultModelDir. */
  dir?: string;
  /** Layers whose Gram matrices make up the style. */
  styleLayers?: string[];
  /** Layer of the content loss (null: none). */
  contentLayer?: string | null;
  /** VGG only: replace max pooling by average pooling (default true). */
  avgPool?: boolean;
  /**
   * Activation smoothing of the style-layer features before their Grams (Wang et al., CVPR 2021):
   * a softmax over each layer's activations with this temperature (regularize.ts softmaxSmoothing).
   * null/absent: raw features.
   */
  smoothing?: { temperature: number } | null;
}

export interface FeatureExtractor {
  readonly name: ExtractorName;
  readonly dir: string;
  readonly styleLayers: readonly string[];
  readonly contentLayer: string | null;
  /** Channel count of each style layer. */
  readonly styleChannels: readonly number[];
  /**
   * Total stride (input pixels per feature position) of the deepest style or content layer: 16 for MobileNet's
   * conv_pw_7/11 and VGG19's block5. Images whose sides are multiples of it are padded by every strided 'same'
   * convolution as the crops and the ImageNet training images are (nothing above or left of the image); other
   * sides put a zero row above the first one at some layer (synth.ts snaps its image sizes to this multiple).
   */
  readonly stride: number;
  /** The activation smoothing applied to the style features (null: none). */
  readonly smoothing: { temperature: number } | null;
  /**
   * Style-layer features (one NHWC tensor per style layer) and the content-layer features (null when no
   * content layer) of images given as NHWC RGB in [0, 1]. Differentiable; runs inside the caller's tidy.
   */
  features(images: tf.Tensor4D): { style: tf.Tensor4D[]; content: tf.Tensor4D | null };
  dispose(): void;
}

/**
 * Default model folder of an extractor: `<repo>/models/<name>` (GMMGEN_MODELS overrides `<repo>/models`;
 * where `npm run fetch-models -- --vgg19` puts VGG19) when it holds a model.json, else the download cache's
 * `<name>` (GMMGEN_CACHE, default <repo>/.cache: where `npm run fetch-models` and the web app put MobileNet),
 * else the shared folder's `models/<name>`, else the repo path (so the error names where the model was expected).
 */
export function defaultModelDir(name: ExtractorName): string {
  const dirName = name === 'mobilenet' ? MOBILENET_DIR_NAME : VGG19_DIR_NAME;
  const local = modelsPath(dirName);
  if (existsSync(local + '/model.json')) return local;
  if (existsSync(cachePath(dirName, 'model.json'))) return cachePath(dirName);
  if (sharedDir()) {
    const shared = sharedPath('models', dirName);
    if (existsSync(shared + '/model.json')) return shared;
  }
  return local;
}

class PlanExtractor implements FeatureExtractor {
  constructor(
    readonly name: ExtractorName,
    readonly dir: string,
    readonly styleLayers: readonly string[],
    readonly contentLayer: string | null,
    readonly styleChannels: readonly number[],
    readonly stride: number,
    readonly smoothing: { temperature: number } | null,
    private readonly plan: ForwardPlan,
    private readonly model: { dispose(): unknown },
    private readonly preprocess: (x: tf.Tensor4D) => tf.Tensor4D,
    /** Index of each style layer / the content layer in the plan's outputs. */
    private readonly styleIdx: number[],
    private readonly contentIdx: number,
  ) {}

  features(images: tf.Tensor4D): { style: tf.Tensor4D[]; content: tf.Tensor4D | null } {
    if (images.rank !== 4 || images.shape[3] !== 3) {
      throw new Error(`${this.name} extractor: expected NHWC images with 3 channels, got shape [${images.shape.join(', ')}]`);
    }
    const outs = this.plan.run(this.preprocess(images));
    const sm = this.smoothing;
    const style = this.styleIdx.map((i) => (sm ? softmaxSmoothing(outs[i], sm.temperature) : outs[i]));
    return { style, content: this.contentIdx >= 0 ? outs[this.contentIdx] : null };
  }

  dispose(): void {
    this.plan.dispose();
    this.model.dispose();
  }
}

async function buildExtractor(
  name: ExtractorName,
  opts: ExtractorOptions,
  defaults: { style: string[]; content: string },
  preprocess: (x: tf.Tensor4D) => tf.Tensor4D,
  avgPool: boolean,
): Promise<FeatureExtractor> {
  const what = name === 'mobilenet' ? 'MobileNet' : 'VGG19';
  const dir = opts.dir ?? defaultModelDir(name);
  const styleLayers = opts.styleLayers ?? defaults.style;
  if (!Array.isArray(styleLayers) || styleLayers.length === 0) throw new RangeError(`${what}: styleLayers must be a non-empty array of layer names`);
  const contentLayer = opts.contentLayer === undefined ? defaults.content : opts.contentLayer;
  const file = readModelJson(dir, what);
  const names = new Set(topologyLayerNames(file));
  for (const l of [...styleLayers, ...(contentLayer ? [contentLayer] : [])]) {
    if (!names.has(l)) {
      const sample = [...names].filter((n) => !/_bn$/.test(n)).slice(0, 8).join(', ');
      throw new ModelFileError(`${what}: ${file.path} has no layer "${l}" (layers include ${sample}, …)`);
    }
  }
  const outputs = [...new Set([...styleLayers, ...(contentLayer ? [contentLayer] : [])])];
  const model = await loadLayersModelFromDir(dir, { outputs, inputShape: [null, null, 3], what });
  const plan = new ForwardPlan(model, { poolingOverride: avgPool ? 'avg' : null });
  const outNames = model.outputs.map((o) => o.sourceLayer.name);
  const styleIdx = styleLayers.map((l) => outNames.indexOf(l));
  const contentIdx = contentLayer ? outNames.indexOf(contentLayer) : -1;
  const styleChannels = styleIdx.map((i) => model.outputs[i].shape[3] as number);
  const smoothing = opts.smoothing ? { temperature: opts.smoothing.temperature } : null;
  if (smoothing && !(Number.isFinite(smoothing.temperature) && smoothing.temperature > 0)) {
    throw new RangeError(`${what}: smoothing temperature must be a positive number, got ${smoothing.temperature}`);
  }
  return new PlanExtractor(name, dir, [...styleLayers], contentLayer, styleChannels, totalStride(model, outputs), smoothing, plan, model, preprocess, styleIdx, contentIdx);
}

/**
 * Total stride of the deepest of `outputs`: along each path from the input, the product of the strides of
 * the convolutions and poolings (largest over a layer's inputs).
 */
export function totalStride(model: { layers: { name: string; getClassName(): string; getConfig(): unknown; inboundNodes: unknown[] }[] }, outputs: string[]): number {
  const stride = new Map<string, number>();
  for (const l of model.layers) {
    const nodes = l.inboundNodes as { inboundLayers: { name: string }[] }[];
    const ins = nodes.length ? nodes[0].inboundLayers.map((x) => stride.get(x.name) ?? 1) : [1];
    const cls = l.getClassName();
    const cfg = l.getConfig() as Record<string, unknown>;
    let own = 1;
    if (cls === 'Conv2D' || cls === 'DepthwiseConv2D') own = strideOf(cfg.strides, 1);
    else if (cls === 'MaxPooling2D' || cls === 'AveragePooling2D') own = strideOf(cfg.strides ?? cfg.pool_size ?? cfg.poolSize, 2);
    stride.set(l.name, Math.max(1, ...ins) * own);
  }
  return Math.max(1, ...outputs.map((o) => stride.get(o) ?? 1));
}

function strideOf(v: unknown, fallback: number): number {
  if (Array.isArray(v)) return Math.max(...v.map(Number));
  return typeof v === 'number' ? v : fallback;
}

/** MobileNet v1 extractor (input RGB [0,1] → [-1,1]). */
export function loadMobileNet(opts: ExtractorOptions = {}): Promise<FeatureExtractor> {
  return buildExtractor('mobilenet', opts, { style: MOBILENET_STYLE_LAYERS, content: MOBILENET_CONTENT_LAYER },
    (x) => tf.sub(tf.mul(x, 2), 1) as tf.Tensor4D, false);
}

/** VGG19 extractor (input RGB [0,1] → BGR·255 minus the ImageNet means). */
export function loadVGG19(opts: ExtractorOptions = {}): Promise<FeatureExtractor> {
  const means = VGG_BGR_MEANS;
  return buildExtractor('vgg19', opts, { style: VGG19_STYLE_LAYERS, content: VGG19_CONTENT_LAYER }, (x) => {
    const bgr = tf.reverse(x, 3);
    return tf.sub(tf.mul(bgr, 255), tf.tensor1d(means)) as tf.Tensor4D;
  }, opts.avgPool ?? true);
}

/** Loads the named extractor. */
export function loadExtractor(name: ExtractorName, opts: ExtractorOptions = {}): Promise<FeatureExtractor> {
  if (name === 'mobilenet') return loadMobileNet(opts);
  if (name === 'vgg19') return loadVGG19(opts);
  throw new RangeError(`unknown extractor "${String(name)}": expected one of ${EXTRACTOR_NAMES.join(', ')}`);
}
