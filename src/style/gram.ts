/**
 * Gram matrices of feature maps, normalised by the number of positions:
 *   G_ij = (1 / (h w)) sum_k F_ik F_jk      (F: the c × (h w) feature matrix of one image)
 * so that Grams of crops and of whole images of different sizes are comparable.
 *
 * Gram matrices are symmetric; datasets of them are stored as "isometric upper-triangle vectors" of
 * length c (c + 1) / 2: the diagonal as is and every off-diagonal entry times √2, so the Euclidean norm
 * of the vector equals the Frobenius norm of the matrix (PCA and distances then mean the same thing on
 * both sides).
 */
import { tf } from '../backend/index.ts';
import { projectPSDSelected } from './psd.ts';

/**
 * Gram matrices of a batch of feature maps [b, h, w, c] → [b, c, c], divided by h·w. Differentiable.
 * One 2-D product per image: the wasm backend's batched FᵀF is about 8× slower per image than its 2-D
 * one (measured at 256 px: 0.69 vs 0.09 s per crop, docs/RESULTS.md).
 */
export function gramMatrices(feat: tf.Tensor4D): tf.Tensor3D {
  const [b, h, w, c] = feat.shape;
  return tf.tidy(() => {
    const per = Array.from({ length: b }, (_, i) => {
      const x = tf.reshape(b === 1 ? feat : tf.slice(feat, [i, 0, 0, 0], [1, h, w, c]), [h * w, c]) as tf.Tensor2D;
      return tf.matMul(x, x, true, false);
    });
    return tf.div(b === 1 ? tf.expandDims(per[0], 0) : tf.stack(per), h * w) as tf.Tensor3D;
  });
}

/** Gram matrix of a single feature map [1, h, w, c] → [c, c]. */
export function gramMatrix(feat: tf.Tensor4D): tf.Tensor2D {
  if (feat.shape[0] !== 1) throw new RangeError(`gramMatrix: expected a batch of 1, got ${feat.shape[0]} (use gramMatrices)`);
  const [, , , c] = feat.shape;
  return tf.reshape(gramMatrices(feat), [c, c]) as tf.Tensor2D;
}

/** Length of the upper-triangle vector of a c × c symmetric matrix. */
export function triLength(c: number): number {
  return (c * (c + 1)) / 2;
}

/** Channel count c of an upper-triangle vector of length D = c(c+1)/2 (throws if D is not such a length). */
export function triChannels(D: number): number {
  const c = Math.round((Math.sqrt(8 * D + 1) - 1) / 2);
  if (triLength(c) !== D) throw new RangeError(`${D} is not the length of an upper-triangle vector c(c+1)/2`);
  return c;
}

/** Isometric upper-triangle vector (row-major, diagonal included, off-diagonals × √2) of a c × c matrix. */
export function gramToTri(g: ArrayLike<number>, c: number, out: Float32Array | Float64Array = new Float32Array(triLength(c)), offset = 0): typeof out {
  const s = Math.SQRT2;
  let o = offset;
  for (let i = 0; i < c; i++) {
    out[o++] = g[i * c + i];
    for (let j = i + 1; j < c; j++) out[o++] = s * 0.5 * (g[i * c + j] + g[j * c + i]);
  }
  return out;
}

/**
 * M + g (T − M), entry by entry: a Gram T whose deviation from the mean Gram M is taken g times (any layout, as long
 * as T and M share it; c × c row-major in the synthesis). g = 1 gives T exactly (as float32), g = 0 gives M. For g > 1 the
 * result need not be PSD: it is an optimisation target (job.ts, `deviationGain`), not a sample of the model.
 * @throws RangeError when the lengths differ or g is not a finite number ≥ 0.
 */
export function amplifyDeviation(target: ArrayLike<number>, mean: ArrayLike<number>, gain: number): Float32Array {
  if (target.length !== mean.length) throw new RangeError(`amplifyDeviation: target has ${target.length} entries, mean ${mean.length}`);
  if (!(Number.isFinite(gain) && gain >= 0)) throw new RangeError(`amplifyDeviation: gain must be a finite number >= 0, got ${gain}`);
  if (gain === 1) return Float32Array.from(target);
  const out = new Float32Array(target.length);
  for (let e = 0; e < out.length; e++) out[e] = mean[e] + gain * (target[e] - mean[e]);
  return out;
}

/** The symmetric c × c matrix of an isometric upper-triangle vector. */
export function triToGram(v: ArrayLike<number>, c: number, offset = 0): Float64Array {
  const g = new Float64Array(c * c);
  const s = Math.SQRT1_2;
  let o = offset;
  for (let i = 0; i < c; i++) {
    g[i * c + i] = v[o++];
    for (let j = i + 1; j < c; j++) {
      const x = s * v[o++];
      g[i * c + j] = x;
      g[j * c + i] = x;
    }
  }
  return g;
}

/**
 * Symmetrises a c × c matrix and projects it onto the PSD cone (negative eigenvalues set to 0), computing
 * only the eigenpairs of the negative eigenvalues (psd.ts projectPSDSelected).
 * `clipped` = trace(input) − trace(output) (≤ 0: minus the sum of the removed negative eigenvalues).
 */
export function symmetricPSD(g: ArrayLike<number>, c: number): { gram: Float64Array; clipped: number; minEigenvalue: number } {
  const { matrix, values } = projectPSDSelected(g, c, 0);
  let clipped = 0;
  for (let i = 0; i < c; i++) clipped += g[i * c + i] - matrix[i * c + i];
  return { gram: matrix, clipped, minEigenvalue: values[0] };
}

/** Squared Frobenius distance between two equal-length arrays. */
export function sqDist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`sqDist: lengths differ (${a.length} vs ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

/**
 * Cholesky coordinates of a Gram matrix: the upper-triangular factor R (c × c, R_kk ≥ 0) with G = RᵀR, as the
 * plain row-major upper-triangle vector of R (length c(c + 1)/2, no √2 weights: the vector's Euclidean norm is
 * ‖R‖_F). Any such vector decodes to a PSD matrix (gramTriOfFactor), so a model sampling these coordinates needs
 * no PSD projection (the Cholesky parametrisation of the PSD cone; Lin, "Riemannian geometry of symmetric positive
 * definite matrices via Cholesky decomposition", SIAM J. Matrix Anal. Appl. 40(4), 2019, §2 — without its log of
 * the diagonal, which a rank-deficient Gram would send to −∞).
 *
 * `gTri` holds the Gram as an isometric upper-triangle vector (gramToTri) from `offset`. G may be rank-deficient
 * (a crop with fewer positions than channels): the right-looking outer-product Cholesky (Golub & Van Loan,
 * Matrix Computations, 4th ed., Alg. 4.2.2) sets row k of R to zero when the k-th pivot (the Schur complement's
 * diagonal entry) is ≤ `tol` times the trace of G (default 3e-6), as for a PSD matrix with an exactly zero
 * pivot, whose whole Schur complement row is zero; and it clamps |R_kj| to √S_jj (S the Schur complement before
 * step k), which holds exactly for a PSD matrix (|S_kj| ≤ √(S_kk S_jj)) but not for a float32 Gram with nearly
 * dependent channels, whose rounding would otherwise leave large entries and negative pivots downstream. The
 * default tol is about the float32 rounding of the Schur complements of MobileNet Grams: with it the largest
 * relative round-trip error ‖RᵀR − G‖_F / ‖G‖_F over 24 crops of The Starry Night at 256 px was 2.8·10⁻⁴ per
 * layer (1e-9: 7·10⁻³; without the clamp and 1e-9 × the largest diagonal entry: 0.82; docs/RESULTS.md, issue 12).
 * Cost c³/6 multiply-adds. Throws RangeError for a c that does not fit the vector.
 */
export function factorTriOfGram(gTri: ArrayLike<number>, c: number, offset = 0, tol = 3e-6): Float64Array {
  const D = triLength(c);
  if (!(Number.isInteger(c) && c >= 1) || gTri.length < offset + D) throw new RangeError(`factorTriOfGram: a ${c} × ${c} Gram needs ${D} values from offset ${offset}, got ${gTri.length - offset}`);
  const A = triToGram(gTri, c, offset);
  let trace = 0;
  for (let i = 0; i < c; i++) trace += Math.max(0, A[i * c + i]);
  const floor = tol * trace;
  const out = new Float64Array(D);
  let o = 0;
  for (let k = 0; k < c; k++) {
    const d = A[k * c + k];
    const rowK = k * c;
    if (!(d > floor)) { o += c - k; continue; } // zero pivot: row k of R stays 0
    const r = Math.sqrt(d);
    const start = o;
    out[o++] = r;
    for (let j = k + 1; j < c; j++) {
      // |S_kj| ≤ √(S_kk S_jj) for a PSD Schur complement S, so |R_kj| ≤ √S_jj; rounding (float32 Grams) can break
      // it for nearly dependent channels, and an unclamped entry would leave a negative pivot downstream.
      const lim = Math.sqrt(Math.max(0, A[j * c + j]));
      const v = A[rowK + j] / r;
      out[o++] = v > lim ? lim : v < -lim ? -lim : v;
    }
    // Trailing update of the upper triangle: A_ij −= R_ki R_kj for k < i ≤ j.
    for (let i = k + 1; i < c; i++) {
      const rki = out[start + i - k];
      if (rki === 0) continue;
      const rowI = i * c;
      for (let j = i; j < c; j++) A[rowI + j] -= rki * out[start + j - k];
    }
  }
  return out;
}

/**
 * The Gram matrix RᵀR of Cholesky coordinates (factorTriOfGram's layout: R's plain upper-triangle rows, from
 * `offset`), as an isometric upper-triangle vector (gramToTri's layout), written into `out` from `outOffset`.
 * Any R gives a PSD matrix. Cost c³/6 multiply-adds. Throws RangeError when the vectors are too short.
 */
export function gramTriOfFactor(rTri: ArrayLike<number>, c: number, offset = 0, out: Float64Array = new Float64Array(triLength(c)), outOffset = 0): Float64Array {
  const D = triLength(c);
  if (rTri.length < offset + D || out.length < outOffset + D) throw new RangeError(`gramTriOfFactor: a ${c} × ${c} factor needs ${D} values in and out`);
  // G_ij = Σ_{k ≤ i} R_ki R_kj (i ≤ j), accumulated row of R by row of R into the upper triangle of G.
  const G = new Float64Array(c * c);
  let o = offset;
  for (let k = 0; k < c; k++) {
    const start = o;
    o += c - k;
    for (let i = k; i < c; i++) {
      const rki = rTri[start + i - k];
      if (rki === 0) continue;
      const rowI = i * c;
      for (let j = i; j < c; j++) G[rowI + j] += rki * rTri[start + j - k];
    }
  }
  for (let i = 0; i < c; i++) for (let j = i + 1; j < c; j++) G[j * c + i] = G[i * c + j];
  return gramToTri(G, c, out, outOffset) as Float64Array;
}
