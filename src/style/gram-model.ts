/**
 * Generative models of Gram matrices (one set per style layer), fitted to a GramDataset and sampled
 * to drive synthesis.
 *
 * - 'fixed-basis' (the fixed-basis paper, §3.2.2): every upper-triangle entry of every layer's Gram
 *   gets its own 1-D fixed-basis GMM (Algorithm 2 of the paper, src/gmm/fit/fixed-basis.ts: `bins`
 *   evenly spaced components over the entry's range, common sd t·r, only the weights learned).
 *   Entries are sampled independently, so a blended sample mixes A-like and B-like entries.
 * - 'pca-sw' / 'pca-sc2' / 'pca-em': each layer's vectors (by default each crop's Cholesky factor, see
 *   `coordinates` below) are reduced by PCA to `pcaDim`
 *   coordinates (scaled so every layer's total variance is 1). The first `fitDim` coordinates of every
 *   layer (the head), concatenated over the layers, get one multivariate GMM fitted with
 *   fitGMM('sw' | 'sc2' | 'em'); the remaining pcaDim − fitDim coordinates of every layer (the tail) get,
 *   per GMM component, a full-covariance Gaussian from one closed-form M-step with the fitted GMM's
 *   responsibilities (fitPcaTail), or, with `tail: 'crops'`, the tail coordinates of one crop of the drawn
 *   component, chosen by its responsibility (fitCropTail). With the Gaussian tail the whole model is a GMM over all
 *   coordinates whose covariances are block-diagonal (the fitter's over the head, the M-step's over the tail). A sample is decoded back to
 *   Grams, so entries (and layers) stay consistent with one another.
 *
 *   With `coordinates: 'cholesky'` the PCA (and everything after it) works on each crop's upper Cholesky factor R
 *   (G = RᵀR, gram.ts factorTriOfGram) instead of its Gram, and a sample decodes to RᵀR.
 *
 * Sampled upper triangles are mirrored into symmetric matrices and projected onto the PSD cone
 * (negative eigenvalues set to 0); Cholesky-coordinate samples are PSD already and are not projected.
 *
 * Blending by mixture weights: `mixGramModels([A, B], [1 - w, w])` is the mixture of the fitted models.
 * For the per-entry model the mixture is taken entry by entry (each entry's 1-D GMM is the weighted
 * union of A's and B's components, as in blending by dataset proportion); for the PCA models it is
 * taken per sample (a whole Gram set comes from A's GMM or from B's).
 *
 * Blending sampled Gram sets: `mixGramSets([A, B], [1 - w, w])` samples one Gram set from each model and
 * returns their weighted average (1 − w) G_A + w G_B per layer — a Gram set between the paintings, PSD as a
 * convex combination of PSD matrices; the mean over samples is the entry-by-entry expectation of the
 * fixed-basis paper's dataset-proportion blend (§3.2.2), each painting's sample staying whole.
 */
import { Rng } from '../util/rng.ts';
import { GMM, availableFitMethods, fitGMM, symEigen, type FitMethod, type GMMParams } from '../gmm/index.ts';
import { fitFixedBasis1D } from '../gmm/fit/fixed-basis.ts';
import type { GramDataset } from './dataset.ts';
import { factorTriOfGram, gramTriOfFactor, symmetricPSD, triLength, triToGram } from './gram.ts';

import { checkChoice, COVARIANCE_ESTIMATES, GRAM_DRAWS, GRAM_METHODS, GRAM_MODEL_DEFAULTS, type CovarianceEstimate, type GramDraws, type GramMethod } from './defaults.ts';
export { GRAM_METHODS, type GramMethod };

export interface GramModelOptions {
  /** Default 'pca-sw' (whole Gram sets per sample; 'fixed-basis' is the paper's per-entry model). */
  method?: GramMethod;
  seed?: number;
  /** fixed-basis: number of basis components per entry (default 32). */
  bins?: number;
  /** fixed-basis: component sd in units of the grid spacing (default 2). */
  t?: number;
  /**
   * PCA models: principal components kept per layer (default 23, at most n − 1: with the default 24 crops every
   * direction in which the crops differ). Only the first fitDim are fitted by the GMM fitter; the rest are the
   * tail. With 4 components The Starry Night's sampled Grams were less diverse than its crops (0.098 vs 0.109 at
   * 256 px); with 23 and Cholesky coordinates 0.110, and The Scream's 0.214 against 0.211 with 4 in Gram coordinates
   * (48 draws; docs/RESULTS.md, issue 12, fifth and sixth passes).
   */
  pcaDim?: number;
  /**
   * PCA models: components per layer fitted by the GMM fitter (default 4, at most pcaDim); the other
   * pcaDim − fitDim get a Gaussian per GMM component from one EM M-step (fitPcaTail), or, with tail 'crops', a
   * crop's own coordinates. (A fitter over all 23 × 6 coordinates would cost several times the 4-per-layer fit.)
   */
  fitDim?: number;
  /**
   * PCA models with pcaDim > fitDim: how the tail coordinates are drawn for the GMM component c of the head draw.
   * 'gaussian' (default): from N(mean_c, Σ_c) of one EM M-step (fitPcaTail). 'crops': the tail coordinates of one
   * crop j, chosen with probability r_jc / N_c (fitCropTail) — an empirical tail; with pcaDim = n − 1 a sample is
   * crop j's Gram set with its head coordinates replaced by the GMM's draw.
   */
  tail?: 'gaussian' | 'crops';
  /**
   * PCA models: the coordinates the PCA and the GMM work in. 'gram': the Grams' isometric upper triangles;
   * sampled Grams are projected onto the PSD cone. 'cholesky': each crop's Gram G is replaced by its
   * upper Cholesky factor R (G = RᵀR, factorTriOfGram; semidefinite: zero pivots give zero rows), and a sample's
   * decoded R gives RᵀR — PSD by construction, no projection. Default 'cholesky' (the projection of Gram-coordinate
   * samples took back the diversity a tail added; docs/RESULTS.md, issue 12, fifth pass; The Scream's lower
   * diversity with it in the fifth pass came from its first few draws, sixth pass).
   */
  coordinates?: 'gram' | 'cholesky';
  /** PCA models: GMM components (default 3). */
  k?: number;
  /** PCA models: fitter iterations (default 200 for SW/SC2, EM's own default for EM). */
  maxIter?: number;
  /** PCA models: covariance type (default 'full'). */
  covarianceType?: 'full' | 'diag';
  /**
   * PCA models: how each component's covariance is estimated from its crops. 'ml': as fitted (the fitter's over the
   * head, the M-step's maximum-likelihood scatter over the tail), which under-states the spread of the painting's
   * crops by 1/N_c in variance for a component of N_c crops. 'unbiased' (default, GRAM_MODEL_DEFAULTS): every
   * component's covariance (head and tail) times the reliability-weighted Bessel factor 1 / (1 − Σ_j w_cj²),
   * w_cj = r_jc / N_c (besselFactors) — N_c / (N_c − 1) when the crops are assigned hard; means and weights unchanged.
   * Samples stay exact draws of the model so fitted. Sampled Grams +3–4 % more diverse, as diverse as the crops
   * (docs/RESULTS.md, issue 12, ninth pass).
   */
  covarianceEstimate?: CovarianceEstimate;
}

export interface EntryLayer {
  c: number;
  D: number;
  bins: number;
  /** Per entry: first centre, spacing, sd (r = 0: point mass at `a`). */
  a: Float64Array;
  r: Float64Array;
  sd: Float64Array;
  /** D × bins cumulative weights. */
  cum: Float32Array;
}

export interface PcaLayer {
  c: number;
  D: number;
  p: number;
  mean: Float64Array;
  /** p × D orthonormal basis rows, pre-multiplied by the layer's scale. */
  basis: Float64Array;
  /**
   * true: mean and basis are in Cholesky coordinates (factorTriOfGram: the Gram's upper factor R, G = RᵀR), so a
   * decoded sample is PSD by construction; absent/false: in Gram coordinates (isometric upper triangles).
   */
  factor?: boolean;
}

/**
 * The tail of a PCA model: per GMM component c, a Gaussian N(mean_c, Σ_c) of the T = L · (p − h) coordinates
 * beyond the h fitted ones of each of the L layers (layer by layer, in order), with Σ_c = F_cᵀ F_c given by its
 * n × T factor F_c (rank ≤ n − 1; sampled as mean_c + F_cᵀ ε, ε ~ N(0, I_n), without forming Σ_c).
 */
export interface PcaGaussianTail {
  /** Absent in snapshots made before the crops tail existed. */
  kind?: 'gaussian';
  /** Fitted (head) coordinates per layer. */
  h: number;
  /** Tail coordinates over all layers. */
  T: number;
  /** Rows of each factor (the number of crops). */
  n: number;
  /** k × T means. */
  mean: Float64Array;
  /** k × n × T factors. */
  factor: Float64Array;
}

/**
 * The empirical tail of a PCA model: for the GMM component c of a head draw, crop j is chosen with probability
 * weights[c · n + j] = r_jc / N_c and its own T tail coordinates (coords row j; layer by layer, as in
 * PcaGaussianTail) are used.
 */
export interface PcaCropTail {
  kind: 'crops';
  /** Fitted (head) coordinates per layer. */
  h: number;
  /** Tail coordinates over all layers. */
  T: number;
  /** Number of crops. */
  n: number;
  /** k × n choice probabilities (each row sums to 1). */
  weights: Float64Array;
  /** n × T tail coordinates of the crops. */
  coords: Float64Array;
}

export type PcaTail = PcaGaussianTail | PcaCropTail;

export interface Part<L> {
  weight: number;
  layers: L[];
}

export interface SampledGrams {
  /** Per layer, the c × c symmetric PSD Gram matrix (float32, row-major). */
  grams: Float32Array[];
  /** Per layer, the trace removed by the PSD projection relative to the trace of the raw sample. */
  psdClipped: number[];
}

/**
 * How n draws pick their GMM components (PCA models; the per-entry model has no per-sample component and ignores it):
 * 'independent' (default): a categorical draw each; 'stratified': stratifiedComponents over every (part, component)
 * pair of the model, weight part weight × component weight. Either way each single draw has the model's distribution.
 */
export interface GramSampleOptions {
  draws?: GramDraws;
}

export interface GramModel {
  readonly method: GramMethod;
  /** What actually fitted the PCA coordinates ('em' when the asked-for fitter is not registered yet). */
  readonly fitter: FitMethod | 'fixed-basis-1d';
  readonly layers: string[];
  readonly channels: number[];
  /** Raw (unprojected) upper-triangle vectors of n samples: per layer n × D. */
  sampleTri(n: number, seed: number | Rng, opts?: GramSampleOptions): Float64Array[];
  /** n sampled Gram sets, symmetric and PSD-projected. */
  sample(n: number, seed: number | Rng, opts?: GramSampleOptions): SampledGrams[];
}

/**
 * The mixture components of n draws by systematic sampling, in random order: with cumulative weights C_c (normalised)
 * and one u ~ U(0, 1), draw i takes the component c with C_{c−1} ≤ (u + i) / n < C_c; the list is then randomly
 * permuted. Each component's count is ⌊n w_c⌋ or ⌈n w_c⌉ with mean exactly n w_c, and every position's component is
 * exactly Categorical(w) (P(position s gets c) = E[count_c] / n = w_c); only the draws' joint law changes (they
 * cover the components in proportion). n = 1 is one categorical draw. Throws RangeError for weights that are not
 * finite and ≥ 0 with a positive sum.
 */
export function stratifiedComponents(weights: ArrayLike<number>, n: number, rng: Rng): Int32Array {
  let total = 0;
  for (let c = 0; c < weights.length; c++) {
    const w = weights[c];
    if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`stratifiedComponents: weight ${c} is ${w}, expected a finite number >= 0`);
    total += w;
  }
  if (!(total > 0)) throw new RangeError('stratifiedComponents: weights sum to 0');
  // The last component with weight > 0: rounding in the cumulative sum can never hand a draw to a zero-weight one.
  let last = weights.length - 1;
  while (!(weights[last] > 0)) last--;
  const u = rng.uniform();
  const sorted = new Int32Array(n);
  let c = 0;
  let cum = weights[0] / total;
  for (let i = 0; i < n; i++) {
    const p = (u + i) / n;
    while (p >= cum && c < last) cum += weights[++c] / total;
    sorted[i] = c;
  }
  const perm = rng.permutation(n);
  return Int32Array.from(perm, (j) => sorted[j]);
}

function checkDraws(opts?: GramSampleOptions): GramDraws {
  const d = opts?.draws ?? 'independent';
  checkChoice('draws', d, GRAM_DRAWS);
  return d;
}

abstract class BaseModel<L> implements GramModel {
  abstract readonly method: GramMethod;
  abstract readonly fitter: FitMethod | 'fixed-basis-1d';
  constructor(readonly layers: string[], readonly channels: number[], readonly parts: Part<L>[]) {}
  abstract sampleTri(n: number, seed: number | Rng, opts?: GramSampleOptions): Float64Array[];
  /** Whether every sample's layer l is PSD by construction (then sample() does not project it). */
  protected psdByConstruction(_l: number): boolean {
    return false;
  }
  sample(n: number, seed: number | Rng, opts?: GramSampleOptions): SampledGrams[] {
    const tri = this.sampleTri(n, seed, opts);
    const out: SampledGrams[] = [];
    for (let s = 0; s < n; s++) {
      const grams: Float32Array[] = [];
      const psdClipped: number[] = [];
      this.channels.forEach((c, l) => {
        const D = triLength(c);
        const g = triToGram(tri[l], c, s * D);
        if (this.psdByConstruction(l)) {
          grams.push(Float32Array.from(g));
          psdClipped.push(0);
          return;
        }
        let tr = 0;
        for (let i = 0; i < c; i++) tr += g[i * c + i];
        const { gram, clipped } = symmetricPSD(g, c);
        grams.push(Float32Array.from(gram));
        psdClipped.push(tr !== 0 ? Math.abs(clipped / tr) : 0);
      });
      out.push({ grams, psdClipped });
    }
    return out;
  }
}

class EntrywiseModel extends BaseModel<EntryLayer> {
  readonly method = 'fixed-basis' as const;
  readonly fitter = 'fixed-basis-1d' as const;
  sampleTri(n: number, seed: number | Rng, opts?: GramSampleOptions): Float64Array[] {
    checkDraws(opts);
    const rng = typeof seed === 'number' ? new Rng(seed) : seed;
    const pw = this.parts.map((p) => p.weight);
    const single = this.parts.length === 1;
    return this.channels.map((c, l) => {
      const D = triLength(c);
      const out = new Float64Array(n * D);
      for (let s = 0; s < n; s++) {
        for (let e = 0; e < D; e++) {
          const L = this.parts[single ? 0 : rng.categorical(pw)].layers[l];
          let v: number;
          if (L.r[e] === 0) v = L.a[e];
          else {
            const u = rng.uniform();
            const cum = L.cum;
            const base = e * L.bins;
            let i = 0;
            while (i < L.bins - 1 && cum[base + i] < u) i++;
            v = L.a[e] + i * L.r[e] + L.sd[e] * rng.normal();
          }
          out[s * D + e] = v;
        }
      }
      return out;
    });
  }
}

class PcaModel extends BaseModel<PcaLayer> {
  readonly method: GramMethod;
  readonly fitter: FitMethod;
  constructor(
    method: GramMethod, fitter: FitMethod, layers: string[], channels: number[], parts: Part<PcaLayer>[], readonly gmms: GMM[],
    /** Per part, its tail (null: every coordinate is the GMM's). */
    readonly tails: (PcaTail | null)[] = parts.map(() => null),
  ) {
    super(layers, channels, parts);
    this.method = method;
    this.fitter = fitter;
  }
  sampleTri(n: number, seed: number | Rng, opts?: GramSampleOptions): Float64Array[] {
    const stratified = checkDraws(opts) === 'stratified';
    const rng = typeof seed === 'number' ? new Rng(seed) : seed;
    const pw = this.parts.map((p) => p.weight);
    const out = this.channels.map((c) => new Float64Array(n * triLength(c)));
    // Stratified: every draw's (part, component) pair fixed up front from its own stream, then each head drawn from
    // that component alone; independent: as before (part, then the GMM's own categorical draw).
    const pairs = stratified ? this.gmms.flatMap((g, pi) => Array.from(g.weights, (w, c) => ({ pi, c, w: w * pw[pi] }))) : [];
    const assigned = stratified ? stratifiedComponents(pairs.map((p) => p.w), n, rng.fork()) : null;
    for (let s = 0; s < n; s++) {
      let pi: number, z: Float64Array, components: ArrayLike<number>;
      if (assigned) {
        const { pi: p, c } = pairs[assigned[s]];
        pi = p;
        z = this.gmms[pi].sampleComponent(c, 1, rng.fork()).data;
        components = [c];
      } else {
        pi = this.parts.length === 1 ? 0 : rng.categorical(pw);
        const d = this.gmms[pi].sample(1, rng.fork());
        z = d.points.data;
        components = d.components;
      }
      const tail = this.tails[pi];
      // Tail coordinates for the drawn component c (drawn from their own stream, so that models without a tail
      // sample as before): those of a crop chosen by its responsibility, or mean_c + F_cᵀ ε.
      let zt: Float64Array | null = null;
      if (tail && tail.T > 0) {
        const c = components[0];
        const tr = rng.fork();
        zt = tail.kind === 'crops' ? cropTailDraw(tail, c, tr) : gaussianTailDraw(tail, c, tr);
      }
      const h = tail ? tail.h : Infinity;
      let o = 0, ot = 0;
      this.parts[pi].layers.forEach((L, l) => {
        const row = out[l].subarray(s * L.D, (s + 1) * L.D);
        row.set(L.mean);
        for (let k = 0; k < L.p; k++) {
          const zk = k < h ? z[o++] : zt ? zt[ot++] : 0;
          const b = L.basis.subarray(k * L.D, (k + 1) * L.D);
          for (let e = 0; e < L.D; e++) row[e] += zk * b[e];
        }
        if (L.factor) row.set(gramTriOfFactor(row, L.c));
      });
    }
    return out;
  }
  protected override psdByConstruction(l: number): boolean {
    return this.parts.every((p) => p.layers[l].factor === true);
  }
}

/** The tail coordinates of the crop chosen for component c (weights row c), a view into tail.coords. */
function cropTailDraw(tail: PcaCropTail, c: number, rng: Rng): Float64Array {
  const j = rng.categorical(tail.weights.subarray(c * tail.n, (c + 1) * tail.n));
  return tail.coords.subarray(j * tail.T, (j + 1) * tail.T);
}

/** A draw mean_c + F_cᵀ ε, ε ~ N(0, I_n), of component c's tail Gaussian. */
function gaussianTailDraw(tail: PcaGaussianTail, c: number, rng: Rng): Float64Array {
  const T = tail.T;
  const zt = tail.mean.slice(c * T, (c + 1) * T);
  for (let j = 0; j < tail.n; j++) {
    const eps = rng.normal();
    const f = tail.factor.subarray((c * tail.n + j) * T, (c * tail.n + j + 1) * T);
    for (let t = 0; t < T; t++) zt[t] += eps * f[t];
  }
  return zt;
}

function fitEntryLayer(v: Float32Array, n: number, c: number, bins: number, t: number): EntryLayer {
  const D = triLength(c);
  const a = new Float64Array(D), r = new Float64Array(D), sd = new Float64Array(D);
  const cum = new Float32Array(D * bins);
  const x = new Float64Array(n);
  for (let e = 0; e < D; e++) {
    let lo = Infinity, hi = -Infinity;
    for (let j = 0; j < n; j++) {
      const val = v[j * D + e];
      x[j] = val;
      if (val < lo) lo = val;
      if (val > hi) hi = val;
    }
    if (!(hi - lo > 1e-9 * Math.max(1, Math.abs(hi), Math.abs(lo)))) {
      a[e] = n > 0 ? 0.5 * (lo + hi) : 0;
      r[e] = 0;
      continue;
    }
    const fb = fitFixedBasis1D(x, { n: bins, t, algorithm: 2, range: [lo, hi] });
    a[e] = fb.centers[0];
    r[e] = fb.r;
    sd[e] = fb.sigma;
    let s = 0;
    for (let i = 0; i < bins; i++) {
      s += fb.mixture.weights[i];
      cum[e * bins + i] = s;
    }
    cum[e * bins + bins - 1] = 1;
  }
  return { c, D, bins, a, r, sd, cum };
}

/** PCA of n rows of width D through the n × n Gram matrix; keeps p components. */
function pcaLayer(v: ArrayLike<number>, n: number, c: number, p: number): { layer: PcaLayer; coords: Float64Array } {
  const D = triLength(c);
  const mean = new Float64Array(D);
  for (let j = 0; j < n; j++) for (let e = 0; e < D; e++) mean[e] += v[j * D + e];
  for (let e = 0; e < D; e++) mean[e] /= n;
  const X = new Float64Array(n * D);
  for (let j = 0; j < n; j++) for (let e = 0; e < D; e++) X[j * D + e] = v[j * D + e] - mean[e];
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const oi = i * D, oj = j * D;
      for (let e = 0; e < D; e++) s += X[oi + e] * X[oj + e];
      K[i * n + j] = s;
      K[j * n + i] = s;
    }
  }
  const { values, vectors } = symEigen(K, n);
  const order = Array.from(values.keys()).sort((x, y) => values[y] - values[x]);
  const total = Math.max(values.reduce((s, x) => s + Math.max(0, x), 0), 1e-300);
  const scale = Math.sqrt(total / n); // coordinates divided by this: the layer's total variance becomes 1
  const basis = new Float64Array(p * D);
  const coords = new Float64Array(n * p);
  for (let k = 0; k < p; k++) {
    const idx = order[k];
    const lam = Math.max(values[idx], 0);
    if (lam <= total * 1e-12) continue; // degenerate direction: zero coordinate, zero basis row
    const sq = Math.sqrt(lam);
    // basis_k = X^T u_k / sqrt(lam) (unit norm); coordinate_jk = sqrt(lam) u_jk.
    const b = basis.subarray(k * D, (k + 1) * D);
    for (let j = 0; j < n; j++) {
      const u = vectors[j * n + idx];
      if (u === 0) continue;
      const f = u / sq;
      for (let e = 0; e < D; e++) b[e] += f * X[j * D + e];
      coords[j * p + k] = (sq * u) / scale;
    }
    for (let e = 0; e < D; e++) b[e] *= scale;
  }
  return { layer: { c, D, p, mean, basis }, coords };
}

/** Fits a Gram model of the given method to a dataset. */
export function fitGramModel(ds: GramDataset, opts: GramModelOptions = {}): GramModel {
  const method = opts.method ?? 'pca-sw';
  if (!GRAM_METHODS.includes(method)) throw new RangeError(`unknown Gram model method "${method}": expected one of ${GRAM_METHODS.join(', ')}`);
  if (ds.n < 2) throw new RangeError(`a Gram model needs at least 2 crops, got ${ds.n}`);
  if (method === 'fixed-basis') {
    const bins = opts.bins ?? 32;
    const t = opts.t ?? 2;
    const layers = ds.channels.map((c, l) => fitEntryLayer(ds.vectors[l], ds.n, c, bins, t));
    return new EntrywiseModel([...ds.layers], [...ds.channels], [{ weight: 1, layers }]);
  }
  const p = Math.min(opts.pcaDim ?? GRAM_MODEL_DEFAULTS.pcaDim, ds.n - 1);
  if (!(Number.isInteger(p) && p >= 1)) throw new RangeError(`pcaDim must be a positive integer, got ${opts.pcaDim}`);
  const h = Math.min(opts.fitDim ?? GRAM_MODEL_DEFAULTS.fitDim, p);
  if (!(Number.isInteger(h) && h >= 1)) throw new RangeError(`fitDim must be a positive integer, got ${opts.fitDim}`);
  const tailKind = opts.tail ?? 'gaussian';
  if (tailKind !== 'gaussian' && tailKind !== 'crops') throw new RangeError(`tail must be 'gaussian' or 'crops', got ${String(opts.tail)}`);
  checkChoice('covarianceEstimate', opts.covarianceEstimate, COVARIANCE_ESTIMATES);
  const estimate = opts.covarianceEstimate ?? GRAM_MODEL_DEFAULTS.covarianceEstimate;
  const coordinates = opts.coordinates ?? GRAM_MODEL_DEFAULTS.coordinates;
  if (coordinates !== 'gram' && coordinates !== 'cholesky') throw new RangeError(`coordinates must be 'gram' or 'cholesky', got ${String(opts.coordinates)}`);
  const pcs = ds.channels.map((c, l) => {
    if (coordinates === 'gram') return pcaLayer(ds.vectors[l], ds.n, c, p);
    const D = triLength(c);
    const R = new Float64Array(ds.n * D);
    for (let j = 0; j < ds.n; j++) R.set(factorTriOfGram(ds.vectors[l], c, j * D), j * D);
    const pc = pcaLayer(R, ds.n, c, p);
    pc.layer.factor = true;
    return pc;
  });
  const L = pcs.length;
  const d = h * L, T = (p - h) * L;
  const data = new Float64Array(ds.n * d);
  const tailData = new Float64Array(ds.n * T);
  pcs.forEach((pc, l) => {
    for (let j = 0; j < ds.n; j++) {
      for (let k = 0; k < h; k++) data[j * d + l * h + k] = pc.coords[j * p + k];
      for (let k = h; k < p; k++) tailData[j * T + l * (p - h) + k - h] = pc.coords[j * p + k];
    }
  });
  const wanted: FitMethod = method === 'pca-sw' ? 'sw' : method === 'pca-sc2' ? 'sc2' : 'em';
  const fitter: FitMethod = availableFitMethods().includes(wanted) ? wanted : 'em';
  const k = Math.min(opts.k ?? GRAM_MODEL_DEFAULTS.k, ds.n);
  const fitOpts: Record<string, unknown> = { k, seed: opts.seed ?? 0, covarianceType: opts.covarianceType ?? 'full', regCovar: 1e-3 };
  // SW/SC2 on a few dozen points: 200 steps (their cosine schedule ends there) instead of the fitters' 400,
  // which halves the fit time of a style job (1.3 vs 2.5 s at 24 crops, 256 px; docs/RESULTS.md).
  const maxIter = opts.maxIter ?? (fitter === 'em' ? undefined : 200);
  if (maxIter !== undefined) fitOpts.maxIter = maxIter;
  const fitted = fitGMM(fitter, { n: ds.n, d, data }, fitOpts).gmm;
  const r = fitted.predictProba({ n: ds.n, d, data });
  const bessel = estimate === 'unbiased' ? besselFactors(r, ds.n, fitted.k) : null;
  const gmm = bessel ? scaleCovariances(fitted, bessel) : fitted;
  let tail: PcaTail | null = null;
  if (T > 0) {
    tail = tailKind === 'crops' ? { h, ...fitCropTail(r, tailData, ds.n, gmm.k, T) } : { h, ...fitPcaTail(r, tailData, ds.n, gmm.k, T, bessel ?? undefined) };
  }
  return new PcaModel(method, fitter, [...ds.layers], [...ds.channels], [{ weight: 1, layers: pcs.map((x) => x.layer) }], [gmm], [tail]);
}

/**
 * The tail Gaussians of a PCA model: given the responsibilities r (n × k, rows summing to 1) of the fitted GMM
 * on the head coordinates, one closed-form M-step of EM for a full-covariance Gaussian of the T tail coordinates
 * x (n × T) per component c (Bishop, PRML §9.2.2, Eqs. 9.24–9.27): N_c = Σ_j r_jc, mean_c = Σ_j r_jc x_j / N_c,
 * Σ_c = Σ_j r_jc (x_j − mean_c)(x_j − mean_c)ᵀ / N_c, kept as its factor F_c with rows
 * √(r_jc / N_c) (x_j − mean_c), so Σ_c = F_cᵀ F_c. A component with N_c ≤ 1e-12 gets the unweighted mean and
 * scatter of all rows. With `scale` (k factors, e.g. besselFactors) Σ_c is multiplied by scale[c]. Returns k × T
 * means and k × n × T factors.
 */
export function fitPcaTail(r: Float64Array, x: Float64Array, n: number, k: number, T: number, scale?: Float64Array): { T: number; n: number; mean: Float64Array; factor: Float64Array } {
  if (r.length !== n * k || x.length !== n * T) throw new RangeError(`fitPcaTail: expected r of ${n}×${k} and x of ${n}×${T}, got ${r.length} and ${x.length} values`);
  const mean = new Float64Array(k * T), factor = new Float64Array(k * n * T);
  const shares = componentShares(r, n, k);
  for (let c = 0; c < k; c++) {
    const w = (j: number) => shares[c * n + j];
    const m = mean.subarray(c * T, (c + 1) * T);
    for (let j = 0; j < n; j++) for (let t = 0; t < T; t++) m[t] += w(j) * x[j * T + t];
    for (let j = 0; j < n; j++) {
      const s = Math.sqrt(w(j) * (scale ? scale[c] : 1));
      const f = factor.subarray((c * n + j) * T, (c * n + j + 1) * T);
      for (let t = 0; t < T; t++) f[t] = s * (x[j * T + t] - m[t]);
    }
  }
  return { T, n, mean, factor };
}

/**
 * The empirical tail of a PCA model: given the responsibilities r (n × k, rows summing to 1) of the fitted GMM on
 * the head coordinates and the crops' T tail coordinates x (n × T), the probability of choosing crop j for a
 * sample of component c is r_jc / N_c with N_c = Σ_j r_jc (the component's share of crop j, as in the M-step of
 * Bishop, PRML §9.2.2, Eq. 9.24, whose weighted mean this choice has in expectation); a component with
 * N_c ≤ 1e-12 chooses uniformly. Returns k × n weights and x itself as the coordinates (not copied).
 * Throws RangeError when the lengths do not match n × k and n × T.
 */
export function fitCropTail(r: Float64Array, x: Float64Array, n: number, k: number, T: number): { kind: 'crops'; T: number; n: number; weights: Float64Array; coords: Float64Array } {
  if (r.length !== n * k || x.length !== n * T) throw new RangeError(`fitCropTail: expected r of ${n}×${k} and x of ${n}×${T}, got ${r.length} and ${x.length} values`);
  return { kind: 'crops', T, n, weights: componentShares(r, n, k), coords: x };
}

/**
 * The reliability-weighted Bessel factors of the k components (the unbiased weighted covariance, e.g. numpy.cov with
 * aweights and ddof = 1): 1 / (1 − Σ_j w_cj²) with the crop shares w_cj of componentShares — N_c / (N_c − 1) for
 * N_c crops assigned hard. A component whose effective crop count (Σ_j w_cj²)⁻¹ is at most 1 + 1e-9 gets 1 (one
 * crop has no spread to correct). r: n × k responsibilities; returns k factors ≥ 1.
 */
export function besselFactors(r: Float64Array, n: number, k: number): Float64Array {
  const w = componentShares(r, n, k);
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let v2 = 0;
    for (let j = 0; j < n; j++) v2 += w[c * n + j] ** 2;
    out[c] = 1 - v2 > 1e-9 ? 1 / (1 - v2) : 1;
  }
  return out;
}

/** The GMM with component c's covariance multiplied by f[c] (full or diag). */
function scaleCovariances(g: GMM, f: Float64Array): GMM {
  const p = g.params();
  const per = p.covariances.length / g.k;
  const cov = Float64Array.from(p.covariances, (v, i) => v * f[Math.floor(i / per)]);
  return new GMM({ ...p, covariances: cov }, g.meta);
}

/**
 * Each crop's share of each GMM component, k × n: w_cj = r_jc / N_c with N_c = Σ_j r_jc (the weights of the M-step,
 * Bishop, PRML §9.2.2, Eq. 9.24), or 1/n for a component with N_c ≤ 1e-12. Rows sum to 1. The tails' common start.
 */
function componentShares(r: Float64Array, n: number, k: number): Float64Array {
  const w = new Float64Array(k * n);
  for (let c = 0; c < k; c++) {
    let N = 0;
    for (let j = 0; j < n; j++) N += r[j * k + c];
    for (let j = 0; j < n; j++) w[c * n + j] = N > 1e-12 ? r[j * k + c] / N : 1 / n;
  }
  return w;
}

/**
 * The weights normalised to sum 1, after checking that there is one per model (at least one), that they are finite
 * and >= 0 with a positive sum, and that the models have the same layers; `who` names the caller in the errors.
 */
function checkedMixWeights(who: string, models: GramModel[], weights: number[]): number[] {
  if (models.length === 0 || models.length !== weights.length) throw new RangeError(`${who}: need as many weights as models (at least one)`);
  if (weights.some((w) => !(Number.isFinite(w) && w >= 0))) throw new RangeError(`${who}: weights must be finite and >= 0, got ${weights.join(', ')}`);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new RangeError(`${who}: weights sum to 0`);
  const first = models[0];
  for (const m of models) {
    if (m.layers.join() !== first.layers.join() || m.channels.join() !== first.channels.join()) throw new RangeError(`${who}: models have different layers`);
  }
  return weights.map((w) => w / sum);
}

/** The mixture of fitted models with the given weights (normalised); all models must be of one kind. */
export function mixGramModels(models: GramModel[], weights: number[]): GramModel {
  const normalised = checkedMixWeights('mixGramModels', models, weights);
  const first = models[0];
  const keep = models.map((m, i) => ({ m, w: normalised[i] })).filter((x) => x.w > 0);
  if (keep.length === 1) return keep[0].m;
  if (keep.every((x) => x.m instanceof EntrywiseModel)) {
    const parts = keep.flatMap(({ m, w }) => (m as EntrywiseModel).parts.map((p) => ({ weight: p.weight * w, layers: p.layers })));
    return new EntrywiseModel([...first.layers], [...first.channels], parts);
  }
  if (keep.every((x) => x.m instanceof PcaModel)) {
    const parts: Part<PcaLayer>[] = [];
    const gmms: GMM[] = [];
    const tails: (PcaTail | null)[] = [];
    for (const { m, w } of keep) {
      const pm = m as PcaModel;
      pm.parts.forEach((p, i) => {
        parts.push({ weight: p.weight * w, layers: p.layers });
        gmms.push(pm.gmms[i]);
        tails.push(pm.tails[i]);
      });
    }
    return new PcaModel(first.method, (first as PcaModel).fitter, [...first.layers], [...first.channels], parts, gmms, tails);
  }
  throw new RangeError(`mixGramModels: cannot mix models of different methods (${models.map((m) => m.method).join(', ')})`);
}

/**
 * Blends sampled Gram sets: a model whose every sample is the weighted average Σ_i w_i G_i (per layer, weights
 * normalised) of one Gram set G_i sampled from each model (each PSD-projected first, so the average is PSD and
 * needs no projection of its own). Unlike mixGramModels, which draws a whole set from one model, every sample
 * lies between the models. `psdClipped` is the weighted average of the parts'. Throws RangeError for models of
 * different layers or bad weights.
 */
export function mixGramSets(models: GramModel[], weights: number[]): GramModel {
  return new GramSetMix(models, checkedMixWeights('mixGramSets', models, weights));
}

class GramSetMix implements GramModel {
  readonly method: GramMethod;
  readonly fitter: FitMethod | 'fixed-basis-1d';
  readonly layers: string[];
  readonly channels: number[];
  constructor(readonly models: GramModel[], readonly weights: number[]) {
    this.method = models[0].method;
    this.fitter = models[0].fitter;
    this.layers = [...models[0].layers];
    this.channels = [...models[0].channels];
  }
  /** Each model's raw samples from its own stream (forks of one generator, in model order), averaged. */
  private each<T>(seed: number | Rng, f: (m: GramModel, r: Rng) => T): T[] {
    const rng = typeof seed === 'number' ? new Rng(seed) : seed;
    const rs = this.models.map(() => rng.fork());
    return this.models.map((m, i) => f(m, rs[i]));
  }
  sampleTri(n: number, seed: number | Rng, opts?: GramSampleOptions): Float64Array[] {
    const parts = this.each(seed, (m, r) => m.sampleTri(n, r, opts));
    return this.channels.map((_, l) => {
      const out = new Float64Array(parts[0][l].length);
      parts.forEach((p, i) => { for (let e = 0; e < out.length; e++) out[e] += this.weights[i] * p[l][e]; });
      return out;
    });
  }
  sample(n: number, seed: number | Rng, opts?: GramSampleOptions): SampledGrams[] {
    const parts = this.each(seed, (m, r) => m.sample(n, r, opts));
    return Array.from({ length: n }, (_, s) => ({
      grams: this.channels.map((c, l) => {
        const g = new Float32Array(c * c);
        parts.forEach((p, i) => { const x = p[s].grams[l]; for (let e = 0; e < g.length; e++) g[e] += this.weights[i] * x[e]; });
        return g;
      }),
      psdClipped: this.channels.map((_, l) => parts.reduce((a, p, i) => a + this.weights[i] * p[s].psdClipped[l], 0)),
    }));
  }
}

/**
 * A fitted Gram model as plain data (typed arrays, numbers, strings): what a cache keeps and what can be
 * posted to a worker thread (structured clone). `gramModelFromSnapshot` rebuilds a model that samples
 * exactly as the original.
 */
export type GramModelSnapshot =
  | { kind: 'entrywise'; layers: string[]; channels: number[]; parts: Part<EntryLayer>[] }
  | { kind: 'pca'; method: GramMethod; fitter: FitMethod; layers: string[]; channels: number[]; parts: Part<PcaLayer>[]; gmms: GMMParams[]; tails?: (PcaTail | null)[] }
  | { kind: 'gram-set-mix'; models: GramModelSnapshot[]; weights: number[] };

/** The snapshot of a fitted model (shares its arrays: do not modify either afterwards). */
export function gramModelSnapshot(m: GramModel): GramModelSnapshot {
  if (m instanceof EntrywiseModel) return { kind: 'entrywise', layers: [...m.layers], channels: [...m.channels], parts: m.parts };
  if (m instanceof PcaModel) return { kind: 'pca', method: m.method, fitter: m.fitter, layers: [...m.layers], channels: [...m.channels], parts: m.parts, gmms: m.gmms.map((g) => g.params()), tails: m.tails };
  if (m instanceof GramSetMix) return { kind: 'gram-set-mix', models: m.models.map(gramModelSnapshot), weights: [...m.weights] };
  throw new RangeError('gramModelSnapshot: not a model made by fitGramModel / mixGramModels');
}

/** The model of a snapshot (throws RangeError for a malformed one). */
export function gramModelFromSnapshot(s: GramModelSnapshot): GramModel {
  if (s && s.kind === 'gram-set-mix') {
    if (!Array.isArray(s.models) || !Array.isArray(s.weights) || s.models.length === 0 || s.models.length !== s.weights.length) throw new RangeError('gramModelFromSnapshot: malformed snapshot');
    return mixGramSets(s.models.map(gramModelFromSnapshot), s.weights);
  }
  if (!s || !Array.isArray(s.layers) || !Array.isArray(s.channels) || s.layers.length !== s.channels.length || !Array.isArray(s.parts) || s.parts.length === 0) {
    throw new RangeError('gramModelFromSnapshot: malformed snapshot');
  }
  if (s.kind === 'entrywise') return new EntrywiseModel([...s.layers], [...s.channels], s.parts);
  if (s.kind === 'pca' && Array.isArray(s.gmms) && s.gmms.length === s.parts.length && (s.tails === undefined || (Array.isArray(s.tails) && s.tails.length === s.parts.length))) {
    return new PcaModel(s.method, s.fitter, [...s.layers], [...s.channels], s.parts, s.gmms.map((p) => new GMM(p)), s.tails ?? s.parts.map(() => null));
  }
  throw new RangeError('gramModelFromSnapshot: malformed snapshot');
}
