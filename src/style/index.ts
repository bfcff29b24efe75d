/**
 * Style blending (issue 6): Gram matrices of a pretrained CNN over random crops of style images,
 * GMMs over them (fixed-basis per entry, or PCA + SW/SC2/EM), sampled Grams driving Gatys synthesis.
 * The web app and the CLI call `runStyleJob`.
 *
 * @packageDocumentation
 */
export { STYLE_BLENDS, COLOUR_LOSS_MODES, GRAM_DRAWS, COVARIANCE_ESTIMATES, styleCliWasmThreads, type StyleBlend, type ColourLossMode, type GramDraws, type CovarianceEstimate } from './defaults.ts';
export { runStyleJob, fitStyleGramModel, getExtractor, checkStyleJobOptions, styleCacheKey, STYLE_DEFAULTS, STYLE_LIMITS, type StyleJobOptions, type StyleJobProgress, type StyleJobHooks, type StyleJobResult, type StyleJobCache, type StyleCacheEntry } from './job.ts';
export { StyleMemoryCache } from './cache.ts';
export {
  loadExtractor, loadMobileNet, loadVGG19, defaultModelDir, EXTRACTOR_NAMES, MOBILENET_STYLE_LAYERS, MOBILENET_CONTENT_LAYER,
  VGG19_STYLE_LAYERS, VGG19_CONTENT_LAYER, type ExtractorName, type FeatureExtractor, type ExtractorOptions,
} from './extractor.ts';
export { ModelFileError } from './model-io.ts';
export { StyleImageError, loadImage, encodePng, resizeImage, randomCropBoxes, cropImage, type RgbImage, type ImageSource, type LoadImageOptions } from './images.ts';
export { gramMatrix, gramMatrices, gramToTri, triToGram, triLength, symmetricPSD } from './gram.ts';
export { gramDataset, blendDatasets, concatDatasets, selectDatasetRows, datasetMean, pixelMoments, paletteOfMoments, PIXEL_LAYER, type GramDataset, type CropOptions } from './dataset.ts';
export { fitGramModel, fitPcaTail, fitCropTail, besselFactors, mixGramModels, mixGramSets, gramModelSnapshot, gramModelFromSnapshot, stratifiedComponents, GRAM_METHODS, type GramMethod, type GramModel, type GramModelOptions, type GramSampleOptions, type GramModelSnapshot, type SampledGrams, type EntryLayer, type PcaLayer, type PcaTail, type PcaGaussianTail, type PcaCropTail, type Part } from './gram-model.ts';
export { synthesize, styleLoss, colourLoss, transferColours, paletteNoise, imagePalette, type SynthOptions, type SynthProgress, type SynthResult, type Palette, type SynthInit, type SynthOptimizer } from './synth.ts';
export { minimizeLbfgs, lbfgsDirection, type LbfgsOptions, type LbfgsResult, type ValueAndGradient } from './lbfgs.ts';
export { totalVariation, ycbcrTotalVariation, softmaxSmoothing, rangePenalty } from './regularize.ts';
export { hfEnergy, colourStats, mixColourStats, colourStatsGap, type HfEnergy, type ColourStats } from './metrics.ts';
export {
  fetchModel, fetchAssets, fetchBytes, STYLE_ASSETS, MOBILENET_URL, DownloadError, type AssetSpec, type DownloadOptions, type FetchAssetsOptions,
  type FetchModelOptions, type FilePin,
} from './fetch.ts';
export { symEigenRows, projectPSDRows, projectPSDSelected, eigenpairsBelow, tridiagonalize, type SymEigenT, type Tridiagonal } from './psd.ts';
