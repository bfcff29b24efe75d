/**
 * Gradient descent on the mean negative log-likelihood, the baseline both gradient-based GMM papers
 * compare against, and the NLL phase of Zhang's SC2+NLL. Unconstrained parameters:
 *
 *   w = softmax(α),   μ_c,   Σ_c = L_c L_cᵀ + reg·I   (full: L_c lower triangular; diag: Σ_c = diag(l_c²) + reg)
 *
 * For a batch of m points with responsibilities γ_ic, N_c = Σ_i γ_ic and S_c = Σ_i γ_ic (x_i − μ_c)(x_i − μ_c)ᵀ,
 * the mean NLL  J = −(1/m) Σ_i log Σ_c w_c N(x_i | μ_c, Σ_c)  has the gradients
 *
 *   ∂J/∂α_c = (m w_c − N_c) / m
 *   ∂J/∂μ_c = −Σ_c⁻¹ Σ_i γ_ic (x_i − μ_c) / m
 *   ∂J/∂Σ_c = G_c = (N_c Σ_c⁻¹ − Σ_c⁻¹ S_c Σ_c⁻¹) / (2m)
 *   ∂J/∂L_c = 2 G_c L_c (lower triangle)            diag: ∂J/∂l_cj = 2 G_cjj l_cj
 *
 * Like the other gradient fitters the descent runs in the standardised frame x' = (x − m)/s of sw.ts (the data
 * mean removed, one scalar s = RMS standard deviation; `standardize: false` turns it off), so learning rates are
 * in units of the data's spread: the NLL only shifts by d·log s there, the minimiser maps back exactly, and a
 * learning rate that suits data of spread 1 also suits data of spread 0.001.
 *
 * Optimiser: Adam by default (optim.ts), one learning rate `lr` or separate ones for the weight logits, the
 * means and the factors (`lrWeights`, `lrMeans`, `lrFactors`, each defaulting to lr — Zhang's SC2+NLL uses Lion
 * with 5e-6 / 2e-2 / 3e-3). Full batch by default, or seeded minibatches of `batchSize` drawn without
 * replacement per epoch. Stops after maxIter steps, or (full batch only) when an exponential average (factor 0.9)
 * of |J_t − J_{t−1}| falls below tol after at least 10 steps.
 *
 * Kernels: with a full batch the E-step, N_c, Σ_i γ_ic (x_i − μ_c) and S_c run on the EM WebAssembly kernels and their
 * worker threads (wasm/engine.ts; full covariances also take the d³ products Σ⁻¹ = PᵀP, Σ⁻¹SΣ⁻¹ and G·L from
 * wasm/sliced.ts), otherwise (minibatches, GMMGEN_KERNELS=js, no WebAssembly) the JavaScript kernels of density.ts.
 * The two paths agree to rounding, and 1 and 2 threads give the same bits (test/gmm/nll-kernels.test.ts).
 *
 * Best iterate: a descent with a fixed step can overshoot and end above where it started. The fitter returns the
 * iterate with the lowest mean NLL on the training points among those it evaluated — every step with a full
 * batch (the step's loss is exactly that NLL), the start, every epoch and the end with minibatches — so the
 * result is never worse than the start. history.loss keeps every step's loss; history.bestStep says which
 * iterate was returned (0 = the start).
 */
import type { Points } from '../model/types.ts';
import { Rng } from '../../util/rng.ts';
import { GMM } from '../model/gmm.ts';
import { choleskyInto, lowerGram } from '../linalg/dense.ts';
import { estimateLogProb, logSumExpRows, precisionFactors, weightedScatter, type PrecisionFactors, type ScatterScratch } from '../model/density.ts';
import { HistoryRecorder } from './history.ts';
import { resolveInit } from './init.ts';
import { createOptimizer, OPTIMIZER_NAMES, type Optimizer, type OptimizerName } from './optim.ts';
import { GMMOptionError, booleanOption, nonNegativeNumber, oneOf, optional, positiveInt, positiveNumber, unitInterval, validateCommon } from './options.ts';
import { validatePoints } from '../model/points.ts';
import type { FitResult } from './contract.ts';
import { identityFrame, paramsFrame, pointsToFrame, standardFrame } from './core.ts';
import { WasmEM, WasmFactorError } from '../wasm/engine.ts';
import { nllFullProductsWasm } from '../wasm/sliced.ts';

export const NLL_OPTION_KEYS = [
  'optimizer', 'lr', 'lrWeights', 'lrMeans', 'lrFactors', 'beta1', 'beta2', 'decay', 'momentum', 'eps', 'weightDecay', 'batchSize', 'standardize',
] as const;

export function fitNLL(points: Points, options: Record<string, unknown>): FitResult {
  const common = validateCommon(options, { allowed: NLL_OPTION_KEYS, where: 'fitNLL', defaults: { maxIter: 500, tol: 1e-6, regCovar: 1e-6 } });
  const optName = optional<OptimizerName>('optimizer', options.optimizer, 'adam', (n, v) => oneOf(n, v, OPTIMIZER_NAMES));
  const lr = optional('lr', options.lr, 0.01, positiveNumber);
  const lrW = optional('lrWeights', options.lrWeights, lr, positiveNumber);
  const lrM = optional('lrMeans', options.lrMeans, lr, positiveNumber);
  const lrF = optional('lrFactors', options.lrFactors, lr, positiveNumber);
  const standardize = optional('standardize', options.standardize, true, booleanOption);
  validatePoints(points, 'points');
  const { n, d } = points;
  const batchSize = optional('batchSize', options.batchSize, n, positiveInt);
  if (batchSize > n) throw new GMMOptionError(`option batchSize (${batchSize}) exceeds the number of points n = ${n}`);
  if (common.k > n) throw new GMMOptionError(`fitNLL: k = ${common.k} exceeds the number of points n = ${n}`);
  const extras = {
    beta1: optional('beta1', options.beta1, undefined, unitInterval),
    beta2: optional('beta2', options.beta2, undefined, unitInterval),
    decay: optional('decay', options.decay, undefined, unitInterval),
    momentum: optional('momentum', options.momentum, undefined, unitInterval),
    eps: optional('eps', options.eps, undefined, positiveNumber),
    weightDecay: optional('weightDecay', options.weightDecay, undefined, nonNegativeNumber),
  };
  for (const key of Object.keys(extras) as (keyof typeof extras)[]) if (extras[key] === undefined) delete extras[key];

  const frame = standardize ? standardFrame(points) : identityFrame(d);
  const X = standardize ? pointsToFrame(points, frame) : points;
  const init = paramsFrame(resolveInit(points, common).params(), frame, 1);
  const { k, covarianceType: type } = init;
  const reg = common.regCovar / (frame.scale * frame.scale);
  const full = type === 'full';
  const fLen = full ? d * d : d;
  const size = k + k * d + k * fLen;
  const oMu = k, oL = k + k * d;
  const theta = new Float64Array(size);
  const grad = new Float64Array(size);
  // Parameters from the initial mixture: α = log w, L = chol(Σ − reg I) (or chol(Σ) if that is not PD).
  for (let c = 0; c < k; c++) theta[c] = Math.log(Math.max(init.weights[c], 1e-300));
  theta.set(init.means, oMu);
  const tmp = new Float64Array(d * d);
  for (let c = 0; c < k; c++) {
    if (full) {
      const S = init.covariances.slice(c * d * d, (c + 1) * d * d);
      for (let j = 0; j < d; j++) S[j * d + j] -= reg;
      if (choleskyInto(S, d, tmp) >= 0) {
        if (choleskyInto(init.covariances.subarray(c * d * d, (c + 1) * d * d), d, tmp) >= 0) throw new GMMOptionError(`fitNLL: initial covariance ${c} is not positive-definite`);
      }
      theta.set(tmp, oL + c * fLen);
    } else {
      for (let j = 0; j < d; j++) {
        const v = init.covariances[c * d + j];
        theta[oL + c * d + j] = Math.sqrt(v - reg > 0 ? v - reg : v);
      }
    }
  }

  const weights = new Float64Array(k);
  const means = new Float64Array(k * d);
  const covs = new Float64Array(k * fLen);
  const logW = new Float64Array(k);
  let pf: PrecisionFactors | undefined;
  /** θ → (weights, means, covariances, precision factors). */
  const unpack = () => {
    let mx = -Infinity;
    for (let c = 0; c < k; c++) mx = Math.max(mx, theta[c]);
    let s = 0;
    for (let c = 0; c < k; c++) { weights[c] = Math.exp(theta[c] - mx); s += weights[c]; }
    for (let c = 0; c < k; c++) { weights[c] /= s; logW[c] = theta[c] - mx - Math.log(s); }
    means.set(theta.subarray(oMu, oMu + k * d));
    for (let c = 0; c < k; c++) {
      const Lo = oL + c * fLen, So = c * fLen;
      if (!full) {
        for (let j = 0; j < d; j++) covs[So + j] = theta[Lo + j] * theta[Lo + j] + reg;
        continue;
      }
      // Σ = L Lᵀ + reg I (lower-triangular L).
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          let v = 0;
          for (let p = 0; p <= b; p++) v += theta[Lo + a * d + p] * theta[Lo + b * d + p];
          if (a === b) v += reg;
          covs[So + a * d + b] = v;
          covs[So + b * d + a] = v;
        }
      }
    }
    pf = precisionFactors(type, k, d, means, covs, { name: 'NLL covariances', reuse: pf });
    if (wasm) {
      try {
        wasm.setComponents(means, covs);
      } catch (e) {
        if (!(e instanceof WasmFactorError)) throw e;
        throw new GMMOptionError(`NLL covariances[${e.component}] (component ${e.component}) is not positive-definite (Cholesky failed at pivot ${e.pivot})`);
      }
      wasm.setLogWeights(logW);
    }
  };
  const meta = { method: 'nll', seed: common.seed };
  const snapshot = () => new GMM(paramsFrame({ k, d, covarianceType: type, weights, means, covariances: covs }, frame, -1), meta);

  const rng = new Rng(common.seed).fork();
  const fullBatch = batchSize === n;
  // Full batch: the E-step and the moments about the current means on the EM WebAssembly kernels (wasm/engine.ts),
  // when available; the JavaScript kernels of density.ts otherwise (minibatches, GMMGEN_KERNELS=js, no WebAssembly).
  const wasm = fullBatch ? WasmEM.open(X, k, full ? 'full' : 'diag') : null;
  try {
    return descend();
  } finally {
    wasm?.close();
  }

  function descend(): FitResult {
    const batch: Points = fullBatch ? X : { n: batchSize, d, data: new Float64Array(batchSize * d) };
    let perm = fullBatch ? new Int32Array(0) : rng.permutation(n);
    let cursor = 0;
    const m = batchSize;
    const logProb = new Float64Array(wasm ? 0 : m * k);
    const lse = new Float64Array(wasm ? 0 : m);
    const quad = new Float64Array(wasm ? 0 : m);
    const nkAll = new Float64Array(wasm ? k : 0);
    const sxAll = new Float64Array(wasm ? k * d : 0);
    const scatterAll = new Float64Array(wasm ? k * fLen : 0);
    const precAll = new Float64Array(wasm && full ? k * d * d : 0);
    const glAll = new Float64Array(wasm && full ? k * d * d : 0);
    const scatter = new Float64Array(fLen);
    const precision = new Float64Array(d * d);
    const AS = new Float64Array(d * d);
    const G = new Float64Array(d * d);
    const sx = new Float64Array(d);
    const u = new Float64Array(d);
    let scratch: ScatterScratch | undefined;
    const group = (rate: number, len: number): Optimizer => createOptimizer({ name: optName, lr: rate, ...extras }, len);
    const opts = [group(lrW, k), group(lrM, k * d), group(lrF, k * fLen)];
    const spans: [number, number][] = [[0, oMu], [oMu, oL], [oL, size]];
    const rec = new HistoryRecorder('nll', common.onStep);
    const logScale = d * Math.log(frame.scale); // NLL(original units) = NLL(frame) + d log s

    /** Mean NLL of all training points (frame units) at the unpacked parameters. */
    const fullNll = (): number => {
      if (wasm) return -wasm.eStep(false);
      const lp = new Float64Array(n * k), l = new Float64Array(n), q = new Float64Array(n);
      estimateLogProb(X, pf!, logW, lp, q);
      logSumExpRows(lp, n, k, l);
      let s = 0;
      for (let i = 0; i < n; i++) s -= l[i];
      return s / n;
    };
    const best = { loss: Infinity, theta: theta.slice(), step: 0 };
    const consider = (loss: number, step: number) => {
      if (loss < best.loss) { best.loss = loss; best.theta.set(theta); best.step = step; }
    };
    const unpackOrThrow = (step: number) => {
      try {
        unpack();
      } catch (e) {
        throw new GMMOptionError(`fitNLL: ${(e as Error).message} at step ${step}; lower lr or increase regCovar`);
      }
    };

    let prevLoss = NaN, ema = Infinity, converged = false, steps = 0;
    const stepsPerEpoch = Math.ceil(n / m);
    for (let step = 0; step < common.maxIter; step++) {
      unpackOrThrow(step);
      if (!fullBatch) {
        if (step % stepsPerEpoch === 0) consider(fullNll(), step);
        for (let r = 0; r < m; r++) {
          if (cursor === n) { perm = rng.permutation(n); cursor = 0; }
          const i = perm[cursor++];
          batch.data.set(X.data.subarray(i * d, i * d + d), r * d);
        }
      }
      let loss = 0;
      if (wasm) loss = -wasm.eStep(true);
      else {
        estimateLogProb(batch, pf!, logW, logProb, quad);
        logSumExpRows(logProb, m, k, lse, true);
        for (let i = 0; i < m; i++) loss -= lse[i];
        loss /= m;
      }
      if (!Number.isFinite(loss)) {
        // Keep the best iterate found so far rather than failing after progress was made.
        if (best.loss < Infinity) break;
        throw new GMMOptionError(`fitNLL: the loss became ${loss} at step ${step}; lower lr or increase regCovar`);
      }
      if (fullBatch) consider(loss, step);
      grad.fill(0);
      if (wasm) {
        // Moments about the current means, summed by the kernels: N_c, Σ γ (x − μ_c), and the scatter S_c.
        wasm.momentSums(nkAll, sxAll, full ? null : scatterAll);
        if (full) wasm.scatterAboutMeans(scatterAll);
      }
      // Full: Σ⁻¹, and G L with G = (N Σ⁻¹ − Σ⁻¹ S Σ⁻¹)/(2m), for every component by the sliced kernels' products.
      const products = wasm !== null && full && nllFullProductsWasm(k, d, pf!.prec, scatterAll, nkAll, 1 / (2 * m), theta.subarray(oL), precAll, glAll);
      for (let c = 0; c < k; c++) {
        let Nc = 0;
        if (wasm) {
          Nc = nkAll[c];
          sx.set(sxAll.subarray(c * d, (c + 1) * d));
          scatter.set(scatterAll.subarray(c * fLen, (c + 1) * fLen));
        } else {
          sx.fill(0);
          for (let i = 0; i < m; i++) {
            const r = logProb[i * k + c];
            if (r === 0) continue;
            Nc += r;
            for (let j = 0; j < d; j++) sx[j] += r * batch.data[i * d + j];
          }
          // r_c = Σ γ (x − μ) = sx − N μ
          for (let j = 0; j < d; j++) sx[j] -= Nc * means[c * d + j];
          scratch = weightedScatter(batch, logProb, k, c, means, c * d, type, scatter, scratch);
        }
        grad[c] = (m * weights[c] - Nc) / m;
        const Lo = oL + c * fLen;
        if (!full) {
          for (let j = 0; j < d; j++) {
            const iv = 1 / covs[c * d + j];
            grad[oMu + c * d + j] = (-iv * sx[j]) / m;
            const g = (Nc * iv - scatter[j] * iv * iv) / (2 * m);
            grad[Lo + j] = 2 * g * theta[Lo + j];
          }
          continue;
        }
        if (products) {
          const po = c * d * d;
          for (let a = 0; a < d; a++) {
            let v = 0;
            for (let j = 0; j < d; j++) v += precAll[po + a * d + j] * sx[j];
            grad[oMu + c * d + a] = -v / m;
            for (let b = 0; b <= a; b++) grad[Lo + a * d + b] = 2 * glAll[po + a * d + b];
          }
          continue;
        }
        // Σ⁻¹ = Pᵀ P with P = pf.prec (lower triangular).
        lowerGram(pf!.prec, c * d * d, d, precision);
        for (let a = 0; a < d; a++) {
          let v = 0;
          for (let j = 0; j < d; j++) v += precision[a * d + j] * sx[j];
          u[a] = v;
          grad[oMu + c * d + a] = -v / m;
        }
        // G = (N Σ⁻¹ − Σ⁻¹ S Σ⁻¹) / (2m)
        mul(precision, scatter, d, AS);
        mul(AS, precision, d, G);
        const f = 1 / (2 * m);
        for (let a = 0; a < d * d; a++) G[a] = (Nc * precision[a] - G[a]) * f;
        // ∂J/∂L = 2 G L, lower triangle: (GL)_ab = Σ_{p ≥ b} G_ap L_pb
        for (let a = 0; a < d; a++) {
          for (let b = 0; b <= a; b++) {
            let v = 0;
            for (let p = b; p < d; p++) v += G[a * d + p] * theta[Lo + p * d + b];
            grad[Lo + a * d + b] = 2 * v;
          }
        }
      }
      steps = step + 1;
      const go = rec.record(loss + logScale, snapshot);
      if (fullBatch && step > 0) {
        const delta = Math.abs(loss - prevLoss);
        ema = Number.isFinite(ema) ? 0.9 * ema + 0.1 * delta : delta;
        if (step >= 10 && ema < common.tol) { converged = true; break; }
      }
      prevLoss = loss;
      if (!go) break;
      for (let g = 0; g < 3; g++) {
        const [a, b] = spans[g];
        opts[g].step(theta.subarray(a, b), grad.subarray(a, b));
      }
    }
    // The iterate after the last step has not been evaluated yet.
    if (steps > 0 && !converged) {
      let ok = true;
      try {
        unpack();
      } catch {
        ok = false;
      }
      if (ok) {
        const last = fullNll();
        if (Number.isFinite(last)) consider(last, steps);
      }
    }
    theta.set(best.theta);
    unpack();
    const gmm = snapshot();
    const history = rec.finish({ iterations: steps, converged, finalNll: gmm.nll(points) });
    history.bestStep = best.step;
    return { gmm, history };
  }
}

/** C = A B for d×d row-major matrices (i-p-j order). */
function mul(A: Float64Array, B: Float64Array, d: number, C: Float64Array): void {
  C.fill(0);
  for (let i = 0; i < d; i++) {
    for (let p = 0; p < d; p++) {
      const a = A[i * d + p];
      if (a === 0) continue;
      const bo = p * d, co = i * d;
      for (let j = 0; j < d; j++) C[co + j] += a * B[bo + j];
    }
  }
}
