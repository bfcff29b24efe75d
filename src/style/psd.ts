/**
 * Symmetric eigensolvers and PSD projections for Gram matrices (c up to 512 and more).
 *
 * - `projectPSDRows`: every eigenpair, from the GMM library's one symmetric eigensolver, src/gmm/linalg/dense.ts
 *   symEigenRows (Householder tridiagonalisation + implicit QL, eigenvectors stored as rows so that the inner loops
 *   run over contiguous memory; re-exported here).
 * - `projectPSDSelected`: the same projection from only the eigenpairs it changes, the way LAPACK's dsyevx
 *   selects eigenpairs (LAPACK Users' Guide, 3rd ed., §2.4.4): Householder tridiagonalisation A = Q T Qᵀ
 *   without forming Q (dsytd2), every eigenvalue of T by implicit QL without vectors, eigenvectors of T for
 *   the eigenvalues below the floor only, by inverse iteration with reorthogonalisation (dstein), a
 *   Rayleigh–Ritz step on their span (Golub & Van Loan, Matrix Computations, 4th ed., §8.1.3: the result then
 *   depends only on the subspace, also for clusters of close eigenvalues), and Q applied to those m vectors
 *   (dormtr). About 4/3 n³ + 2 n² m flops against ~9 n³ for every eigenvector; a sampled Gram of the PCA
 *   models has a few dozen negative eigenvalues out of 512 (docs/RESULTS.md, issue 12).
 */
import { Rng } from '../util/rng.ts';
import { symEigenRows, tridiagonalQL, type SymEigenRows } from '../gmm/linalg/dense.ts';

/** symEigenRows's result: eigenvalues ascending, row p of `rows` the unit eigenvector of values[p]. */
export type SymEigenT = SymEigenRows;

export { symEigenRows };

/**
 * Projection of a symmetric matrix onto the PSD cone: eigenvalues below `minEig` (default 0) are raised
 * to it. Computed as G + Σ_{λ_p < minEig} (minEig − λ_p) w_p w_pᵀ, contiguous rank-one updates.
 */
export function projectPSDRows(a: ArrayLike<number>, n: number, minEig = 0): { matrix: Float64Array; values: Float64Array } {
  const { values, rows } = symEigenRows(a, n);
  const out = symmetrised(a, n);
  const terms: { f: number; w: Float64Array }[] = [];
  for (let p = 0; p < n && values[p] < minEig; p++) terms.push({ f: minEig - values[p], w: rows.subarray(p * n, (p + 1) * n) });
  addRankOne(out, n, terms);
  return { matrix: out, values };
}

/** Symmetrised copy (a + aᵀ) / 2 of an n × n row-major matrix. */
function symmetrised(a: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  return out;
}

/** Adds Σ f w wᵀ over `terms` to the symmetric n × n matrix `out` (upper triangle updated, then mirrored). */
function addRankOne(out: Float64Array, n: number, terms: { f: number; w: ArrayLike<number> }[]): void {
  for (const { f, w } of terms) {
    for (let i = 0; i < n; i++) {
      const fi = f * w[i];
      if (fi === 0) continue;
      const o = i * n;
      for (let j = i; j < n; j++) out[o + j] += fi * w[j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[i * n + j] = out[j * n + i];
}

/** A symmetric tridiagonal matrix T and the reflectors of A = Q T Qᵀ (from `tridiagonalize`). */
export interface Tridiagonal {
  /** Diagonal of T (length n). */
  d: Float64Array;
  /** e[i] = T[i, i + 1] (length n − 1). */
  e: Float64Array;
  /**
   * Q = H_0 H_1 ··· H_{n−3}, H_k = I − τ_k v_k v_kᵀ acting on entries k + 1 … n − 1; v_k (v_k[0] = 1) is
   * stored in row k of this n × n array from column k + 1 on.
   */
  v: Float64Array;
  tau: Float64Array;
}

/**
 * Householder tridiagonalisation of a symmetric n × n matrix (row-major; symmetrised first) without forming
 * Q (the algorithm of LAPACK dsytd2, upper-triangle storage so rows stay contiguous). Step k chooses H_k so
 * that row k right of the diagonal becomes β e₁, then updates the trailing block B ← H_k B H_k as
 * p = τ B v, w = p − (τ/2)(pᵀv) v, B ← B − v wᵀ − w vᵀ (Golub & Van Loan, Matrix Computations, 4th ed.,
 * §8.3.1). About 4/3 n³ flops.
 */
export function tridiagonalize(a: ArrayLike<number>, n: number): Tridiagonal {
  if (a.length !== n * n) throw new RangeError(`tridiagonalize: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  const A = symmetrised(a, n);
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tau = new Float64Array(Math.max(0, n - 2));
  const w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const r = k * n;
    d[k] = A[r + k];
    const alpha = A[r + k + 1];
    let sigma = 0;
    for (let j = k + 2; j < n; j++) sigma += A[r + j] * A[r + j];
    A[r + k + 1] = 1;
    if (sigma === 0) {
      // Row k is already tridiagonal: H_k = I.
      e[k] = alpha;
      continue;
    }
    const norm = Math.sqrt(alpha * alpha + sigma);
    const beta = alpha > 0 ? -norm : norm;
    const t = (beta - alpha) / beta;
    const inv = 1 / (alpha - beta);
    for (let j = k + 2; j < n; j++) A[r + j] *= inv;
    e[k] = beta;
    tau[k] = t;
    // w = τ B v over the trailing block B = A[k+1.., k+1..] (its upper triangle).
    w.fill(0, k + 1, n);
    for (let i = k + 1; i < n; i++) {
      const o = i * n;
      const vi = A[r + i];
      let s = A[o + i] * vi;
      for (let j = i + 1; j < n; j++) {
        const b = A[o + j];
        s += b * A[r + j];
        w[j] += b * vi;
      }
      w[i] += s;
    }
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      w[i] *= t;
      pv += w[i] * A[r + i];
    }
    const K = 0.5 * t * pv;
    for (let i = k + 1; i < n; i++) w[i] -= K * A[r + i];
    for (let i = k + 1; i < n; i++) {
      const o = i * n;
      const vi = A[r + i], wi = w[i];
      for (let j = i; j < n; j++) A[o + j] -= vi * w[j] + wi * A[r + j];
    }
  }
  if (n >= 2) {
    d[n - 2] = A[(n - 2) * n + n - 2];
    e[n - 2] = A[(n - 2) * n + n - 1];
  }
  if (n >= 1) d[n - 1] = A[n * n - 1];
  return { d, e, v: A, tau };
}

/** Every eigenvalue of the symmetric tridiagonal matrix (d, e), ascending (implicit QL without vectors). */
export function tridiagonalEigenvalues(d: ArrayLike<number>, e: ArrayLike<number>): Float64Array {
  const n = d.length;
  const dd = Float64Array.from(d);
  if (n <= 1) return dd;
  const ee = new Float64Array(n); // tridiagonalQL's convention: ee[i] couples i − 1 and i
  for (let i = 1; i < n; i++) ee[i] = e[i - 1];
  tridiagonalQL(null, dd, ee, n);
  return dd;
}

interface TridiagonalLU {
  u0: Float64Array;
  u1: Float64Array;
  u2: Float64Array;
  l: Float64Array;
  swap: Uint8Array;
}

/**
 * Solves (T − λI) y = b in place (b in `y` on entry) for the symmetric tridiagonal T = (d, e) by Gaussian
 * elimination with partial pivoting (LAPACK dlagtf / dlagts); a pivot smaller than `tiny` in magnitude is
 * replaced by ±tiny, which is what inverse iteration needs at an eigenvalue.
 */
function solveShiftedTridiagonal(d: Float64Array, e: Float64Array, lambda: number, y: Float64Array, tiny: number, ws: TridiagonalLU): void {
  const n = d.length;
  const { u0, u1, u2, l, swap } = ws;
  for (let i = 0; i < n; i++) {
    u0[i] = d[i] - lambda;
    u1[i] = i < n - 1 ? e[i] : 0;
    u2[i] = 0;
  }
  const floor = (v: number) => (Math.abs(v) < tiny ? (v < 0 ? -tiny : tiny) : v);
  for (let i = 0; i < n - 1; i++) {
    const sub = e[i];
    if (Math.abs(u0[i]) >= Math.abs(sub)) {
      u0[i] = floor(u0[i]);
      l[i] = sub / u0[i];
      swap[i] = 0;
      u0[i + 1] -= l[i] * u1[i];
    } else {
      // Row i + 1 (sub, u0[i+1], u1[i+1]) becomes the pivot row.
      const m = u0[i] / sub;
      const b0 = u0[i + 1], b1 = u1[i + 1], a1 = u1[i];
      l[i] = m;
      swap[i] = 1;
      u0[i] = sub;
      u1[i] = b0;
      u2[i] = b1;
      u0[i + 1] = a1 - m * b0;
      u1[i + 1] = -m * b1;
    }
  }
  u0[n - 1] = floor(u0[n - 1]);
  for (let i = 0; i < n - 1; i++) {
    if (swap[i]) {
      const t = y[i];
      y[i] = y[i + 1];
      y[i + 1] = t - l[i] * y[i];
    } else y[i + 1] -= l[i] * y[i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    if (i + 1 < n) s -= u1[i] * y[i + 1];
    if (i + 2 < n) s -= u2[i] * y[i + 2];
    y[i] = s / u0[i];
  }
}

/**
 * Orthonormal eigenvectors (rows, m × n) of the symmetric tridiagonal (d, e) for m of its eigenvalues, by
 * inverse iteration as in LAPACK dstein: from a random start, two solves with T − λI (λ is accurate, so the
 * first already amplifies its eigenvector by ~1/ε), each followed by modified Gram–Schmidt against the vectors
 * found before (two passes after the last solve) and normalisation. Deterministic.
 */
function tridiagonalEigenvectors(d: Float64Array, e: Float64Array, lambdas: ArrayLike<number>): Float64Array {
  const n = d.length, m = lambdas.length;
  const Y = new Float64Array(m * n);
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(d[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0) + (i < n - 1 ? Math.abs(e[i]) : 0));
  const tiny = Math.max(tnorm * 2 ** -52, Number.MIN_VALUE);
  const ws: TridiagonalLU = { u0: new Float64Array(n), u1: new Float64Array(n), u2: new Float64Array(n), l: new Float64Array(n), swap: new Uint8Array(n) };
  const rng = new Rng(0x5eed);
  for (let q = 0; q < m; q++) {
    const y = Y.subarray(q * n, (q + 1) * n);
    for (let i = 0; i < n; i++) y[i] = rng.normal();
    for (let it = 0; it < ITERATIONS; it++) {
      solveShiftedTridiagonal(d, e, lambdas[q], y, tiny, ws);
      // Scale first: one solve at an eigenvalue can grow y by ~1/ε.
      let big = 0;
      for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(y[i]));
      if (big > 0 && Number.isFinite(big)) for (let i = 0; i < n; i++) y[i] /= big;
      for (let pass = it === ITERATIONS - 1 ? 0 : 1; pass < 2; pass++) {
        for (let r = 0; r < q; r++) {
          const z = Y.subarray(r * n, (r + 1) * n);
          let s = 0;
          for (let i = 0; i < n; i++) s += z[i] * y[i];
          for (let i = 0; i < n; i++) y[i] -= s * z[i];
        }
      }
      let nrm = 0;
      for (let i = 0; i < n; i++) nrm += y[i] * y[i];
      nrm = Math.sqrt(nrm);
      if (!(nrm > 1e-8 && Number.isFinite(nrm))) {
        // Nothing left after orthogonalisation (or an overflow): start again from a new random vector.
        for (let i = 0; i < n; i++) y[i] = rng.normal();
        it = -1;
        continue;
      }
      for (let i = 0; i < n; i++) y[i] /= nrm;
    }
  }
  return Y;
}

const ITERATIONS = 2;

/** y ← Q y for every row y of Y (rows of length n), Q = H_0 ··· H_{n−3} of `tridiagonalize`. */
function applyQ(t: Tridiagonal, Y: Float64Array, n: number): void {
  const m = Y.length / n;
  for (let k = n - 3; k >= 0; k--) {
    const tk = t.tau[k];
    if (tk === 0) continue;
    const o = k * n;
    for (let q = 0; q < m; q++) {
      const y = Y.subarray(q * n, (q + 1) * n);
      let s = 0;
      for (let j = k + 1; j < n; j++) s += t.v[o + j] * y[j];
      s *= tk;
      if (s !== 0) for (let j = k + 1; j < n; j++) y[j] -= s * t.v[o + j];
    }
  }
}

/**
 * The eigenpairs of a symmetric n × n matrix (row-major; symmetrised first) whose eigenvalues are below
 * `threshold`, from the tridiagonal form only (see the module comment): `values` holds every eigenvalue
 * (ascending), `low` the m eigenvalues below the threshold (ascending) and `rows` their orthonormal
 * eigenvectors (row p = eigenvector of low[p], m × n). Throws RangeError when a.length ≠ n².
 */
export function eigenpairsBelow(a: ArrayLike<number>, n: number, threshold: number): { values: Float64Array; low: Float64Array; rows: Float64Array } {
  const t = tridiagonalize(a, n);
  const values = tridiagonalEigenvalues(t.d, t.e);
  let m = 0;
  while (m < n && values[m] < threshold) m++;
  return { values, ...lowEigenpairs(t, values, m, threshold) };
}

/** The eigenpairs of the m lowest eigenvalues (below `threshold`) of Q T Qᵀ: inverse iteration, Rayleigh–Ritz, Q. */
function lowEigenpairs(t: Tridiagonal, values: Float64Array, m: number, threshold: number): { low: Float64Array; rows: Float64Array } {
  const n = t.d.length;
  if (m === 0) return { low: new Float64Array(0), rows: new Float64Array(0) };
  const Y = tridiagonalEigenvectors(t.d, t.e, values.subarray(0, m));
  // Rayleigh–Ritz on span(Y): the eigenpairs (θ, u) of R = Y T Yᵀ (m × m) give Ritz vectors uᵀ Y.
  const TY = new Float64Array(m * n);
  for (let q = 0; q < m; q++) {
    const o = q * n;
    for (let i = 0; i < n; i++) TY[o + i] = t.d[i] * Y[o + i] + (i > 0 ? t.e[i - 1] * Y[o + i - 1] : 0) + (i < n - 1 ? t.e[i] * Y[o + i + 1] : 0);
  }
  const R = new Float64Array(m * m);
  for (let p = 0; p < m; p++) {
    for (let q = p; q < m; q++) {
      let s = 0;
      for (let i = 0, o1 = p * n, o2 = q * n; i < n; i++) s += Y[o1 + i] * TY[o2 + i];
      R[p * m + q] = R[q * m + p] = s;
    }
  }
  const rr = symEigenRows(R, m);
  let k = 0;
  while (k < m && rr.values[k] < threshold) k++;
  const Z = new Float64Array(k * n);
  for (let p = 0; p < k; p++) {
    const z = Z.subarray(p * n, (p + 1) * n);
    for (let q = 0; q < m; q++) {
      const u = rr.rows[p * m + q];
      if (u !== 0) for (let i = 0, o = q * n; i < n; i++) z[i] += u * Y[o + i];
    }
  }
  applyQ(t, Z, n);
  return { low: rr.values.slice(0, k), rows: Z };
}

/** Above this share of eigenpairs to compute, `projectPSDSelected` computes them all (it is then no cheaper). */
const SELECTED_MAX_SHARE = 0.4;

/**
 * The projection of `projectPSDRows` (eigenvalues below `minEig` raised to it) from only the eigenpairs it
 * changes (`eigenpairsBelow`), or from all of them when more than 40 % change. Returns the projected matrix,
 * every eigenvalue of the symmetrised input (ascending) and how many eigenpairs changed. Throws RangeError
 * when a.length ≠ n².
 */
export function projectPSDSelected(a: ArrayLike<number>, n: number, minEig = 0): { matrix: Float64Array; values: Float64Array; selected: number } {
  const t = tridiagonalize(a, n);
  const values = tridiagonalEigenvalues(t.d, t.e);
  let m = 0;
  while (m < n && values[m] < minEig) m++;
  if (m > SELECTED_MAX_SHARE * n) return { ...projectPSDRows(a, n, minEig), selected: m };
  const { low, rows } = lowEigenpairs(t, values, m, minEig);
  const out = symmetrised(a, n);
  addRankOne(out, n, Array.from(low, (lam, p) => ({ f: minEig - lam, w: rows.subarray(p * n, (p + 1) * n) })));
  return { matrix: out, values, selected: m };
}
