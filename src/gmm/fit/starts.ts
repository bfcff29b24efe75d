/**
 * `nInit`: the best of several seeded starts, for every fitter behind fitGMM (scikit-learn's `n_init`).
 *
 * Start r = 0 … nInit − 1 runs the fitter with seed + r, so each start has its own initialisation (k-means++ or
 * random) and its own minibatches and slicing directions. The winner is the start whose fitted mixture gives the
 * lowest mean negative log-likelihood
 *   - of the target points, for a point target (history.finalNll, which every fitter records);
 *   - of SELECTION_SAMPLE points drawn once from a target GMM (the same points for every start: a Monte Carlo
 *     estimate of the cross-entropy −E_target log p, i.e. of KL(target ‖ fit) up to a constant).
 * The NLL, not each fitter's own loss, is the yardstick because it is exact and deterministic for every method:
 * the sliced losses are estimates over random directions that differ from start to start. For EM it is, as in
 * scikit-learn, the likelihood (scikit-learn compares the lower bound of the last E-step, i.e. the parameters
 * before the final M-step; we compare the returned parameters; the two differ by less than tol).
 *
 * The winner's FitResult is returned as the fitter made it, with history.starts listing every start's seed and
 * NLL. onStep sees the steps of every start (each start counts its steps from 0). nInit > 1 with a fixed initial
 * GMM (init: gmm, the warm start) is refused: the starts would differ only by their minibatches.
 */
import type { FitHistory, Points } from '../model/types.ts';
import { GMM } from '../model/gmm.ts';
import { finiteNumber, GMMOptionError, optional } from './options.ts';
import { Rng } from '../../util/rng.ts';
import type { FitResult } from './contract.ts';

/** Points drawn from a target GMM to compare the starts. */
export const SELECTION_SAMPLE = 10_000;

/**
 * Runs `fit` nInit times with seeds seed, seed + 1, … and returns the start with the lowest NLL (module comment).
 * `options` are the fitter's options without nInit. Throws GMMOptionError for nInit > 1 with a GMM init.
 */
export function bestOfStarts(
  fit: (options: Record<string, unknown>) => FitResult, target: Points | GMM, options: Record<string, unknown>, nInit: number,
  where: string,
): FitResult {
  if (nInit === 1) return fit(options);
  if (options.init instanceof GMM) {
    throw new GMMOptionError(`${where}: nInit = ${nInit} needs seeded initialisations (init 'kmeans++' or 'random'); init is a fixed GMM, so every start would begin from it`);
  }
  const seed = optional('seed', options.seed, 0, finiteNumber);
  let yardstick: Points | undefined;
  if (target instanceof GMM) {
    const rng = new Rng(seed);
    rng.fork(); // the first fork is the stream the fitters sample a GMM target with
    yardstick = target.sample(SELECTION_SAMPLE, rng.fork()).points;
  }
  let best: FitResult | undefined;
  let bestNll = Infinity;
  const starts: NonNullable<FitHistory['starts']> = [];
  for (let r = 0; r < nInit; r++) {
    const res = fit({ ...options, seed: seed + r });
    const nll = yardstick ? res.gmm.nll(yardstick) : res.history.finalNll ?? res.gmm.nll(target as Points);
    starts.push({ seed: seed + r, nll });
    // Ties keep the earlier start; a NaN NLL only wins when every start has one.
    if (!best || nll < bestNll || (Number.isNaN(bestNll) && !Number.isNaN(nll))) { best = res; bestNll = nll; }
  }
  best!.history.starts = starts;
  return best!;
}
