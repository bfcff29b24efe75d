/**
 * Gatys-style image synthesis: optimise the pixels of an image so that its Gram matrices at the style
 * layers match given targets (here: sampled from a Gram GMM) and, optionally, its features at a
 * content layer match those of a content image.
 *
 * Losses (each relative, so the weights are comparable across layers and models):
 *   style_l   = ||G_l(x) − T_l||²_F / ||T_l||²_F,     style = Σ_l w_l style_l / Σ_l w_l
 *   content   = mean((F(x) − F(c))²) / mean(F(c)²)
 *   loss      = styleWeight · style + contentWeight · content
 * The style term has a hand-written gradient (dL/dF = 4/(N ||T||²) F (G − T), N = positions), which
 * saves one of the three matrix products autodiff would spend per layer. Adam on the pixels (RGB in
 * [0, 1], clipped after every step).
 */
import { tf } from '../backend/index.ts';
import { Rng } from '../util/rng.ts';
import type { FeatureExtractor } from './extractor.ts';
import { fitLongSide, imageTensor, resizeImage, tensorImage, type RgbImage } from './images.ts';

export interface SynthProgress {
  iteration: number;
  iterations: number;
  loss: number;
  styleLoss: number;
  contentLoss: number;
  /** The current image (every `previewEvery` iterations and at the last one). */
  preview?: RgbImage;
}

export interface SynthOptions {
  /** Long side of the output in pixels (default 256). The content image sets the aspect ratio. */
  size?: number;
  /** Content image (resized to `size`); null or absent: texture mode (square noise init, no content loss). */
  content?: RgbImage | null;
  /** 'content' (default when a content image is given) or 'noise'. */
  init?: 'content' | 'noise';
  iterations?: number;
  /** Adam learning rate on [0, 1] pixels (default 0.02). */
  lr?: number;
  styleWeight?: number;
  /** Default 0.6 (ignored without content image). */
  contentWeight?: number;
  /** Per-style-layer weights (default all 1). */
  layerWeights?: number[];
  seed?: number;
  onProgress?: (p: SynthProgress) => void | Promise<void>;
  /** Preview period in iterations (default 0: only at the end). */
  previewEvery?: number;
  signal?: AbortSignal;
}

export interface SynthResult {
  image: RgbImage;
  loss: number[];
  styleLoss: number[];
  contentLoss: number[];
  /** Wall time of each iteration in seconds. */
  iterationSeconds: number[];
  /** CPU time (user + system) of this process during each iteration, in seconds (the wasm backend is single-threaded, so on an idle core this is the wall time). */
  iterationCpuSeconds: number[];
}

/**
 * Per-layer style loss ||FᵀF/N − T||² / ||T||² with the gradient 4/(N ||T||²) · F (G − T) w.r.t. F.
 * f: [N, c], target: [c, c], invNorm: scalar 1/||T||².
 */
function styleLayerLoss(f: tf.Tensor2D, target: tf.Tensor2D, invNorm: number): tf.Scalar {
  const fn = tf.customGrad(((x: tf.Tensor2D, save: (ts: tf.Tensor[]) => void) => {
    const N = x.shape[0];
    const g = tf.div(tf.matMul(x, x, true, false), N);
    const diff = tf.sub(g, target);
    const value = tf.mul(tf.sum(tf.square(diff)), invNorm) as tf.Scalar;
    save([x, diff]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(tf.matMul(saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D), tf.mul(dy, (4 * invNorm) / N)),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return fn(f) as tf.Scalar;
}

/** Relative style loss of a feature map [1, h, w, c] to a target Gram [c, c] (differentiable). */
export function styleLoss(feat: tf.Tensor4D, target: tf.Tensor2D, invNorm?: number): tf.Scalar {
  const [, h, w, c] = feat.shape;
  const inv = invNorm ?? 1 / Math.max(tf.tidy(() => (tf.sum(tf.square(target)).dataSync() as Float32Array)[0]), 1e-30);
  return styleLayerLoss(tf.reshape(feat, [h * w, c]) as tf.Tensor2D, target, inv);
}

/** Synthesises one image whose style-layer Grams approach `targets` (one c × c matrix per style layer). */
export async function synthesize(extractor: FeatureExtractor, targets: Float32Array[], opts: SynthOptions = {}): Promise<SynthResult> {
  const L = extractor.styleLayers.length;
  if (targets.length !== L) throw new RangeError(`synthesize: ${targets.length} target Grams for ${L} style layers`);
  targets.forEach((t, l) => {
    const c = extractor.styleChannels[l];
    if (t.length !== c * c) throw new RangeError(`synthesize: target Gram of ${extractor.styleLayers[l]} has ${t.length} entries, expected ${c}×${c}`);
  });
  const size = opts.size ?? 256;
  if (!(Number.isInteger(size) && size >= 16)) throw new RangeError(`size must be an integer >= 16, got ${size}`);
  const iterations = opts.iterations ?? 200;
  if (!(Number.isInteger(iterations) && iterations >= 0)) throw new RangeError(`iterations must be a non-negative integer, got ${iterations}`);
  const lr = opts.lr ?? 0.02;
  const styleWeight = opts.styleWeight ?? 1;
  const content = opts.content ?? null;
  const contentWeight = content ? opts.contentWeight ?? 0.6 : 0;
  const init = opts.init ?? (content ? 'content' : 'noise');
  if (init === 'content' && !content) throw new RangeError("init 'content' needs a content image");
  const layerWeights = opts.layerWeights ?? new Array(L).fill(1);
  if (layerWeights.length !== L) throw new RangeError(`layerWeights has ${layerWeights.length} entries for ${L} style layers`);
  const wSum = layerWeights.reduce((a, b) => a + b, 0);
  if (!(wSum > 0)) throw new RangeError('layerWeights sum to 0');
  const seed = opts.seed ?? 0;
  if (contentWeight > 0 && !extractor.contentLayer) throw new RangeError(`the ${extractor.name} extractor has no content layer`);

  const { width, height } = content ? fitLongSide(content.width, content.height, size) : { width: size, height: size };
  const contentImg = content ? await resizeImage(content, width, height) : null;

  const targetT = targets.map((t, l) => tf.tensor2d(t, [extractor.styleChannels[l], extractor.styleChannels[l]]));
  const invNorms = targets.map((t) => {
    let s = 0;
    for (let i = 0; i < t.length; i++) s += t[i] * t[i];
    return 1 / Math.max(s, 1e-30);
  });
  let contentFeat: tf.Tensor4D | null = null;
  let contentInv = 0;
  if (contentImg && contentWeight > 0) {
    contentFeat = tf.tidy(() => extractor.features(imageTensor(contentImg)).content!);
    contentInv = 1 / Math.max((await tf.mean(tf.square(contentFeat)).data())[0], 1e-30);
  }
  const rng = new Rng(seed);
  const initData = new Float32Array(width * height * 3);
  if (init === 'content') {
    initData.set(contentImg!.data);
  } else {
    // Mid-grey plus small noise (pure uniform noise takes longer to converge).
    for (let i = 0; i < initData.length; i++) initData[i] = 0.5 + 0.1 * rng.normal();
  }
  const x0 = tf.tidy(() => tf.clipByValue(tf.tensor4d(initData, [1, height, width, 3]), 0, 1) as tf.Tensor4D);
  const x = tf.variable(x0, true);
  x0.dispose();
  const optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  const res: SynthResult = { image: { width, height, data: initData }, loss: [], styleLoss: [], contentLoss: [], iterationSeconds: [], iterationCpuSeconds: [] };
  const previewEvery = opts.previewEvery ?? 0;
  try {
    for (let it = 1; it <= iterations; it++) {
      opts.signal?.throwIfAborted();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      let sParts: tf.Scalar | null = null;
      let cParts: tf.Scalar | null = null;
      const lossT = optimizer.minimize(() => {
        const { style, content: cf } = extractor.features(x);
        let s: tf.Tensor = tf.scalar(0);
        style.forEach((f, l) => {
          s = tf.add(s, tf.mul(styleLoss(f, targetT[l], invNorms[l]), layerWeights[l] / wSum));
        });
        let total = tf.mul(s, styleWeight);
        sParts = tf.keep(s as tf.Scalar);
        if (contentFeat && cf) {
          const c = tf.mul(tf.mean(tf.squaredDifference(cf, contentFeat)), contentInv) as tf.Scalar;
          cParts = tf.keep(c);
          total = tf.add(total, tf.mul(c, contentWeight));
        }
        return total as tf.Scalar;
      }, true, [x]);
      const clipped = tf.tidy(() => tf.clipByValue(x, 0, 1));
      x.assign(clipped);
      clipped.dispose();
      const loss = (await lossT!.data())[0];
      lossT!.dispose();
      const sl = sParts ? (await (sParts as tf.Scalar).data())[0] : 0;
      const cl = cParts ? (await (cParts as tf.Scalar).data())[0] : 0;
      (sParts as tf.Scalar | null)?.dispose();
      (cParts as tf.Scalar | null)?.dispose();
      res.iterationSeconds.push((performance.now() - t0) / 1000);
      const cu = process.cpuUsage(c0);
      res.iterationCpuSeconds.push((cu.user + cu.system) / 1e6);
      res.loss.push(loss);
      res.styleLoss.push(sl);
      res.contentLoss.push(cl);
      if (opts.onProgress) {
        const wantPreview = it === iterations || (previewEvery > 0 && it % previewEvery === 0);
        await opts.onProgress({ iteration: it, iterations, loss, styleLoss: sl, contentLoss: cl, preview: wantPreview ? tensorImage(x) : undefined });
      }
      // Let other work (HTTP handlers, abort signals) run between iterations.
      await new Promise((r) => setImmediate(r));
    }
    res.image = tensorImage(x);
    return res;
  } finally {
    x.dispose();
    optimizer.dispose();
    targetT.forEach((t) => t.dispose());
    contentFeat?.dispose();
  }
}
