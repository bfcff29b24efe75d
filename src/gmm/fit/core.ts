/**
 * The fitting core shared by the gradient-based fitters (sw.ts, sc2.ts, mmd.ts, nll.ts, fixed-basis.ts): the
 * standardised frame a fit runs in (Frame, standardFrame, pointsToFrame, paramsFrame), minibatches, the
 * learning-rate schedule and scaled optimiser steps, the target checks, the plateau convergence test
 * (PlateauMonitor), the optimiser options every fitter reads, and the free parametrisation of weights and
 * covariances (FactorParams: softmax logits and covariance factors, FactorSteps: one step of them).
 */
import type { GMMParams, Points } from '../model/types.ts';
import { Rng } from '../../util/rng.ts';
import { GMM, GMMValidationError } from '../model/gmm.ts';
import { choleskyInto, projectPSD } from '../linalg/dense.ts';
import type { Optimizer } from './optim.ts';
import { covarianceGradToFactorGrad, factorsToCovariances, weightGradToLogitGrad } from '../distances/cramer.ts';
import { GMMOptionError, optional, positiveNumber, unitInterval } from './options.ts';
import { pointsMoments, validatePoints } from '../model/points.ts';

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

/**
 * The snapshot function of a gradient fitter: its current parameters (in the working frame `f`) as a GMM in data
 * units. A step with a learning rate far too large can leave a parameter non-finite (or a covariance no longer
 * positive-definite) after the last loss check; the GMM constructor's validation error is then rethrown as the
 * fitter's own GMMOptionError, naming `where`, the number of steps taken (`steps()`), the constructor's finding and
 * the remedy `hint`.
 */
export function fitterSnapshot(where: string, hint: string, params: GMMParams, f: Frame, meta: Record<string, unknown>, steps: () => number): () => GMM {
  return () => {
    try {
      return new GMM(paramsFrame(params, f, -1), meta);
    } catch (e) {
      if (!(e instanceof GMMValidationError)) throw e;
      throw new GMMOptionError(`${where}: the mixture became invalid after ${steps()} step${steps() === 1 ? '' : 's'} (${e.message}); ${hint}`);
    }
  };
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

/** A minibatch buffer of batchSize rows of `pts`, or `pts` itself when the batch is the whole set. */
export function batchBuffer(pts: Points, batchSize: number): Points {
  return batchSize >= pts.n ? pts : { n: batchSize, d: pts.d, data: new Float64Array(batchSize * pts.d) };
}

/** Fills `batch` (from batchBuffer) with rows of `pts` drawn without replacement; nothing when batch is pts. */
export function drawBatch(pts: Points, batch: Points, rng: Rng): void {
  if (batch === pts) return;
  const perm = rng.permutation(pts.n), d = pts.d;
  for (let r = 0; r < batch.n; r++) batch.data.set(pts.data.subarray(perm[r] * d, perm[r] * d + d), r * d);
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

/**
 * Stopping rule of the stochastic fitters (SW, SC2, MMD), whose per-step loss is a noisy estimate (fresh random
 * directions or minibatches every step): the loss is smoothed by an exponential moving average E_t with time
 * constant `window` steps (E_t = E_{t-1} + (loss_t − E_{t-1}) / window), and every `window` steps the relative
 * decrease of the smoothed level since the previous check, r = (E_{t−window} − E_t) / |E_t|, is compared with
 * `tol`. The fit has converged when r < tol at `patience` consecutive checks (default 2), never before
 * max(minIter, 2·window) steps. tol = 0 disables the rule (the fit runs maxIter steps). With per-step relative
 * noise σ the smoothed level carries noise ≈ σ / √(2·window), so `window` must be large enough that this is
 * well below tol, else noise alone may stop (or never stop) the fit.
 */
export class PlateauMonitor {
  private ema = NaN;
  private lastCheck = NaN;
  private below = 0;
  /** r at the last check (NaN before the first). */
  lastChange = NaN;
  constructor(
    private readonly tol: number,
    private readonly window = 25,
    private readonly minIter = 0,
    private readonly patience = 2,
  ) {}

  /** Feeds the loss of step `step` (0-based); true when the fit has converged. */
  update(step: number, loss: number): boolean {
    if (!Number.isFinite(loss)) return false;
    this.ema = Number.isFinite(this.ema) ? this.ema + (loss - this.ema) / this.window : loss;
    if ((step + 1) % this.window !== 0 || step + 1 < this.window) return false;
    const prev = this.lastCheck;
    this.lastCheck = this.ema;
    if (!Number.isFinite(prev)) return false;
    this.lastChange = (prev - this.ema) / Math.max(Math.abs(this.ema), 1e-300);
    this.below = this.lastChange < this.tol ? this.below + 1 : 0;
    return this.tol > 0 && step + 1 >= Math.max(this.minIter, 2 * this.window) && this.below >= this.patience;
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

/**
 * The unconstrained parameters of SC2 and MMD (Zhang 2023, §4.2): weight logits z (w = softmax z), means μ and
 * factors S with Σ = SᵀS + reg·I ('full': S is d×d; 'diag': Σ_jj = s_j² + reg).
 *
 * Started from a mixture whose covariances already include reg (initGMM adds regCovar to every diagonal), the
 * factors are taken from Σ₀ − reg·I (S = Lᵀ for its Cholesky factor L; diag s_j = √(Σ₀,jj − reg)), so that the
 * model starts exactly at Σ₀ and not at Σ₀ + reg·I; when Σ₀ − reg·I is not positive-definite (a start with
 * variances at or below reg), Σ₀ itself is factored.
 *
 * `floor` (standardised units, one value per coordinate, or empty for none): after each step, `project()`
 * raises every variance below its floor to the floor — diag: s_j² + reg ≥ floor_j; full: the covariance is
 * rescaled to the correlation frame D⁻½ Σ D⁻½ (D = diag(floor)), its eigenvalues are clipped at 1 and S is
 * refactored, which is skipped whenever Σ − D is already positive-definite (Cholesky succeeds).
 */
export class FactorParams {
  readonly z: Float64Array;
  readonly S: Float64Array;
  readonly weights: Float64Array;
  readonly params: GMMParams;
  private readonly fLen: number;
  private readonly chol: Float64Array;

  constructor(init: GMMParams, readonly reg: number, private readonly floor: Float64Array, where: string) {
    const { k, d, covarianceType } = init;
    const full = covarianceType === 'full';
    this.fLen = full ? d * d : d;
    this.z = new Float64Array(k);
    for (let c = 0; c < k; c++) this.z[c] = Math.log(Math.max(init.weights[c], 1e-300));
    this.S = new Float64Array(k * this.fLen);
    this.weights = new Float64Array(k);
    this.params = { k, d, covarianceType, weights: this.weights, means: init.means.slice(), covariances: new Float64Array(k * this.fLen) };
    this.chol = new Float64Array(d * d);
    const tmp = new Float64Array(this.fLen);
    for (let c = 0; c < k; c++) {
      const C = init.covariances.subarray(c * this.fLen, (c + 1) * this.fLen);
      tmp.set(C);
      for (let j = 0; j < d; j++) tmp[full ? j * d + j : j] -= reg;
      if (!this.factor(c, tmp) && !this.factor(c, C)) throw new GMMOptionError(`${where}: initial covariance ${c} is not positive-definite`);
    }
    this.project();
  }

  /** S_c from a covariance (without reg); false when it is not positive-definite. */
  private factor(c: number, cov: Float64Array): boolean {
    const { d, covarianceType } = this.params;
    const So = c * this.fLen;
    if (covarianceType === 'diag') {
      for (let j = 0; j < d; j++) if (!(cov[j] > 0)) return false;
      for (let j = 0; j < d; j++) this.S[So + j] = Math.sqrt(cov[j]);
      return true;
    }
    if (choleskyInto(cov, d, this.chol) >= 0) return false;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) this.S[So + a * d + b] = this.chol[b * d + a];
    return true;
  }

  /** Raises variances below the floor (see the class comment). */
  project(): void {
    if (this.floor.length === 0) return;
    const { k, d, covarianceType } = this.params;
    const fl = this.floor, reg = this.reg;
    if (covarianceType === 'diag') {
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) {
          const min = Math.max(fl[j] - reg, 0);
          const s = this.S[c * d + j];
          if (s * s < min) this.S[c * d + j] = s < 0 ? -Math.sqrt(min) : Math.sqrt(min);
        }
      }
      return;
    }
    const cov = new Float64Array(d * d), shifted = new Float64Array(d * d), inv = fl.map((v) => 1 / Math.sqrt(v));
    for (let c = 0; c < k; c++) {
      factorsToCovariances(this.S.subarray(c * this.fLen, (c + 1) * this.fLen), 1, d, 'full', cov);
      for (let j = 0; j < d; j++) cov[j * d + j] += reg;
      // A factor that overflowed is left as it is: the fitter's next loss (or its final snapshot) reports it.
      if (!cov.every(Number.isFinite)) continue;
      shifted.set(cov);
      for (let j = 0; j < d; j++) shifted[j * d + j] -= fl[j];
      if (choleskyInto(shifted, d, this.chol) < 0) continue;
      // Correlation frame: eigenvalues of D^-1/2 Σ D^-1/2 clipped at 1, back, minus reg, refactored.
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] *= inv[a] * inv[b];
      const P = projectPSD(cov, d, 1);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) P[a * d + b] /= inv[a] * inv[b];
      for (let j = 0; j < d; j++) P[j * d + j] -= reg;
      this.factor(c, P);
    }
  }

  /** z, S → weights and covariances (Σ = SᵀS + reg·I). */
  sync(): void {
    const { k, d, covarianceType } = this.params;
    const full = covarianceType === 'full';
    let mx = -Infinity;
    for (let c = 0; c < k; c++) mx = Math.max(mx, this.z[c]);
    let s = 0;
    for (let c = 0; c < k; c++) { this.weights[c] = Math.exp(this.z[c] - mx); s += this.weights[c]; }
    for (let c = 0; c < k; c++) this.weights[c] /= s;
    factorsToCovariances(this.S, k, d, covarianceType, this.params.covariances);
    if (this.reg > 0) for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) this.params.covariances[c * this.fLen + (full ? j * d + j : j)] += this.reg;
  }
}

/**
 * The first-order step of a fit on FactorParams (sc2.ts, mmd.ts): the loss gradient in the weights and covariances
 * is carried to the free parameters (weight logits z by the softmax chain rule, weightGradToLogitGrad; covariance
 * factors S by covarianceGradToFactorGrad), then the three blocks z, means and S each take one step of their own
 * optimiser, scaled by the learning-rate schedule's factor (scaledStep).
 */
export class FactorSteps {
  private readonly optZ: Optimizer;
  private readonly optM: Optimizer;
  private readonly optS: Optimizer;
  private readonly gZ: Float64Array;
  private readonly gS: Float64Array;
  private readonly scrZ: Float64Array;
  private readonly scrM: Float64Array;
  private readonly scrS: Float64Array;

  /** `optimizer(lr, size)` makes each block's optimiser; `lr` holds the three blocks' rates. */
  constructor(private readonly fp: FactorParams, optimizer: (lr: number, size: number) => Optimizer, lr: { weights: number; means: number; factors: number }) {
    const { k, d } = fp.params;
    const sLen = fp.S.length;
    this.optZ = optimizer(lr.weights, k);
    this.optM = optimizer(lr.means, k * d);
    this.optS = optimizer(lr.factors, sLen);
    this.gZ = new Float64Array(k);
    this.gS = new Float64Array(sLen);
    this.scrZ = new Float64Array(k);
    this.scrM = new Float64Array(k * d);
    this.scrS = new Float64Array(sLen);
  }

  /** One step from dL/dweights (k), dL/dmeans (k·d) and dL/dcovariances (k·d·d full, k·d diag), lr × factor. */
  step(dWeights: Float64Array, dMeans: Float64Array, dCovariances: Float64Array, factor: number): void {
    const { fp } = this;
    const { k, d, covarianceType } = fp.params;
    weightGradToLogitGrad(fp.weights, dWeights, this.gZ);
    covarianceGradToFactorGrad(fp.S, dCovariances, k, d, covarianceType, this.gS);
    scaledStep(this.optZ, fp.z, this.gZ, factor, this.scrZ);
    scaledStep(this.optM, fp.params.means, dMeans, factor, this.scrM);
    scaledStep(this.optS, fp.S, this.gS, factor, this.scrS);
  }
}

/**
 * Per-coordinate variance floor in the fit's frame: `fraction` × the target's variance of each coordinate
 * (data units: the floor follows every coordinate's own spread, not the frame's one scalar). Empty when
 * fraction = 0.
 */
export function varianceFloor(target: Points | GMM, frame: Frame, fraction: number): Float64Array {
  if (!(fraction > 0)) return new Float64Array(0);
  const d = target.d;
  const v = new Float64Array(d);
  if (target instanceof GMM) {
    const full = target.toFull();
    const m = new Float64Array(d);
    for (let c = 0; c < full.k; c++) for (let j = 0; j < d; j++) m[j] += full.weights[c] * full.means[c * d + j];
    for (let c = 0; c < full.k; c++) {
      for (let j = 0; j < d; j++) v[j] += full.weights[c] * (full.covariances[c * d * d + j * d + j] + (full.means[c * d + j] - m[j]) ** 2);
    }
  } else {
    const { cov } = pointsMoments(target);
    for (let j = 0; j < d; j++) v[j] = cov[j * d + j];
  }
  const s2 = frame.scale * frame.scale;
  for (let j = 0; j < d; j++) v[j] = (fraction * v[j]) / s2;
  return v;
}
