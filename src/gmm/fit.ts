/**
 * The one fitting contract: fitGMM(method, target, options) → { gmm, history }.
 *
 *   method     target            loss (history.lossName)           module
 *   'em'       Points            mean NLL per iteration ('nll')    em.ts           (fitEM)
 *   'nll'      Points            mean NLL per step ('nll')         nll.ts          (fitNLL)
 *   'sw'       Points | GMM      sliced Wasserstein               sw.ts           (fitSW)
 *   'sc2'      Points | GMM      sliced Cramér 2                   sc2.ts          (fitSC2)
 *   'fixed-basis' Points | GMM   fixed-basis L                     fixed-basis.ts  (fitFixedBasis)
 *   'mmd'      Points | GMM      MMD²                              mmd.ts          (fitMMD)
 *
 * Every fitter accepts CommonFitOptions plus its own options, rejects unknown option names
 * (options.ts: validateCommon), is deterministic for a given seed, and records a FitHistory.
 * Fitters are kept in a registry; `registerFitter` adds or replaces one.
 */
import type { CovarianceType, FitHistory, Points } from './types.ts';
import { GMM } from './gmm.ts';
import { GMMOptionError, optionsObject, type OnStep } from './options.ts';
import { describe } from './points.ts';
import { fitEM } from './em.ts';
import { fitNLL } from './nll.ts';
import { fitSW } from './sw.ts';
import { fitSC2 } from './sc2.ts';
import { fitMMD } from './mmd.ts';
import { fitFixedBasis } from './fixed-basis.ts';

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
  covarianceType?: CovarianceType;
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

const registry = new Map<FitMethod, Fitter>();

/** Adds (or replaces) the fitter of a method. */
export function registerFitter(method: FitMethod, fn: Fitter): void {
  if (!FIT_METHODS.includes(method)) throw new GMMOptionError(`registerFitter: unknown method ${describe(method)}; expected one of ${FIT_METHODS.join(', ')}`);
  if (typeof fn !== 'function') throw new GMMOptionError(`registerFitter: fitter for '${method}' must be a function`);
  registry.set(method, fn);
}

/** Methods that currently have a fitter. */
export function availableFitMethods(): FitMethod[] {
  return FIT_METHODS.filter((m) => registry.has(m));
}

/** Fits a k-component GMM to the target (points, or a GMM for the distance-based methods). */
export function fitGMM(method: FitMethod, target: Points | GMM, options: Record<string, unknown>): FitResult {
  if (!FIT_METHODS.includes(method)) throw new GMMOptionError(`fitGMM: unknown method ${describe(method)}; expected one of ${FIT_METHODS.map((m) => `'${m}'`).join(', ')}`);
  const fn = registry.get(method);
  if (!fn) throw new GMMOptionError(`fitGMM: method '${method}' has no registered fitter (available: ${availableFitMethods().join(', ')})`);
  if (!(target instanceof GMM) && (target === null || typeof target !== 'object' || !(target.data instanceof Float64Array))) {
    throw new GMMOptionError(`fitGMM: target must be Points {n, d, data: Float64Array} or a GMM, got ${describe(target)}`);
  }
  return fn(target, optionsObject(options, `fitGMM('${method}')`));
}

/** For fitters defined on point sets only. */
function pointsOnly(method: FitMethod, fit: (p: Points, o: Record<string, unknown>) => FitResult): Fitter {
  return (target, options) => {
    if (target instanceof GMM) {
      throw new GMMOptionError(`fitGMM: method '${method}' fits a point set, got a GMM target (sample it first: gmm.sample(n, seed).points)`);
    }
    return fit(target, options);
  };
}

registerFitter('em', pointsOnly('em', fitEM));
registerFitter('nll', pointsOnly('nll', fitNLL));
registerFitter('sw', (t, o) => fitSW(t, o));
registerFitter('sc2', (t, o) => fitSC2(t, o));
registerFitter('mmd', (t, o) => fitMMD(t, o));
registerFitter('fixed-basis', (t, o) => fitFixedBasis(t, o));
