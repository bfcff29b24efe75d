/**
 * Explore tab, part 2: the latent space in 2-D. The codes (the encoder's training codes when a codes file is
 * given, otherwise samples of the class GMMs) are projected on their first two principal components; each
 * class GMM's components are projected with the same map (mean P(μ − m), covariance P Σ Pᵀ) and drawn as
 * ellipses by the page.
 */
import { GMM, pointsMoments, symEigen } from '../gmm/index.ts';
import type { LatentModelSet } from '../latent/index.ts';

export interface ProjectedComponent {
  weight: number;
  mean: [number, number];
  /** 2×2 covariance, row-major. */
  cov: [number, number, number, number];
}

export interface LatentProjection {
  method: string;
  source: 'codes' | 'gmm-samples';
  /** Where the codes came from (file path) when source = 'codes'. */
  sourcePath: string | null;
  /** Fraction of the total variance on each of the two axes. */
  explained: [number, number];
  /** Projected points, [x0, y0, x1, y1, ...], and their class labels. */
  points: number[];
  labels: number[];
  /** Per class: its components, projected. */
  classes: { label: number; components: ProjectedComponent[] }[];
}

export interface LabeledRows {
  n: number;
  d: number;
  data: Float32Array | Float64Array;
  labels: ArrayLike<number>;
}

/** The two leading principal axes of the rows (d-vectors, unit length) and the mean. */
export function pca2(rows: LabeledRows): { mean: Float64Array; axes: [Float64Array, Float64Array]; explained: [number, number] } {
  const { n, d, data } = rows;
  if (n < 2) throw new Error(`PCA needs at least 2 points, got ${n}`);
  const { mean, cov } = pointsMoments(rows, 1);
  const { values, vectors } = symEigen(cov, d);
  const order = Array.from(values, (v, i) => [v, i] as const).sort((p, q) => q[0] - p[0]);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0) || 1;
  const axis = (col: number) => {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = vectors[i * d + col];
    // Sign convention: the largest-magnitude entry is positive (stable pictures across runs).
    let big = 0;
    for (let i = 1; i < d; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
    if (v[big] < 0) for (let i = 0; i < d; i++) v[i] = -v[i];
    return v;
  };
  return {
    mean,
    axes: [axis(order[0][1]), axis(order[1][1])],
    explained: [Math.max(order[0][0], 0) / total, Math.max(order[1][0], 0) / total],
  };
}

/** Projects a GMM's components with the PCA map. */
export function projectGMM(g: GMM, mean: Float64Array, axes: [Float64Array, Float64Array]): ProjectedComponent[] {
  const d = g.d;
  const out: ProjectedComponent[] = [];
  const [u, v] = axes;
  for (let c = 0; c < g.k; c++) {
    let mu = 0;
    let mv = 0;
    for (let i = 0; i < d; i++) {
      const x = g.means[c * d + i] - mean[i];
      mu += u[i] * x;
      mv += v[i] * x;
    }
    const S = g.componentCovariance(c); // d×d full
    // P S Pᵀ with P = [u; v]
    let suu = 0;
    let suv = 0;
    let svv = 0;
    for (let i = 0; i < d; i++) {
      let su = 0;
      let sv = 0;
      for (let j = 0; j < d; j++) {
        const s = S[i * d + j];
        su += s * u[j];
        sv += s * v[j];
      }
      suu += u[i] * su;
      suv += u[i] * sv;
      svv += v[i] * sv;
    }
    out.push({ weight: g.weights[c], mean: [mu, mv], cov: [suu, suv, suv, svv] });
  }
  return out;
}

/**
 * The 2-D view of a latent set. `codes` (with labels) are the encoder's codes when available; otherwise
 * `perClass` samples of each class GMM are drawn (seeded) and used both for the PCA and as the points.
 */
export function projectLatentSet(set: LatentModelSet, codes: LabeledRows | null, opts: { perClass?: number; maxPoints?: number; maxPca?: number; seed?: number; sourcePath?: string | null } = {}): LatentProjection {
  const perClass = opts.perClass ?? 150;
  const maxPoints = opts.maxPoints ?? 3000;
  let rows: LabeledRows;
  let source: LatentProjection['source'];
  if (codes) {
    if (codes.d !== set.d) throw new Error(`the codes are ${codes.d}-d but the '${set.method}' GMMs are ${set.d}-d`);
    rows = evenSubset(codes, opts.maxPca ?? 10_000);
    source = 'codes';
  } else {
    const s = set.sampleCodes(set.classes, perClass, opts.seed ?? 0);
    rows = { n: s.n, d: s.d, data: s.data, labels: s.labels };
    source = 'gmm-samples';
  }
  const { mean, axes, explained } = pca2(rows);
  // Subsample points evenly for the picture.
  const stride = Math.max(1, Math.ceil(rows.n / maxPoints));
  const points: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < rows.n; i += stride) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < rows.d; j++) {
      const x = rows.data[i * rows.d + j] - mean[j];
      a += axes[0][j] * x;
      b += axes[1][j] * x;
    }
    points.push(round(a), round(b));
    labels.push(rows.labels[i]);
  }
  return {
    method: set.method,
    source,
    sourcePath: source === 'codes' ? (opts.sourcePath ?? null) : null,
    explained,
    points,
    labels,
    classes: set.classes.map((label) => ({ label, components: projectGMM(set.displayGMM(label), mean, axes) })),
  };
}

/** Every ⌈n / max⌉-th row (all rows when n ≤ max). */
function evenSubset(rows: LabeledRows, max: number): LabeledRows {
  if (rows.n <= max) return rows;
  const stride = Math.ceil(rows.n / max);
  const n = Math.ceil(rows.n / stride);
  const data = new Float64Array(n * rows.d);
  const labels = new Int32Array(n);
  for (let i = 0, r = 0; r < rows.n; i++, r += stride) {
    for (let j = 0; j < rows.d; j++) data[i * rows.d + j] = rows.data[r * rows.d + j];
    labels[i] = rows.labels[r];
  }
  return { n, d: rows.d, data, labels };
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
