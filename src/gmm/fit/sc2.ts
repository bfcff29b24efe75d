/**
 * Sliced Cramér 2 fitting of a Gaussian mixture (Zhang 2023, §4.2 and its experiment):
 *
 *   min_{z, mu, S}  S_2^2(G, target) = (1/L) sum_l C_2^2(<G, nu_l>, <target, nu_l>),
 *   G = (softmax(z), mu, Sigma = S^T S),
 *
 * with the closed-form C_2^2 of cramer.ts. The target is a point set (the empirical measure, points as
 * zero-variance components) **or another GMM, fitted directly without sampling** (its slices are 1-D
 * mixtures). Every step uses a fresh set of directions: for d = 2 the paper's L equidistant directions on
 * the half circle ("heptagon", L = 7) rotated by a random angle each step; otherwise L uniform random unit
 * vectors.
 *
 * Optimiser: the paper's Lion (default) or Adam, with the paper's separate learning rates for the weight
 * logits z, the means mu and the factors S (defaults 5e-6, 2e-2, 3e-3, its ring-line-square values, times
 * √(2/d) above d = 2; the paper recommends lrWeights <= lrMeans / 1000). Steps: at most maxIter (default 1200, the paper's count); the
 * stopping rule of sw.ts (PlateauMonitor: relative decrease of the smoothed loss per `window` steps below tol,
 * default 2e-3; tol = 0 runs all maxIter steps) ends the fit earlier once the loss has levelled off.
 * schedule: 'constant' (default, the paper) or 'cosine' (decay to lrFinal·lr, damps the direction noise).
 *
 * NLL phase (the paper's SC2+NLL): `nllSteps` further steps of full-batch gradient descent on the NLL (nll.ts,
 * from the SC2 result, on the EM WebAssembly kernels). Default optimiser **Adam with one rate 0.01** (nll.ts's
 * default), not the paper's Lion at the SC2 rates: on the ring–line–square data (K = 10, 6 inits) Lion at the SC2
 * rates ends 0/6 at the optimal NLL (1.676–1.682 against the optimum 1.653; 1000 steps instead of 200 end at the
 * same place, so it is not the step count) while Adam at 0.01 reaches it from every SC2 result tried. Lion moves
 * every coordinate by exactly ±lr per step whatever the gradient's size, so with constant rates it can only
 * circle the optimum at the distance of one step — 3e-3 on a factor entry is a large relative change for the
 * thin components of the ring and the line (standard deviations of a few 1e-2) — and its weight rate 5e-6 freezes
 * the weights for the phase (at most 1e-3 change of a logit in 200 steps); Adam's step shrinks where the gradient's
 * sign flips. `nllOptimizer: 'lion'` gives the paper's SC2+NLL (the SC2 phase's three rates); `nllLr` sets one rate
 * for every group. nll.ts returns its best iterate, so the phase never raises the NLL. For a GMM target the NLL is
 * taken on `nSamples` samples of it. Its history is attached as history.fineTune.
 *
 * Variances at high dimension. In d = 128 (autoencoder codes, diagonal covariances) a single coordinate's
 * variance barely changes any random slice (it enters with weight theta_j^2 ~ 1/d), so its SC2 gradient is
 * mostly direction- and batch-sampling noise; Lion moves every factor entry by exactly ±lr per step whatever
 * the gradient's size, and its slowly decaying momentum (beta2 = 0.99) keeps the sign of that noise for tens
 * of steps: the factors random-walk, and within a few hundred steps some of the 1280 per-coordinate variances
 * of a 10-component fit cross 0 (measured: the smallest variance / data variance fell from 0.13 to 2e-5
 * while the median stayed at 0.4 and the SC2 loss did not change; more directions do not help, the sign of
 * the noise is what moves). Hence: (1) above d = 2 the default rates are the paper's times √(2/d): a Lion step
 * moves a d-vector by lr·√d, so this keeps the step length the paper's rates give in its 2-D experiments (and
 * the noise-driven walk √(2/d) times shorter); (2) `minVariance` (default 1e-2): every variance is kept at or
 * above minVariance × the target's variance of that coordinate (data units, see sw.ts FactorParams.project);
 * (3) SC2+NLL (nllSteps > 0), whose likelihood sees every coordinate, repairs the per-coordinate variances.
 *
 * Implementation choices (documented): the fit runs in the standardised frame of sw.ts (data mean
 * subtracted, divided by one scalar s = RMS standard deviation), so the learning rates are in units of the
 * data's spread (the ring-line-square data has s ≈ 1, so the paper's values carry over); history losses are
 * reported in original units (C_2^2 scales with s). `batchSize` (default min(n, 1024)) draws a seeded random
 * subset of the points per step: E_batch C_2^2(G, batch) = C_2^2(G, data) + a term that does not depend on G
 * (the batch CDF is unbiased for the data CDF), so minibatches leave the minimiser unchanged — unlike SW.
 */
import type { Points } from '../model/types.ts';
import { Rng } from '../../util/rng.ts';
import { GMM } from '../model/gmm.ts';
import { HistoryRecorder } from './history.ts';
import { resolveInit } from './init.ts';
import { createOptimizer, type Optimizer } from './optim.ts';
import {
  GMMOptionError, booleanOption, nonNegativeInt, oneOf, optional, positiveInt, positiveNumber, unitInterval, validateCommon, type OnStep,
} from './options.ts';
import type { CommonFitOptions, FitResult } from './contract.ts';
import { circleDirections, randomDirections } from '../distances/wasserstein.ts';
import { cramerTargetSlices, slicedCramer2GradWithSlices } from '../distances/cramer.ts';
import { FactorParams, FactorSteps, PlateauMonitor, fitterSnapshot, batchBuffer, checkTarget, drawBatch, scheduleFactor, identityFrame, optimizerExtras, paramsFrame, pointsToFrame, standardFrame, targetPoints, varianceFloor, type Frame } from './core.ts';
import { SW_DEFAULTS } from './sw.ts';
import { fitNLL } from './nll.ts';

export const SC2_OPTION_KEYS = [
  'L', 'directions', 'optimizer', 'lrWeights', 'lrMeans', 'lrFactors', 'beta1', 'beta2', 'eps', 'batchSize', 'nSamples',
  'standardize', 'nllSteps', 'nllLr', 'nllOptimizer', 'schedule', 'lrFinal', 'minVariance', 'window', 'minIter',
] as const;

export interface SC2FitOptions extends CommonFitOptions {
  /** Most SC2 steps (default 1200, the paper's count). */
  maxIter?: number;
  /** Stopping rule (sw.ts PlateauMonitor): relative decrease of the smoothed loss per `window` steps (default 2e-3; 0 = run maxIter). */
  tol?: number;
  /** Time constant and check interval of the stopping rule, in steps (default 50). */
  window?: number;
  /** No stop before this many steps (default 0). */
  minIter?: number;
  /** Variance floor as a fraction of the target's variance of each coordinate (default 1e-2; 0 = none). */
  minVariance?: number;
  /** Directions per step (default 7 for d = 2, else 64). */
  L?: number;
  /** 'circle' (d = 2 only; default there) or 'random' (default for d != 2). */
  directions?: 'circle' | 'random';
  optimizer?: 'lion' | 'adam';
  lrWeights?: number;
  lrMeans?: number;
  lrFactors?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Points per step (seeded random subset; default min(n, 1024)). */
  batchSize?: number;
  /** Samples of a GMM target for initialisation and NLL fine-tuning (default 4000). */
  nSamples?: number;
  standardize?: boolean;
  /** NLL steps after SC2 (SC2+NLL; default 0). */
  nllSteps?: number;
  /** One learning rate for every group in the NLL phase (default 0.01 with Adam; with Lion the SC2 phase's three rates). */
  nllLr?: number;
  /** Optimiser of the NLL phase (default 'adam'; 'lion' = the paper's SC2+NLL, see the module comment). */
  nllOptimizer?: 'adam' | 'lion' | 'sgd' | 'rmsprop';
}

/** Fits a GMM by minimising the sliced Cramér 2-distance to points or to another GMM. */
export function fitSC2(target: Points | GMM, options: SC2FitOptions | Record<string, unknown>): FitResult {
  const opts = options as Record<string, unknown>;
  const common = validateCommon(opts, { allowed: SC2_OPTION_KEYS, where: 'fitSC2', defaults: { maxIter: 1200, tol: SW_DEFAULTS.tol } });
  checkTarget(target, 'fitSC2');
  const d = target.d;
  const dirMode = optional('directions', opts.directions, d === 2 ? 'circle' : 'random', (n, v) => oneOf(n, v, ['circle', 'random'] as const));
  if (dirMode === 'circle' && d !== 2) throw new GMMOptionError(`option directions 'circle' needs d = 2, the target has d = ${d}`);
  const L = optional('L', opts.L, d === 2 ? 7 : 64, positiveInt);
  const optName = optional('optimizer', opts.optimizer, 'lion' as const, (n, v) => oneOf(n, v, ['lion', 'adam'] as const));
  // The paper's rates are for d = 2; Lion moves every coordinate by exactly lr, so a d-vector moves lr·√d per step:
  // above d = 2 the rates are scaled by √(2/d) to keep the paper's step length (see the module comment).
  const dimScale = Math.min(1, Math.sqrt(2 / d));
  const lrW = optional('lrWeights', opts.lrWeights, 5e-6 * dimScale, positiveNumber);
  const lrM = optional('lrMeans', opts.lrMeans, 2e-2 * dimScale, positiveNumber);
  const lrS = optional('lrFactors', opts.lrFactors, 3e-3 * dimScale, positiveNumber);
  const nSamples = optional('nSamples', opts.nSamples, 4000, positiveInt);
  const standardize = optional('standardize', opts.standardize, true, booleanOption);
  const nllSteps = optional('nllSteps', opts.nllSteps, 0, nonNegativeInt);
  const nllLr = optional('nllLr', opts.nllLr, undefined as number | undefined, positiveNumber);
  const nllOptimizer = optional('nllOptimizer', opts.nllOptimizer, 'adam' as const, (n, v) => oneOf(n, v, ['adam', 'lion', 'sgd', 'rmsprop'] as const));
  const minVariance = optional('minVariance', opts.minVariance, 1e-2, unitInterval);
  const window = optional('window', opts.window, SW_DEFAULTS.window, positiveInt);
  const minIter = optional('minIter', opts.minIter, 0, nonNegativeInt);
  const schedule = optional('schedule', opts.schedule, 'constant' as const, (n, v) => oneOf(n, v, ['constant', 'cosine'] as const));
  const lrFinal = optional('lrFinal', opts.lrFinal, 0.02, unitInterval);
  // decay and momentum are not SC2 options (the optimizer is lion or adam): the unknown-option check refuses them.
  const extras = optimizerExtras(opts);
  const isGMM = target instanceof GMM;
  let batchSize = 0;
  if (!isGMM) {
    batchSize = optional('batchSize', opts.batchSize, Math.min(target.n, 1024), positiveInt);
    if (batchSize > target.n) throw new GMMOptionError(`option batchSize (${batchSize}) exceeds the number of points n = ${target.n}`);
    if (common.k > target.n) throw new GMMOptionError(`fitSC2: k = ${common.k} exceeds the number of points n = ${target.n}`);
  } else if (opts.batchSize !== undefined) throw new GMMOptionError('fitSC2: option batchSize applies to a point target only (a GMM target is fitted in closed form)');

  const frame: Frame = standardize ? standardFrame(target) : identityFrame(d);
  const init = paramsFrame(resolveInit(target, common).params(), frame, 1);
  const { k, covarianceType } = init;
  const fp = new FactorParams(init, common.regCovar / (frame.scale * frame.scale), varianceFloor(target, frame, minVariance), 'fitSC2');
  const { params } = fp;
  const stepper = new FactorSteps(fp, (lr, size): Optimizer => createOptimizer({ name: optName, lr, ...extras }, size), { weights: lrW, means: lrM, factors: lrS });
  const rng = new Rng(common.seed).fork();
  const targetParams = isGMM ? paramsFrame(target.params(), frame, 1) : null;
  const pts = isGMM ? null : pointsToFrame(target, frame);
  const batch = pts && batchBuffer(pts, batchSize);
  let steps = 0, converged = false;
  const snapshot = fitterSnapshot('fitSC2', 'lower the learning rates', params, frame, { method: 'sc2', L, seed: common.seed }, () => steps);
  const rec = new HistoryRecorder('sc2', common.onStep);
  const monitor = new PlateauMonitor(common.tol, window, minIter);
  const lossScale = frame.scale;
  for (let step = 0; step < common.maxIter; step++) {
    fp.sync();
    if (pts) drawBatch(pts, batch!, rng);
    const dirs = dirMode === 'circle' ? circleDirections(L, (rng.uniform() * Math.PI) / L) : randomDirections(L, d, rng);
    const slices = cramerTargetSlices(targetParams ?? batch!, dirs);
    const g = slicedCramer2GradWithSlices(params, slices, true);
    if (!Number.isFinite(g.value)) throw new GMMOptionError(`fitSC2: the loss became ${g.value} at step ${step}; lower the learning rates`);
    steps = step + 1;
    const loss = g.value * lossScale;
    const go = rec.record(loss, snapshot);
    if (monitor.update(step, loss)) { converged = true; break; }
    if (!go) break;
    stepper.step(g.dWeights, g.dMeans, g.dCovariances, scheduleFactor(schedule, step, common.maxIter, lrFinal));
    fp.project();
  }
  fp.sync();
  let gmm = snapshot();
  const history = rec.finish({ iterations: steps, converged });
  if (nllSteps > 0) {
    const nllTarget = isGMM ? targetPoints(target, nSamples, common.seed) : target;
    // Lion without nllLr: the paper's SC2+NLL (the SC2 phase's three rates); otherwise one rate (default nll.ts's 0.01).
    const rates = nllLr !== undefined ? { lr: nllLr } : nllOptimizer === 'lion' ? { lrWeights: lrW, lrMeans: lrM, lrFactors: lrS } : {};
    const ft = fitNLL(nllTarget, {
      k, init: gmm, covarianceType, maxIter: nllSteps, tol: 0, optimizer: nllOptimizer, ...rates, regCovar: common.regCovar, seed: common.seed,
      ...(common.onStep ? { onStep: ((s) => common.onStep!({ ...s, step: steps + s.step })) satisfies OnStep } : {}),
    });
    gmm = ft.gmm.withMeta({ method: 'sc2+nll', L, seed: common.seed, nllSteps });
    history.fineTune = ft.history;
    history.wallTime += ft.history.wallTime;
  }
  if (!isGMM) history.finalNll = gmm.nll(target);
  return { gmm, history };
}
