/**
 * Gatys-style image synthesis: optimise the pixels of an image so that its Gram matrices at the style
 * layers match given targets (here: sampled from a Gram GMM) and, optionally, its features at a
 * content layer match those of a content image.
 *
 * Losses (each relative, so the weights are comparable across layers and models):
 *   style_l   = ||G_l(x) − T_l||²_F / ||T_l||²_F,     style = Σ_l w_l style_l / Σ_l w_l
 *   content   = mean((F(x) − F(c))²) / mean(F(c)²)
 *   tv        = TV₂ of the luminance · tvWeight + TV₂ of each chroma channel · tvChromaWeight (regularize.ts)
 *   colour    = ||μ(x) − μ*||² + ||Σ(x) − Σ*||²_F   (RGB mean and covariance against `palette`, if given;
 *               colourLoss 'mean': ||μ(x) − μ*||² alone, the colours' spread left to the Grams)
 *   loss      = styleWeight · style + contentWeight · content + tv + colourWeight · colour
 * The style term has a hand-written gradient (dL/dF = 4/(N ||T||²) F (G − T), N = positions), which
 * saves one of the three matrix products autodiff would spend per layer.
 *
 * Optimisers: L-BFGS (default; Gatys et al. 2016 use it) on the unconstrained pixels with a penalty
 * outside [0, 1] (regularize.ts rangePenalty, computed here in JS with the colour loss) and a final clip, or Adam on [0, 1] pixels clipped after
 * every step. Multi-scale (coarse to fine): `scales` lists the image sizes as fractions of `size`
 * (e.g. [0.5, 1]); each level starts from the previous level's result, upsampled bilinearly, and gets
 * its share `scaleIterations` of the iterations.
 *
 * A loss that becomes non-finite (weights or step sizes too large) stops the run with a RangeError.
 */
import { tf } from '../backend/index.ts';
import { Rng } from '../util/rng.ts';
import type { FeatureExtractor } from './extractor.ts';
import { fitLongSide, imageTensor, resizeImage, tensorImage, type RgbImage } from './images.ts';
import { minimizeLbfgs } from './lbfgs.ts';
import { ycbcrTotalVariation } from './regularize.ts';
import { checkChoice, COLOUR_LOSS_MODES, type ColourLossMode } from './defaults.ts';
import { secondsSince } from '../util/clock.ts';

export interface SynthProgress {
  /** Iterations done so far, over all scales. */
  iteration: number;
  iterations: number;
  loss: number;
  styleLoss: number;
  contentLoss: number;
  /** Index of the current scale (0 = coarsest) and the image size being optimised. */
  scale: number;
  width: number;
  height: number;
  /** The current image (every `previewEvery` iterations and at the last one). */
  preview?: RgbImage;
}

/** RGB colour statistics of a style: mean (3) and covariance (3 × 3, row-major), colours in [0, 1]. */
export interface Palette {
  mean: number[];
  cov: number[];
}

export type SynthInit = 'content' | 'noise' | 'palette';
export type SynthOptimizer = 'lbfgs' | 'adam';

export interface SynthOptions {
  /**
   * Long side of the output in pixels (default 256). The content image sets the aspect ratio. Both sides are
   * rounded to the nearest multiple of the extractor's stride (16 for MobileNet and VGG19: a 960×662 content
   * image at 256 gives 256×176).
   */
  size?: number;
  /** Content image (resized to `size`); null or absent: texture mode (no content loss). */
  content?: RgbImage | null;
  /**
   * Start image: 'content' (default with a content image), 'noise' (grey plus small noise) or 'palette'
   * (default without content: smooth noise with the palette's mean and covariance; with a content image,
   * the content recoloured to the palette's mean and covariance). 'palette' needs `palette`.
   */
  init?: SynthInit;
  /** Colour statistics the output should have (for the 'palette' start and the colour loss). */
  palette?: Palette | null;
  /** Total optimisation iterations over all scales. */
  iterations?: number;
  /** 'lbfgs' (default) or 'adam' (β₁ 0.9, β₂ 0.999, ε 1e-8: Kingma & Ba's values; tfjs's own ε default is 1e-7). */
  optimizer?: SynthOptimizer;
  /** Adam learning rate on [0, 1] pixels (default 0.02). */
  lr?: number;
  styleWeight?: number;
  /** Default 0.6 (ignored without content image). */
  contentWeight?: number;
  /** Per-style-layer weights (default all 1). */
  layerWeights?: number[];
  /** Squared-TV weight of the luminance (default 0). */
  tvWeight?: number;
  /** Squared-TV weight of each chroma channel (default 0). */
  tvChromaWeight?: number;
  /** Weight of the colour mean/covariance loss against `palette` (default 0). */
  colourWeight?: number;
  /** What the colour loss matches: 'moments' (default: RGB mean and covariance) or 'mean' (the RGB mean only). */
  colourLoss?: ColourLossMode;
  /** Image sizes of the coarse-to-fine levels as fractions of `size`, ascending, ending at 1 (default [1]). */
  scales?: number[];
  /** Iterations per level (default: `iterations` split evenly). Must sum to `iterations`. */
  scaleIterations?: number[];
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
  /** CPU time (user + system) of this process during each iteration, in seconds. */
  iterationCpuSeconds: number[];
  /** Objective evaluations (forward + backward passes), over all scales. */
  evaluations: number;
  /** Scale index of each iteration. */
  iterationScale: number[];
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

/**
 * ||μ(x) − μ*||² + ||Σ(x) − Σ*||²_F of the RGB pixels of x [1, h, w, 3] ('moments', default), or ||μ(x) − μ*||²
 * alone ('mean').
 */
export function colourLoss(x: tf.Tensor4D, palette: Palette, mode: ColourLossMode = 'moments'): tf.Scalar {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const p = tf.reshape(x, [h * w, 3]);
    const mu = tf.mean(p, 0);
    const lm = tf.sum(tf.square(tf.sub(mu, tf.tensor1d(palette.mean)))) as tf.Scalar;
    if (mode === 'mean') return lm;
    const d = tf.sub(p, mu);
    const cov = tf.div(tf.matMul(d, d, true, false), h * w);
    const lc = tf.sum(tf.square(tf.sub(cov, tf.tensor2d(palette.cov, [3, 3]))));
    return tf.add(lm, lc) as tf.Scalar;
  });
}

/** Weight of the range penalty that keeps L-BFGS's unconstrained pixels near [0, 1]. */
const RANGE_PENALTY = 100;

/**
 * rangePenalty (regularize.ts) of a flat pixel array in JS: returns Σ (relu(x − 1)² + relu(−x)²) / N and
 * adds weight · its gradient 2 (relu(x − 1) − relu(−x)) / N to `grad`.
 */
export function rangePenaltyJs(x: ArrayLike<number>, grad: Float64Array, weight: number): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v > 1) {
      s += (v - 1) ** 2;
      grad[i] += (weight * 2 * (v - 1)) / n;
    } else if (v < 0) {
      s += v * v;
      grad[i] += (weight * 2 * v) / n;
    }
  }
  return s / n;
}

/**
 * The L-BFGS objective's pixel terms in plain JS (cheaper than tfjs ops on this many small values): returns
 * RANGE_PENALTY · rangePenalty(x) (= 100 · Σ (relu(x − 1)² + relu(−x)²) / N) plus, when `colour.weight` > 0,
 * colour.weight · colourLoss(x) in `colour.mode`, and adds the gradients of both to `grad` (length of x).
 * @throws RangeError when colour.weight > 0 without a palette.
 */
export function pixelTermsJs(x: ArrayLike<number>, grad: Float64Array, colour: { palette: Palette | null; weight: number; mode: ColourLossMode }): number {
  let f = RANGE_PENALTY * rangePenaltyJs(x, grad, RANGE_PENALTY);
  if (colour.weight > 0) {
    if (!colour.palette) throw new RangeError('pixelTermsJs: a colour weight needs a palette');
    f += colourLossJs(x, colour.palette, grad, colour.weight, colour.mode);
  }
  return f;
}

/**
 * colourLoss of a flat RGB pixel array in JS: L = ||μ − μ*||² + ||Σ − Σ*||²_F (Σ the population
 * covariance; 'moments', default) or L = ||μ − μ*||² ('mean'), returns weight · L and adds weight · ∂L/∂x to `grad`, with
 *   ∂L/∂x_i = 2 (μ − μ*) / N + 4 (Σ − Σ*)(x_i − μ) / N      (Σ, Σ* symmetric; Σ_i (x_i − μ) = 0; 'mean': the first term).
 */
export function colourLossJs(x: ArrayLike<number>, palette: Palette, grad: Float64Array, weight: number, mode: ColourLossMode = 'moments'): number {
  const n = x.length / 3;
  const mu = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mu[c] += x[3 * i + c];
  for (let c = 0; c < 3; c++) mu[c] /= n;
  const cov = new Array(9).fill(0);
  for (let i = 0; i < n; i++) {
    const d0 = x[3 * i] - mu[0], d1 = x[3 * i + 1] - mu[1], d2 = x[3 * i + 2] - mu[2];
    cov[0] += d0 * d0; cov[1] += d0 * d1; cov[2] += d0 * d2;
    cov[4] += d1 * d1; cov[5] += d1 * d2; cov[8] += d2 * d2;
  }
  cov[3] = cov[1]; cov[6] = cov[2]; cov[7] = cov[5];
  for (let k = 0; k < 9; k++) cov[k] /= n;
  const dm = [0, 1, 2].map((c) => mu[c] - palette.mean[c]);
  // 'mean': the covariance term and its gradient are zero.
  const dc = mode === 'mean' ? new Array(9).fill(0) : cov.map((v, k) => v - palette.cov[k]);
  let L = 0;
  for (const v of dm) L += v * v;
  for (const v of dc) L += v * v;
  const a = dm.map((v) => (2 * weight * v) / n);
  const b = dc.map((v) => (4 * weight * v) / n);
  for (let i = 0; i < n; i++) {
    const d0 = x[3 * i] - mu[0], d1 = x[3 * i + 1] - mu[1], d2 = x[3 * i + 2] - mu[2];
    for (let c = 0; c < 3; c++) grad[3 * i + c] += a[c] + b[3 * c] * d0 + b[3 * c + 1] * d1 + b[3 * c + 2] * d2;
  }
  return weight * L;
}

/** Lower Cholesky factor of a 3 × 3 SPD matrix (with a small ridge so a degenerate palette still works). */
function chol3(a: ArrayLike<number>): number[] {
  const r = 1e-6;
  const L = new Array(9).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * 3 + j] + (i === j ? r : 0);
      for (let k = 0; k < j; k++) s -= L[i * 3 + k] * L[j * 3 + k];
      L[i * 3 + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * 3 + j];
    }
  }
  return L;
}

/** Inverse of a lower-triangular 3 × 3 matrix. */
function invLower3(L: number[]): number[] {
  const M = new Array(9).fill(0);
  for (let i = 0; i < 3; i++) {
    M[i * 3 + i] = 1 / L[i * 3 + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += L[i * 3 + k] * M[k * 3 + j];
      M[i * 3 + j] = -s / L[i * 3 + i];
    }
  }
  return M;
}

/** Mean and covariance of an image's RGB pixels. */
export function imagePalette(img: RgbImage): Palette {
  const n = img.width * img.height;
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c] += img.data[3 * i + c];
  for (let c = 0; c < 3; c++) mean[c] /= n;
  const cov = new Array(9).fill(0);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const da = img.data[3 * i + a] - mean[a];
      for (let b = 0; b < 3; b++) cov[a * 3 + b] += da * (img.data[3 * i + b] - mean[b]);
    }
  }
  for (let k = 0; k < 9; k++) cov[k] /= n;
  return { mean, cov };
}

/**
 * Recolours an image to a palette by the linear map that sends its colour mean and covariance to the
 * palette's: x ↦ μ* + L* L⁻¹ (x − μ), with L, L* the Cholesky factors of the covariances (the
 * Cholesky colour transfer of Gatys et al. 2017, "Controlling perceptual factors in neural style
 * transfer", §2.1, here towards the style's colours). Values are clipped to [0, 1].
 */
export function transferColours(img: RgbImage, palette: Palette): RgbImage {
  const src = imagePalette(img);
  const A = mul3(chol3(palette.cov), invLower3(chol3(src.cov)));
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < img.width * img.height; i++) {
    const d = [0, 1, 2].map((c) => img.data[3 * i + c] - src.mean[c]);
    for (let c = 0; c < 3; c++) {
      const v = palette.mean[c] + A[c * 3] * d[0] + A[c * 3 + 1] * d[1] + A[c * 3 + 2] * d[2];
      out[3 * i + c] = Math.min(1, Math.max(0, v));
    }
  }
  return { width: img.width, height: img.height, data: out };
}

function mul3(a: number[], b: number[]): number[] {
  const c = new Array(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) c[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return c;
}

/** Blur widths (Gaussian σ as fractions of the long side) and weights of the octaves of `paletteNoise`. */
export const NOISE_OCTAVES: readonly { sigma: number; weight: number }[] = [
  { sigma: 1 / 64, weight: 0.25 },
  { sigma: 1 / 32, weight: 0.5 },
  { sigma: 1 / 16, weight: 1 },
  { sigma: 1 / 8, weight: 1 },
];

/**
 * Smooth noise with a palette's colours: per colour channel a sum of octaves of white Gaussian noise, each
 * blurred by an isotropic Gaussian (σ = 1/64 … 1/8 of the long side, NOISE_OCTAVES) and scaled to unit
 * variance times its weight (coarse octaves weigh most: blobs of several sizes, no grid-aligned shapes as a
 * box filter leaves), then whitened (its sample mean removed and its 3 × 3 sample covariance made the
 * identity) and coloured with the palette's Cholesky factor and shifted to its mean, so that before clipping
 * to [0, 1] its colour mean and covariance are exactly the palette's.
 */
export function paletteNoise(width: number, height: number, palette: Palette, rng: Rng): RgbImage {
  const n = width * height;
  const side = Math.max(width, height);
  const noise = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const sum = new Float64Array(n);
    for (const { sigma, weight } of NOISE_OCTAVES) {
      const z = gaussianBlur(Float64Array.from({ length: n }, () => rng.normal()), width, height, Math.max(0.5, sigma * side));
      let m = 0, v = 0;
      for (let i = 0; i < n; i++) m += z[i];
      m /= n;
      for (let i = 0; i < n; i++) v += (z[i] - m) ** 2;
      const f = weight / Math.sqrt(Math.max(v / n, 1e-300));
      for (let i = 0; i < n; i++) sum[i] += f * (z[i] - m);
    }
    for (let i = 0; i < n; i++) noise[3 * i + c] = sum[i];
  }
  return transferColours({ width, height, data: noise }, palette);
}

/**
 * Separable Gaussian blur with standard deviation `sigma` pixels (kernel cut at 3σ, normalised), borders
 * mirrored (…, x₂, x₁ | x₀, x₁, x₂, …) so no edge streaks appear. Returns a new array.
 */
export function gaussianBlur(z: Float64Array, w: number, h: number, sigma: number): Float64Array {
  if (!(sigma > 0)) throw new RangeError(`gaussianBlur: sigma must be > 0, got ${sigma}`);
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Float64Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const ks = k.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k.length; i++) k[i] /= ks;
  const mirror = (i: number, len: number) => {
    if (len === 1) return 0;
    const p = 2 * (len - 1);
    let m = ((i % p) + p) % p;
    if (m >= len) m = p - m;
    return m;
  };
  const tmp = new Float64Array(z.length);
  const out = new Float64Array(z.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += k[d + r] * z[y * w + mirror(x + d, w)];
      tmp[y * w + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += k[d + r] * tmp[mirror(y + d, h) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

export interface Level {
  width: number;
  height: number;
  iterations: number;
}

/** v rounded to the nearest positive multiple of m. */
export function snapToMultiple(v: number, m: number): number {
  return Math.max(m, Math.round(v / m) * m);
}

/**
 * The optimisation levels: image sizes (each side a multiple of `multiple`, at least 16, so that the network pads
 * every level as it pads the style crops; see FeatureExtractor.stride) and iterations per level.
 */
export function levelsOf(width: number, height: number, scales: number[], iterations: number, split?: number[], multiple = 1): Level[] {
  if (scales.length === 0 || scales.some((s, i) => !(s > 0 && s <= 1) || (i > 0 && s <= scales[i - 1])) || scales[scales.length - 1] !== 1) {
    throw new RangeError(`scales must be ascending fractions in (0, 1] ending at 1, got [${scales.join(', ')}]`);
  }
  let its: number[];
  if (split) {
    if (split.length !== scales.length || split.some((k) => !(Number.isInteger(k) && k >= 0)) || split.reduce((a, b) => a + b, 0) !== iterations) {
      throw new RangeError(`scaleIterations must be ${scales.length} non-negative integers summing to iterations (${iterations}), got [${split.join(', ')}]`);
    }
    its = split;
  } else {
    its = scales.map((_, i) => Math.floor(iterations / scales.length) + (i < iterations % scales.length ? 1 : 0));
  }
  const side = (v: number) => snapToMultiple(Math.max(16, v), multiple);
  return scales.map((s, i) => ({
    width: side(width * s),
    height: side(height * s),
    iterations: its[i],
  }));
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
  const optimizerName = opts.optimizer ?? 'lbfgs';
  if (optimizerName !== 'lbfgs' && optimizerName !== 'adam') throw new RangeError(`optimizer must be 'lbfgs' or 'adam', got ${String(optimizerName)}`);
  const lr = opts.lr ?? 0.02;
  const styleWeight = opts.styleWeight ?? 1;
  const content = opts.content ?? null;
  const contentWeight = content ? opts.contentWeight ?? 0.6 : 0;
  const tvWeight = opts.tvWeight ?? 0;
  const tvChromaWeight = opts.tvChromaWeight ?? 0;
  const palette = opts.palette ?? null;
  const colourWeight = palette ? opts.colourWeight ?? 0 : 0;
  const colourMode = opts.colourLoss ?? 'moments';
  checkChoice('colourLoss', colourMode, COLOUR_LOSS_MODES);
  for (const [name, v] of [['lr', lr], ['styleWeight', styleWeight], ['contentWeight', contentWeight], ['tvWeight', tvWeight], ['tvChromaWeight', tvChromaWeight], ['colourWeight', colourWeight]] as const) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
  }
  const init: SynthInit = opts.init ?? (content ? 'content' : palette ? 'palette' : 'noise');
  if (init === 'content' && !content) throw new RangeError("init 'content' needs a content image");
  if (init === 'palette' && !palette) throw new RangeError("init 'palette' needs a palette");
  const layerWeights = opts.layerWeights ?? new Array(L).fill(1);
  if (layerWeights.length !== L) throw new RangeError(`layerWeights has ${layerWeights.length} entries for ${L} style layers`);
  const wSum = layerWeights.reduce((a, b) => a + b, 0);
  if (!(wSum > 0)) throw new RangeError('layerWeights sum to 0');
  const seed = opts.seed ?? 0;
  if (contentWeight > 0 && !extractor.contentLayer) throw new RangeError(`the ${extractor.name} extractor has no content layer`);

  const full = content ? fitLongSide(content.width, content.height, size) : { width: size, height: size };
  // Every level's sides are multiples of the network's stride: with other sides (a 256×177 content image) the
  // strided 'same' convolutions put a zero row above the image that the style crops never had, and the
  // optimisation filled the top rows with colour speckle (docs/RESULTS.md, issue 12, third pass).
  const levels = levelsOf(full.width, full.height, opts.scales ?? [1], iterations, opts.scaleIterations, extractor.stride ?? 1);
  const rng = new Rng(seed);
  const first = levels[0];
  // The start image at the coarsest level.
  let start: RgbImage;
  if (init === 'content') start = await resizeImage(content!, first.width, first.height);
  else if (init === 'palette') start = content ? transferColours(await resizeImage(content, first.width, first.height), palette!) : paletteNoise(first.width, first.height, palette!, rng);
  else {
    // Mid-grey plus small noise (pure uniform noise takes longer to converge).
    const d = new Float32Array(first.width * first.height * 3);
    for (let i = 0; i < d.length; i++) d[i] = Math.min(1, Math.max(0, 0.5 + 0.1 * rng.normal()));
    start = { width: first.width, height: first.height, data: d };
  }

  const targetT = targets.map((t, l) => tf.tensor2d(t, [extractor.styleChannels[l], extractor.styleChannels[l]]));
  const invNorms = targets.map((t) => {
    let s = 0;
    for (let i = 0; i < t.length; i++) s += t[i] * t[i];
    return 1 / Math.max(s, 1e-30);
  });
  const res: SynthResult = { image: start, loss: [], styleLoss: [], contentLoss: [], iterationSeconds: [], iterationCpuSeconds: [], evaluations: 0, iterationScale: [] };
  const previewEvery = opts.previewEvery ?? 0;
  let done = 0;
  let x: tf.Tensor4D = imageTensor(start);
  try {
    for (const [li, level] of levels.entries()) {
      opts.signal?.throwIfAborted();
      if (x.shape[1] !== level.height || x.shape[2] !== level.width) {
        const up = tf.tidy(() => tf.image.resizeBilinear(x, [level.height, level.width], true) as tf.Tensor4D);
        x.dispose();
        x = up;
      }
      let contentFeat: tf.Tensor4D | null = null;
      let contentInv = 0;
      if (content && contentWeight > 0) {
        const cimg = await resizeImage(content, level.width, level.height);
        contentFeat = tf.tidy(() => extractor.features(imageTensor(cimg)).content!);
        contentInv = 1 / Math.max((await tf.mean(tf.square(contentFeat)).data())[0], 1e-30);
      }
      /** Total loss of an image tensor, with its style and content parts kept for reporting. */
      /** Total loss of an image tensor; `pixelTermsInTf`: add the colour loss here (Adam) rather than in JS (L-BFGS). */
      const objective = (img: tf.Tensor4D, parts: { s: tf.Scalar | null; c: tf.Scalar | null }, pixelTermsInTf: boolean): tf.Scalar => {
        const { style, content: cf } = extractor.features(img);
        let s: tf.Tensor = tf.scalar(0);
        style.forEach((f, l) => {
          s = tf.add(s, tf.mul(styleLoss(f, targetT[l], invNorms[l]), layerWeights[l] / wSum));
        });
        parts.s = tf.keep(s as tf.Scalar);
        let total = tf.mul(s, styleWeight);
        if (contentFeat && cf) {
          const c = tf.mul(tf.mean(tf.squaredDifference(cf, contentFeat)), contentInv) as tf.Scalar;
          parts.c = tf.keep(c);
          total = tf.add(total, tf.mul(c, contentWeight));
        }
        if (tvWeight > 0 || tvChromaWeight > 0) total = tf.add(total, ycbcrTotalVariation(img, tvWeight, tvChromaWeight));
        if (pixelTermsInTf && colourWeight > 0) total = tf.add(total, tf.mul(colourLoss(img, palette!, colourMode), colourWeight));
        return total as tf.Scalar;
      };
      const record = async (loss: number, parts: { s: tf.Scalar | null; c: tf.Scalar | null }, t0: number, c0: NodeJS.CpuUsage, current: () => RgbImage) => {
        const sl = parts.s ? (await parts.s.data())[0] : 0;
        const cl = parts.c ? (await parts.c.data())[0] : 0;
        parts.s?.dispose();
        parts.c?.dispose();
        parts.s = parts.c = null;
        if (!Number.isFinite(loss)) {
          throw new RangeError(`the loss became ${loss} at iteration ${done + 1} (style ${sl}, content ${cl}): the weights or the step size are too large for this image`);
        }
        done++;
        res.iterationSeconds.push(secondsSince(t0));
        const cu = process.cpuUsage(c0);
        res.iterationCpuSeconds.push((cu.user + cu.system) / 1e6);
        res.loss.push(loss);
        res.styleLoss.push(sl);
        res.contentLoss.push(cl);
        res.iterationScale.push(li);
        if (opts.onProgress) {
          const wantPreview = done === iterations || (previewEvery > 0 && done % previewEvery === 0);
          await opts.onProgress({ iteration: done, iterations, loss, styleLoss: sl, contentLoss: cl, scale: li, width: level.width, height: level.height, preview: wantPreview ? current() : undefined });
        }
        // Let other work (HTTP handlers, abort signals) run between iterations.
        await new Promise((r) => setImmediate(r));
      };
      try {
        if (level.iterations === 0) continue;
        if (optimizerName === 'adam') {
          const v = tf.variable(x, true);
          const optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-8);
          try {
            for (let it = 0; it < level.iterations; it++) {
              opts.signal?.throwIfAborted();
              const t0 = performance.now();
              const c0 = process.cpuUsage();
              const parts = { s: null as tf.Scalar | null, c: null as tf.Scalar | null };
              const lossT = optimizer.minimize(() => objective(v as unknown as tf.Tensor4D, parts, true), true, [v]);
              res.evaluations++;
              const clipped = tf.tidy(() => tf.clipByValue(v, 0, 1));
              v.assign(clipped);
              clipped.dispose();
              const loss = (await lossT!.data())[0];
              lossT!.dispose();
              await record(loss, parts, t0, c0, () => tensorImage(v as unknown as tf.Tensor4D));
            }
            x.dispose();
            x = tf.clone(v) as tf.Tensor4D;
          } finally {
            v.dispose();
            optimizer.dispose();
          }
        } else {
          const shape = x.shape;
          const x0 = Float64Array.from(await x.data());
          const parts = { s: null as tf.Scalar | null, c: null as tf.Scalar | null };
          let t0 = performance.now();
          let c0 = process.cpuUsage();
          const fg = async (v: Float64Array) => {
            res.evaluations++;
            parts.s?.dispose();
            parts.c?.dispose();
            parts.s = parts.c = null;
            const { value, grad } = tf.tidy(() => {
              const xt = tf.tensor4d(Float32Array.from(v), shape);
              return tf.valueAndGrad((z: tf.Tensor) => objective(z as tf.Tensor4D, parts, false))(xt);
            });
            const g = Float64Array.from((await grad.data()) as Float32Array);
            let f = (await value.data())[0];
            value.dispose();
            grad.dispose();
            f += pixelTermsJs(v, g, { palette, weight: colourWeight, mode: colourMode });
            return { f, g };
          };
          const r = await minimizeLbfgs(fg, x0, {
            maxIterations: level.iterations,
            maxEvaluations: 2 * level.iterations + 5,
            firstStep: 0.05,
            signal: opts.signal,
            onStart: (f) => {
              if (!Number.isFinite(f)) throw new RangeError(`the loss is ${f} at the start: the weights are too large for this image`);
            },
            onIteration: async (info) => {
              await record(info.f, parts, t0, c0, () => {
                const t = tf.tensor4d(Float32Array.from(info.x), shape);
                const im = tensorImage(t);
                t.dispose();
                return im;
              });
              t0 = performance.now();
              c0 = process.cpuUsage();
            },
          });
          parts.s?.dispose();
          parts.c?.dispose();
          x.dispose();
          x = tf.tidy(() => tf.clipByValue(tf.tensor4d(Float32Array.from(r.x), shape), 0, 1) as tf.Tensor4D);
          // A level that stopped early (line search could not improve) counts its remaining iterations as done.
          done += level.iterations - r.iterations;
        }
      } finally {
        contentFeat?.dispose();
      }
    }
    res.image = tensorImage(x);
    return res;
  } finally {
    x.dispose();
    targetT.forEach((t) => t.dispose());
  }
}
