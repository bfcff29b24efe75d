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
 * Fitters are kept in a registry; `registerFitter` adds or replaces one, declaring the covariance types it fits
 * (default 'full' and 'diag'; EM fits all four). fitGMM itself
 *  - refuses a covarianceType the method does not fit, naming the ones it does and the methods that fit the asked one;
 *  - hands the distance-based fitters a tied / spherical target GMM as the same mixture in full / diag form;
 *  - runs `nInit` seeded starts and keeps the best (starts.ts; default 1), for every method.
 *
 * Warm start (scikit-learn's `warm_start`): pass a fitted GMM as `init` to continue from it, e.g.
 *   const more = fitGMM('em', points, { k: gmm.k, init: gmm, covarianceType: gmm.covarianceType, maxIter: 50 });
 * The fit starts from exactly that mixture (converted with GMM.withCovarianceType when covarianceType differs).
 */
import type { CovarianceType, Points } from '../model/types.ts';
import { COVARIANCE_TYPES, GMM } from '../model/gmm.ts';
import { factorLayout } from '../model/density.ts';
import { GMMOptionError, optional, optionsObject, PER_COMPONENT_TYPES, positiveInt } from './options.ts';
import { bestOfStarts } from './starts.ts';
import { describe } from '../model/points.ts';
import { EM_COVARIANCE_TYPES, fitEM } from './em.ts';
import { fitNLL } from './nll.ts';
import { fitSW } from './sw.ts';
import { fitSC2 } from './sc2.ts';
import { fitMMD } from './mmd.ts';
import { fitFixedBasis } from './fixed-basis.ts';
import { FIT_METHODS, type FitMethod, type FitResult, type Fitter } from './contract.ts';

export { FIT_METHODS, type CommonFitOptions, type FitMethod, type FitResult, type Fitter } from './contract.ts';


const registry = new Map<FitMethod, { fit: Fitter; covarianceTypes: readonly CovarianceType[] }>();

/**
 * Adds (or replaces) the fitter of a method, with the covariance types it fits (default 'full' and 'diag', the
 * types the gradient-based fitters parametrise; fitGMM refuses the others before the fitter runs).
 */
export function registerFitter(method: FitMethod, fn: Fitter, covarianceTypes: readonly CovarianceType[] = PER_COMPONENT_TYPES): void {
  if (!FIT_METHODS.includes(method)) throw new GMMOptionError(`registerFitter: unknown method ${describe(method)}; expected one of ${FIT_METHODS.join(', ')}`);
  if (typeof fn !== 'function') throw new GMMOptionError(`registerFitter: fitter for '${method}' must be a function`);
  const bad = covarianceTypes.filter((t) => !COVARIANCE_TYPES.includes(t));
  if (covarianceTypes.length === 0 || bad.length) throw new GMMOptionError(`registerFitter: covariance types of '${method}' must be some of ${COVARIANCE_TYPES.join(', ')}, got ${describe(covarianceTypes)}`);
  registry.set(method, { fit: fn, covarianceTypes: [...covarianceTypes] });
}

/** The covariance types a method fits (empty when it has no registered fitter). */
export function fitterCovarianceTypes(method: FitMethod): CovarianceType[] {
  return [...(registry.get(method)?.covarianceTypes ?? [])];
}

/** Methods that currently have a fitter. */
export function availableFitMethods(): FitMethod[] {
  return FIT_METHODS.filter((m) => registry.has(m));
}

/**
 * Fits a k-component GMM to the target (points, or a GMM for the distance-based methods). Options: CommonFitOptions
 * and the method's own (see the table above). Throws GMMOptionError for an unknown method or option, a bad value, or
 * a covarianceType the method does not fit; PointsError for malformed points.
 */
export function fitGMM(method: FitMethod, target: Points | GMM, options: Record<string, unknown>): FitResult {
  const where = `fitGMM('${method}')`;
  if (!FIT_METHODS.includes(method)) throw new GMMOptionError(`fitGMM: unknown method ${describe(method)}; expected one of ${FIT_METHODS.map((m) => `'${m}'`).join(', ')}`);
  const entry = registry.get(method);
  if (!entry) throw new GMMOptionError(`fitGMM: method '${method}' has no registered fitter (available: ${availableFitMethods().join(', ')})`);
  if (!(target instanceof GMM) && (target === null || typeof target !== 'object' || !(target.data instanceof Float64Array))) {
    throw new GMMOptionError(`fitGMM: target must be Points {n, d, data: Float64Array} or a GMM, got ${describe(target)}`);
  }
  const { nInit, ...rest } = optionsObject(options, where);
  const starts = optional('nInit', nInit, 1, positiveInt);
  const type = rest.covarianceType;
  if (typeof type === 'string' && COVARIANCE_TYPES.includes(type as CovarianceType) && !entry.covarianceTypes.includes(type as CovarianceType)) {
    const others = availableFitMethods().filter((m) => registry.get(m)!.covarianceTypes.includes(type as CovarianceType));
    throw new GMMOptionError(
      `${where}: covarianceType '${type}' is not supported; '${method}' fits ${entry.covarianceTypes.map((t) => `'${t}'`).join(', ')}` +
        (others.length ? ` (methods that fit '${type}': ${others.map((m) => `'${m}'`).join(', ')})` : ''),
    );
  }
  // The distance-based fitters read a target GMM's covariances per component: tied → full, spherical → diag.
  const t = target instanceof GMM && target.covarianceType !== factorLayout(target.covarianceType) ? target.withCovarianceType(factorLayout(target.covarianceType)) : target;
  return bestOfStarts((o) => entry.fit(t, o), t, rest, starts, where);
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

registerFitter('em', pointsOnly('em', fitEM), EM_COVARIANCE_TYPES);
registerFitter('nll', pointsOnly('nll', fitNLL));
registerFitter('sw', (t, o) => fitSW(t, o));
registerFitter('sc2', (t, o) => fitSC2(t, o));
registerFitter('mmd', (t, o) => fitMMD(t, o));
registerFitter('fixed-basis', (t, o) => fitFixedBasis(t, o));
