/**
 * Latent GMMs per digit class: fitting (fit.ts), the in-memory set and sampling (model-set.ts), class mixing
 * (mixing.ts) and decoding to PNG grids (decode.ts). The codes files themselves are read by codes.ts.
 *
 * @packageDocumentation
 */
export {
  LatentModelSet, LatentSetError, loadAllLatentSets, parseManifest, streamSeed, LATENT_SET_FORMAT, LATENT_SET_VERSION, MANIFEST_FILE,
  classModelFromJSON, modelTypeOf, type Codes, type ComponentSamples, type LatentClassEntry, type LatentClassModel, type LatentModelType, type LatentSetManifest,
} from './model-set.ts';
export { MIX_MODES, MixWeightsError, mixClasses, normalizeClassWeights, parseClassWeights, type ClassWeights, type ClassWeightsInput, type MixMode, type MixResult } from './mixing.ts';
export { fitLatentSet, fitClassCodes, splitByClass, classGaussians, unsupervisedSubset, classFile, classSeed, LATENT_FIT_DEFAULTS, type FitLatentOptions, type FitProgress, type LabeledCodes, type ClassFitTask } from './fit.ts';
export { decodeCodes, codesGridPng, componentGridPng, imagesGridPng, type DecodedImages, type GridPngOptions } from './decode.ts';
