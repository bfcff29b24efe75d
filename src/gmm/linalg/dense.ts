/**
 * Small dense float64 linear algebra for the GMM library. All matrices are row-major Float64Arrays:
 * a d×d matrix A has A[i][j] = a[i*d + j]. Nothing here allocates inside its inner loops.
 *
 *  - Cholesky A = L Lᵀ (L lower triangular, upper part zeroed), optionally with jitter: if A is not
 *    numerically positive-definite, retry with A + τ I for τ = jitter, 10·jitter, ... (maxTries times).
 *  - Triangular solves L x = b (forward) and Lᵀ x = b (backward), batched over the rows of a matrix.
 *  - log det A = 2 Σ_i log L_ii from the Cholesky factor.
 *  - Symmetric eigen-decomposition A = V diag(λ) Vᵀ by Householder tridiagonalisation followed by the
 *    implicit QL algorithm (tred2/tql2, as in EISPACK/JAMA): O(d³), ~9 d³ flops, exact to rounding. One solver,
 *    symEigenRows (eigenvectors as rows, the contiguous layout); symEigen gives the same with vectors as columns.
 *  - projectPSD: V diag(max(λ, minEig)) Vᵀ, the Frobenius-nearest symmetric matrix with spectrum ≥ minEig.
 */

/** Thrown by `cholesky` when the matrix is not (numerically) positive-definite. */
export class NotPositiveDefiniteError extends Error {
  /** Pivot index at which the factorisation failed. */
  readonly pivot: number;
  constructor(message: string, pivot: number) {
    super(message);
    this.name = 'NotPositiveDefiniteError';
    this.pivot = pivot;
  }
}

export interface CholeskyOptions {
  /** Added to the diagonal on the first retry after a failure (then ×10 per retry). Default 0 (no retry). */
  jitter?: number;
  /** Number of jittered retries when jitter > 0. Default 6. */
  maxTries?: number;
  /** Output buffer (length d*d); may be the input itself (in-place factorisation). */
  out?: Float64Array;
  /** Name used in error messages. */
  name?: string;
}

/**
 * Tries the Cholesky factorisation of the symmetric d×d matrix `a` (only its lower triangle is read)
 * plus `shift`·I into `out`. Returns -1 on success, otherwise the index of the failing pivot.
 * `out` may alias `a`.
 */
export function choleskyInto(a: Float64Array, d: number, out: Float64Array, shift = 0): number {
  for (let j = 0; j < d; j++) {
    const rj = j * d;
    // Diagonal: L_jj² = A_jj + shift − Σ_{p<j} L_jp²
    let s = a[rj + j] + shift;
    for (let p = 0; p < j; p++) {
      const v = out[rj + p];
      s -= v * v;
    }
    if (!(s > 0) || !Number.isFinite(s)) return j;
    const ljj = Math.sqrt(s);
    out[rj + j] = ljj;
    const inv = 1 / ljj;
    // Column j below the diagonal: L_ij = (A_ij − Σ_{p<j} L_ip L_jp) / L_jj
    for (let i = j + 1; i < d; i++) {
      const ri = i * d;
      let t = a[ri + j];
      for (let p = 0; p < j; p++) t -= out[ri + p] * out[rj + p];
      out[ri + j] = t * inv;
    }
    for (let i = j + 1; i < d; i++) out[rj + i] = 0;
  }
  return -1;
}

/**
 * Cholesky factor L (lower triangular, row-major, upper part zero) of the symmetric positive-definite
 * d×d matrix `a`: A = L Lᵀ. Throws NotPositiveDefiniteError when A (+ the jitter retries) is not PD.
 */
export function cholesky(a: Float64Array, d: number, opts: CholeskyOptions = {}): Float64Array {
  checkSquare(a, d, opts.name ?? 'cholesky');
  const jitter = opts.jitter ?? 0;
  const maxTries = jitter > 0 ? opts.maxTries ?? 6 : 0;
  const out = opts.out ?? new Float64Array(d * d);
  // When factorising in place a retry needs the original lower triangle.
  const src = out === a && maxTries > 0 ? a.slice() : a;
  let pivot = choleskyInto(src, d, out, 0);
  let tau = jitter;
  for (let t = 0; pivot >= 0 && t < maxTries; t++, tau *= 10) pivot = choleskyInto(src, d, out, tau);
  if (pivot >= 0) {
    const what = opts.name ?? 'matrix';
    throw new NotPositiveDefiniteError(
      `${what} is not positive-definite (Cholesky failed at pivot ${pivot}${maxTries > 0 ? ` after ${maxTries} jittered retries up to ${tau / 10}` : ''})`,
      pivot,
    );
  }
  return out;
}

/** log det A = 2 Σ log L_ii for A = L Lᵀ. */
export function logDetFromCholesky(L: Float64Array, d: number, offset = 0): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(L[offset + i * d + i]);
  return 2 * s;
}

/** Solves L x = b (L lower triangular d×d) by forward substitution; `out` may alias `b`. */
export function solveLower(L: Float64Array, d: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(d)): Float64Array {
  for (let i = 0; i < d; i++) {
    const ri = i * d;
    let s = b[i];
    for (let p = 0; p < i; p++) s -= L[ri + p] * out[p];
    out[i] = s / L[ri + i];
  }
  return out;
}

/** Solves Lᵀ x = b (L lower triangular d×d) by backward substitution; `out` may alias `b`. */
export function solveLowerT(L: Float64Array, d: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(d)): Float64Array {
  if (out !== b) for (let i = 0; i < d; i++) out[i] = b[i];
  for (let i = d - 1; i >= 0; i--) {
    const xi = out[i] / L[i * d + i];
    out[i] = xi;
    // Subtract column i of Lᵀ = row i of L from the remaining entries.
    const ri = i * d;
    for (let p = 0; p < i; p++) out[p] -= L[ri + p] * xi;
  }
  return out;
}

/**
 * Solves L Xᵀ = Bᵀ for every row: each row b of the n×d matrix B is replaced by L⁻¹ b (written to `out`,
 * which may alias B). Equivalent to X = B L⁻ᵀ.
 */
export function solveLowerRows(L: Float64Array, d: number, B: Float64Array, n: number, out: Float64Array = new Float64Array(n * d)): Float64Array {
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const ri = i * d;
      let s = B[o + i];
      for (let p = 0; p < i; p++) s -= L[ri + p] * out[o + p];
      out[o + i] = s / L[ri + i];
    }
  }
  return out;
}

/** Solves A x = b for A = L Lᵀ given its Cholesky factor. */
export function choleskySolve(L: Float64Array, d: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(d)): Float64Array {
  solveLower(L, d, b, out);
  return solveLowerT(L, d, out, out);
}

/** Inverse of a lower-triangular matrix (lower triangular again), written to out[0 … d·d) (a longer `out` keeps its tail). */
export function invertLower(L: Float64Array, d: number, out: Float64Array = new Float64Array(d * d)): Float64Array {
  out.fill(0, 0, d * d);
  // Column j of L⁻¹ solves L x = e_j; x_i = 0 for i < j.
  for (let j = 0; j < d; j++) {
    out[j * d + j] = 1 / L[j * d + j];
    for (let i = j + 1; i < d; i++) {
      const ri = i * d;
      let s = 0;
      for (let p = j; p < i; p++) s -= L[ri + p] * out[p * d + j];
      out[ri + j] = s / L[ri + i];
    }
  }
  return out;
}

/** A⁻¹ = L⁻ᵀ L⁻¹ from the Cholesky factor of A. */
export function inverseFromCholesky(L: Float64Array, d: number, out: Float64Array = new Float64Array(d * d)): Float64Array {
  // (L⁻ᵀ L⁻¹)_ij = Σ_{p ≥ max(i,j)} Li_pi Li_pj
  lowerGram(invertLower(L, d), 0, d, out);
  return out;
}

/**
 * Solves the general square system A X = B (A d×d, B d×m, both row-major) by LU with partial pivoting.
 * Throws if A is singular to working precision. Inputs are not modified.
 */
export function solve(A: Float64Array, d: number, B: ArrayLike<number>, m = 1): Float64Array {
  checkSquare(A, d, 'solve: A');
  if (B.length !== d * m) throw new RangeError(`solve: B must have length d*m = ${d * m}, got ${B.length}`);
  const lu = A.slice();
  const x = Float64Array.from(B);
  let scale = 0;
  for (let i = 0; i < lu.length; i++) scale = Math.max(scale, Math.abs(lu[i]));
  for (let c = 0; c < d; c++) {
    let piv = c;
    let best = Math.abs(lu[c * d + c]);
    for (let r = c + 1; r < d; r++) {
      const v = Math.abs(lu[r * d + c]);
      if (v > best) { best = v; piv = r; }
    }
    if (!(best > 1e-14 * scale) || !Number.isFinite(best)) throw new RangeError(`solve: matrix is singular (pivot ${c} is ${best})`);
    if (piv !== c) {
      for (let j = 0; j < d; j++) { const t = lu[c * d + j]; lu[c * d + j] = lu[piv * d + j]; lu[piv * d + j] = t; }
      for (let j = 0; j < m; j++) { const t = x[c * m + j]; x[c * m + j] = x[piv * m + j]; x[piv * m + j] = t; }
    }
    const inv = 1 / lu[c * d + c];
    for (let r = c + 1; r < d; r++) {
      const f = lu[r * d + c] * inv;
      if (f === 0) continue;
      lu[r * d + c] = f;
      for (let j = c + 1; j < d; j++) lu[r * d + j] -= f * lu[c * d + j];
      for (let j = 0; j < m; j++) x[r * m + j] -= f * x[c * m + j];
    }
  }
  for (let c = d - 1; c >= 0; c--) {
    const inv = 1 / lu[c * d + c];
    for (let j = 0; j < m; j++) {
      let s = x[c * m + j];
      for (let p = c + 1; p < d; p++) s -= lu[c * d + p] * x[p * m + j];
      x[c * m + j] = s * inv;
    }
  }
  return x;
}

/** C = A B with A m×k, B k×n (row-major); i-k-j loop order. */
export function matmul(A: Float64Array, B: Float64Array, m: number, k: number, n: number, out: Float64Array = new Float64Array(m * n)): Float64Array {
  if (A.length < m * k) throw new RangeError(`matmul: A must have length m*k = ${m * k}, got ${A.length}`);
  if (B.length < k * n) throw new RangeError(`matmul: B must have length k*n = ${k * n}, got ${B.length}`);
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p];
      if (a === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[oi + j] += a * B[bp + j];
    }
  }
  return out;
}

/** y = A x with A m×n. */
export function matvec(A: Float64Array, x: ArrayLike<number>, m: number, n: number, out: Float64Array = new Float64Array(m)): Float64Array {
  for (let i = 0; i < m; i++) {
    let s = 0;
    const ri = i * n;
    for (let j = 0; j < n; j++) s += A[ri + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Aᵀ for A m×n. */
export function transpose(A: Float64Array, m: number, n: number, out: Float64Array = new Float64Array(m * n)): Float64Array {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = A[i * n + j];
  return out;
}

/** d×d identity, optionally scaled. */
export function identity(d: number, scale = 1): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) out[i * d + i] = scale;
  return out;
}

/** In place: A ← (A + Aᵀ)/2. Returns A. */
export function symmetrize(mat: Float64Array, d: number): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (mat[i * d + j] + mat[j * d + i]);
      mat[i * d + j] = v;
      mat[j * d + i] = v;
    }
  }
  return mat;
}

/** Largest |A_ij − A_ji| relative to max(1, max |A_ij|). */
export function asymmetry(mat: Float64Array, d: number, offset = 0): number {
  let worst = 0, scale = 1;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const a = mat[offset + i * d + j];
      scale = Math.max(scale, Math.abs(a));
      if (j < i) worst = Math.max(worst, Math.abs(a - mat[offset + j * d + i]));
    }
  }
  return worst / scale;
}

export interface SymEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Eigenvectors as columns, row-major d×d: column j (vectors[i*d + j], i = 0..d-1) goes with values[j]. */
  vectors: Float64Array;
}

/** The same decomposition with the eigenvectors as rows (symEigenRows). */
export interface SymEigenRows {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Row p (rows[p * n .. p * n + n)) is the unit eigenvector of values[p]. */
  rows: Float64Array;
}

/**
 * Eigen-decomposition A = V diag(λ) Vᵀ of a symmetric d×d matrix (symmetrised first, (A + Aᵀ)/2). Eigenvalues
 * ascending; V orthogonal, its columns the eigenvectors. The solver is symEigenRows; V is its rows transposed.
 * Throws RangeError / TypeError for a bad d, a matrix shorter than d × d, or an entry that is not finite.
 */
export function symEigen(a: Float64Array, d: number): SymEigen {
  checkSquare(a, d, 'symEigen');
  const { values, rows } = eigenRows(a, d, 'symEigen');
  return { values, vectors: transpose(rows, d, d) };
}

/**
 * Eigen-decomposition of a symmetric n × n matrix (row-major, symmetrised first) with the eigenvectors stored as
 * rows, W = Vᵀ: Householder reduction to tridiagonal form, then implicit QL with Wilkinson-like shifts (tred2/tql2
 * of EISPACK, as in JAMA; Golub & Van Loan, Matrix Computations, 4th ed., §8.3). Storing W = Vᵀ keeps the inner
 * loops of both phases on contiguous memory, which is what makes large matrices (the 512 × 512 Gram matrices of
 * the style pipeline) fast. About 9 n³ flops. Throws RangeError when a.length ≠ n² or an entry is not finite.
 */
export function symEigenRows(a: ArrayLike<number>, n: number): SymEigenRows {
  if (a.length !== n * n) throw new RangeError(`symEigenRows: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  return eigenRows(a, n, 'symEigenRows');
}

function eigenRows(a: ArrayLike<number>, n: number, name: string): SymEigenRows {
  const W = new Float64Array(n * n);
  // Symmetrise (W starts as the matrix itself; it is symmetric, so W = Vᵀ holds at the start).
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = a[i * n + j];
      // A NaN or infinite entry would come out as NaN eigenpairs without an error.
      if (!Number.isFinite(v)) throw new RangeError(`${name}: entry (${i}, ${j}) is not finite (${v})`);
      W[i * n + j] = 0.5 * (v + a[j * n + i]);
    }
  }
  const dd = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 1) {
    dd[0] = W[0];
    W[0] = 1;
    return { values: dd, rows: W };
  }
  tred2Rows(W, dd, e, n);
  tridiagonalQL(W, dd, e, n);
  return { values: dd, rows: W };
}

/**
 * Householder tridiagonalisation (tred2) of the symmetric matrix in W, accumulating the orthogonal transform
 * transposed in W; returns the diagonal in dd and the off-diagonal in e (e[i] couples i − 1 and i).
 */
function tred2Rows(W: Float64Array, dd: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) dd[j] = W[j * n + (n - 1)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(dd[k]);
    if (scale === 0) {
      e[i] = dd[i - 1];
      for (let j = 0; j < i; j++) {
        dd[j] = W[j * n + (i - 1)];
        W[j * n + i] = 0;
        W[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) { dd[k] /= scale; h += dd[k] * dd[k]; }
      let f = dd[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      dd[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = dd[j];
        W[i * n + j] = f;
        g = e[j] + W[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += W[j * n + k] * dd[k];
          e[k] += W[j * n + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * dd[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * dd[j];
      for (let j = 0; j < i; j++) {
        f = dd[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) W[j * n + k] -= f * e[k] + g * dd[k];
        dd[j] = W[j * n + (i - 1)];
        W[j * n + i] = 0;
      }
    }
    dd[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    W[i * n + (n - 1)] = W[i * n + i];
    W[i * n + i] = 1;
    const h = dd[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) dd[k] = W[(i + 1) * n + k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += W[(i + 1) * n + k] * W[j * n + k];
        for (let k = 0; k <= i; k++) W[j * n + k] -= g * dd[k];
      }
    }
    for (let k = 0; k <= i; k++) W[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    dd[j] = W[j * n + (n - 1)];
    W[j * n + (n - 1)] = 0;
  }
  W[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/**
 * Implicit QL on a symmetric tridiagonal matrix (tql2): on entry dd is its diagonal and e[i] couples i − 1 and i
 * (e[0] unused); on return dd holds the eigenvalues ascending. With W (n × n, row-stored: row p is a vector) the
 * same plane rotations are applied to W's rows, so W = Qᵀ from tred2Rows becomes the eigenvector rows. Throws an
 * Error when an eigenvalue takes more than 60·n iterations.
 */
export function tridiagonalQL(W: Float64Array | null, dd: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(dd[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60 * n) throw new Error('symEigen: QL iteration did not converge');
        let g = dd[l];
        let p = (dd[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        dd[l] = e[l] / (p + r);
        dd[l + 1] = e[l] * (p + r);
        const dl1 = dd[l + 1];
        let h = g - dd[l];
        for (let i = l + 2; i < n; i++) dd[i] -= h;
        f += h;
        p = dd[m];
        let c = 1, c2 = c, c3 = c;
        const el1 = e[l + 1];
        let s = 0, s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * dd[i] - s * g;
          dd[i + 1] = h + s * (c * g + s * dd[i]);
          if (W) for (let k = 0; k < n; k++) {
            h = W[(i + 1) * n + k];
            W[(i + 1) * n + k] = s * W[i * n + k] + c * h;
            W[i * n + k] = c * W[i * n + k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        dd[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    dd[l] = dd[l] + f;
    e[l] = 0;
  }
  // Sort ascending (selection sort on values, swapping eigenvector rows).
  for (let i = 0; i < n - 1; i++) {
    let k = i, p = dd[i];
    for (let j = i + 1; j < n; j++) if (dd[j] < p) { k = j; p = dd[j]; }
    if (k !== i) {
      dd[k] = dd[i];
      dd[i] = p;
      if (W) for (let j = 0; j < n; j++) { const t = W[i * n + j]; W[i * n + j] = W[k * n + j]; W[k * n + j] = t; }
    }
  }
}

/**
 * out = Lᵀ L for the lower-triangular d×d matrix L stored row-major at L[off …] (upper part ignored), e.g. a
 * precision Σ⁻¹ = Pᵀ P from its factor P (density.ts precisionFactors). Returns out.
 */
export function lowerGram(L: Float64Array, off: number, d: number, out: Float64Array): Float64Array {
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      let v = 0;
      for (let p = a; p < d; p++) v += L[off + p * d + a] * L[off + p * d + b];
      out[a * d + b] = v;
      out[b * d + a] = v;
    }
  }
  return out;
}

/**
 * Projection onto {S symmetric : λ_min(S) ≥ minEig}: symmetrise, eigen-decompose, clip the eigenvalues
 * at minEig and reassemble V diag(max(λ, minEig)) Vᵀ. Returns a new matrix.
 */
export function projectPSD(mat: Float64Array, d: number, minEig = 0): Float64Array {
  if (!Number.isFinite(minEig)) throw new RangeError(`projectPSD: minEig must be finite, got ${minEig}`);
  const { values, vectors } = symEigen(mat, d);
  const out = new Float64Array(d * d);
  const lam = new Float64Array(d);
  for (let j = 0; j < d; j++) lam[j] = Math.max(values[j], minEig);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let p = 0; p < d; p++) s += vectors[i * d + p] * lam[p] * vectors[j * d + p];
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
  return out;
}

function checkSquare(a: Float64Array, d: number, name: string): void {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`${name}: d must be a positive integer, got ${d}`);
  if (!(a instanceof Float64Array)) throw new TypeError(`${name}: expected a Float64Array`);
  if (a.length < d * d) throw new RangeError(`${name}: expected a ${d}×${d} matrix (length ${d * d}), got length ${a.length}`);
}
