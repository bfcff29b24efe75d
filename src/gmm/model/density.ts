/**
 * Gaussian log-densities for many points and components at once (the E-step kernel of EM, and
 * GMM.logPdf / componentLogPdf / predict).
 *
 * With the precision Cholesky factor P_c = L_c⁻¹ (Σ_c = L_c L_cᵀ, so Σ_c⁻¹ = P_cᵀ P_c) and b_c = P_c μ_c,
 *
 *   log N(x | μ_c, Σ_c) = −½ d log 2π + Σ_j log (P_c)_jj − ½ ‖P_c x − b_c‖²,
 *
 * as in scikit-learn's `_estimate_log_gaussian_prob`. For a diagonal Σ_c = diag(s²) the factor is
 * P_c = diag(1/s); a tied model uses one factor for every component, a spherical one P_c = I/σ_c. The quadratic forms are computed by a register-blocked kernel: 4 points × 2 rows
 * of P_c per pass, using that P_c is lower triangular (half the flops of a dense product).
 * Mixture log-density: log p(x) = logsumexp_c (log w_c + log N(x | μ_c, Σ_c)).
 */
import type { CovarianceType, Points } from './types.ts';
import { choleskyInto, invertLower, NotPositiveDefiniteError } from '../linalg/dense.ts';

export const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Precision factors of all components, in one of the kernels' two layouts: 'full' (a lower-triangular d×d factor
 * per component) or 'diag' (d entries per component). A tied model's factors use the full layout (k copies of the
 * shared factor), a spherical model's the diag layout (σ_c⁻¹ repeated d times).
 */
export interface PrecisionFactors {
  covarianceType: 'full' | 'diag';
  k: number;
  d: number;
  /** full: k×d×d lower-triangular P_c = L_c⁻¹; diag: k×d entries 1/s_cj. */
  prec: Float64Array;
  /** Σ_j log (P_c)_jj = −½ log det Σ_c, length k. */
  logDetPrec: Float64Array;
  /** b_c = P_c μ_c, k×d. */
  precMeans: Float64Array;
}

/** The kernel layout of a covariance type: 'full' for full and tied, 'diag' for diag and spherical. */
export function factorLayout(covarianceType: CovarianceType): 'full' | 'diag' {
  return covarianceType === 'full' || covarianceType === 'tied' ? 'full' : 'diag';
}

/**
 * Precision factors from means and covariances (shapes of GMMParams: full k×d×d, diag k×d, tied d×d, spherical k).
 * Throws NotPositiveDefiniteError naming the component (or the tied matrix) when a covariance is not
 * positive-definite. `choleskyOut` (k×d×d, full only) receives the Cholesky factors L_c when given.
 */
export function precisionFactors(
  covarianceType: CovarianceType, k: number, d: number, means: Float64Array, covariances: Float64Array,
  opts: { name?: string; choleskyOut?: Float64Array; reuse?: PrecisionFactors } = {},
): PrecisionFactors {
  const name = opts.name ?? 'covariances';
  const layout = factorLayout(covarianceType);
  const r = opts.reuse;
  const ok = r && r.k === k && r.d === d && r.covarianceType === layout;
  const logDetPrec = ok ? r.logDetPrec : new Float64Array(k);
  const precMeans = ok ? r.precMeans : new Float64Array(k * d);
  if (layout === 'diag') {
    const spherical = covarianceType === 'spherical';
    const prec = ok ? r.prec : new Float64Array(k * d);
    for (let c = 0; c < k; c++) {
      let ld = 0;
      for (let j = 0; j < d; j++) {
        const v = spherical ? covariances[c] : covariances[c * d + j];
        if (!(v > 0) || !Number.isFinite(v)) {
          throw new NotPositiveDefiniteError(`${name}[${c}]${spherical ? '' : `[${j}]`} (component ${c}) must be a positive finite variance, got ${v}`, j);
        }
        const p = 1 / Math.sqrt(v);
        prec[c * d + j] = p;
        precMeans[c * d + j] = means[c * d + j] * p;
        ld += Math.log(p);
      }
      logDetPrec[c] = ld;
    }
    return { covarianceType: layout, k, d, prec, logDetPrec, precMeans };
  }
  const dd = d * d;
  const tied = covarianceType === 'tied';
  const prec = ok ? r.prec : new Float64Array(k * dd);
  const L = new Float64Array(dd);
  const Pi = new Float64Array(dd);
  let ld = 0;
  for (let c = 0; c < k; c++) {
    if (!tied || c === 0) {
      const piv = choleskyInto(covariances.subarray(tied ? 0 : c * dd, tied ? dd : (c + 1) * dd), d, L);
      if (piv >= 0) {
        throw new NotPositiveDefiniteError(`${tied ? `${name} (the tied covariance)` : `${name}[${c}] (component ${c})`} is not positive-definite (Cholesky failed at pivot ${piv})`, piv);
      }
      invertLower(L, d, Pi);
      ld = 0;
      for (let j = 0; j < d; j++) ld += Math.log(Pi[j * d + j]);
    }
    if (opts.choleskyOut) opts.choleskyOut.set(L, c * dd);
    prec.set(Pi, c * dd);
    logDetPrec[c] = ld;
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let j = 0; j <= a; j++) s += Pi[a * d + j] * means[c * d + j];
      precMeans[c * d + a] = s;
    }
  }
  return { covarianceType: layout, k, d, prec, logDetPrec, precMeans };
}

/**
 * out[i*k + c] = logWeights[c] + log N(x_i | μ_c, Σ_c) for all points and components (n×k row-major).
 * logWeights may be omitted (zeros). `quad` is an optional scratch buffer of length n.
 */
export function estimateLogProb(
  points: Points, pf: PrecisionFactors, logWeights?: Float64Array, out?: Float64Array, quad?: Float64Array,
): Float64Array {
  const { n, d, data } = points;
  const { k } = pf;
  if (d !== pf.d) throw new RangeError(`points have dimension ${d}, the model has dimension ${pf.d}`);
  const res = out ?? new Float64Array(n * k);
  const q = quad && quad.length >= n ? quad : new Float64Array(n);
  const constant = -0.5 * d * LOG_2PI;
  for (let c = 0; c < k; c++) {
    if (pf.covarianceType === 'full') quadFull(data, n, d, pf.prec, c * d * d, pf.precMeans, c * d, q);
    else quadDiag(data, n, d, pf.prec, c * d, pf.precMeans, c * d, q);
    const base = constant + pf.logDetPrec[c] + (logWeights ? logWeights[c] : 0);
    for (let i = 0; i < n; i++) res[i * k + c] = base - 0.5 * q[i];
  }
  return res;
}

/**
 * Row-wise log-sum-exp of an n×k matrix, stable: lse_i = M_i + log S_i with M_i = max_c m_ic and
 * S_i = Σ_c exp(m_ic − M_i). Rows whose maximum is not finite (all −∞, or +∞/NaN) give lse = that maximum.
 * If `normalize` is true the matrix is overwritten with the responsibilities exp(m_ic − M_i) / S_i (1/k for the
 * rows above). Normalising by S_i rather than subtracting lse_i keeps every row's sum at 1 to rounding even when
 * |M_i| is so large that M_i + log S_i rounds to M_i (points far from every component).
 */
export function logSumExpRows(mat: Float64Array, n: number, k: number, out: Float64Array = new Float64Array(n), normalize = false): Float64Array {
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) if (mat[o + c] > m) m = mat[o + c];
    if (m === -Infinity || !Number.isFinite(m)) {
      out[i] = m;
      if (normalize) for (let c = 0; c < k; c++) mat[o + c] = 1 / k;
      continue;
    }
    let s = 0;
    if (normalize) {
      for (let c = 0; c < k; c++) { const e = Math.exp(mat[o + c] - m); mat[o + c] = e; s += e; }
      for (let c = 0; c < k; c++) mat[o + c] /= s;
    } else {
      for (let c = 0; c < k; c++) s += Math.exp(mat[o + c] - m);
    }
    out[i] = m + Math.log(s);
  }
  return out;
}

/** q[i] = ‖P x_i − b‖² for the lower-triangular d×d P at pOff and b at bOff. */
export function quadFull(X: Float64Array, n: number, d: number, P: Float64Array, pOff: number, b: Float64Array, bOff: number, q: Float64Array): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o0 = i * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    let r = 0;
    for (; r + 2 <= d; r += 2) {
      const pa = pOff + r * d, pb = pa + d;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      const len = r + 2; // P[r][r+1] = 0, so both rows can run to r+1
      for (let j = 0; j < len; j++) {
        const u = P[pa + j], v = P[pb + j];
        const x0 = X[o0 + j], x1 = X[o1 + j], x2 = X[o2 + j], x3 = X[o3 + j];
        a0 += u * x0; a1 += u * x1; a2 += u * x2; a3 += u * x3;
        b0 += v * x0; b1 += v * x1; b2 += v * x2; b3 += v * x3;
      }
      const ba = b[bOff + r], bb = b[bOff + r + 1];
      a0 -= ba; a1 -= ba; a2 -= ba; a3 -= ba;
      b0 -= bb; b1 -= bb; b2 -= bb; b3 -= bb;
      q0 += a0 * a0 + b0 * b0; q1 += a1 * a1 + b1 * b1; q2 += a2 * a2 + b2 * b2; q3 += a3 * a3 + b3 * b3;
    }
    if (r < d) {
      const pa = pOff + r * d;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let j = 0; j <= r; j++) {
        const u = P[pa + j];
        a0 += u * X[o0 + j]; a1 += u * X[o1 + j]; a2 += u * X[o2 + j]; a3 += u * X[o3 + j];
      }
      const ba = b[bOff + r];
      a0 -= ba; a1 -= ba; a2 -= ba; a3 -= ba;
      q0 += a0 * a0; q1 += a1 * a1; q2 += a2 * a2; q3 += a3 * a3;
    }
    q[i] = q0; q[i + 1] = q1; q[i + 2] = q2; q[i + 3] = q3;
  }
  for (; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let r = 0; r < d; r++) {
      const pa = pOff + r * d;
      let a = 0;
      for (let j = 0; j <= r; j++) a += P[pa + j] * X[o + j];
      a -= b[bOff + r];
      s += a * a;
    }
    q[i] = s;
  }
}

/** q[i] = Σ_j (x_ij p_j − b_j)² for a diagonal precision factor p. */
export function quadDiag(X: Float64Array, n: number, d: number, p: Float64Array, pOff: number, b: Float64Array, bOff: number, q: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const z = X[o + j] * p[pOff + j] - b[bOff + j];
      s += z * z;
    }
    q[i] = s;
  }
}

/** Rows per chunk of the scatter kernel (keeps a d×CHUNK block in cache). */
const SCATTER_CHUNK = 256;

/**
 * Weighted scatter of one component: with r_i = resp[i*k + c] and the given centre μ (length d),
 *
 *   full, tied:      out = Σ_i r_i (x_i − μ)(x_i − μ)ᵀ   (d×d, symmetric, both triangles written)
 *   diag, spherical: out = Σ_i r_i (x_i − μ)²            (length d)
 *
 * Rows with r_i = 0 are skipped (exactly: they contribute nothing). The full case gathers up to 256
 * rows at a time, scaled by √r_i, into a zero-padded d'×256 block (d' = d rounded up to 4) and
 * accumulates its Gram matrix with a 4×2 register-blocked kernel over the lower triangle.
 * `scratch` (optional) is reused across calls: pass the object returned in a previous call.
 */
export function weightedScatter(
  points: Points, resp: Float64Array, k: number, c: number, mu: Float64Array, muOff: number,
  type: CovarianceType, out: Float64Array, scratch?: ScatterScratch,
): ScatterScratch {
  const { n, d, data } = points;
  if (factorLayout(type) === 'diag') {
    out.fill(0, 0, d);
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + c];
      if (r === 0) continue;
      const o = i * d;
      for (let j = 0; j < d; j++) {
        const t = data[o + j] - mu[muOff + j];
        out[j] += r * t * t;
      }
    }
    return scratch ?? { d, dp: 0, block: new Float64Array(0), acc: new Float64Array(0) };
  }
  const dp = (d + 3) & ~3;
  const T = SCATTER_CHUNK;
  const s = scratch && scratch.d === d && scratch.dp === dp ? scratch : { d, dp, block: new Float64Array(dp * T), acc: new Float64Array(dp * dp) };
  const Y = s.block, C = s.acc;
  C.fill(0);
  let m = 0;
  // Columns t >= len of the block are never read, so a partial last chunk needs no clearing.
  const flush = (len: number) => syrkLowerBlock(Y, dp, T, len, C);
  for (let i = 0; i < n; i++) {
    const r = resp[i * k + c];
    if (r === 0) continue;
    const w = Math.sqrt(r);
    const o = i * d;
    for (let a = 0; a < d; a++) Y[a * T + m] = w * (data[o + a] - mu[muOff + a]);
    if (++m === T) { flush(T); m = 0; }
  }
  if (m > 0) flush(m);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = C[a * dp + b];
      out[a * d + b] = v;
      out[b * d + a] = v;
    }
  }
  return s;
}

export interface ScatterScratch {
  d: number;
  dp: number;
  block: Float64Array;
  acc: Float64Array;
}

/**
 * C[a][b] += Σ_{t<len} Y[a][t] Y[b][t] for b ≤ a (and a few entries just above the diagonal, which the
 * caller ignores), Y of dp×T (row stride T), dp a multiple of 4 with zero rows beyond d.
 */
function syrkLowerBlock(Y: Float64Array, dp: number, T: number, len: number, C: Float64Array): void {
  for (let a0 = 0; a0 < dp; a0 += 4) {
    const y0 = a0 * T, y1 = y0 + T, y2 = y1 + T, y3 = y2 + T;
    for (let b0 = 0; b0 <= a0 + 2; b0 += 2) {
      const z0 = b0 * T, z1 = z0 + T;
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
      for (let t = 0; t < len; t++) {
        const u = Y[z0 + t], v = Y[z1 + t];
        const p0 = Y[y0 + t], p1 = Y[y1 + t], p2 = Y[y2 + t], p3 = Y[y3 + t];
        c00 += p0 * u; c01 += p0 * v;
        c10 += p1 * u; c11 += p1 * v;
        c20 += p2 * u; c21 += p2 * v;
        c30 += p3 * u; c31 += p3 * v;
      }
      const r0 = a0 * dp + b0;
      C[r0] += c00; C[r0 + 1] += c01;
      C[r0 + dp] += c10; C[r0 + dp + 1] += c11;
      C[r0 + 2 * dp] += c20; C[r0 + 2 * dp + 1] += c21;
      C[r0 + 3 * dp] += c30; C[r0 + 3 * dp + 1] += c31;
    }
  }
}
