/**
 * Fitting a Gaussian mixture by minimising the MMD² with a Gaussian RBF kernel against points or a GMM
 * (Alon, Globerson & Wiesel, "On the optimization landscape of maximum mean discrepancy"); the closed-form
 * kernel terms and their gradients are in ../distances/mmd.ts.
 */
import type { GMMParams, Points } from '../model/types.ts';
import { Rng } from '../../util/rng.ts';
import { GMM } from '../model/gmm.ts';
import { HistoryRecorder } from './history.ts';
import { resolveInit } from './init.ts';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerName } from './optim.ts';
import {
  GMMOptionError, booleanOption, nonNegativeInt, oneOf, optional, positiveInt, positiveNumber, unitInterval, validateCommon,
} from './options.ts';
import { selectRows } from '../model/points.ts';
import type { FitResult } from './contract.ts';
import {
  FactorParams, FactorSteps, PlateauMonitor, batchBuffer, checkTarget, drawBatch, fitterSnapshot, scheduleFactor, identityFrame, optimizerExtras, paramsFrame, pointsToFrame, standardFrame, targetPoints, varianceFloor, type Frame,
} from './core.ts';
import { SW_DEFAULTS } from './sw.ts';
import { crossTerm, medianHeuristic, mmdPointsTerm, mmdSelfTerm, pointsKernelMean, type GradAcc } from '../distances/mmd.ts';

export const MMD_OPTION_KEYS = [
  'bandwidth', 'optimizer', 'lr', 'lrWeights', 'beta1', 'beta2', 'decay', 'momentum', 'eps', 'batchSize', 'nSamples', 'standardize',
  'schedule', 'lrFinal', 'window', 'minIter', 'minVariance',
] as const;

/**
 * Fits a GMM by gradient descent on the closed-form squared MMD (the MMD paper's one-sided population
 * loss: the model is a GMM, the target the empirical measure of the points, or another GMM in closed form).
 *
 * Parameters: weight logits (softmax), means, factors S with Sigma = S^T S + regCovar I (as SC2).
 * Options: bandwidth h in data units (default: the median heuristic on the target points, or on nSamples
 * samples of a GMM target), optimizer (default 'adam'), lr (default 0.02, standardised units; lrWeights
 * defaults to lr), batchSize (points per step, a seeded random subset; default all n points, so that the loss is
 * deterministic and the stopping rule below measures a plateau rather than minibatch noise — with minibatches the
 * estimate of MMD² near its optimum is mostly noise and the rule fires early), maxIter
 * (default 300; the stopping rule of sw.ts, PlateauMonitor with tol (default 2e-3) and window (default 50) steps,
 * ends it earlier once the loss has levelled off; tol = 0 runs every step), schedule ('cosine' default, decaying to
 * lrFinal·lr, or 'constant'), standardize (default true: the fit runs in sw.ts's standardised frame), minVariance
 * (in [0, 1); default 0 = none, the paper's fit: every variance kept at or above minVariance × the target's variance of that
 * coordinate, as fitSC2 does; with a kernel much wider than a component, as the median heuristic gives at d = 128,
 * MMD² hardly depends on a component's variance along a coordinate and the fit lets it fall to regCovar). The recorded loss
 * is MMD² in original units with the point-point term estimated once on at most 2000 points.
 */
export function fitMMD(target: Points | GMM, options: Record<string, unknown>): FitResult {
  const common = validateCommon(options, { allowed: MMD_OPTION_KEYS, where: 'fitMMD', defaults: { maxIter: 300, tol: SW_DEFAULTS.tol } });
  const window = optional('window', options.window, SW_DEFAULTS.window, positiveInt);
  const minIter = optional('minIter', options.minIter, 0, nonNegativeInt);
  checkTarget(target, 'fitMMD');
  const d = target.d;
  const optName = optional<OptimizerName>('optimizer', options.optimizer, 'adam', (n, v) => oneOf(n, v, OPTIMIZER_NAMES));
  const lr = optional('lr', options.lr, 0.02, positiveNumber);
  const lrW = optional('lrWeights', options.lrWeights, lr, positiveNumber);
  const nSamples = optional('nSamples', options.nSamples, 4000, positiveInt);
  const standardize = optional('standardize', options.standardize, true, booleanOption);
  const bandwidth0 = optional('bandwidth', options.bandwidth, undefined as number | undefined, positiveNumber);
  const schedule = optional('schedule', options.schedule, 'cosine' as const, (n, v) => oneOf(n, v, ['constant', 'cosine'] as const));
  const lrFinal = optional('lrFinal', options.lrFinal, 0.02, unitInterval);
  const extras = optimizerExtras(options);
  const minVariance = optional('minVariance', options.minVariance, 0, unitInterval);
  const isGMM = target instanceof GMM;
  if (!isGMM && common.k > target.n) throw new GMMOptionError(`fitMMD: k = ${common.k} exceeds the number of points n = ${target.n}`);
  let batchSize = 0;
  if (!isGMM) {
    batchSize = optional('batchSize', options.batchSize, target.n, positiveInt);
    if (batchSize > target.n) throw new GMMOptionError(`option batchSize (${batchSize}) exceeds the number of points n = ${target.n}`);
  } else if (options.batchSize !== undefined) throw new GMMOptionError('fitMMD: option batchSize applies to a point target only');

  const frame: Frame = standardize ? standardFrame(target) : identityFrame(d);
  const refPts = pointsToFrame(targetPoints(target, nSamples, common.seed), frame);
  const h = bandwidth0 !== undefined ? bandwidth0 / frame.scale : medianHeuristic(refPts, { maxPoints: 1000, seed: common.seed });
  const init = paramsFrame(resolveInit(target, common).params(), frame, 1);
  const { k, covarianceType } = init;
  const fLen = covarianceType === 'full' ? d * d : d;
  const fp = new FactorParams(init, common.regCovar / (frame.scale * frame.scale), varianceFloor(target, frame, minVariance), 'fitMMD');
  const { params } = fp;
  const stepper = new FactorSteps(fp, (rate, size) => createOptimizer({ name: optName, lr: rate, ...extras }, size), { weights: lrW, means: lr, factors: lr });
  const rng = new Rng(common.seed).fork();
  const targetParams = isGMM ? paramsFrame(target.params(), frame, 1) : null;
  const pts = isGMM ? null : pointsToFrame(target, frame);
  const batch = pts && batchBuffer(pts, batchSize);
  // Target-target term (constant): closed form for a GMM, else estimated on <= 2000 points.
  const ttPts = pts ? (pts.n > 2000 ? selectRows(pts, rng.permutation(pts.n).subarray(0, 2000)) : pts) : null;
  const tt = targetParams ? mmdSelfTerm(targetParams, h, null) : pointsKernelMean(ttPts!, h);
  let steps = 0, converged = false;
  const snapshot = fitterSnapshot('fitMMD', 'lower lr or increase regCovar', params, frame, { method: 'mmd', bandwidth: h * frame.scale, seed: common.seed }, () => steps);
  const rec = new HistoryRecorder('mmd2', common.onStep);
  const monitor = new PlateauMonitor(common.tol, window, minIter);
  const grad: GradAcc = { dW: new Float64Array(k), dM: new Float64Array(k * d), dC: new Float64Array(k * fLen) };
  const fullParams = (): GMMParams => params;
  for (let step = 0; step < common.maxIter; step++) {
    fp.sync();
    if (pts) drawBatch(pts, batch!, rng);
    grad.dW.fill(0); grad.dM.fill(0); grad.dC.fill(0);
    let value: number;
    try {
      value = mmdSelfTerm(fullParams(), h, grad) + (targetParams ? crossTerm(params, targetParams, h, -2, 1, grad) : mmdPointsTerm(params, batch!, h, grad)) + tt;
    } catch (e) {
      throw new GMMOptionError(`fitMMD: ${(e as Error).message} at step ${step}; lower lr or increase regCovar`);
    }
    if (!Number.isFinite(value)) throw new GMMOptionError(`fitMMD: the loss became ${value} at step ${step}; lower lr`);
    steps = step + 1;
    const go = rec.record(value, snapshot);
    if (monitor.update(step, value)) { converged = true; break; }
    if (!go) break;
    stepper.step(grad.dW, grad.dM, grad.dC, scheduleFactor(schedule, step, common.maxIter, lrFinal));
    fp.project();
  }
  fp.sync();
  const gmm = snapshot();
  return { gmm, history: rec.finish({ iterations: steps, converged, finalNll: isGMM ? undefined : gmm.nll(target) }) };
}
