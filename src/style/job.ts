/**
 * One call for the whole style-blending pipeline (used by the CLI and the web app):
 *   style images → random crops → Gram dataset per style → blend (dataset proportion or mixture
 *   weights) → Gram GMM per layer → sampled Grams → Gatys synthesis → PNG buffers.
 */
import { initBackend } from '../backend/index.ts';
import { loadExtractor, type ExtractorName, type FeatureExtractor } from './extractor.ts';
import { encodePng, loadImage, type ImageSource, type RgbImage } from './images.ts';
import { blendDatasets, datasetMean, gramDataset, type GramDataset } from './dataset.ts';
import { fitGramModel, mixGramModels, type GramMethod, type GramModel } from './gram-model.ts';
import { triToGram } from './gram.ts';
import { synthesize } from './synth.ts';

export interface StyleJobOptions {
  /** One or two style images (A, B): file paths or encoded image bytes. */
  styles: ImageSource[];
  /** Share of style B in [0, 1] (0: A only, 1: B only). Default 0.5 with two styles; ignored with one. */
  ratio?: number;
  /** 'data' (default): blend the crop datasets in proportion, as in the paper; 'weights': mix two fitted models. */
  blend?: 'data' | 'weights';
  /** Content image; absent/null: texture mode (noise init, no content loss). */
  content?: ImageSource | null;
  /** Number of output images, each from its own sampled Gram set (default 1). */
  samples?: number;
  /** 'sampled' (default): Grams sampled from the fitted GMMs; 'mean': deterministic Gatys with the mean Gram of the blended dataset. */
  mode?: 'sampled' | 'mean';
  /** Gram model (default 'fixed-basis'). */
  method?: GramMethod;
  /** Long side of the output (default 256). */
  size?: number;
  /** Optimisation iterations per image (default 150). */
  iterations?: number;
  seed?: number;
  lr?: number;
  styleWeight?: number;
  contentWeight?: number;
  init?: 'content' | 'noise';
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
  /** Emit a preview PNG every this many iterations (default 0: none besides the final image). */
  previewEvery?: number;
  /** tfjs backend to force (default: initBackend's choice). */
  backend?: string;
}

export interface StyleJobProgress {
  stage: 'load' | 'features' | 'fit' | 'sample' | 'synth' | 'done';
  /** Overall progress in [0, 1]. */
  fraction: number;
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

export interface StyleJobHooks {
  onProgress?: (p: StyleJobProgress) => void | Promise<void>;
  /** Aborting rejects the job with the signal's reason (an AbortError by default) at the next step. */
  signal?: AbortSignal;
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
  /** Median wall seconds per optimisation iteration over all images. */
  secondsPerIteration: number;
  /** Median CPU seconds per iteration (process user + system time). */
  cpuSecondsPerIteration: number;
  /** Wall seconds spent per stage. */
  timings: { load: number; features: number; fit: number; sample: number; synth: number };
  method: GramMethod | 'mean';
  /** Which GMM fitter was used for the PCA models ('em' when the asked-for one is not registered). */
  fitter: string;
  /** Per image, per layer: relative trace removed by the PSD projection. */
  psdClipped: number[][];
  /** The target Gram sets used (per image, per layer c × c). */
  targets: Float32Array[][];
  layers: string[];
}

const extractorCache = new Map<string, Promise<FeatureExtractor>>();

/** A cached extractor (loading MobileNet takes about a second). */
export function getExtractor(name: ExtractorName, dir?: string, styleLayers?: string[], contentLayer?: string): Promise<FeatureExtractor> {
  const key = JSON.stringify([name, dir ?? null, styleLayers ?? null, contentLayer ?? null]);
  let p = extractorCache.get(key);
  if (!p) {
    p = loadExtractor(name, { dir, styleLayers, contentLayer });
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

/** Validates the options (throws RangeError naming the bad one). */
export function checkStyleJobOptions(o: StyleJobOptions): void {
  if (!o || !Array.isArray(o.styles) || o.styles.length < 1 || o.styles.length > 2) throw new RangeError('styles: give one or two style images');
  const int = (name: string, v: unknown, min: number) => {
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min)) throw new RangeError(`${name} must be an integer >= ${min}, got ${String(v)}`);
  };
  int('samples', o.samples, 1);
  int('size', o.size, 16);
  int('iterations', o.iterations, 0);
  int('crops', o.crops, 2);
  int('cropSize', o.cropSize, 16);
  int('styleSize', o.styleSize, 16);
  int('previewEvery', o.previewEvery, 0);
  if (o.ratio !== undefined && !(Number.isFinite(o.ratio) && o.ratio >= 0 && o.ratio <= 1)) throw new RangeError(`ratio must be in [0, 1], got ${o.ratio}`);
  if (o.blend !== undefined && o.blend !== 'data' && o.blend !== 'weights') throw new RangeError(`blend must be 'data' or 'weights', got ${String(o.blend)}`);
  if (o.mode !== undefined && o.mode !== 'sampled' && o.mode !== 'mean') throw new RangeError(`mode must be 'sampled' or 'mean', got ${String(o.mode)}`);
  if (o.init !== undefined && o.init !== 'content' && o.init !== 'noise') throw new RangeError(`init must be 'content' or 'noise', got ${String(o.init)}`);
  if (o.init === 'content' && !o.content) throw new RangeError("init 'content' needs a content image");
}

/**
 * Runs a style-blending job and returns the output images as PNG buffers.
 *
 * `opts.styles` holds one or two style images (paths or bytes); `opts.ratio` is the share of the second
 * style. With `blend: 'data'` the Gram dataset holds round(ratio · crops) crops of B and the rest of A
 * (the fixed-basis paper's scheme); with `blend: 'weights'` one model is fitted per style and they are
 * mixed with weights (1 − ratio, ratio). `samples` images are synthesised, each from its own sampled
 * Gram set (or all from the dataset's mean Gram with `mode: 'mean'`).
 *
 * `hooks.onProgress` gets the stage, overall fraction, and during synthesis the iteration, loss and
 * (every `previewEvery` iterations) a preview PNG. `hooks.signal` cancels: the job rejects with the
 * signal's reason at the next crop batch or iteration, and frees its tensors. Jobs share the global
 * tfjs engine: run them one at a time (queue them).
 */
export async function runStyleJob(opts: StyleJobOptions, hooks: StyleJobHooks = {}): Promise<StyleJobResult> {
  checkStyleJobOptions(opts);
  const { signal } = hooks;
  const emit = async (p: StyleJobProgress) => {
    if (hooks.onProgress) await hooks.onProgress(p);
  };
  const timings = { load: 0, features: 0, fit: 0, sample: 0, synth: 0 };
  let t0 = performance.now();
  const lap = (k: keyof typeof timings) => {
    const t = performance.now();
    timings[k] += (t - t0) / 1000;
    t0 = t;
  };
  signal?.throwIfAborted();
  await initBackend({ prefer: opts.backend, quiet: true });
  const size = opts.size ?? 256;
  const samples = opts.samples ?? 1;
  const iterations = opts.iterations ?? 150;
  const seed = opts.seed ?? 0;
  const mode = opts.mode ?? 'sampled';
  const method = opts.method ?? 'fixed-basis';
  const two = opts.styles.length === 2;
  const ratio = two ? opts.ratio ?? 0.5 : 0;
  const blend = opts.blend ?? 'data';
  const styleSize = opts.styleSize ?? 2 * size;
  const crops = opts.crops ?? 24;

  await emit({ stage: 'load', fraction: 0, message: 'loading model and images' });
  const extractor = await getExtractor(opts.extractor ?? 'mobilenet', opts.modelDir, opts.styleLayers, opts.contentLayer);
  const styleImgs: RgbImage[] = [];
  for (const s of opts.styles) styleImgs.push(await loadImage(s, { maxSide: styleSize, enlarge: true }));
  const content = opts.content ? await loadImage(opts.content) : null;
  const cropSize = Math.min(opts.cropSize ?? size, ...styleImgs.map((im) => Math.min(im.width, im.height)));
  lap('load');

  // Which styles need crops: with dataset blending at ratio 0 or 1 only one of them.
  const need = styleImgs.map((_, i) => !two || (i === 0 ? ratio < 1 : ratio > 0));
  const datasets: (GramDataset | null)[] = [];
  const nNeeded = need.filter(Boolean).length;
  let done = 0;
  for (const [i, img] of styleImgs.entries()) {
    if (!need[i]) {
      datasets.push(null);
      continue;
    }
    datasets.push(await gramDataset(extractor, img, {
      crops, cropSize, seed: seed * 7919 + 101 * (i + 1), sourceIndex: i, signal,
      onCrops: (d, n) => void emit({ stage: 'features', fraction: 0.15 * ((done + d / n) / nNeeded), message: `Gram matrices of style ${i === 0 ? 'A' : 'B'}: ${d}/${n} crops` }),
    }));
    done++;
  }
  lap('features');
  signal?.throwIfAborted();

  let targets: Float32Array[][] = [];
  let psdClipped: number[][] = [];
  let fitter = 'none';
  const only = (i: number) => datasets[i]!;
  const blended = (): GramDataset => (!two || ratio === 0 ? only(0) : ratio === 1 ? only(1) : blendDatasets(only(0), only(1), ratio, crops));
  if (mode === 'mean') {
    const ds = blended();
    const mean = datasetMean(ds);
    const set = ds.channels.map((c, l) => Float32Array.from(triToGram(mean[l], c)));
    targets = Array.from({ length: samples }, () => set);
    psdClipped = targets.map(() => ds.channels.map(() => 0));
    lap('fit');
  } else {
    await emit({ stage: 'fit', fraction: 0.15, message: `fitting ${method} Gram models` });
    const gmmOpts = { method, seed, bins: opts.bins, t: opts.t, k: opts.k, pcaDim: opts.pcaDim };
    let model: GramModel;
    if (!two || ratio === 0 || ratio === 1) model = fitGramModel(!two || ratio === 0 ? only(0) : only(1), gmmOpts);
    else if (blend === 'data') model = fitGramModel(blended(), gmmOpts);
    else model = mixGramModels([fitGramModel(only(0), gmmOpts), fitGramModel(only(1), { ...gmmOpts, seed: seed + 1 })], [1 - ratio, ratio]);
    fitter = model.fitter;
    lap('fit');
    signal?.throwIfAborted();
    await emit({ stage: 'sample', fraction: 0.2, message: `sampling ${samples} Gram set${samples > 1 ? 's' : ''}` });
    const sampled = model.sample(samples, seed + 12345);
    targets = sampled.map((s) => s.grams);
    psdClipped = sampled.map((s) => s.psdClipped);
    lap('sample');
  }

  const images: Buffer[] = [];
  const raw: RgbImage[] = [];
  const finalLoss: number[] = [];
  const iterSeconds: number[] = [];
  const iterCpu: number[] = [];
  for (let s = 0; s < samples; s++) {
    signal?.throwIfAborted();
    const base = 0.2 + (0.8 * s) / samples;
    const r = await synthesize(extractor, targets[s], {
      size, content, init: opts.init, iterations, lr: opts.lr, styleWeight: opts.styleWeight, contentWeight: opts.contentWeight,
      seed: seed + 1000 * s, signal, previewEvery: opts.previewEvery ?? 0,
      onProgress: async (p) => {
        const preview = p.preview && p.iteration < p.iterations ? await encodePng(p.preview) : undefined;
        await emit({
          stage: 'synth', fraction: base + (0.8 * p.iteration) / Math.max(1, p.iterations) / samples, sample: s, samples,
          iteration: p.iteration, iterations: p.iterations, loss: p.loss, preview,
        });
      },
    });
    raw.push(r.image);
    images.push(await encodePng(r.image));
    finalLoss.push(r.loss.length ? r.loss[r.loss.length - 1] : NaN);
    iterSeconds.push(...r.iterationSeconds.slice(1));
    iterCpu.push(...r.iterationCpuSeconds.slice(1));
  }
  lap('synth');
  await emit({ stage: 'done', fraction: 1 });
  return {
    images, raw, width: raw[0].width, height: raw[0].height, finalLoss, secondsPerIteration: median(iterSeconds), cpuSecondsPerIteration: median(iterCpu), timings,
    method: mode === 'mean' ? 'mean' : method, fitter, psdClipped, targets, layers: [...extractor.styleLayers],
  };
}
