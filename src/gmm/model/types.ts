/**
 * Shared types of the GMM library. Everything here is plain float64 typed arrays, row-major:
 * no tfjs. A d-dimensional point set of n points is `{ n, d, data }` with data[i*d + j].
 */

/** n points in d dimensions, row-major: data[i * d + j]. */
export interface Points {
  n: number;
  d: number;
  data: Float64Array;
}

/**
 * How the component covariances are parametrised (scikit-learn's `covariance_type`):
 * - 'full': each component its own d × d covariance Σ_c;
 * - 'diag': each component its own diagonal covariance diag(σ²_c1, …, σ²_cd);
 * - 'tied': one d × d covariance Σ shared by all components;
 * - 'spherical': each component one variance, Σ_c = σ²_c I.
 */
export type CovarianceType = 'full' | 'diag' | 'tied' | 'spherical';

/**
 * Raw parameters of a d-dimensional Gaussian mixture with k components.
 * - weights: length k, non-negative, summing to 1.
 * - means: k × d row-major.
 * - covariances, row-major, by covarianceType: 'full' k × d × d; 'diag' k × d (variances); 'tied' d × d (the one
 *   shared matrix); 'spherical' k (one variance per component). The same shapes as scikit-learn's `covariances_`.
 */
export interface GMMParams {
  k: number;
  d: number;
  covarianceType: CovarianceType;
  weights: Float64Array;
  means: Float64Array;
  covariances: Float64Array;
}

/**
 * A 1-D Gaussian mixture: sum_k w_k N(mu_k, sigma_k^2). sigma_k = 0 is a point mass
 * (the sliced-Cramér paper treats data points as zero-variance components).
 */
export interface Mixture1D {
  weights: Float64Array;
  means: Float64Array;
  sds: Float64Array;
}

/** What every fitter records, step by step. */
export interface FitHistory {
  /** Name of the loss recorded in `loss` (e.g. 'nll', 'sw2', 'sc2', 'mmd', 'L'). */
  lossName: string;
  /** Loss after each step/iteration. */
  loss: number[];
  /** Seconds since the start of the fit at each recorded step. */
  time: number[];
  /** Mean negative log-likelihood of the training points at the end (when the target is points). */
  finalNll?: number;
  iterations: number;
  converged: boolean;
  /** Total wall time in seconds. */
  wallTime: number;
  /** History of the second stage run after the main fit (SW's EM finish, SC2's NLL fine-tune). */
  fineTune?: FitHistory;
  /** NLL descent: the step whose iterate was returned (the best one seen; 0 = the start). */
  bestStep?: number;
  /** With fitGMM's nInit > 1: every start's seed and the NLL it was ranked by (starts.ts); this history is the winner's. */
  starts?: { seed: number; nll: number }[];
}
