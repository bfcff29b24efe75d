/**
 * gmmgen's GMM library (`gmmgen/gmm`): Gaussian mixtures with scikit-learn's four covariance types, their densities,
 * sampling and JSON, the distances between mixtures and point sets (sliced Wasserstein, sliced Cramér 2, MMD, the
 * fixed-basis loss) and the fitters behind one contract, `fitGMM(method, target, options)` (EM, NLL gradient
 * descent, SW, SC2, fixed basis, MMD). Pure float64 JavaScript plus EM's WebAssembly kernels: it loads no tfjs,
 * sharp or express.
 *
 * @packageDocumentation
 */
export type { CovarianceType, FitHistory, GMMParams, Mixture1D, Points } from './model/types.ts';
export {
  GMM, GMMValidationError, GMM_JSON_FORMAT, GMM_JSON_VERSION, COVARIANCE_TYPES, constrainCovariances, covarianceLength, isCovarianceType,
  type GMMJson,
} from './model/gmm.ts';
export { pointsFromRows, pointsFromFlat, validatePoints, PointsError, pointsMoments, selectRows, sliceRows } from './model/points.ts';
export {
  cholesky, choleskyInto, choleskySolve, identity, inverseFromCholesky, invertLower, logDetFromCholesky, matmul, matvec,
  NotPositiveDefiniteError, projectPSD, solve, solveLower, solveLowerRows, solveLowerT, symEigen, symEigenRows, symmetrize,
  transpose, type CholeskyOptions, type SymEigen, type SymEigenRows,
} from './linalg/dense.ts';
export { estimateLogProb, factorLayout, logSumExpRows, precisionFactors, weightedScatter, type PrecisionFactors, type ScatterScratch } from './model/density.ts';
export { initGMM, kmeansPlusPlus, lloyd, resolveInit, type InitMethod, type InitOptions } from './fit/init.ts';
export { createOptimizer, OPTIMIZER_NAMES, type Optimizer, type OptimizerName, type OptimizerOptions } from './fit/optim.ts';
export {
  COMMON_OPTION_KEYS, GMMOptionError, PER_COMPONENT_TYPES, booleanOption, finiteNumber, nonNegativeInt, nonNegativeNumber, oneOf, optional,
  positiveInt, positiveNumber, probability, rejectUnknown, unitInterval, validateCommon, type OnStep, type ResolvedCommonOptions,
  type ValidateCommonSpec,
} from './fit/options.ts';
export { HistoryRecorder } from './fit/history.ts';
export {
  FIT_METHODS, availableFitMethods, fitGMM, fitterCovarianceTypes, registerFitter, type CommonFitOptions, type FitMethod, type FitResult, type Fitter,
} from './fit/registry.ts';
export { bestOfStarts, SELECTION_SAMPLE } from './fit/starts.ts';
export { EM_COVARIANCE_TYPES, fitEM, runEM } from './fit/em.ts';
export { kernelWorkerCount, shutdownKernelPool, startKernelPool, wasmUnavailableReason } from './wasm/engine.ts';
export { randomMixture } from './model/synthetic.ts';
export { fitNLL } from './fit/nll.ts';
export { fitSW, SW_DEFAULTS, SW_OPTION_KEYS, type SWFitOptions } from './fit/sw.ts';
export { PlateauMonitor, standardFrame, type Frame } from './fit/core.ts';
export { fitSC2, SC2_OPTION_KEYS, type SC2FitOptions } from './fit/sc2.ts';
export { fitMMD, MMD_OPTION_KEYS } from './fit/mmd.ts';
export { mmd2, mmd2Grad, medianHeuristic, type MedianHeuristicOptions, type MMDGrad, type MMDOptions } from './distances/mmd.ts';
export {
  fitFixedBasis, fitFixedBasis1D, fixedBasisLoss, FixedBasisProduct, FIXED_BASIS_JSON_FORMAT, FIXED_BASIS_JSON_VERSION, FIXED_BASIS_OPTION_KEYS,
  logMixturePdf, type FixedBasis1D, type FixedBasis1DOptions, type FixedBasisMarginalJson, type FixedBasisProductJson,
} from './fit/fixed-basis.ts';
export { slicedCramer2, slicedCramer2Grad, cramer2, type CramerForm, type SlicedCramerGrad, type SlicedCramerOptions } from './distances/cramer.ts';
export {
  slicedWasserstein, wasserstein1D, randomDirections, type MixtureSlices, type SlicedWassersteinOptions, type Wasserstein1DMethod,
  type Wasserstein1DOptions,
} from './distances/wasserstein.ts';
export { Rng } from '../util/rng.ts';
