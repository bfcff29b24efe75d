/**
 * Sliced-Wasserstein fitting of a Gaussian mixture (Kolouri, Rohde & Hoffmann, CVPR 2018, §3.2):
 *
 *   min_{alpha, mu, Sigma}  SW_p^p(GMM, data) = E_theta W_p^p(R GMM(., theta), R data(., theta)).
 *
 * Every step (the paper's stochastic scheme, steps 1–4):
 *  1. draw L fresh random directions theta_l uniformly on S^{d-1};
 *  2. for each slice, the 1-D optimal transport between the GMM slice (w_k, mu_k.theta, sqrt(theta^T Sigma_k theta))
 *     and the sorted data slice: the i-th order statistic is matched with the GMM quantile at
 *     (i + 1/2)/n, Q found by the safeguarded Newton solver of mixture1d.ts (see wasserstein.ts);
 *  3. the gradient of (1/L) sum_l W_p^p with respect to the weights, means and covariances, through the
 *     quantile derivative dQ/dtheta = -(dF/dtheta)/f (wasserstein.ts, slicedGradUnchecked), and an
 *     RMSProp update (supplement Eq. 15: centred second moment with momentum; core optim.ts 'rmsprop');
 *  4. projection of each Sigma_k onto {Sigma symmetric, lambda_min >= minEig} (eigenvalue clipping,
 *     the PSD cone with a floor) and of the weights onto the simplex (clip at 0, renormalise).
 *
 * Implementation choices (documented deviations / additions):
 *  - quantile trick (option levels, default 256): per slice the GMM quantiles at 256 midpoint levels are
 *    matched with the empirical quantiles of all points at the same levels (wasserstein.ts
 *    slicedGradUnchecked) — 256 quantile solves per direction whatever n is. Minibatches (batchSize) are
 *    avoided by default: E_batch SW(G, batch) is minimised by a GMM shrunk towards the centre, because the
 *    extreme order statistics of a small batch are less extreme than the population quantiles.
 *  - the fit runs in a standardised frame x' = (x - m)/s (m the data mean, s = sqrt(tr Cov / d), one
 *    scalar so directions stay uniform and the loss is only rescaled: SW_p^p(x) = s^p SW_p^p(x'));
 *    learning rates and minEig are therefore in units of the data's overall spread. History losses are
 *    reported in the original units. `standardize: false` turns this off.
 *  - the learning rate follows a cosine decay from lr to lr * lrFinal (schedule 'cosine', default) or
 *    stays constant ('constant', the paper); the decay damps the direction-sampling noise at the end.
 *  - a GMM target is sampled once (nSamples points, seeded) and fitted like data.
 * The loss is stochastic (fresh directions each step), so by default the fit runs for maxIter steps;
 * tol > 0 stops when an exponential average of the relative loss change falls below tol.
 */
import type { GMMParams, Points } from './types.ts';
import { Rng } from '../util/rng.ts';
import { GMM } from './gmm.ts';
import { choleskyInto, projectPSD } from './linalg.ts';
import { HistoryRecorder } from './history.ts';
import { resolveInit } from './init.ts';
import { createOptimizer, OPTIMIZER_NAMES, type Optimizer, type OptimizerName } from './optim.ts';
import {
  GMMOptionError, booleanOption, nonNegativeInt, nonNegativeNumber, oneOf, optional, positiveInt, positiveNumber, unitInterval, validateCommon,
} from './options.ts';
import { validatePoints } from './points.ts';
import type { CommonFitOptions, FitResult } from './fit.ts';
import { randomDirections, slicedGradUnchecked, type Wasserstein1DMethod } from './wasserstein.ts';

// ---------------------------------------------------------------------------------------------
// Helpers shared by the distance-based fitters (sw, sc2, mmd, fixed-basis)
// ---------------------------------------------------------------------------------------------

/** The affine frame x' = (x - center) / scale used during a fit. */
export interface Frame {
  center: Float64Array;
  scale: number;
}

/** Identity frame of dimension d. */
export function identityFrame(d: number): Frame {
  return { center: new Float64Array(d), scale: 1 };
}

/**
 * Frame of a target: center = mean, scale = sqrt(tr Cov / d) (the RMS standard deviation), from the
 * points or, for a GMM, from its moments (mean = sum w mu, tr Cov = sum w (tr Sigma + |mu - mean|^2)).
 */
export function standardFrame(target: Points | GMM): Frame {
  const d = target.d;
  const center = new Float64Array(d);
  let tr = 0;
  if (target instanceof GMM) {
    const { k, weights: w, means: mu } = target;
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) center[j] += w[c] * mu[c * d + j];
    for (let c = 0; c < k; c++) {
      let t = 0;
      for (let j = 0; j < d; j++) {
        t += target.covarianceType === 'full' ? target.covariances[c * d * d + j * d + j] : target.covariances[c * d + j];
        const dm = mu[c * d + j] - center[j];
        t += dm * dm;
      }
      tr += w[c] * t;
    }
  } else {
    const { n, data } = target;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) center[j] += data[i * d + j];
    for (let j = 0; j < d; j++) center[j] /= n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = data[i * d + j] - center[j];
        tr += v * v;
      }
    }
    tr /= n;
  }
  const scale = Math.sqrt(tr / d);
  return { center, scale: scale > 0 ? scale : 1 };
}

/** Points mapped into the frame (copy). */
export function pointsToFrame(p: Points, f: Frame): Points {
  const { n, d, data } = p;
  const out = new Float64Array(n * d);
  const inv = 1 / f.scale;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (data[i * d + j] - f.center[j]) * inv;
  return { n, d, data: out };
}

/** GMM parameters mapped into (dir = 1) or out of (dir = -1) the frame (copy). */
export function paramsFrame(g: GMMParams, f: Frame, dir: 1 | -1): GMMParams {
  const { k, d } = g;
  const means = new Float64Array(k * d), covariances = g.covariances.slice();
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      means[c * d + j] = dir === 1 ? (g.means[c * d + j] - f.center[j]) / f.scale : f.center[j] + f.scale * g.means[c * d + j];
    }
  }
  const s2 = dir === 1 ? 1 / (f.scale * f.scale) : f.scale * f.scale;
  for (let i = 0; i < covariances.length; i++) covariances[i] *= s2;
  return { k, d, covarianceType: g.covarianceType, weights: g.weights.slice(), means, covariances };
}

/** Learning-rate multiplier at `step` of `total`: 1 (constant) or cosine from 1 down to `final`. */
export function scheduleFactor(schedule: 'constant' | 'cosine', step: number, total: number, final: number): number {
  if (schedule === 'constant' || total <= 1) return 1;
  return final + (1 - final) * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, total - 1)) / (total - 1)));
}

/**
 * One optimiser step whose displacement is multiplied by `factor` (a learning-rate schedule on top of
 * optim.ts, whose lr is fixed: for sgd/adam/lion without weight decay the displacement is exactly
 * proportional to lr). `scratch` has the parameters' length.
 */
export function scaledStep(opt: Optimizer, params: Float64Array, grad: Float64Array, factor: number, scratch: Float64Array): void {
  if (factor === 1) {
    opt.step(params, grad);
    return;
  }
  scratch.set(params);
  opt.step(scratch, grad);
  for (let i = 0; i < params.length; i++) params[i] += factor * (scratch[i] - params[i]);
}

/** Common defaults and checks of the distance-based fitters' target. */
export function checkTarget(target: Points | GMM, where: string): void {
  if (target instanceof GMM) {
    // fitGMM hands these over converted; a direct call must do the same (the fitters read Σ_c per component).
    if (target.covarianceType === 'tied' || target.covarianceType === 'spherical') throw new GMMOptionError(`${where}: a '${target.covarianceType}' target GMM must be passed as target.withCovarianceType('${target.covarianceType === 'tied' ? 'full' : 'diag'}') (fitGMM does this)`);
    return;
  }
  validatePoints(target, `${where}: target`);
}

/** Samples a GMM target once (seeded) when a fitter needs points. */
export function targetPoints(target: Points | GMM, nSamples: number, seed: number): Points {
  if (!(target instanceof GMM)) return target;
  return target.sample(nSamples, new Rng(seed).fork()).points;
}

/** Mean NLL of the original target points, when the target is points. */
export function finalNll(gmm: GMM, target: Points | GMM): number | undefined {
  return target instanceof GMM ? undefined : gmm.nll(target);
}

/** Exponential average of the relative loss change; true when it fell below tol (tol > 0, >= 10 steps). */
export class ConvergenceMonitor {
  private prev = NaN;
  private ema = NaN;
  constructor(private readonly tol: number) {}
  update(step: number, loss: number): boolean {
    if (Number.isFinite(this.prev)) {
      const rel = Math.abs(loss - this.prev) / Math.max(Math.abs(this.prev), 1e-300);
      this.ema = Number.isFinite(this.ema) ? 0.9 * this.ema + 0.1 * rel : rel;
    }
    this.prev = loss;
    return this.tol > 0 && step >= 10 && this.ema < this.tol;
  }
}

/** Reads the optimiser-related options shared by the fitters (undefined entries dropped). */
export function optimizerExtras(options: Record<string, unknown>): { beta1?: number; beta2?: number; decay?: number; momentum?: number; eps?: number } {
  const o = {
    beta1: optional('beta1', options.beta1, undefined, unitInterval),
    beta2: optional('beta2', options.beta2, undefined, unitInterval),
    decay: optional('decay', options.decay, undefined, unitInterval),
    momentum: optional('momentum', options.momentum, undefined, unitInterval),
    eps: optional('eps', options.eps, undefined, positiveNumber),
  };
  for (const key of Object.keys(o) as (keyof typeof o)[]) if (o[key] === undefined) delete o[key];
  return o;
}

/** Clip at 0 and renormalise (uniform when nothing is left). */
export function projectSimplex(w: Float64Array): void {
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    if (!(w[i] > 0)) w[i] = 0;
    s += w[i];
  }
  if (!(s > 0)) w.fill(1 / w.length);
  else for (let i = 0; i < w.length; i++) w[i] /= s;
}

// ---------------------------------------------------------------------------------------------
// fitSW
// ---------------------------------------------------------------------------------------------

export const SW_OPTION_KEYS = [
  'L', 'p', 'method', 'optimizer', 'lr', 'lrWeights', 'beta1', 'beta2', 'decay', 'momentum', 'eps', 'schedule', 'lrFinal',
  'minEig', 'batchSize', 'nSamples', 'standardize', 'levels',
] as const;

export interface SWFitOptions extends CommonFitOptions {
  /** Steps (default 400). */
  maxIter?: number;
  /** Early stop on the averaged relative loss change (default 0: run maxIter steps). */
  tol?: number;
  /** Random directions per step (default 24). */
  L?: number;
  /** Ground-cost exponent (default 2). */
  p?: number;
  /** 1-D evaluation ('midpoint' default; 'exact' for p = 2). */
  method?: Wasserstein1DMethod;
  /** Optimiser (default 'rmsprop', the paper's Eq. 15). */
  optimizer?: OptimizerName;
  /** Learning rate of means and covariances in standardised units (default 0.01). */
  lr?: number;
  /** Learning rate of the weights (default lr / 10; a full-size weight step kills components). */
  lrWeights?: number;
  beta1?: number;
  beta2?: number;
  /** RMSProp decay gamma (default 0.9). */
  decay?: number;
  /** RMSProp momentum kappa (default 0.9). */
  momentum?: number;
  eps?: number;
  /** 'cosine' (default) or 'constant'. */
  schedule?: 'constant' | 'cosine';
  /** Final lr multiplier of the cosine schedule (default 0.02). */
  lrFinal?: number;
  /** Eigenvalue floor of the PSD projection, standardised units (default 1e-4). */
  minEig?: number;
  /** Points per step (a seeded random subset; default: all). Small batches bias the fit (see levels). */
  batchSize?: number;
  /**
   * Quantile levels per slice (midpoint method; default min(n, 256)): the GMM quantiles at (j + 1/2)/levels are
   * matched with the empirical quantiles of all (batch) points at the same levels, so a step costs `levels`
   * quantile solves per direction instead of n. 0 = one level per point.
   */
  levels?: number;
  /** Samples drawn from a GMM target (default 4000). */
  nSamples?: number;
  /** Fit in the standardised frame (default true). */
  standardize?: boolean;
}

/** Fits a GMM by minimising the sliced p-Wasserstein distance to points (or to samples of a GMM). */
export function fitSW(target: Points | GMM, options: SWFitOptions | Record<string, unknown>): FitResult {
  const opts = options as Record<string, unknown>;
  const common = validateCommon(opts, { allowed: SW_OPTION_KEYS, where: 'fitSW', defaults: { maxIter: 400, tol: 0 } });
  checkTarget(target, 'fitSW');
  const L = optional('L', opts.L, 24, positiveInt);
  const p = optional('p', opts.p, 2, positiveNumber);
  if (p < 1) throw new GMMOptionError(`option p must be >= 1, got ${p}`);
  const method = optional<Wasserstein1DMethod>('method', opts.method, 'midpoint', (n, v) => oneOf(n, v, ['midpoint', 'exact'] as const));
  if (method === 'exact' && p !== 2) throw new GMMOptionError(`option method 'exact' needs p = 2, got p = ${p}`);
  const optName = optional<OptimizerName>('optimizer', opts.optimizer, 'rmsprop', (n, v) => oneOf(n, v, OPTIMIZER_NAMES));
  const lr = optional('lr', opts.lr, 0.01, positiveNumber);
  const lrW = optional('lrWeights', opts.lrWeights, lr / 10, positiveNumber);
  const schedule = optional('schedule', opts.schedule, 'cosine' as const, (n, v) => oneOf(n, v, ['constant', 'cosine'] as const));
  const lrFinal = optional('lrFinal', opts.lrFinal, 0.02, unitInterval);
  const minEig = optional('minEig', opts.minEig, 1e-4, nonNegativeNumber);
  const nSamples = optional('nSamples', opts.nSamples, 4000, positiveInt);
  const standardize = optional('standardize', opts.standardize, true, booleanOption);
  const levels = optional('levels', opts.levels, 256, nonNegativeInt);
  const extras = optimizerExtras(opts);
  if (optName === 'rmsprop') {
    extras.decay ??= 0.9;
    extras.momentum ??= 0.9;
  }

  const pts0 = targetPoints(target, nSamples, common.seed);
  const batchSize = optional('batchSize', opts.batchSize, pts0.n, positiveInt);
  if (batchSize > pts0.n) throw new GMMOptionError(`option batchSize (${batchSize}) exceeds the number of points n = ${pts0.n}`);
  if (common.k > pts0.n) throw new GMMOptionError(`fitSW: k = ${common.k} exceeds the number of points n = ${pts0.n}`);
  const frame = standardize ? standardFrame(target) : identityFrame(pts0.d);
  const pts = pointsToFrame(pts0, frame);
  const init = paramsFrame(resolveInit(target, common).params(), frame, 1);
  const { k, d, covarianceType } = init;
  const full = covarianceType === 'full';
  const cLen = full ? d * d : d;
  const size = k + k * d + k * cLen;
  const theta = new Float64Array(size);
  theta.set(init.weights, 0);
  theta.set(init.means, k);
  theta.set(init.covariances, k + k * d);
  const params: GMMParams = {
    k, d, covarianceType,
    weights: theta.subarray(0, k), means: theta.subarray(k, k + k * d), covariances: theta.subarray(k + k * d),
  };
  const grad = new Float64Array(size), scratch = new Float64Array(size), cholScratch = new Float64Array(d * d);
  const optW = createOptimizer({ name: optName, lr: lrW, ...extras }, k);
  const opt = createOptimizer({ name: optName, lr, ...extras }, size - k);
  const rng = new Rng(common.seed).fork();
  const batch: Points = batchSize === pts.n ? pts : { n: batchSize, d, data: new Float64Array(batchSize * d) };
  const snapshot = () => new GMM(paramsFrame(params, frame, -1), { method: 'sw', p, L, seed: common.seed });
  const rec = new HistoryRecorder(`sw${p}`, common.onStep);
  const monitor = new ConvergenceMonitor(common.tol);
  const lossScale = frame.scale ** p;
  let steps = 0, converged = false;
  for (let step = 0; step < common.maxIter; step++) {
    if (batch !== pts) {
      const perm = rng.permutation(pts.n);
      for (let r = 0; r < batchSize; r++) batch.data.set(pts.data.subarray(perm[r] * d, perm[r] * d + d), r * d);
    }
    const dirs = randomDirections(L, d, rng);
    const g = slicedGradUnchecked(params, batch, dirs, p, method, levels);
    if (!Number.isFinite(g.value)) throw new GMMOptionError(`fitSW: the loss became ${g.value} at step ${step}; lower lr`);
    steps = step + 1;
    const loss = g.value * lossScale;
    const go = rec.record(loss, snapshot);
    if (monitor.update(step, loss)) { converged = true; break; }
    if (!go) break;
    grad.set(g.dWeights, 0);
    grad.set(g.dMeans, k);
    grad.set(g.dCovariances, k + k * d);
    const factor = scheduleFactor(schedule, step, common.maxIter, lrFinal);
    scaledStep(optW, theta.subarray(0, k), grad.subarray(0, k), factor, scratch.subarray(0, k));
    scaledStep(opt, theta.subarray(k), grad.subarray(k), factor, scratch.subarray(k));
    // Step 4: weights onto the simplex, covariances onto the PSD cone with an eigenvalue floor.
    projectSimplex(params.weights);
    const floor = Math.max(minEig, common.regCovar / (frame.scale * frame.scale));
    for (let c = 0; c < k; c++) {
      const S = params.covariances.subarray(c * cLen, (c + 1) * cLen);
      // Skip the eigen-decomposition when S − floor·I is already positive-definite (Cholesky succeeds).
      if (full) {
        if (choleskyInto(S, d, cholScratch, -floor) >= 0) S.set(projectPSD(S, d, floor));
      }
      else for (let j = 0; j < d; j++) if (!(S[j] >= floor)) S[j] = floor;
    }
  }
  const gmm = snapshot();
  return { gmm, history: rec.finish({ iterations: steps, converged, finalNll: target instanceof GMM ? undefined : gmm.nll(target) }) };
}
