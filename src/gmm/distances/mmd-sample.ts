/**
 * The finite-sample squared MMD of Alon, Globerson & Wiesel ("On the optimization landscape of MMD", §4,
 * Eq. 21) between n generated points X and m real points Y, with the Gaussian RBF kernel of their Eq. 2,
 * k(x, y) = exp(-|x - y|^2 / (2 h^2)) (h^2 is the paper's width sigma^2):
 *
 *   MMD_{m,n} = 1/(n(n-1)) sum_{i != j} k(x_i, x_j) + 1/(m(m-1)) sum_{i != j} k(y_i, y_j) - 2/(nm) sum_{i,j} k(x_i, y_j)
 *
 * (the unbiased U-statistic: it can be negative). Its gradient with respect to the generated points,
 * using dk(x, y)/dx = -k(x, y) (x - y) / h^2,
 *
 *   dMMD/dx_i = -2/(n(n-1) h^2) sum_{j != i} k(x_i, x_j) (x_i - x_j) + 2/(nm h^2) sum_j k(x_i, y_j) (x_i - y_j),
 *
 * is what a generator x_i = g(theta, z_i) needs: dMMD/dtheta = sum_i (dx_i/dtheta)^T dMMD/dx_i (the paper's
 * "MMD" method: fresh z_i every step). The library's closed form (mmd.ts, the paper's OSMMD) is the limit
 * n -> infinity with the model a GMM. Cost O((n^2 + nm) d) per call; the real-real term, which does not depend
 * on the model, is computed once by `mmdRealTerm`.
 */
import type { Points } from '../model/types.ts';
import { checkPoints } from './wasserstein.ts';

export interface MMDSampleResult {
  /** MMD_{m,n} of Eq. 21 (including the real-real term passed in or computed). */
  value: number;
  /** dMMD/dX, n × d row-major (only when requested). */
  dX: Float64Array | null;
}

function checkBandwidth(h: number, where: string): void {
  if (!(Number.isFinite(h) && h > 0)) throw new RangeError(`${where}: bandwidth must be a finite number > 0, got ${h}`);
}

/**
 * 1/(m(m-1)) sum_{i != j} k(y_i, y_j): the real-real term of Eq. 21, O(m^2 d).
 * @throws RangeError when Y has fewer than 2 points or h is not a positive finite number.
 */
export function mmdRealTerm(Y: Points, h: number): number {
  checkPoints(Y, 'mmdRealTerm: Y');
  checkBandwidth(h, 'mmdRealTerm');
  if (Y.n < 2) throw new RangeError(`mmdRealTerm: needs at least 2 points, got ${Y.n}`);
  return 2 * pairSum(Y, 1 / (2 * h * h), null, 0) / (Y.n * (Y.n - 1));
}

/**
 * sum_{i<j} k(x_i, x_j); when `grad`, adds scale * d/dx_i of sum_{i != j} k(x_i, x_j) = scale * sum_{j != i}
 * -2 g k_ij (x_i - x_j) ... (g = 1/(2h^2)) into grad.
 */
function pairSum(X: Points, g: number, grad: Float64Array | null, scale: number): number {
  const { n, d, data } = X;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let q = 0;
      for (let t = 0; t < d; t++) {
        const v = data[oi + t] - data[oj + t];
        q += v * v;
      }
      const k = Math.exp(-g * q);
      s += k;
      if (grad) {
        // d/dx_i k_ij = -2 g k (x_i - x_j); the ordered sum counts the pair twice.
        const f = -4 * g * k * scale;
        for (let t = 0; t < d; t++) {
          const v = f * (data[oi + t] - data[oj + t]);
          grad[oi + t] += v;
          grad[oj + t] -= v;
        }
      }
    }
  }
  return s;
}

/**
 * MMD_{m,n} (Eq. 21) between generated points X (n ≥ 2) and real points Y (m ≥ 2) of the same dimension, and
 * with `grad` its gradient with respect to X. `realTerm` (from `mmdRealTerm(Y, h)`) skips the O(m^2 d) term.
 * @throws RangeError on malformed point sets, a dimension mismatch, fewer than 2 points or a bad bandwidth.
 */
export function mmdSample(X: Points, Y: Points, h: number, opts: { grad?: boolean; realTerm?: number } = {}): MMDSampleResult {
  checkPoints(X, 'mmdSample: X');
  checkPoints(Y, 'mmdSample: Y', X.d);
  checkBandwidth(h, 'mmdSample');
  if (X.n < 2 || Y.n < 2) throw new RangeError(`mmdSample: needs at least 2 points on each side, got n = ${X.n}, m = ${Y.n}`);
  const { n, d } = X, m = Y.n;
  const g = 1 / (2 * h * h);
  const dX = opts.grad ? new Float64Array(n * d) : null;
  const cXX = 1 / (n * (n - 1));
  const xx = 2 * cXX * pairSum(X, g, dX, cXX);
  const yy = opts.realTerm ?? mmdRealTerm(Y, h);
  // cross term -2/(nm) sum_ij k(x_i, y_j)
  const cXY = -2 / (n * m);
  const x = X.data, y = Y.data;
  let xy = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = 0; j < m; j++) {
      const oj = j * d;
      let q = 0;
      for (let t = 0; t < d; t++) {
        const v = x[oi + t] - y[oj + t];
        q += v * v;
      }
      const k = Math.exp(-g * q);
      xy += k;
      if (dX) {
        const f = -2 * g * k * cXY;
        for (let t = 0; t < d; t++) dX[oi + t] += f * (x[oi + t] - y[oj + t]);
      }
    }
  }
  return { value: xx + yy + cXY * xy, dX };
}
