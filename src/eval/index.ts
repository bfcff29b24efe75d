/**
 * Evaluation of generated digits and latent GMMs (issue 5): class accuracy and confusion matrices, component
 * purity, fooling rate (the SW-GMM paper's Figure 8 discriminator) and Fréchet distance of classifier features.
 *
 * @packageDocumentation
 */
export { confusionMatrix, perClassAccuracy, componentPurity, mixturePurity, type ComponentPurity } from './classes.ts';
export { frechetDistance, frechetFromStats, gaussianStats, sqrtmPSD, type FeatureSet, type GaussianStats } from './frechet.ts';
export { buildFoolingDiscriminator, discriminatorRun, foolingRate, meanOf, sdOf, FIGURE8_HIDDEN, type FoolingOptions, type FoolingRate, type FoolingRun } from './fooling.ts';
export { classifyImages, featuresOfImages, perClassAccuracyOf, gmmPurity, type ClassAccuracyResult, type PurityResult } from './generated.ts';
export { confusionMatrixSvg, type ConfusionSvgOptions } from './confusion-svg.ts';
