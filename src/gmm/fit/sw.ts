/**
 * Sliced-Wasserstein fitting of a Gaussian mixture (Kolouri, Rohde & Hoffmann, CVPR 2018, §3.2), followed by
 * a likelihood finish:
 *
 *   SW phase:  min_{alpha, mu, Sigma}  SW_p^p(GMM, data) = E_theta W_p^p(R GMM(., theta), R data(., theta));
 *   finish:    EM iterations from the SW solution (em.ts fitEM, `finishIter`, default 100 with tol 1e-5).
 *
 * Every SW step (the paper's stochastic scheme, steps 1–4):
 *  1. draw L fresh random directions theta_l uniformly on S^{d-1};
 *  2. for each slice, the 1-D optimal transport between the GMM slice (w_k, mu_k.theta, sqrt(theta^T Sigma_k theta))
 *     and the sorted data slice: the data's quantiles are matched with the GMM quantiles at the same levels, Q
 *     found by the safeguarded Newton solver of mixture1d.ts (see wasserstein.ts);
 *  3. the gradient of (1/L) sum_l W_p^p with respect to the weights, means and covariances, through the
 *     quantile derivative dQ/dtheta = -(dF/dtheta)/f (wasserstein.ts, slicedGradUnchecked), and an RMSProp
 *     update (supplement Eq. 15: centred second moment with momentum; optim.ts 'rmsprop');
 *  4. projection of each Sigma_k onto {Sigma symmetric, lambda_min >= minEig} (eigenvalue clipping, the PSD
 *     cone with a floor).
 *
 * Why a finish. The authors' public ring–line–square demo (github.com/skolouri/swgmm) runs 175 SW steps and
 * then 25 EM iterations: SW puts the components in the right basin — its landscape has far fewer bad local
 * optima than the likelihood's — but tightens the covariances slowly (the SW gradient of a thin direction is
 * weak). A few EM iterations from there reach the optimal likelihood. Both phases are in the history (the EM
 * phase as history.fineTune, its onStep steps numbered after the SW steps); `finishIter: 0` is the pure SW fit.
 *
 * Optimiser (defaults from the authors' demo): RMSProp with decay 0.9, momentum 0.5, eps 1e-10 — eps inside the
 * square root must be far below the squared gradients (the earlier 1e-4, i.e. 1e-2 after the root, was 10–50×
 * the late-fit gradients in standardised units, turning the update into small momentum SGD) — and the
 * covariances at lr/10 (the demo's 0.1 factor); a constant learning rate (the paper; 'cosine' available).
 * With eps that small the centred second moment can vanish for a gradient that barely changes; optim.ts's
 * varianceFloor (default 0.01 here) caps such steps at about 10 lr.
 *
 * Weights cannot die: they are a softmax of logits (learning rate lrWeights, default lr/10), and after every step
 * no weight is allowed below minWeight (default 1e-3) times the largest. The earlier clip-at-0-and-renormalise
 * projection drove at least one weight to exactly 0 in nearly every ring fit, and a zero-weight component gets
 * zero gradient for ever (every term of the gradient is ∝ w_k), so not even EM could revive it.
 * `learnWeights: false` keeps the starting weights (the authors' demo: equal weights, frozen).
 *
 * High dimension (d > 2, e.g. 128-d autoencoder codes), measured on the unsupervised MNIST protocol
 * (docs/RESULTS.md): a random direction sees every component with variance about tr(Sigma)/d, while the codes'
 * components are extremely thin in most directions (EM's covariance eigenvalues span 4e-5 … 7), so Euclidean
 * steps on the means and covariances — blind to that shape — throw the components off the thin data manifold
 * (test NLL of the codes from −101 to +73 in 300 steps, and EM from there ends in a worse optimum). Defaults
 * above d = 2: `metric: 'fisher'` (each component's gradients preconditioned by its Gaussian's Fisher metric,
 * Sigma g and Sigma G Sigma: steps along the component's own spread), `blocks: 'component'` (one RMSProp
 * denominator per component's mean and per component's covariance, so a block moves along its gradient
 * direction instead of every entry stepping ±lr) and lr × √(2/d) (an RMS-normalised step moves a d-vector by
 * lr·√d; this keeps the 2-D step length). d <= 2 keeps the demo's per-entry Euclidean RMSProp.
 *
 * Stopping rule (PlateauMonitor): the loss is a noisy estimate (fresh directions every step), so the fit stops
 * when an exponential average of it (time constant `window` = 50 steps) has fallen by less than tol = 0.2 %
 * over each of the last two windows; maxIter (3000) caps it.
 *
 * Implementation choices:
 *  - quantile trick (option levels, default 256): per slice the GMM quantiles at 256 midpoint levels are
 *    matched with the empirical quantiles of all points at the same levels (wasserstein.ts
 *    slicedGradUnchecked) — 256 quantile solves per direction whatever n is, and all points in every step.
 *    Minibatches (batchSize) are available but biased: E_batch SW(G, batch) is minimised by a GMM shrunk towards
 *    the centre, because the extreme order statistics of a small batch are less extreme than the population's.
 *  - the fit runs in a standardised frame x' = (x - m)/s (m the data mean, s = sqrt(tr Cov / d), one
 *    scalar so directions stay uniform and the loss is only rescaled: SW_p^p(x) = s^p SW_p^p(x'));
 *    learning rates and minEig are therefore in units of the data's overall spread. History losses are
 *    reported in the original units. `standardize: false` turns this off.
 *  - a GMM target is sampled once (nSamples points, seeded) and fitted like data (no finish: no points).
 */
import type { GMMParams, Points } from '../model/types.ts';
import { Rng } from '../../util/rng.ts';
import { GMM } from '../model/gmm.ts';
import { choleskyInto, projectPSD } from '../linalg/dense.ts';
import { HistoryRecorder } from './history.ts';
import { resolveInit } from './init.ts';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerName } from './optim.ts';
import { weightGradToLogitGrad } from '../distances/cramer.ts';
import { fitEM } from './em.ts';
import {
  GMMOptionError, booleanOption, nonNegativeInt, nonNegativeNumber, oneOf, optional, positiveInt, positiveNumber, unitInterval, validateCommon, type OnStep,
} from './options.ts';
import type { CommonFitOptions, FitResult } from './contract.ts';
import { randomDirections, slicedGradUnchecked, type Wasserstein1DMethod } from '../distances/wasserstein.ts';
import { fisherFullWasm } from '../wasm/sliced.ts';
import {
  PlateauMonitor, batchBuffer, checkTarget, drawBatch, fitterSnapshot, identityFrame, optimizerExtras, paramsFrame, pointsToFrame, scaledStep, scheduleFactor, standardFrame,
  targetPoints,
} from './core.ts';

// ---------------------------------------------------------------------------------------------
// fitSW
// ---------------------------------------------------------------------------------------------

export const SW_OPTION_KEYS = [
  'L', 'p', 'method', 'optimizer', 'lr', 'lrCovariances', 'lrWeights', 'learnWeights', 'minWeight', 'beta1', 'beta2', 'decay',
  'momentum', 'eps', 'varianceFloor', 'schedule', 'lrFinal', 'minEig', 'batchSize', 'nSamples', 'standardize', 'levels',
  'window', 'minIter', 'finishIter', 'finishTol', 'blocks', 'metric',
] as const;

export interface SWFitOptions extends CommonFitOptions {
  /** Most SW steps (default 3000; the stopping rule usually ends the phase earlier). */
  maxIter?: number;
  /** Stopping rule (PlateauMonitor): relative decrease of the smoothed SW_p^p per `window` steps (default 2e-3; 0 = run maxIter). */
  tol?: number;
  /** Time constant and check interval of the stopping rule, in steps (default 50). */
  window?: number;
  /** No stop before this many SW steps (default 0). */
  minIter?: number;
  /** Random directions per step (default 8 for d <= 2, 32 above). */
  L?: number;
  /** Ground-cost exponent (default 2). */
  p?: number;
  /** 1-D evaluation ('midpoint' default; 'exact' for p = 2). */
  method?: Wasserstein1DMethod;
  /** Optimiser (default 'rmsprop', the paper's supplement Eq. 15). */
  optimizer?: OptimizerName;
  /** Learning rate of the means in standardised units (default 0.02, times √(2/d) above d = 2). */
  lr?: number;
  /** Learning rate of the covariance entries (default lr / 10, the authors' 0.1 factor). */
  lrCovariances?: number;
  /** Learning rate of the weight logits (default lr / 10). */
  lrWeights?: number;
  /** Learn the weights (softmax logits, default true) or keep them fixed at their start (the authors' demo: equal). */
  learnWeights?: boolean;
  /** Floor of every weight as a fraction of the largest one (default 1e-3): no component can die. */
  minWeight?: number;
  beta1?: number;
  beta2?: number;
  /** RMSProp decay gamma (default 0.9, the authors'). */
  decay?: number;
  /** RMSProp momentum kappa (default 0.5, the authors'). */
  momentum?: number;
  /** RMSProp epsilon (default 1e-10, the authors'). */
  eps?: number;
  /** RMSProp floor of the centred second moment as a fraction of the uncentred one (optim.ts; default 0.01). */
  varianceFloor?: number;
  /**
   * RMSProp denominators: 'entry' (every mean coordinate and covariance entry its own, the authors' demo) or
   * 'component' (one per component's mean vector and one per component's covariance matrix, optim.ts blockSize).
   * Default: 'entry' for d <= 2, 'component' above (see the module comment).
   */
  blocks?: 'entry' | 'component';
  /**
   * Geometry of the updates: 'euclidean' (the paper's: plain gradients) or 'fisher' (each component's mean and
   * covariance gradients preconditioned by the Fisher metric of its Gaussian, Σ g and Σ G Σ, so that a step moves
   * a component along its own spread and barely along the directions in which it is thin). Default: 'euclidean'
   * for d <= 2, 'fisher' above.
   */
  metric?: 'euclidean' | 'fisher';
  /** 'constant' (default, the paper) or 'cosine' (decay to lrFinal·lr over maxIter). */
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
  /** Likelihood finish: most EM iterations after the SW phase (default 100; 0 = pure SW). Points targets only. */
  finishIter?: number;
  /**
   * EM tolerance of the finish (absolute change of the mean log-likelihood, default 1e-5: with sklearn's 1e-3 the
   * finish stopped after 5–9 iterations on the ring data, up to 0.01 nats short of the optimum it reaches).
   */
  finishTol?: number;
}

/**
 * SW's weight map: w = softmax(z) after raising every logit to at least max(z) + log(minWeight), so that no
 * weight falls below minWeight × the largest (before normalisation) and none can reach 0. Raises `z` in place
 * and writes the weights into `w` (length k). minWeight = 0 gives the plain softmax.
 */
export function flooredSoftmax(z: Float64Array, minWeight: number, w: Float64Array): void {
  const k = z.length;
  const logFloor = minWeight > 0 ? Math.log(minWeight) : -Infinity;
  let mx = -Infinity;
  for (let c = 0; c < k; c++) mx = Math.max(mx, z[c]);
  for (let c = 0; c < k; c++) if (z[c] < mx + logFloor) z[c] = mx + logFloor;
  let s = 0;
  for (let c = 0; c < k; c++) { w[c] = Math.exp(z[c] - mx); s += w[c]; }
  for (let c = 0; c < k; c++) w[c] /= s;
}

/**
 * Fisher preconditioning of a GMM's mean and covariance gradients (in place): per component, g_mu ← Σ g_mu and
 * G_Σ ← Σ G_Σ Σ — the natural gradient of a Gaussian's mean and covariance (the Fisher information of the mean is
 * Σ⁻¹, of the covariance (Σ⁻¹ ⊗ Σ⁻¹)/2; the factor 2 is left to the learning rate). 'diag': Σ_jj g_j and Σ_jj² G_jj.
 */
export function fisherPrecondition(p: GMMParams, dMeans: Float64Array, dCov: Float64Array, scratch: { v: Float64Array; A: Float64Array }): void {
  const { k, d, covarianceType } = p;
  const S = p.covariances;
  if (covarianceType === 'diag') {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const s = S[c * d + j];
        dMeans[c * d + j] *= s;
        dCov[c * d + j] *= s * s;
      }
    }
    return;
  }
  // The WebAssembly kernels (wasm/sliced.ts) compute the same sums in the same order.
  if (fisherFullWasm(k, d, S, dMeans, dCov)) return;
  const { v, A } = scratch;
  for (let c = 0; c < k; c++) {
    const o = c * d * d;
    for (let a = 0; a < d; a++) {
      let t = 0;
      for (let b = 0; b < d; b++) t += S[o + a * d + b] * dMeans[c * d + b];
      v[a] = t;
    }
    dMeans.set(v, c * d);
    // A = G Σ, then G ← Σ A (both symmetric inputs; the result is symmetric).
    A.fill(0);
    for (let a = 0; a < d; a++) {
      for (let t = 0; t < d; t++) {
        const gat = dCov[o + a * d + t];
        if (gat === 0) continue;
        const so = o + t * d, ao = a * d;
        for (let b = 0; b < d; b++) A[ao + b] += gat * S[so + b];
      }
    }
    for (let i = 0; i < d * d; i++) dCov[o + i] = 0;
    for (let a = 0; a < d; a++) {
      for (let t = 0; t < d; t++) {
        const sat = S[o + a * d + t];
        if (sat === 0) continue;
        const ao = o + a * d, to = t * d;
        for (let b = 0; b < d; b++) dCov[ao + b] += sat * A[to + b];
      }
    }
  }
}

/** Defaults of fitSW (exported for the studies and the docs). */
export const SW_DEFAULTS = {
  maxIter: 3000, tol: 2e-3, window: 50, lr: 0.02, decay: 0.9, momentum: 0.5, eps: 1e-10, varianceFloor: 0.01,
  minWeight: 1e-3, minEig: 1e-4, levels: 256, finishIter: 100, finishTol: 1e-5,
} as const;

/**
 * Fits a GMM by minimising the sliced p-Wasserstein distance to points (or to samples of a GMM), then, by
 * default, finishes with a few EM iterations from the SW solution (see the module comment).
 */
export function fitSW(target: Points | GMM, options: SWFitOptions | Record<string, unknown>): FitResult {
  const opts = options as Record<string, unknown>;
  const D = SW_DEFAULTS;
  const common = validateCommon(opts, { allowed: SW_OPTION_KEYS, where: 'fitSW', defaults: { maxIter: D.maxIter, tol: D.tol } });
  checkTarget(target, 'fitSW');
  const highDim = target.d > 2;
  const L = optional('L', opts.L, highDim ? 32 : 8, positiveInt);
  const p = optional('p', opts.p, 2, positiveNumber);
  if (p < 1) throw new GMMOptionError(`option p must be >= 1, got ${p}`);
  const method = optional<Wasserstein1DMethod>('method', opts.method, 'midpoint', (n, v) => oneOf(n, v, ['midpoint', 'exact'] as const));
  if (method === 'exact' && p !== 2) throw new GMMOptionError(`option method 'exact' needs p = 2, got p = ${p}`);
  const optName = optional<OptimizerName>('optimizer', opts.optimizer, 'rmsprop', (n, v) => oneOf(n, v, OPTIMIZER_NAMES));
  const lr = optional('lr', opts.lr, D.lr * (highDim ? Math.sqrt(2 / target.d) : 1), positiveNumber);
  const lrC = optional('lrCovariances', opts.lrCovariances, lr / 10, positiveNumber);
  const lrW = optional('lrWeights', opts.lrWeights, lr / 10, positiveNumber);
  const learnWeights = optional('learnWeights', opts.learnWeights, true, booleanOption);
  const minWeight = optional('minWeight', opts.minWeight, D.minWeight, unitInterval);
  const schedule = optional('schedule', opts.schedule, 'constant' as const, (n, v) => oneOf(n, v, ['constant', 'cosine'] as const));
  const lrFinal = optional('lrFinal', opts.lrFinal, 0.02, unitInterval);
  const minEig = optional('minEig', opts.minEig, D.minEig, nonNegativeNumber);
  const nSamples = optional('nSamples', opts.nSamples, 4000, positiveInt);
  const standardize = optional('standardize', opts.standardize, true, booleanOption);
  const levels = optional('levels', opts.levels, D.levels, nonNegativeInt);
  const window = optional('window', opts.window, D.window, positiveInt);
  const minIter = optional('minIter', opts.minIter, 0, nonNegativeInt);
  const finishIter = optional('finishIter', opts.finishIter, target instanceof GMM ? 0 : D.finishIter, nonNegativeInt);
  const finishTol = optional('finishTol', opts.finishTol, D.finishTol, nonNegativeNumber);
  if (finishIter > 0 && target instanceof GMM) throw new GMMOptionError('fitSW: the EM finish (finishIter > 0) needs a point target; pass finishIter: 0 for a GMM target');
  const extras = optimizerExtras(opts);
  const varianceFloor = optional('varianceFloor', opts.varianceFloor, undefined as number | undefined, unitInterval);
  if (optName === 'rmsprop') {
    extras.decay ??= D.decay;
    extras.momentum ??= D.momentum;
    extras.eps ??= D.eps;
  } else if (varianceFloor !== undefined) throw new GMMOptionError(`fitSW: option varianceFloor applies to optimizer 'rmsprop' only, got '${optName}'`);
  const optExtras = optName === 'rmsprop' ? { ...extras, varianceFloor: varianceFloor ?? D.varianceFloor } : extras;
  const blocks = optional('blocks', opts.blocks, highDim ? 'component' : 'entry', (n, v) => oneOf(n, v, ['entry', 'component'] as const));
  if (blocks === 'component' && optName !== 'rmsprop' && opts.blocks !== undefined) throw new GMMOptionError(`fitSW: option blocks applies to optimizer 'rmsprop' only, got '${optName}'`);
  const byComponent = blocks === 'component' && optName === 'rmsprop';
  const fisher = optional('metric', opts.metric, highDim ? 'fisher' : 'euclidean', (n, v) => oneOf(n, v, ['euclidean', 'fisher'] as const)) === 'fisher';

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
  // Parameters: weight logits z (softmax), means, covariance entries (projected onto the PSD cone after each step).
  const z = new Float64Array(k);
  for (let c = 0; c < k; c++) z[c] = Math.log(Math.max(init.weights[c], 1e-300));
  const params: GMMParams = { k, d, covarianceType, weights: init.weights.slice(), means: init.means.slice(), covariances: init.covariances.slice() };
  const syncWeights = () => flooredSoftmax(z, minWeight, params.weights);
  if (learnWeights) syncWeights();
  const floor = Math.max(minEig, common.regCovar / (frame.scale * frame.scale));
  const project = () => {
    for (let c = 0; c < k; c++) {
      const S = params.covariances.subarray(c * cLen, (c + 1) * cLen);
      // Skip the eigen-decomposition when S − floor·I is already positive-definite (Cholesky succeeds).
      if (full) {
        if (choleskyInto(S, d, cholScratch, -floor) >= 0) S.set(projectPSD(S, d, floor));
      } else for (let j = 0; j < d; j++) if (!(S[j] >= floor)) S[j] = floor;
    }
  };
  const cholScratch = new Float64Array(d * d);
  const fisherScratch = { v: new Float64Array(d), A: new Float64Array(full ? d * d : 0) };
  project();
  const gZ = new Float64Array(k);
  const scrZ = new Float64Array(k), scrM = new Float64Array(k * d), scrC = new Float64Array(k * cLen);
  const optZ = createOptimizer({ name: optName, lr: lrW, ...optExtras }, k);
  const optM = createOptimizer({ name: optName, lr, ...optExtras, ...(byComponent ? { blockSize: d } : {}) }, k * d);
  const optC = createOptimizer({ name: optName, lr: lrC, ...optExtras, ...(byComponent ? { blockSize: cLen } : {}) }, k * cLen);
  const rng = new Rng(common.seed).fork();
  const batch = batchBuffer(pts, batchSize);
  const meta = { method: 'sw', p, L, seed: common.seed };
  let steps = 0, converged = false;
  const snapshot = fitterSnapshot('fitSW', 'lower lr', params, frame, meta, () => steps);
  const rec = new HistoryRecorder(`sw${p}`, common.onStep);
  const monitor = new PlateauMonitor(common.tol, window, minIter);
  const lossScale = frame.scale ** p;
  for (let step = 0; step < common.maxIter; step++) {
    drawBatch(pts, batch, rng);
    const dirs = randomDirections(L, d, rng);
    const g = slicedGradUnchecked(params, batch, dirs, p, method, levels);
    if (!Number.isFinite(g.value)) throw new GMMOptionError(`fitSW: the loss became ${g.value} at step ${step}; lower lr`);
    steps = step + 1;
    const loss = g.value * lossScale;
    const go = rec.record(loss, snapshot);
    if (monitor.update(step, loss)) { converged = true; break; }
    if (!go) break;
    const factor = scheduleFactor(schedule, step, common.maxIter, lrFinal);
    if (learnWeights) {
      // Softmax chain rule; the weight gradient is already tangent to the simplex (sum_k w_k dL/dw_k = 0).
      weightGradToLogitGrad(params.weights, g.dWeights, gZ);
      scaledStep(optZ, z, gZ, factor, scrZ);
      syncWeights();
    }
    if (fisher) fisherPrecondition(params, g.dMeans, g.dCovariances, fisherScratch);
    scaledStep(optM, params.means, g.dMeans, factor, scrM);
    scaledStep(optC, params.covariances, g.dCovariances, factor, scrC);
    // Step 4 of the paper: covariances onto the PSD cone with an eigenvalue floor.
    project();
  }
  let gmm = snapshot();
  const history = rec.finish({ iterations: steps, converged });
  if (finishIter > 0) {
    const pointsTarget = target as Points;
    const onStep: OnStep | undefined = common.onStep ? (s) => common.onStep!({ ...s, step: steps + s.step }) : undefined;
    const ft = fitEM(pointsTarget, { k, init: gmm, covarianceType, maxIter: finishIter, tol: finishTol, regCovar: common.regCovar, ...(onStep ? { onStep } : {}) });
    gmm = ft.gmm.withMeta({ ...meta, swSteps: steps, finishIter: ft.history.iterations });
    history.fineTune = ft.history;
    history.wallTime += ft.history.wallTime;
  }
  if (!(target instanceof GMM)) history.finalNll = gmm.nll(target);
  return { gmm, history };
}
