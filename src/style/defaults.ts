/**
 * The defaults and limits of a style job (runStyleJob, job.ts), in a module with no imports so that the
 * CLI can show and check them before it loads anything heavy.
 */

/** The Gram models (gram-model.ts): per-sample PCA + SW / SC2 / EM GMMs, or the paper's fixed basis per entry. */
export type GramMethod = 'fixed-basis' | 'pca-sw' | 'pca-sc2' | 'pca-em';
export const GRAM_METHODS: readonly GramMethod[] = ['fixed-basis', 'pca-sw', 'pca-sc2', 'pca-em'];
/**
 * How two styles are blended (runStyleJob): 'data' (crop datasets in proportion, the fixed-basis paper's), 'weights'
 * (the two fitted models as one mixture), 'grams' (each sample the ratio's average of one Gram set per painting).
 */
export type StyleBlend = 'data' | 'weights' | 'grams';
export const STYLE_BLENDS: readonly StyleBlend[] = ['data', 'weights', 'grams'];
/**
 * What the colour loss of the synthesis holds to the palette (synth.ts): 'moments': the RGB mean and covariance;
 * 'mean': the RGB mean only (the colours' spread is left to the style layers' Grams).
 */
export type ColourLossMode = 'moments' | 'mean';
export const COLOUR_LOSS_MODES: readonly ColourLossMode[] = ['moments', 'mean'];
/**
 * How a job's n Gram sets pick their GMM components (GramModel.sample, gram-model.ts): 'independent': each its own
 * categorical draw; 'stratified': systematic sampling over the components (each component's count within one of
 * n · w_c) in random order, so every single draw is still exactly a draw from the model.
 */
export type GramDraws = 'independent' | 'stratified';
export const GRAM_DRAWS: readonly GramDraws[] = ['independent', 'stratified'];
/**
 * How the PCA Gram models estimate each GMM component's covariance (GramModelOptions.covarianceEstimate, gram-model.ts):
 * 'unbiased' (Bessel-corrected for the component's few crops) or 'ml' (maximum likelihood, as fitted).
 */
export type CovarianceEstimate = 'unbiased' | 'ml';
export const COVARIANCE_ESTIMATES: readonly CovarianceEstimate[] = ['unbiased', 'ml'];
/**
 * The check of a style option with a fixed list of values (checkStyleJobOptions, fitGramModel, synthesize, …): nothing for
 * undefined or one of `choices`, else RangeError `<name> must be one of <choices, comma-separated>, got <value>`.
 */
export function checkChoice(name: string, value: unknown, choices: readonly unknown[]): void {
  if (value !== undefined && !choices.includes(value)) throw new RangeError(`${name} must be one of ${choices.join(', ')}, got ${String(value)}`);
}
/** The feature extractors (extractor.ts). */
export const EXTRACTOR_NAMES = ['mobilenet', 'vgg19'] as const;

/** The defaults of runStyleJob (what the CLI and the web page start from). */
export const STYLE_DEFAULTS = {
  size: 256,
  iterations: 80,
  samples: 1,
  method: 'pca-sw' as GramMethod,
  /** 'grams': every sample between the paintings (docs/RESULTS.md, issue 12); 'data' is the paper's. */
  blend: 'grams' as StyleBlend,
  optimizer: 'lbfgs' as 'lbfgs' | 'adam',
  scales: [0.5, 1],
  crops: 24,
  styleWeight: 1,
  contentWeight: 0.6,
  colourWeight: 10,
  colourLoss: 'moments' as ColourLossMode,
  /** 'stratified': a job's samples cover the GMM components in proportion (docs/RESULTS.md, issue 12, ninth pass). */
  draws: 'stratified' as GramDraws,
  tvWeight: 0,
  tvChromaWeight: 0.3,
  lr: 0.02,
  /**
   * Per style layer, the gain on each sampled Gram's deviation from the style's mean Gram in the synthesis target
   * (StyleJobOptions.deviationGain; the last entry serves the remaining layers): 1 on the first style layer, 1.1 on the
   * others — about 1 / the slope with which the deeper layers' outputs followed their draws' deviations without it; a
   * gain on the first layer raised The Scream's chroma energy past the quality aim (docs/RESULTS.md, issue 12, tenth pass).
   */
  deviationGain: [1, 1.1] as readonly number[],
} as const;

/**
 * The defaults of the PCA Gram models (fitGramModel, gram-model.ts; what the CLI, the page and the library use):
 * GMM components, principal components kept per layer (capped at crops − 1) and fitted by the GMM fitter per layer
 * (the rest a Gaussian tail), the coordinates: each crop's Cholesky factor (docs/RESULTS.md, issue 12, sixth pass), and
 * the components' covariances with the Bessel correction for their few crops (ninth pass).
 */
export const GRAM_MODEL_DEFAULTS = {
  k: 3,
  pcaDim: 23,
  fitDim: 4,
  coordinates: 'cholesky' as 'gram' | 'cholesky',
  covarianceEstimate: 'unbiased' as CovarianceEstimate,
} as const;

/** Limits of the options (checkStyleJobOptions); the web server has its own, lower caps. */
export const STYLE_LIMITS = {
  minSize: 16,
  maxSize: 2048,
  maxIterations: 10_000,
  maxSamples: 64,
  maxCrops: 512,
  maxWeight: 1e4,
  maxLr: 0.5,
  /** Largest entry of deviationGain. */
  maxGain: 10,
  /** Smallest side a style image may have after resizing to styleSize (its crops are at most that big). */
  minStyleSide: 32,
  /** Smallest side of the output image (a thin content image makes a thin output). */
  minOutputSide: 16,
} as const;

/** The gain of style layer l (0-based) from a per-layer list whose last entry serves the remaining layers (deviationGain). */
export function layerGain(gains: readonly number[], l: number): number {
  if (gains.length === 0) throw new RangeError('layerGain: no gains');
  return gains[Math.min(l, gains.length - 1)];
}

/**
 * The wasm thread count the style CLI asks for: '1' on a machine with at most 2 processors for outputs of at most
 * 256 px, unless GMMGEN_WASM_THREADS is set (then undefined: the backend's own rule applies). Measured whole-process,
 * the two counts alternating (docs/RESULTS.md, issue 12): at 256 px one thread took the same wall time for 1.3–1.4×
 * less CPU; at 512 px two threads were faster.
 */
export function styleCliWasmThreads(env: Record<string, string | undefined>, processors: number, size: number): string | undefined {
  if (env.GMMGEN_WASM_THREADS) return undefined;
  return processors <= 2 && size <= 256 ? '1' : undefined;
}
