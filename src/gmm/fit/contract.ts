/**
 * The types of the fitting contract (fit.ts fitGMM), shared by every fitter and the registry: the method names, the
 * options every method accepts, and what a fit returns. This module imports neither the registry nor a fitter, so
 * the fitters can name FitResult without an import cycle.
 */
import type { CovarianceType, FitHistory, Points } from '../model/types.ts';
import type { GMM } from '../model/gmm.ts';
import type { OnStep } from './options.ts';

export type FitMethod = 'em' | 'nll' | 'sw' | 'sc2' | 'fixed-basis' | 'mmd';
export const FIT_METHODS: readonly FitMethod[] = ['em', 'nll', 'sw', 'sc2', 'fixed-basis', 'mmd'];

export interface CommonFitOptions {
  /** Number of components. */
  k: number;
  /** Seed of every random choice (init, minibatches, directions). Default 0. */
  seed?: number;
  /**
   * Initialisation (init.ts): k-means++ (+ Lloyd), random data points, small components around the data mean
   * (the SW-GMM authors' demo start), or a given GMM. Default 'kmeans++'.
   */
  init?: 'kmeans++' | 'random' | 'small' | GMM;
  /** 'full' (default), 'diag', 'tied' or 'spherical' (types.ts); each method declares which it fits. */
  covarianceType?: CovarianceType;
  /** Seeded starts (seed, seed + 1, …); the one with the lowest NLL is returned (starts.ts). Default 1. */
  nInit?: number;
  maxIter?: number;
  tol?: number;
  /** Added to covariance diagonals (default 1e-6, like scikit-learn). */
  regCovar?: number;
  /** Called after every step; return false to stop. */
  onStep?: OnStep;
}

export interface FitResult {
  gmm: GMM;
  history: FitHistory;
}

export type Fitter = (target: Points | GMM, options: Record<string, unknown>) => FitResult;
