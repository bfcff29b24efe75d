/**
 * The Gaussian mixture model p(x) = Σ_c w_c N(x | μ_c, Σ_c) in d dimensions with k components,
 * full or diagonal covariances. Immutable: parameters are validated and copied on construction; all
 * accessors that hand out parameters return copies (`params()`), except the readonly typed-array fields,
 * which must not be mutated (the Cholesky/precision caches depend on them).
 *
 * Validation (GMMValidationError, message naming the field and component):
 *  - k, d positive integers; covarianceType 'full' | 'diag';
 *  - weights: length k, finite, ≥ 0, sum within 1e-6 of 1 (then renormalised exactly);
 *  - means: length k·d, finite;
 *  - covariances: full: k·d·d, finite, symmetric to 1e-8 relative (then symmetrised exactly) and
 *    positive-definite (Cholesky succeeds); diag: k·d finite positive variances.
 *
 * JSON (GMMJson, version 1):
 *   { format: 'gmmgen-gmm', version: 1, k, d, covarianceType, weights: number[], means: number[][],
 *     covariances: number[][][] (full) | number[][] (diag), meta?: {...} }
 */
import type { CovarianceType, GMMParams, Mixture1D, Points } from './types.ts';
import { Rng } from '../util/rng.ts';
import { asymmetry, choleskyInto, symmetrize } from './linalg.ts';
import { estimateLogProb, logSumExpRows, precisionFactors, type PrecisionFactors } from './density.ts';
import { describe, validatePoints } from './points.ts';

export { pointsFromFlat, pointsFromRows, validatePoints } from './points.ts';

export class GMMValidationError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'GMMValidationError';
  }
}

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
  covariances: number[][][] | number[][];
  meta?: Record<string, unknown>;
}

const WEIGHT_SUM_TOL = 1e-6;
const SYMMETRY_TOL = 1e-8;

export class GMM {
  readonly k: number;
  readonly d: number;
  readonly covarianceType: CovarianceType;
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly covariances: Float64Array;
  /** Free-form metadata carried through JSON (method, seed, training info, ...). */
  readonly meta?: Record<string, unknown>;

  /** full: k×d×d Cholesky factors L_c (Σ_c = L_c L_cᵀ); diag: k×d standard deviations. */
  private readonly chol: Float64Array;
  private pf?: PrecisionFactors;
  private logW?: Float64Array;

  constructor(params: GMMParams, meta?: Record<string, unknown>) {
    if (params === null || typeof params !== 'object') throw new GMMValidationError(`GMM: expected parameters {k, d, covarianceType, weights, means, covariances}, got ${describe(params)}`);
    const { k, d, covarianceType } = params;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw new GMMValidationError(`GMM: k must be a positive integer, got ${describe(k)}`);
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw new GMMValidationError(`GMM: d must be a positive integer, got ${describe(d)}`);
    if (covarianceType !== 'full' && covarianceType !== 'diag') throw new GMMValidationError(`GMM: covarianceType must be 'full' or 'diag', got ${describe(covarianceType)}`);
    const weights = copyArray('weights', params.weights, k);
    const means = copyArray('means', params.means, k * d);
    const covariances = copyArray('covariances', params.covariances, covarianceType === 'full' ? k * d * d : k * d);
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
    if (covarianceType === 'diag') {
      this.chol = new Float64Array(k * d);
      for (let i = 0; i < covariances.length; i++) {
        const v = covariances[i];
        const c = Math.floor(i / d);
        if (!Number.isFinite(v)) throw new GMMValidationError(`GMM: covariances[${c}][${i % d}] (component ${c}) is not finite: ${v}`);
        if (!(v > 0)) throw new GMMValidationError(`GMM: covariances[${c}][${i % d}] (component ${c}) must be a positive variance, got ${v}`);
        this.chol[i] = Math.sqrt(v);
      }
    } else {
      const dd = d * d;
      this.chol = new Float64Array(k * dd);
      for (let c = 0; c < k; c++) {
        const S = covariances.subarray(c * dd, (c + 1) * dd);
        for (let i = 0; i < dd; i++) {
          if (!Number.isFinite(S[i])) throw new GMMValidationError(`GMM: covariances[${c}][${Math.floor(i / d)}][${i % d}] (component ${c}) is not finite: ${S[i]}`);
        }
        const asym = asymmetry(S, d);
        if (asym > SYMMETRY_TOL) throw new GMMValidationError(`GMM: covariances[${c}] (component ${c}) is not symmetric (relative asymmetry ${asym.toExponential(2)})`);
        symmetrize(S, d);
        const piv = choleskyInto(S, d, this.chol.subarray(c * dd, (c + 1) * dd));
        if (piv >= 0) throw new GMMValidationError(`GMM: covariances[${c}] (component ${c}) is not positive-definite (Cholesky failed at pivot ${piv})`);
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

  /** The same mixture with full covariance matrices (diagonal ones expanded). */
  toFull(): GMM {
    if (this.covarianceType === 'full') return this.clone();
    const { k, d } = this;
    const cov = new Float64Array(k * d * d);
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) cov[c * d * d + j * d + j] = this.covariances[c * d + j];
    return new GMM({ k, d, covarianceType: 'full', weights: this.weights.slice(), means: this.means.slice(), covariances: cov }, this.meta);
  }

  /** Covariance of component c as a d×d matrix (copy). */
  componentCovariance(c: number): Float64Array {
    this.checkComponent(c);
    const d = this.d;
    if (this.covarianceType === 'full') return this.covariances.slice(c * d * d, (c + 1) * d * d);
    const out = new Float64Array(d * d);
    for (let j = 0; j < d; j++) out[j * d + j] = this.covariances[c * d + j];
    return out;
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
    const d = this.d, mu = this.means, L = this.chol;
    if (this.covarianceType === 'diag') {
      for (let j = 0; j < d; j++) out[o + j] = mu[c * d + j] + L[c * d + j] * eps[j];
      return;
    }
    const base = c * d * d;
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
      } else {
        // θᵀΣθ = ‖L_cᵀθ‖² (always ≥ 0, unlike a rounded quadratic form).
        const base = c * d * d;
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
    let covariances: number[][][] | number[][];
    if (this.covarianceType === 'full') {
      const full: number[][][] = [];
      for (let c = 0; c < k; c++) {
        const m: number[][] = [];
        for (let a = 0; a < d; a++) m.push(Array.from(this.covariances.subarray(c * d * d + a * d, c * d * d + (a + 1) * d)));
        full.push(m);
      }
      covariances = full;
    } else {
      const diag: number[][] = [];
      for (let c = 0; c < k; c++) diag.push(Array.from(this.covariances.subarray(c * d, (c + 1) * d)));
      covariances = diag;
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
    if (covarianceType !== 'full' && covarianceType !== 'diag') fail(`field 'covarianceType' must be 'full' or 'diag', got ${describe(covarianceType)}`);
    const K = k as number, D = d as number;
    const known = new Set(['format', 'version', 'k', 'd', 'covarianceType', 'weights', 'means', 'covariances', 'meta']);
    for (const key of Object.keys(o)) if (!known.has(key)) fail(`unknown field '${key}'`);
    const weights = new Float64Array(K);
    readNumbers(o.weights, K, 'weights', weights, 0, fail);
    if (!Array.isArray(o.means) || o.means.length !== K) fail(`field 'means' must be an array of ${K} rows, got ${describe(o.means)}`);
    const means = new Float64Array(K * D);
    for (let c = 0; c < K; c++) readNumbers((o.means as unknown[])[c], D, `means[${c}]`, means, c * D, fail);
    const cov = o.covariances;
    if (!Array.isArray(cov) || cov.length !== K) fail(`field 'covariances' must be an array of ${K} entries, got ${describe(cov)}`);
    let covariances: Float64Array;
    if (covarianceType === 'full') {
      covariances = new Float64Array(K * D * D);
      for (let c = 0; c < K; c++) {
        const m = (cov as unknown[])[c];
        if (!Array.isArray(m) || m.length !== D) fail(`field 'covariances[${c}]' must be a ${D}×${D} matrix (array of ${D} rows), got ${describe(m)}`);
        for (let a = 0; a < D; a++) readNumbers((m as unknown[])[a], D, `covariances[${c}][${a}]`, covariances, c * D * D + a * D, fail);
      }
    } else {
      covariances = new Float64Array(K * D);
      for (let c = 0; c < K; c++) readNumbers((cov as unknown[])[c], D, `covariances[${c}]`, covariances, c * D, fail);
    }
    if (o.meta !== undefined && (o.meta === null || typeof o.meta !== 'object' || Array.isArray(o.meta))) fail(`field 'meta' must be an object, got ${describe(o.meta)}`);
    return new GMM({ k: K, d: D, covarianceType: covarianceType as CovarianceType, weights, means, covariances }, o.meta as Record<string, unknown> | undefined);
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
