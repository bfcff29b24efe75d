/**
 * Public API of the GMM library (pure float64, no tfjs).
 */
export type { CovarianceType, FitHistory, GMMParams, Mixture1D, Points } from './types.ts';
export { GMM, GMMValidationError, GMM_JSON_FORMAT, GMM_JSON_VERSION, type GMMJson } from './gmm.ts';
export { pointsFromRows, pointsFromFlat, validatePoints, PointsError, pointsMoments, selectRows, sliceRows } from './points.ts';
export {
  cholesky, choleskyInto, choleskySolve, identity, inverseFromCholesky, invertLower, logDetFromCholesky, matmul, matvec,
  NotPositiveDefiniteError, projectPSD, solve, solveLower, solveLowerRows, solveLowerT, symEigen, symmetrize, transpose,
  type SymEigen,
} from './linalg.ts';
export { estimateLogProb, logSumExpRows, precisionFactors, weightedScatter, type PrecisionFactors } from './density.ts';
export { initGMM, kmeansPlusPlus, lloyd, resolveInit, type InitOptions } from './init.ts';
export { createOptimizer, OPTIMIZER_NAMES, type Optimizer, type OptimizerName, type OptimizerOptions } from './optim.ts';
export {
  COMMON_OPTION_KEYS, GMMOptionError, booleanOption, finiteNumber, nonNegativeInt, nonNegativeNumber, oneOf, optional,
  positiveInt, positiveNumber, probability, rejectUnknown, unitInterval, validateCommon, type OnStep, type ResolvedCommonOptions,
} from './options.ts';
export { HistoryRecorder } from './history.ts';
export { FIT_METHODS, availableFitMethods, fitGMM, registerFitter, type CommonFitOptions, type FitMethod, type FitResult, type Fitter } from './fit.ts';
export { fitEM, runEM } from './em.ts';
export { kernelWorkerCount, shutdownKernelPool, startKernelPool, wasmUnavailableReason } from './wasm/engine.ts';
export { randomMixture } from './synthetic.ts';
export { fitNLL } from './nll.ts';
export { fitSW, PlateauMonitor, SW_DEFAULTS, SW_OPTION_KEYS, standardFrame, type SWFitOptions } from './sw.ts';
export { fitSC2, SC2_OPTION_KEYS, type SC2FitOptions } from './sc2.ts';
export { fitMMD, MMD_OPTION_KEYS, mmd2, mmd2Grad, medianHeuristic } from './mmd.ts';
export {
  fitFixedBasis, fitFixedBasis1D, fixedBasisLoss, FixedBasisProduct, FIXED_BASIS_JSON_FORMAT, FIXED_BASIS_JSON_VERSION, FIXED_BASIS_OPTION_KEYS, logMixturePdf,
  type FixedBasisProductJson,
} from './fixed-basis.ts';
export { slicedCramer2, slicedCramer2Grad, cramer2 } from './cramer.ts';
export { slicedWasserstein, wasserstein1D, randomDirections } from './wasserstein.ts';
