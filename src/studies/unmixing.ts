/**
 * The linear unmixing model of Alon, Globerson & Wiesel ("On the optimization landscape of MMD", §4.3, Eq. 22) for
 * scripts/studies/unmixing.ts:
 *
 *   x_i = A b_i + w_i,   b_i ~ Dirichlet(1_r) (uniform on the simplex),   w_i ~ N(0, sigma_w^2 I_d),
 *
 * with A a d × r matrix (row-major, A[t * r + k]; column k is endmember a_k) to recover from X = [x_1 … x_n].
 * Here: the sampler, the paper's accuracy d(A, A*) (Eq. 23), Vertex Component Analysis (Nascimento & Dias 2005,
 * the paper's initialisation) and a Monte-Carlo likelihood (not in the paper; the likelihood-based baseline).
 */
import type { Points } from '../gmm/model/types.ts';
import type { Rng } from '../util/rng.ts';
import { symEigen } from '../gmm/linalg/dense.ts';

/** One draw of Dirichlet(1_r) into out[o .. o + r): normalised Exp(1) variables (Gamma(1) = Exp(1)). */
export function dirichletOnes(r: number, rng: Rng, out: Float64Array, o = 0): void {
  let s = 0;
  for (let k = 0; k < r; k++) {
    const e = -Math.log(1 - rng.uniform());
    out[o + k] = e;
    s += e;
  }
  for (let k = 0; k < r; k++) out[o + k] /= s;
}

/**
 * n points of Eq. 22: returns X (n × d) and the abundances B (n × r, row i = b_i). With `A` d × r row-major.
 * @throws RangeError when A's length is not d·r or sigmaW < 0.
 */
export function unmixingSample(A: Float64Array, d: number, r: number, n: number, sigmaW: number, rng: Rng): { X: Points; B: Float64Array } {
  if (A.length !== d * r) throw new RangeError(`unmixingSample: A has ${A.length} entries, expected d·r = ${d * r}`);
  if (!(sigmaW >= 0)) throw new RangeError(`unmixingSample: sigmaW must be >= 0, got ${sigmaW}`);
  const B = new Float64Array(n * r), X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    dirichletOnes(r, rng, B, i * r);
    for (let t = 0; t < d; t++) {
      let v = 0;
      for (let k = 0; k < r; k++) v += A[t * r + k] * B[i * r + k];
      X[i * d + t] = v + sigmaW * rng.normal();
    }
  }
  return { X: { n, d, data: X }, B };
}

/** All permutations of 0..r-1 (r ≤ 8). */
export function permutations(r: number): number[][] {
  if (!(Number.isInteger(r) && r >= 1 && r <= 8)) throw new RangeError(`permutations: r must be an integer in 1..8, got ${r}`);
  const out: number[][] = [];
  const rec = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) out.push(prefix);
    for (let j = 0; j < rest.length; j++) rec([...prefix, rest[j]], [...rest.slice(0, j), ...rest.slice(j + 1)]);
  };
  rec([], Array.from({ length: r }, (_, k) => k));
  return out;
}

/**
 * The paper's accuracy (Eq. 23): d(A, A*) = min over permutations pi of sum_k |a_k - a*_{pi(k)}|^2, columns of the
 * d × r row-major matrices. Returns the value and the minimising permutation.
 */
export function endmemberDistance(A: Float64Array, Astar: Float64Array, d: number, r: number): { value: number; perm: number[] } {
  if (A.length !== d * r || Astar.length !== d * r) throw new RangeError(`endmemberDistance: both matrices must have d·r = ${d * r} entries`);
  // cost[k][j] = |a_k - a*_j|^2
  const cost = Array.from({ length: r }, (_, k) => Array.from({ length: r }, (_, j) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (A[t * r + k] - Astar[t * r + j]) ** 2;
    return s;
  }));
  let best = Infinity, perm: number[] = [];
  for (const p of permutations(r)) {
    let s = 0;
    for (let k = 0; k < r; k++) s += cost[k][p[k]];
    if (s < best) { best = s; perm = p; }
  }
  return { value: best, perm };
}

/** Eigenvectors of the p largest eigenvalues of a symmetric d × d matrix, as the rows of a p × d matrix. */
function topEigenRows(M: Float64Array, d: number, p: number): Float64Array {
  const { vectors } = symEigen(M, d);
  const U = new Float64Array(p * d);
  for (let j = 0; j < p; j++) for (let t = 0; t < d; t++) U[j * d + t] = vectors[t * d + (d - 1 - j)];
  return U;
}

export interface VCAResult {
  /** Estimated endmembers, d × r row-major (column k = endmember k). */
  A: Float64Array;
  /** Indices of the pixels chosen as endmembers. */
  indices: number[];
  /** The estimated SNR (dB) and whether the projective (high-SNR) projection was used. */
  snr: number;
  projective: boolean;
}

/**
 * Vertex Component Analysis (Nascimento & Dias, "Vertex component analysis: a fast algorithm to unmix hyperspectral
 * data", IEEE TGRS 43(4), 2005, Algorithm 1): projects the pixels onto an r-dimensional subspace (projective
 * projection onto the r leading directions of the correlation matrix when the estimated SNR is above
 * 15 + 10 log10(r) dB; otherwise the r - 1 leading principal directions of the centred data plus a constant
 * coordinate), then r times picks the pixel with the largest |f^T y| for a random direction f orthogonal to the
 * endmembers found so far. Returns the chosen pixels, projected (the algorithm's denoised R_p), as endmembers.
 * @throws RangeError when n < r or r < 2.
 */
export function vca(X: Points, r: number, rng: Rng): VCAResult {
  const { n, d, data } = X;
  if (!(Number.isInteger(r) && r >= 2 && r <= d)) throw new RangeError(`vca: r must be an integer in 2..d = ${d}, got ${r}`);
  if (n < r) throw new RangeError(`vca: needs at least r = ${r} pixels, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += data[i * d + t] / n;
  const cov = new Float64Array(d * d), corr = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = data[i * d + a], ca = xa - mean[a];
      for (let b = 0; b < d; b++) {
        cov[a * d + b] += (ca * (data[i * d + b] - mean[b])) / n;
        corr[a * d + b] += (xa * data[i * d + b]) / n;
      }
    }
  }
  // SNR estimate (Nascimento & Dias, Eq. 13): signal power from the r-dimensional principal subspace.
  const Ur = topEigenRows(cov, d, r);
  let py = 0, px = 0, mm = 0;
  for (let i = 0; i < n * d; i++) py += (data[i] * data[i]) / n;
  for (let t = 0; t < d; t++) mm += mean[t] * mean[t];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += Ur[j * d + t] * (data[i * d + t] - mean[t]);
      px += (s * s) / n;
    }
  }
  px += mm;
  const snr = 10 * Math.log10(Math.max(px - (r / d) * py, 0) / Math.max(py - px, 1e-300));
  const projective = snr > 15 + 10 * Math.log10(r);
  // y: r × n coordinates of the projected pixels; Rp: the projected pixels in data space (n × d).
  const y = new Float64Array(r * n), Rp = new Float64Array(n * d);
  if (projective) {
    const U = topEigenRows(corr, d, r);
    const u = new Float64Array(r);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < r; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += U[j * d + t] * data[i * d + t];
        y[j * n + i] = s;
        u[j] += s / n;
        for (let t = 0; t < d; t++) Rp[i * d + t] += U[j * d + t] * s;
      }
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < r; j++) s += u[j] * y[j * n + i];
      for (let j = 0; j < r; j++) y[j * n + i] /= s;
    }
  } else {
    const U = topEigenRows(cov, d, r - 1);
    let c = 0;
    for (let i = 0; i < n; i++) {
      let norm2 = 0;
      for (let t = 0; t < d; t++) Rp[i * d + t] = mean[t];
      for (let j = 0; j < r - 1; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += U[j * d + t] * (data[i * d + t] - mean[t]);
        y[j * n + i] = s;
        norm2 += s * s;
        for (let t = 0; t < d; t++) Rp[i * d + t] += U[j * d + t] * s;
      }
      c = Math.max(c, Math.sqrt(norm2));
    }
    for (let i = 0; i < n; i++) y[(r - 1) * n + i] = c;
  }
  // Endmember search: an orthonormal basis Q of the span of the columns chosen so far (initially e_r).
  const basis: Float64Array[] = [];
  const addToBasis = (v: Float64Array) => {
    const q = Float64Array.from(v);
    for (const b of basis) { let s = 0; for (let j = 0; j < r; j++) s += b[j] * q[j]; for (let j = 0; j < r; j++) q[j] -= s * b[j]; }
    const norm = Math.hypot(...q);
    if (norm > 1e-12) { for (let j = 0; j < r; j++) q[j] /= norm; basis.push(q); }
  };
  const er = new Float64Array(r); er[r - 1] = 1;
  const indices: number[] = [];
  for (let k = 0; k < r; k++) {
    const current = k === 0 ? [er] : [];
    const saved = basis.length;
    for (const v of current) addToBasis(v);
    const f = new Float64Array(r);
    for (let j = 0; j < r; j++) f[j] = rng.normal();
    for (const b of basis) { let s = 0; for (let j = 0; j < r; j++) s += b[j] * f[j]; for (let j = 0; j < r; j++) f[j] -= s * b[j]; }
    basis.length = saved; // e_r only constrains the first pick (it is replaced by that pick's column)
    let best = -1, bestV = -Infinity;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < r; j++) v += f[j] * y[j * n + i];
      if (Math.abs(v) > bestV) { bestV = Math.abs(v); best = i; }
    }
    indices.push(best);
    const col = new Float64Array(r);
    for (let j = 0; j < r; j++) col[j] = y[j * n + best];
    addToBasis(col);
  }
  const A = new Float64Array(d * r);
  for (let k = 0; k < r; k++) for (let t = 0; t < d; t++) A[t * r + k] = Rp[indices[k] * d + t];
  return { A, indices, snr, projective };
}

/**
 * Monte-Carlo negative log-likelihood of Eq. 22 and its gradient in A: the integral over b is replaced by J draws
 * b_1 … b_J (rows of `draws`, J × r),
 *
 *   NLL(A) = -(1/n) sum_i log( (1/J) sum_j N(x_i; A b_j, sigma_w^2 I) ),
 *   dNLL/dA = -(1/n) sum_i sum_j rho_ij (x_i - A b_j) b_j^T / sigma_w^2,   rho_ij = softmax_j of the log-densities.
 *
 * Writes the gradient (d × r row-major) into `grad` and returns the NLL.
 */
export function mcNllGrad(A: Float64Array, X: Points, draws: Float64Array, r: number, sigmaW: number, grad: Float64Array): number {
  const { n, d, data } = X;
  const J = draws.length / r;
  const s2 = sigmaW * sigmaW;
  const mu = new Float64Array(J * d), logp = new Float64Array(J);
  for (let j = 0; j < J; j++) for (let t = 0; t < d; t++) {
    let v = 0;
    for (let k = 0; k < r; k++) v += A[t * r + k] * draws[j * r + k];
    mu[j * d + t] = v;
  }
  grad.fill(0);
  const logNorm = 0.5 * d * Math.log(2 * Math.PI * s2);
  let nll = 0;
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let j = 0; j < J; j++) {
      let q = 0;
      for (let t = 0; t < d; t++) { const v = data[i * d + t] - mu[j * d + t]; q += v * v; }
      logp[j] = -q / (2 * s2);
      if (logp[j] > mx) mx = logp[j];
    }
    let z = 0;
    for (let j = 0; j < J; j++) { logp[j] = Math.exp(logp[j] - mx); z += logp[j]; }
    nll += -(mx + Math.log(z / J) - logNorm) / n;
    for (let j = 0; j < J; j++) {
      const rho = logp[j] / z;
      if (rho < 1e-300) continue;
      for (let t = 0; t < d; t++) {
        const f = (-rho * (data[i * d + t] - mu[j * d + t])) / (s2 * n);
        for (let k = 0; k < r; k++) grad[t * r + k] += f * draws[j * r + k];
      }
    }
  }
  return nll;
}
