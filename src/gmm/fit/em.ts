/**
 * Expectation–maximisation for Gaussian mixtures (Dempster, Laird & Rubin 1977), following
 * scikit-learn's GaussianMixture step for step so the two can be compared:
 *
 *   E-step:  log ρ_ic = log w_c + log N(x_i | μ_c, Σ_c),   ℓ_i = logsumexp_c log ρ_ic,   γ_ic = exp(log ρ_ic − ℓ_i)
 *   M-step:  N_c = Σ_i γ_ic + 10 ε,   w_c = N_c / Σ_c' N_c',   μ_c = Σ_i γ_ic x_i / N_c,
 *            Σ_c = Σ_i γ_ic (x_i − μ_c)(x_i − μ_c)ᵀ / N_c + regCovar · I      (diag: the diagonal only)
 *            tied:      Σ = Σ_c w_c Σ_c  (= Σ_c N_c S_c / N + regCovar · I with S_c the scatter above / N_c)
 *            spherical: σ²_c = (1/d) Σ_j (Σ_c)_jj  (the diag M-step's variances, averaged, regCovar included)
 *   (scikit-learn's `_estimate_gaussian_covariances_{full,diag,tied,spherical}`; see gmm.ts constrainCovariances)
 *   stop when |mean ℓ(t) − mean ℓ(t−1)| < tol (mean log-likelihood, before the M-step of iteration t),
 *   or after maxIter iterations.
 *
 * history.loss[t] is the mean NLL −mean ℓ of the parameters entering iteration t; history.finalNll is the
 * mean NLL of the returned parameters. With nInit > 1 the run with the lowest final mean NLL wins (run r uses
 * seed + r for its initialisation; starts.ts, the same rule as fitGMM's nInit for every method).
 *
 * Tied and spherical fits run on the full and diagonal kernels: each M-step computes the per-component covariances
 * in that layout, reduces them to the tied matrix or the spherical variances, and factorises those (a tied fit's
 * per-component factorisations in between are discarded, so a component with too few points to have a
 * positive-definite covariance of its own does not stop it).
 *
 * Kernels: the WebAssembly ones (wasm/engine.ts: SIMD128, float64, the phases spread over worker threads with
 * identical results for any thread count) when they load, else the JavaScript ones (density.ts): precision
 * Cholesky factors P_c = L_c⁻¹ and a blocked lower-triangular product for the E-step; a blocked Gram kernel over
 * √γ-scaled rows for the M-step scatter, skipping rows with γ_ic = 0. Responsibilities are normalised as
 * exp(log ρ_ic − max_c log ρ_ic) / Σ_c exp(·), so rows sum to 1 even for points far from every component.
 */
import type { CovarianceType, Points } from '../model/types.ts';
import { constrainCovariances, COVARIANCE_TYPES, GMM } from '../model/gmm.ts';
import { estimateLogProb, factorLayout, logSumExpRows, precisionFactors, weightedScatter, type PrecisionFactors, type ScatterScratch } from '../model/density.ts';
import { NotPositiveDefiniteError } from '../linalg/dense.ts';
import { profileLap, profileStart, WasmEM, WasmFactorError } from '../wasm/engine.ts';
import { HistoryRecorder } from './history.ts';
import { resolveInit } from './init.ts';
import { GMMOptionError, optional, optionsObject, positiveInt, validateCommon } from './options.ts';
import { bestOfStarts } from './starts.ts';
import { validatePoints } from '../model/points.ts';
import type { FitResult } from './contract.ts';

export const EM_OPTION_KEYS = ['nInit'] as const;
/** EM fits all four covariance types. */
export const EM_COVARIANCE_TYPES: readonly CovarianceType[] = COVARIANCE_TYPES;

/** EM from k-means++ / random starts (or a given GMM); options: CommonFitOptions and nInit. */
export function fitEM(points: Points, options: Record<string, unknown>): FitResult {
  const { nInit, ...rest } = optionsObject(options, 'fitEM');
  return bestOfStarts((o) => fitEMOnce(points, o), points, rest, optional('nInit', nInit, 1, positiveInt), 'fitEM');
}

function fitEMOnce(points: Points, options: Record<string, unknown>): FitResult {
  const common = validateCommon(options, { where: 'fitEM', defaults: { maxIter: 100, tol: 1e-3, regCovar: 1e-6 }, covarianceTypes: EM_COVARIANCE_TYPES });
  validatePoints(points, 'points');
  if (common.k > points.n) throw new GMMOptionError(`fitEM: k = ${common.k} exceeds the number of points n = ${points.n}`);
  return runEM(points, resolveInit(points, common), common.maxIter, common.tol, common.regCovar, common.onStep);
}

/** The EM iterations from a given initial mixture. */
export function runEM(points: Points, init: GMM, maxIter: number, tol: number, regCovar: number, onStep?: HistoryRecorderOnStep): FitResult {
  const wasm = WasmEM.open(points, init.k, factorLayout(init.covarianceType));
  try {
    const state: EMState = wasm ? new WasmState(wasm, init) : new JsState(points, init);
    return iterate(state, init, maxIter, tol, regCovar, onStep);
  } finally {
    wasm?.close();
  }
}

/** The EM state on one set of kernels; the components it starts from are factorised by its constructor. */
interface EMState {
  /** E-step with these weights; keeps the responsibilities (and, with `forMStep`, what mStep needs). Returns Σ ℓ_i / n. */
  eStep(weights: Float64Array, forMStep: boolean): number;
  /** M-step from the last E-step: writes the new weights, updates means, covariances and factors; throws NotPositiveDefiniteError. */
  mStep(regCovar: number, weights: Float64Array): void;
  /** Copies of the current means and covariances (in the shape of the fit's covariance type). */
  read(means: Float64Array, covariances: Float64Array): void;
}

function iterate(state: EMState, init: GMM, maxIter: number, tol: number, regCovar: number, onStep?: HistoryRecorderOnStep): FitResult {
  const { k, d, covarianceType: type } = init;
  const weights = init.weights.slice();
  const means = new Float64Array(init.means.length);
  const covs = new Float64Array(init.covariances.length);
  const rec = new HistoryRecorder('nll', onStep);
  const snapshot = () => {
    state.read(means, covs);
    return new GMM({ k, d, covarianceType: type, weights: weights.slice(), means: means.slice(), covariances: covs.slice() }, { method: 'em' });
  };
  let lowerBound = -Infinity;
  let converged = false;
  let iter = 0;
  for (iter = 1; iter <= maxIter; iter++) {
    const prev = lowerBound;
    lowerBound = state.eStep(weights, true);
    if (!Number.isFinite(lowerBound)) throw new GMMOptionError(`fitEM: the log-likelihood became ${lowerBound} at iteration ${iter}; increase regCovar`);
    try {
      state.mStep(regCovar, weights);
    } catch (e) {
      if (!(e instanceof NotPositiveDefiniteError)) throw e;
      throw new GMMOptionError(`fitEM: ${e.message} at iteration ${iter}; the data may be degenerate for this k — increase regCovar`);
    }
    const go = rec.record(-lowerBound, snapshot);
    if (Math.abs(lowerBound - prev) < tol) { converged = true; break; }
    if (!go) break;
  }
  const finalNll = -state.eStep(weights, false);
  return { gmm: snapshot(), history: rec.finish({ iterations: Math.min(iter, maxIter), converged, finalNll }) };
}

const FACTOR_NAME = 'EM covariances';

/** One covariance per component in the kernels' layout: tied → k copies of Σ (k×d×d), spherical → σ²_c repeated (k×d). */
function expandCovariances(type: CovarianceType, k: number, d: number, covariances: Float64Array): Float64Array {
  if (type === 'full' || type === 'diag') return covariances;
  const len = type === 'tied' ? d * d : d;
  const out = new Float64Array(k * len);
  for (let c = 0; c < k; c++) {
    if (type === 'tied') out.set(covariances, c * len);
    else out.fill(covariances[c], c * len, (c + 1) * len);
  }
  return out;
}

/** The WebAssembly kernels (wasm/engine.ts); a failed factorisation reads as precisionFactors' error. */
class WasmState implements EMState {
  private readonly type: CovarianceType;
  /** tied / spherical: the constrained covariances (the kernels hold them expanded). */
  private covs: Float64Array;
  private readonly layoutCovs: Float64Array;

  constructor(private readonly em: WasmEM, init: GMM) {
    const { k, d, covarianceType } = init;
    this.type = covarianceType;
    this.covs = init.covariances.slice();
    this.layoutCovs = new Float64Array(factorLayout(covarianceType) === 'full' ? k * d * d : k * d);
    this.factored(() => em.setComponents(init.means, expandCovariances(covarianceType, k, d, this.covs)));
  }

  private factored(f: () => void): void {
    try {
      f();
    } catch (e) {
      if (!(e instanceof WasmFactorError)) throw e;
      const { d, k } = this.em;
      const c = e.component;
      let msg: string;
      if (this.type === 'tied') msg = `${FACTOR_NAME} (the tied covariance) is not positive-definite (Cholesky failed at pivot ${e.pivot})`;
      else if (this.type === 'spherical') msg = `${FACTOR_NAME}[${c}] (component ${c}) must be a positive finite variance, got ${this.covs[c]}`;
      else {
        const covs = new Float64Array(this.type === 'diag' ? k * d : k * d * d);
        this.em.readComponents(new Float64Array(k * d), covs);
        msg = this.type === 'diag'
          ? `${FACTOR_NAME}[${c}][${e.pivot}] (component ${c}) must be a positive finite variance, got ${covs[c * d + e.pivot]}`
          : `${FACTOR_NAME}[${c}] (component ${c}) is not positive-definite (Cholesky failed at pivot ${e.pivot})`;
      }
      throw new NotPositiveDefiniteError(msg, e.pivot);
    }
  }

  eStep(weights: Float64Array, forMStep: boolean): number {
    this.em.setWeights(weights);
    return this.em.eStep(forMStep);
  }

  mStep(regCovar: number, weights: Float64Array): void {
    const { type, em } = this;
    if (type === 'full' || type === 'diag') {
      this.factored(() => em.mStep(regCovar, weights));
      return;
    }
    try {
      em.mStep(regCovar, weights); // per-component covariances; their factors are replaced below
    } catch (e) {
      if (!(e instanceof WasmFactorError)) throw e;
    }
    const means = new Float64Array(em.k * em.d);
    em.readComponents(means, this.layoutCovs);
    this.covs = constrainCovariances(type, em.k, em.d, weights, this.layoutCovs);
    this.factored(() => em.setComponents(means, expandCovariances(type, em.k, em.d, this.covs)));
  }

  read(means: Float64Array, covariances: Float64Array): void {
    if (this.type === 'full' || this.type === 'diag') {
      this.em.readComponents(means, covariances);
      return;
    }
    this.em.readComponents(means, this.layoutCovs);
    covariances.set(this.covs);
  }
}

/** The JavaScript kernels of density.ts (the fallback). */
class JsState implements EMState {
  private readonly means: Float64Array;
  /** The fit's covariances (shape of its type) and, for tied / spherical, the per-component ones in the kernel layout. */
  private covs: Float64Array;
  private readonly layoutCovs: Float64Array;
  private readonly type: CovarianceType;
  private readonly logW: Float64Array;
  private readonly logProb: Float64Array;
  private readonly lse: Float64Array;
  private readonly quad: Float64Array;
  private readonly nk: Float64Array;
  private readonly cov: Float64Array;
  private scratch: ScatterScratch | undefined;
  private pf: PrecisionFactors;

  constructor(private readonly points: Points, init: GMM) {
    const { n, d } = points, { k } = init;
    this.means = init.means.slice();
    this.covs = init.covariances.slice();
    this.type = init.covarianceType;
    this.layoutCovs = factorLayout(this.type) === this.type ? this.covs : new Float64Array(factorLayout(this.type) === 'full' ? k * d * d : k * d);
    this.logW = new Float64Array(k);
    this.logProb = new Float64Array(n * k);
    this.lse = new Float64Array(n);
    this.quad = new Float64Array(n);
    this.nk = new Float64Array(k);
    this.cov = new Float64Array(factorLayout(this.type) === 'full' ? d * d : d);
    this.pf = precisionFactors(this.type, k, d, this.means, this.covs, { name: FACTOR_NAME });
  }

  eStep(weights: Float64Array): number {
    const { n } = this.points, { k } = this.pf;
    let t = profileStart();
    for (let c = 0; c < k; c++) this.logW[c] = Math.log(weights[c]);
    estimateLogProb(this.points, this.pf, this.logW, this.logProb, this.quad);
    t = profileLap('E: log ρ', t);
    logSumExpRows(this.logProb, n, k, this.lse, true);
    profileLap('E: γ, ℓ', t);
    let s = 0;
    for (let i = 0; i < n; i++) s += this.lse[i];
    return s / n;
  }

  mStep(regCovar: number, weights: Float64Array): void {
    const { points, means, layoutCovs: covs, nk, logProb, cov } = this;
    const { n, d, data } = points, { k, covarianceType: type } = this.pf;
    const covLen = type === 'full' ? d * d : d;
    let t = profileStart();
    nk.fill(0);
    means.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * k, xo = i * d;
      for (let c = 0; c < k; c++) {
        const r = logProb[o + c];
        if (r === 0) continue;
        nk[c] += r;
        const mo = c * d;
        for (let j = 0; j < d; j++) means[mo + j] += r * data[xo + j];
      }
    }
    let total = 0;
    for (let c = 0; c < k; c++) { nk[c] += 10 * Number.EPSILON; total += nk[c]; }
    t = profileLap('M: N_c, μ_c', t);
    for (let c = 0; c < k; c++) {
      weights[c] = nk[c] / total;
      const inv = 1 / nk[c];
      for (let j = 0; j < d; j++) means[c * d + j] *= inv;
      this.scratch = weightedScatter(points, logProb, k, c, means, c * d, type, cov, this.scratch);
      const base = c * covLen;
      if (type === 'full') {
        for (let a = 0; a < covLen; a++) covs[base + a] = cov[a] * inv;
        for (let a = 0; a < d; a++) covs[base + a * d + a] += regCovar;
      } else {
        for (let a = 0; a < d; a++) covs[base + a] = cov[a] * inv + regCovar;
      }
    }
    t = profileLap('M: scatter', t);
    if (this.layoutCovs !== this.covs) this.covs = constrainCovariances(this.type, k, d, weights, this.layoutCovs);
    this.pf = precisionFactors(this.type, k, d, means, this.covs, { name: FACTOR_NAME, reuse: this.pf });
    profileLap('M: Σ_c, Cholesky, P_c', t);
  }

  read(means: Float64Array, covariances: Float64Array): void {
    means.set(this.means);
    covariances.set(this.covs);
  }
}

type HistoryRecorderOnStep = ConstructorParameters<typeof HistoryRecorder>[1];
