/**
 * Expectation–maximisation for Gaussian mixtures (Dempster, Laird & Rubin 1977), following
 * scikit-learn's GaussianMixture step for step so the two can be compared:
 *
 *   E-step:  log ρ_ic = log w_c + log N(x_i | μ_c, Σ_c),   ℓ_i = logsumexp_c log ρ_ic,   γ_ic = exp(log ρ_ic − ℓ_i)
 *   M-step:  N_c = Σ_i γ_ic + 10 ε,   w_c = N_c / Σ_c' N_c',   μ_c = Σ_i γ_ic x_i / N_c,
 *            Σ_c = Σ_i γ_ic (x_i − μ_c)(x_i − μ_c)ᵀ / N_c + regCovar · I      (diag: the diagonal only)
 *   stop when |mean ℓ(t) − mean ℓ(t−1)| < tol (mean log-likelihood, before the M-step of iteration t),
 *   or after maxIter iterations.
 *
 * history.loss[t] is the mean NLL −mean ℓ of the parameters entering iteration t; history.finalNll is the
 * mean NLL of the returned parameters. With nInit > 1 the run with the best final mean log-likelihood wins
 * (run r uses seed + r for its initialisation).
 *
 * Kernels: the WebAssembly ones (wasm/engine.ts: SIMD128, float64, the phases spread over worker threads with
 * identical results for any thread count) when they load, else the JavaScript ones (density.ts): precision
 * Cholesky factors P_c = L_c⁻¹ and a blocked lower-triangular product for the E-step; a blocked Gram kernel over
 * √γ-scaled rows for the M-step scatter, skipping rows with γ_ic = 0. Responsibilities are normalised as
 * exp(log ρ_ic − max_c log ρ_ic) / Σ_c exp(·), so rows sum to 1 even for points far from every component.
 */
import type { Points } from './types.ts';
import { GMM } from './gmm.ts';
import { estimateLogProb, logSumExpRows, precisionFactors, weightedScatter, type PrecisionFactors, type ScatterScratch } from './density.ts';
import { NotPositiveDefiniteError } from './linalg.ts';
import { profileLap, profileStart, WasmEM, WasmFactorError } from './wasm/engine.ts';
import { HistoryRecorder } from './history.ts';
import { resolveInit } from './init.ts';
import { GMMOptionError, optional, positiveInt, validateCommon } from './options.ts';
import { validatePoints } from './points.ts';
import type { FitResult } from './fit.ts';

export const EM_OPTION_KEYS = ['nInit'] as const;

export function fitEM(points: Points, options: Record<string, unknown>): FitResult {
  const common = validateCommon(options, { allowed: EM_OPTION_KEYS, where: 'fitEM', defaults: { maxIter: 100, tol: 1e-3, regCovar: 1e-6 } });
  const nInit = optional('nInit', options.nInit, 1, positiveInt);
  validatePoints(points, 'points');
  if (common.k > points.n) throw new GMMOptionError(`fitEM: k = ${common.k} exceeds the number of points n = ${points.n}`);
  if (nInit > 1 && common.init instanceof GMM) throw new GMMOptionError('fitEM: nInit > 1 needs a random initialisation (init is a fixed GMM)');
  let best: FitResult | undefined;
  let bestScore = -Infinity;
  for (let r = 0; r < nInit; r++) {
    const init = resolveInit(points, { ...common, seed: common.seed + r });
    const res = runEM(points, init, common.maxIter, common.tol, common.regCovar, common.onStep);
    const score = -(res.history.finalNll ?? Infinity);
    if (!best || score > bestScore) { best = res; bestScore = score; }
  }
  return best!;
}

/** The EM iterations from a given initial mixture. */
export function runEM(points: Points, init: GMM, maxIter: number, tol: number, regCovar: number, onStep?: HistoryRecorderOnStep): FitResult {
  const wasm = WasmEM.open(points, init.k, init.covarianceType);
  if (!wasm) return runEMJs(points, init, maxIter, tol, regCovar, onStep);
  try {
    return runEMWasm(wasm, init, maxIter, tol, regCovar, onStep);
  } finally {
    wasm.close();
  }
}

/** The message precisionFactors (density.ts) gives for a covariance that is not positive-definite. */
function factorErrorMessage(e: WasmFactorError, type: string, d: number, covs: Float64Array): string {
  const name = 'EM covariances', c = e.component;
  return type === 'diag'
    ? `${name}[${c}][${e.pivot}] (component ${c}) must be a positive finite variance, got ${covs[c * d + e.pivot]}`
    : `${name}[${c}] (component ${c}) is not positive-definite (Cholesky failed at pivot ${e.pivot})`;
}

/** runEM on the WebAssembly kernels: the same iterations, phases as in wasm/engine.ts. */
function runEMWasm(em: WasmEM, init: GMM, maxIter: number, tol: number, regCovar: number, onStep?: HistoryRecorderOnStep): FitResult {
  const { k, covarianceType: type, d } = init;
  const weights = init.weights.slice();
  const means = init.means.slice();
  const covs = init.covariances.slice();
  try {
    em.setComponents(means, covs);
  } catch (e) {
    if (e instanceof WasmFactorError) throw new NotPositiveDefiniteError(factorErrorMessage(e, type, d, covs), e.pivot);
    throw e;
  }
  const rec = new HistoryRecorder('nll', onStep);
  const snapshot = () => {
    em.readComponents(means, covs);
    return new GMM({ k, d, covarianceType: type, weights: weights.slice(), means: means.slice(), covariances: covs.slice() }, { method: 'em' });
  };
  const eStep = (moments: boolean): number => {
    em.setWeights(weights);
    return em.eStep(moments);
  };
  let lowerBound = -Infinity;
  let converged = false;
  let iter = 0;
  for (iter = 1; iter <= maxIter; iter++) {
    const prev = lowerBound;
    lowerBound = eStep(true);
    if (!Number.isFinite(lowerBound)) throw new GMMOptionError(`fitEM: the log-likelihood became ${lowerBound} at iteration ${iter}; increase regCovar`);
    try {
      em.mStep(regCovar, weights);
    } catch (e) {
      if (!(e instanceof WasmFactorError)) throw e;
      em.readComponents(means, covs);
      throw new GMMOptionError(`fitEM: ${factorErrorMessage(e, type, d, covs)} at iteration ${iter}; the data may be degenerate for this k — increase regCovar`);
    }
    const go = rec.record(-lowerBound, snapshot);
    if (Math.abs(lowerBound - prev) < tol) { converged = true; break; }
    if (!go) break;
  }
  const finalNll = -eStep(false);
  return { gmm: snapshot(), history: rec.finish({ iterations: Math.min(iter, maxIter), converged, finalNll }) };
}

/** runEM on the JavaScript kernels of density.ts (the fallback). */
function runEMJs(points: Points, init: GMM, maxIter: number, tol: number, regCovar: number, onStep?: HistoryRecorderOnStep): FitResult {
  const { n, d } = points;
  const { k, covarianceType: type } = init;
  const covLen = type === 'full' ? d * d : d;
  const weights = init.weights.slice();
  const means = init.means.slice();
  const covs = init.covariances.slice();
  const logW = new Float64Array(k);
  const logProb = new Float64Array(n * k);
  const lse = new Float64Array(n);
  const quad = new Float64Array(n);
  const nk = new Float64Array(k);
  const cov = new Float64Array(covLen);
  let scratch: ScatterScratch | undefined;
  let pf: PrecisionFactors = precisionFactors(type, k, d, means, covs, { name: 'EM covariances' });
  const rec = new HistoryRecorder('nll', onStep);
  const snapshot = () => new GMM({ k, d, covarianceType: type, weights: weights.slice(), means: means.slice(), covariances: covs.slice() }, { method: 'em' });

  /** E-step: responsibilities into logProb (overwritten), returns the mean log-likelihood. */
  const eStep = (): number => {
    let t = profileStart();
    for (let c = 0; c < k; c++) logW[c] = Math.log(weights[c]);
    estimateLogProb(points, pf, logW, logProb, quad);
    t = profileLap('E: log ρ', t);
    logSumExpRows(logProb, n, k, lse, true);
    profileLap('E: γ, ℓ', t);
    let s = 0;
    for (let i = 0; i < n; i++) s += lse[i];
    return s / n;
  };

  let lowerBound = -Infinity;
  let converged = false;
  let iter = 0;
  for (iter = 1; iter <= maxIter; iter++) {
    const prev = lowerBound;
    lowerBound = eStep();
    if (!Number.isFinite(lowerBound)) throw new GMMOptionError(`fitEM: the log-likelihood became ${lowerBound} at iteration ${iter}; increase regCovar`);
    // M-step.
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
        for (let j = 0; j < d; j++) means[mo + j] += r * points.data[xo + j];
      }
    }
    let total = 0;
    for (let c = 0; c < k; c++) { nk[c] += 10 * Number.EPSILON; total += nk[c]; }
    t = profileLap('M: N_c, μ_c', t);
    for (let c = 0; c < k; c++) {
      weights[c] = nk[c] / total;
      const inv = 1 / nk[c];
      for (let j = 0; j < d; j++) means[c * d + j] *= inv;
      scratch = weightedScatter(points, logProb, k, c, means, c * d, type, cov, scratch);
      const base = c * covLen;
      if (type === 'full') {
        for (let a = 0; a < covLen; a++) covs[base + a] = cov[a] * inv;
        for (let a = 0; a < d; a++) covs[base + a * d + a] += regCovar;
      } else {
        for (let a = 0; a < d; a++) covs[base + a] = cov[a] * inv + regCovar;
      }
    }
    t = profileLap('M: scatter', t);
    try {
      pf = precisionFactors(type, k, d, means, covs, { name: 'EM covariances', reuse: pf });
      profileLap('M: Σ_c, Cholesky, P_c', t);
    } catch (e) {
      throw new GMMOptionError(`fitEM: ${(e as Error).message} at iteration ${iter}; the data may be degenerate for this k — increase regCovar`);
    }
    const go = rec.record(-lowerBound, snapshot);
    if (Math.abs(lowerBound - prev) < tol) { converged = true; break; }
    if (!go) break;
  }
  const finalNll = -eStep();
  return { gmm: snapshot(), history: rec.finish({ iterations: Math.min(iter, maxIter), converged, finalNll }) };
}

type HistoryRecorderOnStep = ConstructorParameters<typeof HistoryRecorder>[1];
