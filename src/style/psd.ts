/**
 * A cache-friendly symmetric eigensolver and PSD projection for Gram matrices (c up to 512 and more).
 *
 * The algorithm is the same as src/gmm/linalg.ts symEigen (Householder tridiagonalisation + implicit
 * QL, from JAMA / EISPACK tred2 and tql2), with the eigenvector matrix stored transposed, W = Vᵀ (row p
 * of W is eigenvector p), so that the inner loops of both phases run over contiguous memory. For
 * c = 512 that is several times faster than the column-strided original (measured in
 * docs/RESULTS.md, style section); results agree to rounding (test/style/psd.test.ts).
 */

export interface SymEigenT {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Row p (W[p * n .. p * n + n)) is the unit eigenvector of values[p]. */
  rows: Float64Array;
}

/** Eigen-decomposition of a symmetric n × n matrix (row-major; only symmetrised input is meaningful). */
export function symEigenRows(a: ArrayLike<number>, n: number): SymEigenT {
  if (a.length !== n * n) throw new RangeError(`symEigenRows: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  const W = new Float64Array(n * n);
  // Symmetrise (W starts as the matrix itself; it is symmetric, so W = Vᵀ holds at the start).
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) W[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  const dd = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 1) {
    dd[0] = W[0];
    W[0] = 1;
    return { values: dd, rows: W };
  }
  tred2T(W, dd, e, n);
  tql2T(W, dd, e, n);
  return { values: dd, rows: W };
}

/**
 * Projection of a symmetric matrix onto the PSD cone: eigenvalues below `minEig` (default 0) are raised
 * to it. Computed as G + Σ_{λ_p < minEig} (minEig − λ_p) w_p w_pᵀ, contiguous rank-one updates.
 */
export function projectPSDRows(a: ArrayLike<number>, n: number, minEig = 0): { matrix: Float64Array; values: Float64Array } {
  const { values, rows } = symEigenRows(a, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  for (let p = 0; p < n; p++) {
    const lam = values[p];
    if (!(lam < minEig)) continue;
    const f = minEig - lam;
    const w = rows.subarray(p * n, (p + 1) * n);
    for (let i = 0; i < n; i++) {
      const fi = f * w[i];
      if (fi === 0) continue;
      const o = i * n;
      for (let j = i; j < n; j++) out[o + j] += fi * w[j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[i * n + j] = out[j * n + i];
  return { matrix: out, values };
}

function tred2T(W: Float64Array, dd: Float64Array, e: Float64Array, n: number): void {
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

function tql2T(W: Float64Array, dd: Float64Array, e: Float64Array, n: number): void {
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
          for (let k = 0; k < n; k++) {
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
  // Sort ascending (selection sort on values, swapping eigenvector columns).
  for (let i = 0; i < n - 1; i++) {
    let k = i, p = dd[i];
    for (let j = i + 1; j < n; j++) if (dd[j] < p) { k = j; p = dd[j]; }
    if (k !== i) {
      dd[k] = dd[i];
      dd[i] = p;
      for (let j = 0; j < n; j++) { const t = W[i * n + j]; W[i * n + j] = W[k * n + j]; W[k * n + j] = t; }
    }
  }
}

