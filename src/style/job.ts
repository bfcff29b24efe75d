/**
 * One call for the whole style-blending pipeline (used by the CLI and the web app):
 *   style images → random crops → Gram dataset per style (with the pixels' colour moments as a
 *   zeroth layer) → blend (dataset proportion, mixture weights or sampled Gram sets) → Gram GMM → sampled Grams and
 *   palette → multi-scale L-BFGS synthesis → PNG buffers.
 *
 * The defaults (STYLE_DEFAULTS) are the settings measured in docs/RESULTS.md (issue 12): per-sample
 * PCA + sliced-Wasserstein Gram model, two styles blended by averaging one sampled Gram set of each, L-BFGS
 * at half and then full size, the start image and a colour loss from the painting's (or the mixed paintings')
 * palette.
 */
import { createHash } from 'node:crypto';
import { initBackend } from '../backend/index.ts';
import { loadExtractor, type ExtractorName, type FeatureExtractor } from './extractor.ts';
import { encodePng, fitLongSide, loadImage, StyleImageError, type ImageSource, type RgbImage } from './images.ts';
import { blendDatasets, datasetMean, gramDataset, paletteOfMoments, pixelMoments, PIXEL_LAYER, type GramDataset } from './dataset.ts';
import { fitGramModel, GRAM_METHODS, gramModelFromSnapshot, gramModelSnapshot, mixGramModels, mixGramSets, type GramMethod, type GramModel, type GramModelOptions, type GramModelSnapshot } from './gram-model.ts';
import { amplifyDeviation, triToGram } from './gram.ts';
import { synthesize, type Palette, type SynthInit, type SynthOptimizer } from './synth.ts';
import { checkChoice, layerGain, COLOUR_LOSS_MODES, COVARIANCE_ESTIMATES, GRAM_DRAWS, STYLE_BLENDS, STYLE_DEFAULTS, STYLE_LIMITS, type ColourLossMode, type CovarianceEstimate, type GramDraws, type StyleBlend } from './defaults.ts';
import { secondsSince } from '../util/clock.ts';

export interface StyleJobOptions {
  /** One or two style images (A, B): file paths or encoded image bytes. */
  styles: ImageSource[];
  /** Share of style B in [0, 1] (0: A only, 1: B only). Default 0.5 with two styles; ignored with one. */
  ratio?: number;
  /**
   * How two styles are blended: 'data': one model of the crop datasets mixed in proportion (the fixed-basis
   * paper's §3.2.2); 'weights': the two fitted models as one mixture (each sample one painting's);
   * 'grams': every sample the average (1 − ratio) G_A + ratio G_B of one Gram set sampled from each painting's
   * model (mixGramSets). Default: STYLE_DEFAULTS.blend.
   */
  blend?: StyleBlend;
  /** Content image; absent/null: texture mode (no content loss). */
  content?: ImageSource | null;
  /** Number of output images, each from its own sampled Gram set (default 1). */
  samples?: number;
  /** 'sampled' (default): Grams sampled from the fitted GMMs; 'mean': deterministic Gatys with the mean Gram of the blended dataset. */
  mode?: 'sampled' | 'mean';
  /** Gram model (default 'pca-sw'; 'fixed-basis' is the paper's per-entry model). */
  method?: GramMethod;
  /** Long side of the output (default 256). */
  size?: number;
  /** Optimisation iterations per image, over all scales (default 80, STYLE_DEFAULTS). */
  iterations?: number;
  /** Seed of the sampled Gram sets, palettes and start images (default 0). */
  seed?: number;
  /**
   * Seed of the style model: the crop positions and the Gram-model fit (default 0). Kept apart from `seed` so
   * that jobs that differ only in `seed` sample the same fitted model (and a cache can hand it over).
   */
  modelSeed?: number;
  /** 'lbfgs' (default) or 'adam'. */
  optimizer?: SynthOptimizer;
  /** Adam learning rate (default 0.02; ignored by L-BFGS). */
  lr?: number;
  styleWeight?: number;
  /** Weight of each style layer in the style loss (synth.ts; default all 1; normalised by their sum). */
  layerWeights?: number[];
  /**
   * Per style layer, the gain g_l on each sampled Gram's deviation from the style's mean Gram M_l in what the synthesis
   * is asked for: M_l + g_l (T_l − M_l) (amplifyDeviation, gram.ts), with M the ratio's mix (1 − ratio, ratio) of the
   * paintings' mean crop Grams. The last entry serves the remaining layers. The optimisation follows a target's
   * deviation only partly (without a gain the outputs' deviations were about 0.9× their draws' in MobileNet's deeper
   * style layers, 0.2–0.4× in the first); a gain of about the inverse makes them follow with a slope near 1, at the cost
   * of each output ending a little farther from its own draw (docs/RESULTS.md, issue 12, tenth pass). `targets` in the
   * result stay the drawn Grams, so the model and its samples are unchanged.
   * `[1]`: the draws as they are; `[0]`: the mean Gram (what mode 'mean' asks for). Default: STYLE_DEFAULTS.deviationGain.
   */
  deviationGain?: number[];
  contentWeight?: number;
  /** Squared-TV weights of luminance and chroma (default 0 and 0.3). */
  tvWeight?: number;
  tvChromaWeight?: number;
  /** Weight of the colour loss towards the palette (default 10; 0: none). */
  colourWeight?: number;
  /**
   * What the colour loss holds to the palette: 'moments' (the RGB mean and covariance) or 'mean' (the RGB mean only;
   * the colours' spread is left to the Grams). Default: STYLE_DEFAULTS.colourLoss.
   */
  colourLoss?: ColourLossMode;
  /** Coarse-to-fine sizes as fractions of `size` (default [0.5, 1]). */
  scales?: number[];
  /** Start image (default: 'palette': the sample's palette as smooth noise, or the content recoloured to it). */
  init?: SynthInit;
  /** Model the pixels' colour moments with the Grams (default true; needed by the 'palette' start and the colour loss). */
  colour?: boolean;
  /**
   * Which palette the start image and the colour loss use: 'style' (default): the colour moments of the whole
   * painting (of both, mixed by the ratio), the same for every sample; 'sample': each sampled set's own pixel
   * moments (samples then also differ in colour, as the crops do); a number λ in [0, 1]: the mixture of the two,
   * (1 − λ) · the painting's moments + λ · the sample's (0 = 'style', 1 = 'sample').
   */
  palette?: 'style' | 'sample' | number;
  /** Softmax activation smoothing temperature (Wang et al. 2021); absent/null: none (default). */
  smoothing?: number | null;
  /** Random crops per style image (default 24). */
  crops?: number;
  /** Crop side (default: size). */
  cropSize?: number;
  /** Long side the style images are resized to before cropping (default 2 · size). */
  styleSize?: number;
  extractor?: ExtractorName;
  /** Model folder (default: see extractor.ts defaultModelDir). */
  modelDir?: string;
  styleLayers?: string[];
  contentLayer?: string;
  /** Gram-model hyper-parameters. */
  bins?: number;
  t?: number;
  k?: number;
  pcaDim?: number;
  fitDim?: number;
  /** PCA models: how tail coordinates are drawn (GramModelOptions.tail). */
  tail?: 'gaussian' | 'crops';
  /** PCA models: Gram or Cholesky-factor coordinates (GramModelOptions.coordinates). */
  coordinates?: 'gram' | 'cholesky';
  /** PCA models: maximum-likelihood or Bessel-corrected component covariances (GramModelOptions.covarianceEstimate). */
  covarianceEstimate?: CovarianceEstimate;
  /**
   * PCA models: how the `samples` Gram sets pick their GMM components — 'independent' (each its own draw) or
   * 'stratified' (the components covered in proportion to their weights; GramSampleOptions). Default: STYLE_DEFAULTS.draws.
   */
  draws?: GramDraws;
  /** Emit a preview PNG every this many iterations (default 0: none besides the final image). */
  previewEvery?: number;
  /** tfjs backend to force (default: initBackend's choice). */
  backend?: string;
}

export { STYLE_DEFAULTS, STYLE_LIMITS } from './defaults.ts';

export interface StyleJobProgress {
  stage: 'load' | 'features' | 'fit' | 'sample' | 'synth' | 'done';
  /** Overall progress in [0, 1], proportional to the estimated work done. */
  fraction: number;
  /** Seconds since the job started. */
  elapsed: number;
  /** Estimated seconds left (elapsed · (1 − fraction) / fraction; null before there is enough to go on). */
  eta: number | null;
  /** 0-based index of the image being synthesised (stage 'synth'). */
  sample?: number;
  samples?: number;
  iteration?: number;
  iterations?: number;
  loss?: number;
  /** PNG of the current image (every previewEvery iterations). */
  preview?: Buffer;
  message?: string;
}

/** What a StyleJobCache stores: a painting's Gram dataset, or a fitted Gram model. */
export type StyleCacheEntry = { kind: 'dataset'; value: GramDataset } | { kind: 'model'; value: GramModelSnapshot };

/**
 * A store of Gram datasets and fitted Gram models shared between jobs (the web server keeps one, so a second
 * job on the same paintings with another seed or ratio skips the crops and, with the same ratio, the fit).
 * Keys name everything the entry depends on (styleCacheKey).
 */
export interface StyleJobCache {
  get(key: string): Promise<StyleCacheEntry | undefined> | StyleCacheEntry | undefined;
  put(key: string, entry: StyleCacheEntry): void;
}

export interface StyleJobHooks {
  onProgress?: (p: StyleJobProgress) => void | Promise<void>;
  /** Aborting rejects the job with the signal's reason (an AbortError by default) at the next step. */
  signal?: AbortSignal;
  /** Gram datasets and fitted models from earlier jobs (read and filled by this one). */
  cache?: StyleJobCache;
}

/** A short stable key (SHA-256, hex) of a JSON-able description of a cache entry. */
export function styleCacheKey(kind: StyleCacheEntry['kind'], what: unknown): string {
  return `${kind}:${createHash('sha256').update(JSON.stringify(what)).digest('hex')}`;
}

/** SHA-256 (hex) of a decoded image's size and pixels. */
function imageDigest(img: RgbImage): string {
  return createHash('sha256').update(`${img.width}x${img.height}:`).update(new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength)).digest('hex');
}

export interface StyleJobResult {
  /** PNG bytes of each output image. */
  images: Buffer[];
  width: number;
  height: number;
  /** The raw images (RGB floats in [0, 1]). */
  raw: RgbImage[];
  /** Final loss of each image. */
  finalLoss: number[];
  /** Median wall seconds per optimisation iteration over all images (full-size iterations only). */
  secondsPerIteration: number;
  /** Median CPU seconds per iteration (process user + system time), full-size iterations. */
  cpuSecondsPerIteration: number;
  /** Wall seconds spent per stage. */
  timings: { load: number; features: number; fit: number; sample: number; synth: number };
  /** What came from `hooks.cache`: Gram datasets (of the paintings needed) and the fitted model. */
  cacheHits: { datasets: number; model: boolean };
  method: GramMethod | 'mean';
  /** Which GMM fitter was used for the PCA models ('em' when the asked-for one is not registered). */
  fitter: string;
  /** Per image, per style layer: relative trace removed by the PSD projection. */
  psdClipped: number[][];
  /** The target Gram sets used (per image, per style layer c × c). */
  targets: Float32Array[][];
  /** The palette of each image (from its sampled pixel moments), or null without colour modelling. */
  palettes: (Palette | null)[];
  /**
   * The seed of each image's synthesis (its start image and noise): seed + 1000 s for image s. With targets[s],
   * palettes[s] and the job's synthesis options, `synthesize` reproduces image s without refitting the Gram model.
   */
  synthSeeds: number[];
  layers: string[];
}

const extractorCache = new Map<string, Promise<FeatureExtractor>>();

/** A cached extractor (loading MobileNet takes about a second). */
export function getExtractor(name: ExtractorName, dir?: string, styleLayers?: string[], contentLayer?: string, smoothing?: number | null): Promise<FeatureExtractor> {
  const key = JSON.stringify([name, dir ?? null, styleLayers ?? null, contentLayer ?? null, smoothing ?? null]);
  let p = extractorCache.get(key);
  if (!p) {
    p = loadExtractor(name, { dir, styleLayers, contentLayer, smoothing: smoothing ? { temperature: smoothing } : null });
    extractorCache.set(key, p);
    p.catch(() => extractorCache.delete(key));
  }
  return p;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** Validates the options (throws RangeError naming the bad one and its range). */
export function checkStyleJobOptions(o: StyleJobOptions): void {
  if (!o || !Array.isArray(o.styles) || o.styles.length < 1 || o.styles.length > 2) throw new RangeError('styles: give one or two style images');
  const L = STYLE_LIMITS;
  const int = (name: string, v: unknown, min: number, max: number) => {
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max)) {
      throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
    }
  };
  const num = (name: string, v: unknown, min: number, max: number, minOpen = false) => {
    if (v === undefined) return;
    const ok = typeof v === 'number' && Number.isFinite(v) && (minOpen ? v > min : v >= min) && v <= max;
    if (!ok) throw new RangeError(`${name} must be a number in ${minOpen ? '(' : '['}${min}, ${max}], got ${String(v)}`);
  };
  int('samples', o.samples, 1, L.maxSamples);
  int('size', o.size, L.minSize, L.maxSize);
  int('iterations', o.iterations, 1, L.maxIterations);
  int('crops', o.crops, 2, L.maxCrops);
  int('cropSize', o.cropSize, L.minStyleSide, L.maxSize);
  int('styleSize', o.styleSize, L.minStyleSide, 2 * L.maxSize);
  int('previewEvery', o.previewEvery, 0, L.maxIterations);
  int('seed', o.seed, 0, 2 ** 31 - 1);
  int('modelSeed', o.modelSeed, 0, 2 ** 31 - 1);
  num('ratio', o.ratio, 0, 1);
  // Style weight 0 would leave the start image as it is; negative weights push the loss up.
  num('styleWeight', o.styleWeight, 0, L.maxWeight, true);
  // A non-empty list of finite numbers in [0, max] (the per-layer options).
  const numbersIn = (v: unknown, max: number): v is number[] => Array.isArray(v) && v.length >= 1 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= max);
  if (o.layerWeights !== undefined && !(numbersIn(o.layerWeights, L.maxWeight) && o.layerWeights.some((x) => x > 0))) {
    throw new RangeError(`layerWeights must be numbers in [0, ${L.maxWeight}], one per style layer, not all 0, got ${JSON.stringify(o.layerWeights)}`);
  }
  if (o.deviationGain !== undefined && !numbersIn(o.deviationGain, L.maxGain)) {
    throw new RangeError(`deviationGain must be 1 or more numbers in [0, ${L.maxGain}] (per style layer, the last for the rest), got ${JSON.stringify(o.deviationGain)}`);
  }
  num('contentWeight', o.contentWeight, 0, L.maxWeight);
  num('tvWeight', o.tvWeight, 0, L.maxWeight);
  num('tvChromaWeight', o.tvChromaWeight, 0, L.maxWeight);
  num('colourWeight', o.colourWeight, 0, L.maxWeight);
  num('lr', o.lr, 0, L.maxLr, true);
  if (o.smoothing !== undefined && o.smoothing !== null) num('smoothing', o.smoothing, 0, 1000, true);
  checkChoice('covarianceEstimate', o.covarianceEstimate, COVARIANCE_ESTIMATES);
  checkChoice('draws', o.draws, GRAM_DRAWS);
  checkChoice('colourLoss', o.colourLoss, COLOUR_LOSS_MODES);
  checkChoice('blend', o.blend, STYLE_BLENDS);
  if (o.mode !== undefined && o.mode !== 'sampled' && o.mode !== 'mean') throw new RangeError(`mode must be 'sampled' or 'mean', got ${String(o.mode)}`);
  checkChoice('method', o.method, GRAM_METHODS);
  if (o.optimizer !== undefined && o.optimizer !== 'lbfgs' && o.optimizer !== 'adam') throw new RangeError(`optimizer must be 'lbfgs' or 'adam', got ${String(o.optimizer)}`);
  if (o.init !== undefined && o.init !== 'content' && o.init !== 'noise' && o.init !== 'palette') throw new RangeError(`init must be 'content', 'noise' or 'palette', got ${String(o.init)}`);
  if (o.init === 'content' && !o.content) throw new RangeError("init 'content' needs a content image");
  if (o.init === 'palette' && o.colour === false) throw new RangeError("init 'palette' needs the colours modelled (colour is off)");
  if (o.palette !== undefined && o.palette !== 'style' && o.palette !== 'sample' && !(typeof o.palette === 'number' && o.palette >= 0 && o.palette <= 1)) {
    throw new RangeError(`palette must be 'style', 'sample' or a number in [0, 1] (the share of each sample's own colours), got ${String(o.palette)}`);
  }
  if (o.scales !== undefined) {
    const s = o.scales;
    const ok = Array.isArray(s) && s.length >= 1 && s.length <= 4 && s.every((x, i) => typeof x === 'number' && x > 0 && x <= 1 && (i === 0 || x > s[i - 1])) && s[s.length - 1] === 1;
    if (!ok) throw new RangeError(`scales must be 1 to 4 ascending fractions in (0, 1] ending at 1, got ${JSON.stringify(s)}`);
  }
}

/**
 * The style's mean Gram per given dataset layer, c × c row-major: the mean over one painting's crops, or for two the
 * mix (1 − ratio) · A's + ratio · B's (a painting not needed at ratio 0 or 1 may be absent).
 */
export function mixedMeanGrams(datasets: (GramDataset | null)[], ratio: number, layers: number[]): Float64Array[] {
  const parts = datasets.flatMap((ds, i) => {
    const w = datasets.length === 1 ? 1 : i === 0 ? 1 - ratio : ratio;
    return ds && w > 0 ? [{ ds, w, mean: datasetMean(ds) }] : [];
  });
  return layers.map((l) => {
    const c = parts[0].ds.channels[l];
    const m = new Float64Array(c * c);
    for (const { w, mean } of parts) {
      const g = triToGram(mean[l], c);
      for (let e = 0; e < m.length; e++) m[e] += w * g[e];
    }
    return m;
  });
}

function sourceLabel(src: ImageSource, fallback: string): string {
  if (typeof src === 'string') return src;
  if (src instanceof Uint8Array) return fallback;
  return src.name ?? fallback;
}

/**
 * The job's work estimate behind its progress fractions, in units of one full-size forward + backward pass:
 * a synthesis level at scale s costs s² per iteration (plus 5 % for the loss), the iterations split evenly over
 * the levels (the first levels take the remainder); computing the Gram dataset of the needed styles costs a third of
 * a pass per crop-sized image; fitting and sampling count 3 + samples units (none in 'mean' mode).
 */
export function styleJobWork(o: {
  scales: readonly number[]; iterations: number; samples: number; mode: 'sampled' | 'mean'; nNeeded: number; crops: number; cropSize: number;
  full: { width: number; height: number };
}): {
  levelCost: number[]; itersPerLevel: number[]; synthUnits: number; featureUnits: number; fitUnits: number; totalUnits: number;
  /** Units of one image's synthesis after `iteration` of its iterations (the finished levels' plus the current one's). */
  synthUnitsAt: (iteration: number) => number;
} {
  const levelCost = o.scales.map((s) => s * s);
  const itersPerLevel = o.scales.map((_, i) => Math.floor(o.iterations / o.scales.length) + (i < o.iterations % o.scales.length ? 1 : 0));
  const synthUnitsAt = (iteration: number) => {
    let u = 0, left = iteration;
    for (const [i, k] of itersPerLevel.entries()) {
      const n = Math.min(k, left);
      u += 1.05 * n * levelCost[i];
      left -= n;
    }
    return u;
  };
  const synthUnits = synthUnitsAt(o.iterations);
  const featureUnits = (o.nNeeded * o.crops * (o.cropSize * o.cropSize)) / (o.full.width * o.full.height) / 3;
  const fitUnits = o.mode === 'mean' ? 0 : 3 + o.samples;
  return { levelCost, itersPerLevel, synthUnits, featureUnits, fitUnits, totalUnits: featureUnits + fitUnits + o.samples * synthUnits, synthUnitsAt };
}

/**
 * The Gram model of a job: of painting A alone (b null, or ratio 0), of B alone (ratio 1; a may be null), or of the two
 * blended at `ratio` (share of B) by `blend` — 'data': one model of the crop datasets mixed in proportion
 * (blendDatasets with `crops` rows); 'weights': the two paintings' models as one mixture (mixGramModels); 'grams':
 * each sample the average of one Gram set of each (mixGramSets). B's own model is fitted with seed + 1. Used by
 * runStyleJob and by the Gram-level study, so that the study measures the job's model. Throws RangeError when A is
 * needed (ratio < 1, or no B) and `a` is null, and what fitGramModel throws.
 */
export function fitStyleGramModel(a: GramDataset | null, b: GramDataset | null, ratio: number, blend: StyleBlend, crops: number, opts: GramModelOptions): GramModel {
  const missing = () => new RangeError(`fitStyleGramModel: no dataset for painting A, which ratio ${ratio} needs`);
  if (!b || ratio === 0) {
    if (!a) throw missing();
    return fitGramModel(a, opts);
  }
  if (ratio === 1) return fitGramModel(b, opts);
  if (!a) throw missing();
  if (blend === 'data') return fitGramModel(blendDatasets(a, b, ratio, crops), opts);
  const both = [fitGramModel(a, opts), fitGramModel(b, { ...opts, seed: (opts.seed ?? 0) + 1 })];
  return (blend === 'grams' ? mixGramSets : mixGramModels)(both, [1 - ratio, ratio]);
}

/**
 * Runs a style-blending job and returns the output images as PNG buffers.
 *
 * `opts.styles` holds one or two style images (paths or bytes); `opts.ratio` is the share of the second
 * style. With `blend: 'data'` the Gram dataset holds round(ratio · crops) crops of B and the rest of A
 * (the fixed-basis paper's scheme); with `blend: 'weights'` one model is fitted per style and they are
 * mixed with weights (1 − ratio, ratio); with `blend: 'grams'` one model is fitted per style and every sample
 * is (1 − ratio) G_A + ratio G_B of one Gram set sampled from each. `samples` images are synthesised, each from its own sampled
 * Gram set and palette (or all from the dataset's mean with `mode: 'mean'`).
 *
 * `hooks.onProgress` gets the stage, overall fraction, elapsed seconds and an ETA, and during synthesis
 * the iteration, loss and (every `previewEvery` iterations) a preview PNG. `hooks.signal` cancels: the
 * job rejects with the signal's reason at the next crop batch or iteration, and frees its tensors. Jobs
 * share the global tfjs engine: run them one at a time (queue them).
 *
 * Throws RangeError for options out of range, StyleImageError for images that cannot be read or are too
 * small or too thin to work on (the message names the image and the minimum), and RangeError when the
 * loss becomes non-finite.
 */
export async function runStyleJob(opts: StyleJobOptions, hooks: StyleJobHooks = {}): Promise<StyleJobResult> {
  checkStyleJobOptions(opts);
  const { signal } = hooks;
  const tStart = performance.now();
  const emit = async (p: Omit<StyleJobProgress, 'elapsed' | 'eta'>) => {
    if (!hooks.onProgress) return;
    const elapsed = secondsSince(tStart);
    const eta = p.fraction >= 0.03 && p.fraction < 1 ? (elapsed * (1 - p.fraction)) / p.fraction : p.fraction >= 1 ? 0 : null;
    await hooks.onProgress({ ...p, elapsed, eta });
  };
  const timings = { load: 0, features: 0, fit: 0, sample: 0, synth: 0 };
  let t0 = performance.now();
  const lap = (k: keyof typeof timings) => {
    const t = performance.now();
    timings[k] += secondsSince(t0, t);
    t0 = t;
  };
  signal?.throwIfAborted();
  await initBackend({ prefer: opts.backend, quiet: true });
  const D = STYLE_DEFAULTS;
  const size = opts.size ?? D.size;
  const samples = opts.samples ?? D.samples;
  const iterations = opts.iterations ?? D.iterations;
  const seed = opts.seed ?? 0;
  const modelSeed = opts.modelSeed ?? 0;
  const cache = hooks.cache;
  const cacheHits = { datasets: 0, model: false };
  const mode = opts.mode ?? 'sampled';
  const method = opts.method ?? D.method;
  const two = opts.styles.length === 2;
  const ratio = two ? opts.ratio ?? 0.5 : 0;
  const blend = opts.blend ?? D.blend;
  const styleSize = opts.styleSize ?? 2 * size;
  const crops = opts.crops ?? D.crops;
  const colour = opts.colour ?? true;
  const scales = opts.scales ?? [...D.scales];

  await emit({ stage: 'load', fraction: 0, message: 'loading model and images' });
  const extractor = await getExtractor(opts.extractor ?? 'mobilenet', opts.modelDir, opts.styleLayers, opts.contentLayer, opts.smoothing);
  const styleImgs: RgbImage[] = [];
  for (const [i, s] of opts.styles.entries()) {
    const img = await loadImage(s, { maxSide: styleSize, enlarge: true });
    const side = Math.min(img.width, img.height);
    if (side < STYLE_LIMITS.minStyleSide) {
      throw new StyleImageError(
        `style image ${sourceLabel(s, i === 0 ? 'A' : 'B')} is too thin: resized to ${styleSize} px on its long side it is ${img.width}×${img.height}, ` +
          `and its crops need at least ${STYLE_LIMITS.minStyleSide} px on each side (use an image no thinner than ${STYLE_LIMITS.minStyleSide}:${styleSize})`,
      );
    }
    styleImgs.push(img);
  }
  const content = opts.content ? await loadImage(opts.content) : null;
  if (content) {
    const out = fitLongSide(content.width, content.height, size);
    if (Math.min(out.width, out.height) < STYLE_LIMITS.minOutputSide) {
      throw new StyleImageError(
        `content image ${sourceLabel(opts.content!, 'content')} (${content.width}×${content.height}) would be ${out.width}×${out.height} px at size ${size}: ` +
          `the output needs at least ${STYLE_LIMITS.minOutputSide} px on its short side (use a less elongated image or a larger size)`,
      );
    }
  }
  const cropSize = Math.min(opts.cropSize ?? size, ...styleImgs.map((im) => Math.min(im.width, im.height)));
  lap('load');

  // Estimated work (units: one full-size forward + backward pass) for a fraction proportional to time.
  const full = content ? fitLongSide(content.width, content.height, size) : { width: size, height: size };
  const need = styleImgs.map((_, i) => !two || (i === 0 ? ratio < 1 : ratio > 0));
  const nNeeded = need.filter(Boolean).length;
  const { synthUnits, featureUnits, fitUnits, totalUnits, synthUnitsAt } = styleJobWork({ scales, iterations, samples, mode, nNeeded, crops, cropSize, full });
  const at = (units: number) => Math.min(1, units / totalUnits);

  // Which styles need crops: with dataset blending at ratio 0 or 1 only one of them.
  const extractorId = { name: extractor.name, dir: opts.modelDir ?? null, style: extractor.styleLayers, smoothing: opts.smoothing ?? null };
  // Crop positions of style i: one seed per painting, derived from the model seed (the cache key names it).
  const cropSeed = (i: number) => modelSeed * 7919 + 101 * (i + 1);
  const datasetKeys = styleImgs.map((img, i) => styleCacheKey('dataset', { image: imageDigest(img), extractorId, crops, cropSize, seed: cropSeed(i), source: i, colour }));
  const datasets: (GramDataset | null)[] = [];
  let done = 0;
  for (const [i, img] of styleImgs.entries()) {
    if (!need[i]) {
      datasets.push(null);
      continue;
    }
    const hit = await cache?.get(datasetKeys[i]);
    if (hit?.kind === 'dataset') {
      datasets.push(hit.value);
      cacheHits.datasets++;
      done++;
      await emit({ stage: 'features', fraction: at(featureUnits * (done / nNeeded)), message: `Gram matrices of style ${i === 0 ? 'A' : 'B'}: kept from an earlier job` });
      continue;
    }
    const ds = await gramDataset(extractor, img, {
      crops, cropSize, seed: cropSeed(i), sourceIndex: i, signal, pixelMoments: colour,
      onCrops: (d, n) => void emit({ stage: 'features', fraction: at(featureUnits * ((done + d / n) / nNeeded)), message: `Gram matrices of style ${i === 0 ? 'A' : 'B'}: ${d}/${n} crops` }),
    });
    cache?.put(datasetKeys[i], { kind: 'dataset', value: ds });
    datasets.push(ds);
    done++;
  }
  lap('features');
  signal?.throwIfAborted();

  let sets: { grams: Float32Array[]; psdClipped: number[] }[] = [];
  let fitter = 'none';
  const only = (i: number) => datasets[i]!;
  const blended = (): GramDataset => (!two || ratio === 0 ? only(0) : ratio === 1 ? only(1) : blendDatasets(only(0), only(1), ratio, crops));
  const layers = (datasets.find((d) => d) as GramDataset).layers;
  if (mode === 'mean') {
    const ds = blended();
    const mean = datasetMean(ds);
    const set = ds.channels.map((c, l) => Float32Array.from(triToGram(mean[l], c)));
    sets = Array.from({ length: samples }, () => ({ grams: set, psdClipped: ds.channels.map(() => 0) }));
    lap('fit');
  } else {
    await emit({ stage: 'fit', fraction: at(featureUnits), message: `fitting ${method} Gram models` });
    const gmmOpts = { method, seed: modelSeed, bins: opts.bins, t: opts.t, k: opts.k, pcaDim: opts.pcaDim, fitDim: opts.fitDim, tail: opts.tail, coordinates: opts.coordinates, covarianceEstimate: opts.covarianceEstimate };
    const modelKey = styleCacheKey('model', { datasets: datasetKeys.filter((_, i) => need[i]), ratio: two ? ratio : null, blend: two ? blend : null, crops, gmmOpts });
    const hit = await cache?.get(modelKey);
    let model: GramModel;
    if (hit?.kind === 'model') {
      model = gramModelFromSnapshot(hit.value);
      cacheHits.model = true;
      await emit({ stage: 'fit', fraction: at(featureUnits + 3), message: `${method} Gram model kept from an earlier job` });
    } else {
      model = fitStyleGramModel(datasets[0], two ? datasets[1] : null, ratio, blend, crops, gmmOpts);
      cache?.put(modelKey, { kind: 'model', value: gramModelSnapshot(model) });
    }
    fitter = model.fitter;
    lap('fit');
    signal?.throwIfAborted();
    await emit({ stage: 'sample', fraction: at(featureUnits + 3), message: `sampling ${samples} Gram set${samples > 1 ? 's' : ''}` });
    sets = model.sample(samples, seed + 12345, { draws: opts.draws ?? D.draws });
    lap('sample');
  }
  // Split the pixel-moment layer (palette) from the CNN layers (synthesis targets).
  const pix = layers.indexOf(PIXEL_LAYER);
  let styleMoments: number[] | null = null;
  if (pix >= 0) {
    // The style's palette: the colour moments of the whole painting(s), mixed (1 − ratio, ratio): second
    // moments mix linearly. Not the crops' mean: random crops under-cover the borders, and their mean colour
    // is 0.04–0.09 away from the painting's (measured, docs/RESULTS.md).
    const Ms = styleImgs.map((im) => pixelMoments(im));
    styleMoments = Array.from(two ? Ms[0].map((v, k) => (1 - ratio) * v + ratio * Ms[1][k]) : Ms[0]);
  }
  // Share λ of each sample's own colour moments in its palette; moments of a mixture of colour distributions mix
  // linearly, after the sample's are normalised by their constant entry M₃₃ (1 for real images).
  const share = opts.palette === 'sample' ? 1 : typeof opts.palette === 'number' ? opts.palette : 0;
  const palettes = sets.map((s): Palette | null => {
    if (!styleMoments) return null;
    const Ms = s.grams[pix];
    const k = Ms[15] > 1e-12 ? Ms[15] : 1;
    return paletteOfMoments(styleMoments.map((v, i) => (1 - share) * v + (share * Ms[i]) / k));
  });
  const targets = sets.map((s) => s.grams.filter((_, l) => l !== pix));
  const psdClipped = sets.map((s) => s.psdClipped.filter((_, l) => l !== pix));
  // What the synthesis is asked for: each draw's deviation from the style's mean Gram times the layer's gain.
  const cnnLayers = layers.map((_, l) => l).filter((l) => l !== pix);
  const gains = cnnLayers.map((_, j) => layerGain(opts.deviationGain ?? D.deviationGain, j));
  const centre = mode === 'mean' || gains.every((g) => g === 1) ? null : mixedMeanGrams(datasets, ratio, cnnLayers);
  const synthTargets = centre ? targets.map((set) => set.map((T, j) => amplifyDeviation(T, centre[j], gains[j]))) : targets;

  const images: Buffer[] = [];
  const raw: RgbImage[] = [];
  const finalLoss: number[] = [];
  const iterSeconds: number[] = [];
  const iterCpu: number[] = [];
  const synthSeeds: number[] = [];
  const before = featureUnits + fitUnits;
  for (let s = 0; s < samples; s++) {
    signal?.throwIfAborted();
    const unitsBefore = before + s * synthUnits;
    const synthSeed = seed + 1000 * s;
    synthSeeds.push(synthSeed);
    const r = await synthesize(extractor, synthTargets[s], {
      size, content, init: opts.init ?? (palettes[s] ? 'palette' : undefined), palette: palettes[s], iterations,
      optimizer: opts.optimizer ?? D.optimizer, lr: opts.lr, styleWeight: opts.styleWeight, layerWeights: opts.layerWeights, contentWeight: opts.contentWeight,
      tvWeight: opts.tvWeight ?? D.tvWeight, tvChromaWeight: opts.tvChromaWeight ?? D.tvChromaWeight, colourWeight: opts.colourWeight ?? D.colourWeight,
      colourLoss: opts.colourLoss ?? D.colourLoss, scales,
      seed: synthSeed, signal, previewEvery: opts.previewEvery ?? 0,
      onProgress: async (p) => {
        const preview = p.preview && p.iteration < p.iterations ? await encodePng(p.preview) : undefined;
        await emit({
          stage: 'synth', fraction: at(unitsBefore + synthUnitsAt(p.iteration)), sample: s, samples,
          iteration: p.iteration, iterations: p.iterations, loss: p.loss, preview,
        });
      },
    });
    raw.push(r.image);
    images.push(await encodePng(r.image));
    finalLoss.push(r.loss.length ? r.loss[r.loss.length - 1] : NaN);
    // Full-size iterations, without the first one (it includes the level's set-up) when there are others.
    const full = r.iterationScale.flatMap((sc, i) => (sc === scales.length - 1 ? [i] : []));
    for (const i of full.length > 1 ? full.slice(1) : full) {
      iterSeconds.push(r.iterationSeconds[i]);
      iterCpu.push(r.iterationCpuSeconds[i]);
    }
  }
  lap('synth');
  await emit({ stage: 'done', fraction: 1 });
  return {
    images, raw, width: raw[0].width, height: raw[0].height, finalLoss, secondsPerIteration: median(iterSeconds), cpuSecondsPerIteration: median(iterCpu), timings, cacheHits,
    method: mode === 'mean' ? 'mean' : method, fitter, psdClipped, targets, palettes, synthSeeds, layers: [...extractor.styleLayers],
  };
}
