/** The GMM class (below), its JSON form and covariance-type helpers. */
import type { CovarianceType, GMMParams, Mixture1D, Points } from './types.ts';
import { Rng } from '../../util/rng.ts';
import { asymmetry, choleskyInto, symmetrize } from '../linalg/dense.ts';
import { estimateLogProb, factorLayout, logSumExpRows, precisionFactors, type PrecisionFactors } from './density.ts';
import { describe, validatePoints } from './points.ts';

export { pointsFromFlat, pointsFromRows, validatePoints } from './points.ts';

export class GMMValidationError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'GMMValidationError';
  }
}

/** The covariance types, in scikit-learn's order. */
export const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

/** Length of the covariances array of a k-component, d-dimensional mixture: full k·d·d, diag k·d, tied d·d, spherical k. */
export function covarianceLength(covarianceType: CovarianceType, k: number, d: number): number {
  switch (covarianceType) {
    case 'full': return k * d * d;
    case 'diag': return k * d;
    case 'tied': return d * d;
    case 'spherical': return k;
  }
}

/** Whether v is one of the four covariance types. */
export function isCovarianceType(v: unknown): v is CovarianceType {
  return typeof v === 'string' && (COVARIANCE_TYPES as readonly string[]).includes(v);
}

/**
 * One covariance per component, in the kernel layout of `covarianceType` (density.ts factorLayout: k×d×d for full
 * and tied, k×d for diag and spherical), reduced to the parameters of that type: full and diag are copied; tied
 * gives Σ = Σ_c w_c Σ_c (d×d); spherical gives σ²_c = (1/d) Σ_j (Σ_c)_jj (length k). With w_c = N_c / N and
 * Σ_c = the responsibility-weighted scatter of component c / N_c + reg·I, these are scikit-learn's tied and
 * spherical M-steps (`_estimate_gaussian_covariances_tied` / `_spherical`; reg·Σ_c w_c = reg).
 */
export function constrainCovariances(
  covarianceType: CovarianceType, k: number, d: number, weights: ArrayLike<number>, perComponent: Float64Array,
): Float64Array {
  switch (covarianceType) {
    case 'full':
    case 'diag':
      return perComponent.slice(0, covarianceLength(covarianceType, k, d));
    case 'tied': {
      const dd = d * d;
      const out = new Float64Array(dd);
      for (let c = 0; c < k; c++) {
        const w = weights[c];
        for (let i = 0; i < dd; i++) out[i] += w * perComponent[c * dd + i];
      }
      return out;
    }
    case 'spherical': {
      const out = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += perComponent[c * d + j];
        out[c] = t / d;
      }
      return out;
    }
  }
}

const TYPE_LIST = COVARIANCE_TYPES.map((t) => `'${t}'`).join(', ');

export const GMM_JSON_FORMAT = 'gmmgen-gmm';
export const GMM_JSON_VERSION = 1;

export interface GMMJson {
  format: 'gmmgen-gmm';
  version: 1;
  k: number;
  d: number;
  covarianceType: CovarianceType;
  weights: number[];
  means: number[][];
  covariances: number[][][] | number[][] | number[];
  meta?: Record<string, unknown>;
}

const WEIGHT_SUM_TOL = 1e-6;
const SYMMETRY_TOL = 1e-8;

/**
 * The Gaussian mixture model p(x) = Σ_c w_c N(x | μ_c, Σ_c) in d dimensions with k components, with
 * scikit-learn's four covariance types (types.ts, CovarianceType): 'full', 'diag', 'tied' (one Σ shared by all
 * components) and 'spherical' (Σ_c = σ²_c I). Immutable: parameters are validated and copied on construction; all
 * accessors that hand out parameters return copies (`params()`), except the readonly typed-array fields,
 * which must not be mutated (the Cholesky/precision caches depend on them).
 *
 * Validation (GMMValidationError, message naming the field and component):
 *  - k, d positive integers; covarianceType 'full' | 'diag' | 'tied' | 'spherical';
 *  - weights: length k, finite, ≥ 0, sum within 1e-6 of 1 (then renormalised exactly);
 *  - means: length k·d, finite;
 *  - covariances: full k·d·d, tied d·d: finite, symmetric to 1e-8 relative (then symmetrised exactly) and
 *    positive-definite (Cholesky succeeds); diag k·d, spherical k: finite positive variances.
 *
 * JSON (GMMJson, version 1; the covariances in scikit-learn's `covariances_` shapes):
 *   { format: 'gmmgen-gmm', version: 1, k, d, covarianceType, weights: number[], means: number[][],
 *     covariances: number[][][] (full, k×d×d) | number[][] (diag, k×d; tied, d×d) | number[] (spherical, k),
 *     meta?: {...} }
 *
 * Model selection (scikit-learn's `bic` / `aic`): nParameters() counts k − 1 weights, k·d means and the covariance
 * parameters (full k·d(d+1)/2, diag k·d, tied d(d+1)/2, spherical k).
 */
export class GMM {
  readonly k: number;
  readonly d: number;
  readonly covarianceType: CovarianceType;
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly covariances: Float64Array;
  /** Free-form metadata carried through JSON (method, seed, training info, ...). */
  readonly meta?: Record<string, unknown>;

  /** full: k×d×d Cholesky factors L_c (Σ_c = L_c L_cᵀ); tied: the d×d factor of Σ; diag: k×d, spherical: k standard deviations. */
  private readonly chol: Float64Array;
  private pf?: PrecisionFactors;
  private logW?: Float64Array;

  constructor(params: GMMParams, meta?: Record<string, unknown>) {
    if (params === null || typeof params !== 'object') throw new GMMValidationError(`GMM: expected parameters {k, d, covarianceType, weights, means, covariances}, got ${describe(params)}`);
    const { k, d, covarianceType } = params;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw new GMMValidationError(`GMM: k must be a positive integer, got ${describe(k)}`);
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw new GMMValidationError(`GMM: d must be a positive integer, got ${describe(d)}`);
    if (!isCovarianceType(covarianceType)) throw new GMMValidationError(`GMM: covarianceType must be one of ${TYPE_LIST}, got ${describe(covarianceType)}`);
    const weights = copyArray('weights', params.weights, k);
    const means = copyArray('means', params.means, k * d);
    const covariances = copyArray('covariances', params.covariances, covarianceLength(covarianceType, k, d));
    for (let c = 0; c < k; c++) {
      const w = weights[c];
      if (!Number.isFinite(w)) throw new GMMValidationError(`GMM: weights[${c}] (component ${c}) is not finite: ${w}`);
      if (w < 0) throw new GMMValidationError(`GMM: weights[${c}] (component ${c}) is negative: ${w}`);
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += weights[c];
    if (!(Math.abs(sum - 1) <= WEIGHT_SUM_TOL)) throw new GMMValidationError(`GMM: weights must sum to 1 (within ${WEIGHT_SUM_TOL}), got sum ${sum}`);
    for (let c = 0; c < k; c++) weights[c] /= sum;
    for (let i = 0; i < means.length; i++) {
      if (!Number.isFinite(means[i])) throw new GMMValidationError(`GMM: means[${Math.floor(i / d)}][${i % d}] (component ${Math.floor(i / d)}) is not finite: ${means[i]}`);
    }
    if (covarianceType === 'diag' || covarianceType === 'spherical') {
      // diag: covariances[c][j] of component c; spherical: covariances[c], the variance of component c.
      const per = covarianceType === 'diag' ? d : 1;
      this.chol = new Float64Array(covariances.length);
      for (let i = 0; i < covariances.length; i++) {
        const v = covariances[i];
        const c = Math.floor(i / per);
        const at = per === 1 ? `covariances[${c}]` : `covariances[${c}][${i % d}]`;
        if (!Number.isFinite(v)) throw new GMMValidationError(`GMM: ${at} (component ${c}) is not finite: ${v}`);
        if (!(v > 0)) throw new GMMValidationError(`GMM: ${at} (component ${c}) must be a positive variance, got ${v}`);
        this.chol[i] = Math.sqrt(v);
      }
    } else {
      // full: k matrices covariances[c]; tied: the one matrix `covariances`, shared by every component.
      const dd = d * d;
      const count = covarianceType === 'full' ? k : 1;
      this.chol = new Float64Array(count * dd);
      for (let c = 0; c < count; c++) {
        const S = covariances.subarray(c * dd, (c + 1) * dd);
        const at = covarianceType === 'full' ? `covariances[${c}] (component ${c})` : 'covariances (the tied covariance)';
        const entry = (i: number) => (covarianceType === 'full' ? `covariances[${c}]` : 'covariances') + `[${Math.floor(i / d)}][${i % d}]`;
        for (let i = 0; i < dd; i++) {
          if (!Number.isFinite(S[i])) throw new GMMValidationError(`GMM: ${entry(i)}${covarianceType === 'full' ? ` (component ${c})` : ''} is not finite: ${S[i]}`);
        }
        const asym = asymmetry(S, d);
        if (asym > SYMMETRY_TOL) throw new GMMValidationError(`GMM: ${at} is not symmetric (relative asymmetry ${asym.toExponential(2)})`);
        symmetrize(S, d);
        const piv = choleskyInto(S, d, this.chol.subarray(c * dd, (c + 1) * dd));
        if (piv >= 0) throw new GMMValidationError(`GMM: ${at} is not positive-definite (Cholesky failed at pivot ${piv})`);
      }
    }
    this.k = k;
    this.d = d;
    this.covarianceType = covarianceType;
    this.weights = weights;
    this.means = means;
    this.covariances = covariances;
    if (meta !== undefined) {
      if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) throw new GMMValidationError(`GMM: meta must be a plain object, got ${describe(meta)}`);
      this.meta = { ...meta };
    }
  }

  /** Copies of the parameters. */
  params(): GMMParams {
    return {
      k: this.k, d: this.d, covarianceType: this.covarianceType,
      weights: this.weights.slice(), means: this.means.slice(), covariances: this.covariances.slice(),
    };
  }

  clone(): GMM {
    return new GMM(this.params(), this.meta);
  }

  /** A copy with new metadata. */
  withMeta(meta: Record<string, unknown> | undefined): GMM {
    return new GMM(this.params(), meta);
  }

  /** The same mixture with full covariance matrices (diag, tied and spherical ones expanded; exact). */
  toFull(): GMM {
    return this.withCovarianceType('full');
  }

  /**
   * The mixture with another covariance type. Exact where the target type can hold this model's covariances
   * (full from any type, diag from spherical, tied from tied); otherwise the moment-matching choice:
   *  - diag: the diagonal of each Σ_c;
   *  - spherical: σ²_c = tr Σ_c / d (the mean variance, as scikit-learn's spherical M-step);
   *  - tied: Σ = Σ_c w_c Σ_c (the within-component covariance, as scikit-learn's tied M-step).
   * Used to start a fit of one type from a model of another (init: gmm). Throws GMMValidationError for an
   * unknown type.
   */
  withCovarianceType(covarianceType: CovarianceType): GMM {
    if (!isCovarianceType(covarianceType)) throw new GMMValidationError(`GMM.withCovarianceType: covarianceType must be one of ${TYPE_LIST}, got ${describe(covarianceType)}`);
    if (covarianceType === this.covarianceType) return this.clone();
    const { k, d } = this;
    const layout = factorLayout(covarianceType);
    const per = new Float64Array(layout === 'full' ? k * d * d : k * d);
    for (let c = 0; c < k; c++) {
      const S = this.componentCovariance(c);
      if (layout === 'full') per.set(S, c * d * d);
      else for (let j = 0; j < d; j++) per[c * d + j] = S[j * d + j];
    }
    const covariances = constrainCovariances(covarianceType, k, d, this.weights, per);
    return new GMM({ k, d, covarianceType, weights: this.weights.slice(), means: this.means.slice(), covariances }, this.meta);
  }

  /** Covariance of component c as a d×d matrix (copy). */
  componentCovariance(c: number): Float64Array {
    this.checkComponent(c);
    const d = this.d;
    switch (this.covarianceType) {
      case 'full': return this.covariances.slice(c * d * d, (c + 1) * d * d);
      case 'tied': return this.covariances.slice();
      default: {
        const out = new Float64Array(d * d);
        for (let j = 0; j < d; j++) out[j * d + j] = this.covarianceType === 'diag' ? this.covariances[c * d + j] : this.covariances[c];
        return out;
      }
    }
  }

  /**
   * Number of free parameters (scikit-learn's `_n_parameters`): k − 1 weights, k·d means, and the covariances'
   * full k·d(d+1)/2, diag k·d, tied d(d+1)/2, spherical k.
   */
  nParameters(): number {
    const { k, d } = this;
    const cov = { full: (k * d * (d + 1)) / 2, diag: k * d, tied: (d * (d + 1)) / 2, spherical: k }[this.covarianceType];
    return cov + k * d + k - 1;
  }

  /**
   * Bayesian information criterion of the model on the points, −2 Σ_i log p(x_i) + p log n with p = nParameters()
   * (Schwarz 1978; scikit-learn's `bic`, computed as −2 · score · n + p log n). Lower is better. Throws
   * PointsError for malformed points.
   */
  bic(points: Points): number {
    return -2 * this.score(points) * points.n + this.nParameters() * Math.log(points.n);
  }

  /**
   * Akaike information criterion, −2 Σ_i log p(x_i) + 2p with p = nParameters() (Akaike 1974; scikit-learn's
   * `aic`). Lower is better.
   */
  aic(points: Points): number {
    return -2 * this.score(points) * points.n + 2 * this.nParameters();
  }

  // ---------------------------------------------------------------------------------------------
  // Sampling
  // ---------------------------------------------------------------------------------------------

  /**
   * n samples: component c ~ Categorical(w), then x = μ_c + L_c ε with ε ~ N(0, I). Same seed (or an
   * Rng in the same state) → same samples.
   */
  sample(n: number, seed: number | Rng = 0): { points: Points; components: Int32Array } {
    checkCount(n);
    const rng = seed instanceof Rng ? seed : new Rng(seed);
    const d = this.d;
    const data = new Float64Array(n * d);
    const components = new Int32Array(n);
    const eps = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const c = rng.categorical(this.weights);
      components[i] = c;
      rng.normals(eps);
      this.transformNormal(c, eps, data, i * d);
    }
    return { points: { n, d, data }, components };
  }

  /** n samples of component c alone. */
  sampleComponent(c: number, n: number, seed: number | Rng = 0): Points {
    this.checkComponent(c);
    checkCount(n);
    const rng = seed instanceof Rng ? seed : new Rng(seed);
    const d = this.d;
    const data = new Float64Array(n * d);
    const eps = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      rng.normals(eps);
      this.transformNormal(c, eps, data, i * d);
    }
    return { n, d, data };
  }

  private transformNormal(c: number, eps: Float64Array, out: Float64Array, o: number): void {
    const d = this.d, mu = this.means, L = this.chol, type = this.covarianceType;
    if (type === 'diag') {
      for (let j = 0; j < d; j++) out[o + j] = mu[c * d + j] + L[c * d + j] * eps[j];
      return;
    }
    if (type === 'spherical') {
      for (let j = 0; j < d; j++) out[o + j] = mu[c * d + j] + L[c] * eps[j];
      return;
    }
    const base = type === 'full' ? c * d * d : 0;
    for (let a = 0; a < d; a++) {
      let s = mu[c * d + a];
      const ra = base + a * d;
      for (let j = 0; j <= a; j++) s += L[ra + j] * eps[j];
      out[o + a] = s;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Densities
  // ---------------------------------------------------------------------------------------------

  /** Cached precision factors (P_c = L_c⁻¹, log det, P_c μ_c). */
  precisionFactors(): PrecisionFactors {
    if (!this.pf) this.pf = precisionFactors(this.covarianceType, this.k, this.d, this.means, this.covariances, { name: 'GMM.covariances' });
    return this.pf;
  }

  private logWeights(): Float64Array {
    if (!this.logW) this.logW = this.weights.map(Math.log);
    return this.logW;
  }

  /** n×k row-major matrix of log w_c + log N(x_i | μ_c, Σ_c). */
  componentLogPdf(points: Points): Float64Array {
    validatePoints(points, 'points', this.d);
    return estimateLogProb(points, this.precisionFactors(), this.logWeights());
  }

  /** log p(x_i) for every point (stable log-sum-exp over components). */
  logPdf(points: Points): Float64Array {
    const m = this.componentLogPdf(points);
    return logSumExpRows(m, points.n, this.k);
  }

  /** Mean log-likelihood of the points (scikit-learn's `score`). */
  score(points: Points): number {
    const lp = this.logPdf(points);
    let s = 0;
    for (let i = 0; i < lp.length; i++) s += lp[i];
    return s / lp.length;
  }

  /** Mean negative log-likelihood (= −score). */
  nll(points: Points): number {
    return -this.score(points);
  }

  /** Responsibilities p(c | x_i), n×k row-major. */
  predictProba(points: Points): Float64Array {
    const m = this.componentLogPdf(points);
    logSumExpRows(m, points.n, this.k, undefined, true);
    return m;
  }

  /** Index of the most responsible component for every point. */
  predict(points: Points): Int32Array {
    const m = this.componentLogPdf(points);
    const { n } = points, k = this.k;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (m[i * k + c] > m[i * k + best]) best = c;
      out[i] = best;
    }
    return out;
  }

  /**
   * The 1-D mixture of θᵀx for x ~ this GMM: weights w_c, means θᵀμ_c, sds sqrt(θᵀΣ_cθ). θ is used as
   * given (normalise it for a slice along a unit direction).
   */
  project(direction: ArrayLike<number>): Mixture1D {
    const { k, d } = this;
    if (direction === null || typeof direction !== 'object' || direction.length !== d) {
      throw new GMMValidationError(`GMM.project: direction must have length d = ${d}, got ${describe(direction)}`);
    }
    for (let j = 0; j < d; j++) if (!Number.isFinite(direction[j])) throw new GMMValidationError(`GMM.project: direction[${j}] is not finite: ${direction[j]}`);
    const means = new Float64Array(k), sds = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let m = 0;
      for (let j = 0; j < d; j++) m += direction[j] * this.means[c * d + j];
      means[c] = m;
      let v = 0;
      if (this.covarianceType === 'diag') {
        for (let j = 0; j < d; j++) v += direction[j] * direction[j] * this.covariances[c * d + j];
      } else if (this.covarianceType === 'spherical') {
        for (let j = 0; j < d; j++) v += direction[j] * direction[j] * this.covariances[c];
      } else {
        // θᵀΣθ = ‖L_cᵀθ‖² (always ≥ 0, unlike a rounded quadratic form).
        const base = this.covarianceType === 'full' ? c * d * d : 0;
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let a = j; a < d; a++) s += this.chol[base + a * d + j] * direction[a];
          v += s * s;
        }
      }
      sds[c] = Math.sqrt(v);
    }
    return { weights: this.weights.slice(), means, sds };
  }

  // ---------------------------------------------------------------------------------------------
  // JSON
  // ---------------------------------------------------------------------------------------------

  toJSON(): GMMJson {
    const { k, d } = this;
    const means: number[][] = [];
    for (let c = 0; c < k; c++) means.push(Array.from(this.means.subarray(c * d, (c + 1) * d)));
    const rows = (a: Float64Array, count: number, len: number): number[][] => {
      const out: number[][] = [];
      for (let r = 0; r < count; r++) out.push(Array.from(a.subarray(r * len, (r + 1) * len)));
      return out;
    };
    let covariances: GMMJson['covariances'];
    switch (this.covarianceType) {
      case 'full': covariances = Array.from({ length: k }, (_, c) => rows(this.covariances.subarray(c * d * d, (c + 1) * d * d), d, d)); break;
      case 'diag': covariances = rows(this.covariances, k, d); break;
      case 'tied': covariances = rows(this.covariances, d, d); break;
      case 'spherical': covariances = Array.from(this.covariances); break;
    }
    const json: GMMJson = {
      format: GMM_JSON_FORMAT, version: GMM_JSON_VERSION, k, d, covarianceType: this.covarianceType,
      weights: Array.from(this.weights), means, covariances,
    };
    if (this.meta) json.meta = { ...this.meta };
    return json;
  }

  toJSONString(space?: number): string {
    return JSON.stringify(this.toJSON(), null, space);
  }

  /** Parses and validates a GMMJson object; throws GMMValidationError naming the malformed field. */
  static fromJSON(json: unknown): GMM {
    const fail = (msg: string): never => { throw new GMMValidationError(`GMM JSON: ${msg}`); };
    if (json === null || typeof json !== 'object' || Array.isArray(json)) fail(`expected an object, got ${describe(json)}`);
    const o = json as Record<string, unknown>;
    if (o.format !== GMM_JSON_FORMAT) fail(`field 'format' must be '${GMM_JSON_FORMAT}', got ${describe(o.format)}`);
    if (o.version !== GMM_JSON_VERSION) fail(`unsupported version ${describe(o.version)} (this build reads version ${GMM_JSON_VERSION})`);
    const { k, d, covarianceType } = o;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) fail(`field 'k' must be a positive integer, got ${describe(k)}`);
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) fail(`field 'd' must be a positive integer, got ${describe(d)}`);
    if (!isCovarianceType(covarianceType)) fail(`field 'covarianceType' must be one of ${TYPE_LIST}, got ${describe(covarianceType)}`);
    const K = k as number, D = d as number;
    const known = new Set(['format', 'version', 'k', 'd', 'covarianceType', 'weights', 'means', 'covariances', 'meta']);
    for (const key of Object.keys(o)) if (!known.has(key)) fail(`unknown field '${key}'`);
    const weights = new Float64Array(K);
    readNumbers(o.weights, K, 'weights', weights, 0, fail);
    if (!Array.isArray(o.means) || o.means.length !== K) fail(`field 'means' must be an array of ${K} rows, got ${describe(o.means)}`);
    const means = new Float64Array(K * D);
    for (let c = 0; c < K; c++) readNumbers((o.means as unknown[])[c], D, `means[${c}]`, means, c * D, fail);
    const type = covarianceType as CovarianceType;
    const cov = o.covariances;
    const covariances = new Float64Array(covarianceLength(type, K, D));
    const shape = { full: `${K} ${D}×${D} matrices`, diag: `${K} rows of ${D} variances`, tied: `one ${D}×${D} matrix (${D} rows)`, spherical: `${K} variances` }[type];
    const count = type === 'tied' ? D : K;
    if (!Array.isArray(cov) || cov.length !== count) fail(`field 'covariances' must be ${shape} for covarianceType '${type}', got ${describe(cov)}`);
    const entries = cov as unknown[];
    if (type === 'full') {
      for (let c = 0; c < K; c++) {
        const m = entries[c];
        if (!Array.isArray(m) || m.length !== D) fail(`field 'covariances[${c}]' must be a ${D}×${D} matrix (array of ${D} rows), got ${describe(m)}`);
        for (let a = 0; a < D; a++) readNumbers((m as unknown[])[a], D, `covariances[${c}][${a}]`, covariances, c * D * D + a * D, fail);
      }
    } else if (type === 'spherical') {
      readNumbers(cov, K, 'covariances', covariances, 0, fail);
    } else {
      for (let r = 0; r < count; r++) readNumbers(entries[r], D, `covariances[${r}]`, covariances, r * D, fail);
    }
    if (o.meta !== undefined && (o.meta === null || typeof o.meta !== 'object' || Array.isArray(o.meta))) fail(`field 'meta' must be an object, got ${describe(o.meta)}`);
    return new GMM({ k: K, d: D, covarianceType: type, weights, means, covariances }, o.meta as Record<string, unknown> | undefined);
  }

  static fromJSONString(s: string): GMM {
    if (typeof s !== 'string') throw new GMMValidationError(`GMM JSON: expected a string, got ${describe(s)}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch (e) {
      throw new GMMValidationError(`GMM JSON: not valid JSON (${(e as Error).message})`);
    }
    return GMM.fromJSON(parsed);
  }

  private checkComponent(c: number): void {
    if (!Number.isInteger(c) || c < 0 || c >= this.k) throw new GMMValidationError(`GMM: component index must be an integer in [0, ${this.k}), got ${describe(c)}`);
  }
}

function checkCount(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new GMMValidationError(`GMM.sample: n must be a non-negative integer, got ${describe(n)}`);
}

function copyArray(field: string, v: unknown, len: number): Float64Array {
  if (!(v instanceof Float64Array) && !Array.isArray(v) && !(v instanceof Float32Array)) {
    throw new GMMValidationError(`GMM: ${field} must be a Float64Array of length ${len}, got ${describe(v)}`);
  }
  const a = v as ArrayLike<number>;
  if (a.length !== len) throw new GMMValidationError(`GMM: ${field} must have length ${len}, got ${a.length}`);
  return Float64Array.from(a);
}

function readNumbers(v: unknown, len: number, field: string, out: Float64Array, offset: number, fail: (m: string) => never): void {
  if (!Array.isArray(v)) fail(`field '${field}' must be an array of ${len} numbers, got ${describe(v)}`);
  const a = v as unknown[];
  if (a.length !== len) fail(`field '${field}' must have ${len} entries, got ${a.length}`);
  for (let i = 0; i < len; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`field '${field}[${i}]' must be a finite number, got ${describe(x)}`);
    out[offset + i] = x as number;
  }
}
