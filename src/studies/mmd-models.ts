/**
 * The parametric models of Alon, Globerson & Wiesel's experiments (§4.1–4.2) for scripts/studies/mmd-success.ts (kept out of scripts/, where every file is a command):
 * each has a reparameterised sampler x = g(theta, z) with its chain rule, its GMM view (for the closed-form MMD),
 * the gradient of its mean negative log-likelihood and the paper's error measure.
 */
import type { GMMParams, Points } from '../gmm/model/types.ts';
import type { Rng } from '../util/rng.ts';


export interface Model {
  /** Parameter length. */
  p: number;
  /** n generated points x_i = g(theta, z_i) and the per-point multipliers c_i with dx_i/dtheta = c_i I (scalar). */
  sample(theta: Float64Array, n: number, rng: Rng): { X: Points; c: Float64Array };
  /** The model as a GMM (for OSMMD), and the chain rule from the GMM gradient to theta. */
  gmm(theta: Float64Array): GMMParams;
  chainGMM(theta: Float64Array, g: { dMeans: Float64Array; dCovariances: Float64Array }, out: Float64Array): void;
  /** Gradient of the mean negative log-likelihood of Y. */
  nllGrad(theta: Float64Array, Y: Points, out: Float64Array): void;
  error(theta: Float64Array, truth: Float64Array): number;
  threshold: number;
}

const dot = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number) => {
  let s = 0;
  for (let t = 0; t < d; t++) s += a[ao + t] * b[bo + t];
  return s;
};
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const eye = (d: number, s: number) => { const m = new Float64Array(d * d); for (let t = 0; t < d; t++) m[t * d + t] = s; return m; };

export function meanModel(d: number, symmetric: boolean): Model {
  return {
    p: d,
    sample(mu, n, rng) {
      const X = new Float64Array(n * d), c = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const s = symmetric ? (rng.uniform() < 0.5 ? -1 : 1) : 1;
        c[i] = s;
        for (let t = 0; t < d; t++) X[i * d + t] = s * mu[t] + rng.normal();
      }
      return { X: { n, d, data: X }, c };
    },
    gmm(mu) {
      if (!symmetric) return { k: 1, d, covarianceType: 'full', weights: new Float64Array([1]), means: Float64Array.from(mu), covariances: eye(d, 1) };
      const means = new Float64Array(2 * d);
      for (let t = 0; t < d; t++) { means[t] = mu[t]; means[d + t] = -mu[t]; }
      const cov = new Float64Array(2 * d * d); cov.set(eye(d, 1)); cov.set(eye(d, 1), d * d);
      return { k: 2, d, covarianceType: 'full', weights: new Float64Array([0.5, 0.5]), means, covariances: cov };
    },
    chainGMM(_mu, g, o) {
      for (let t = 0; t < d; t++) o[t] = g.dMeans[t] - (symmetric ? g.dMeans[d + t] : 0);
    },
    nllGrad(mu, Y, o) {
      // N(mu, I): mu - mean(y). Symmetric mixture: mu - mean((2 r - 1) y), r = sigmoid(2 mu.y).
      o.set(mu);
      for (let i = 0; i < Y.n; i++) {
        const f = symmetric ? 2 * sigmoid(2 * dot(mu, 0, Y.data, i * d, d)) - 1 : 1;
        for (let t = 0; t < d; t++) o[t] -= (f * Y.data[i * d + t]) / Y.n;
      }
    },
    error(mu, truth) {
      let a = 0, b = 0;
      for (let t = 0; t < d; t++) { a += (mu[t] - truth[t]) ** 2; b += (mu[t] + truth[t]) ** 2; }
      return Math.sqrt(symmetric ? Math.min(a, b) : a) / d;
    },
    threshold: 0.02,
  };
}

/** N(0, a a^T + eps^2 I), or the symmetric mixture 0.5 sum_z N(z mu, a a^T + eps^2 I) when `mu` is given. */
export function covModel(d: number, eps: number, mu: Float64Array | null, threshold: number): Model {
  const k = mu ? 2 : 1;
  // C^{-1} v = (v - a (a.v) / (eps^2 + |a|^2)) / eps^2 (Sherman–Morrison)
  const cinv = (a: Float64Array, aa: number, v: Float64Array, o: Float64Array) => {
    const f = dot(a, 0, v, 0, d) / (eps * eps + aa);
    for (let t = 0; t < d; t++) o[t] = (v[t] - a[t] * f) / (eps * eps);
  };
  const u = new Float64Array(d), Su = new Float64Array(d), r = new Float64Array(d), cmu = new Float64Array(d);
  return {
    p: d,
    sample(a, n, rng) {
      const X = new Float64Array(n * d), c = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const g = rng.normal(), s = mu && rng.uniform() < 0.5 ? -1 : 1;
        c[i] = g;
        for (let t = 0; t < d; t++) X[i * d + t] = g * a[t] + eps * rng.normal() + (mu ? s * mu[t] : 0);
      }
      return { X: { n, d, data: X }, c };
    },
    gmm(a) {
      const C = eye(d, eps * eps);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) C[i * d + j] += a[i] * a[j];
      const means = new Float64Array(k * d), cov = new Float64Array(k * d * d);
      for (let c = 0; c < k; c++) {
        cov.set(C, c * d * d);
        if (mu) for (let t = 0; t < d; t++) means[c * d + t] = (c === 0 ? 1 : -1) * mu[t];
      }
      return { k, d, covarianceType: 'full', weights: new Float64Array(k).fill(1 / k), means, covariances: cov };
    },
    chainGMM(a, g, o) {
      // Sigma = a a^T + eps^2 I for every component: dL/da = 2 sum_c G_c a (G_c symmetric).
      o.fill(0);
      for (let c = 0; c < k; c++) for (let i = 0; i < d; i++) o[i] += 2 * dot(g.dCovariances, c * d * d + i * d, a, 0, d);
    },
    nllGrad(a, Y, o) {
      // NLL = 1/2 log|C| + 1/2 tr(C^{-1} S_r) + const, S_r = mean over y of sum_z r_z (y - z mu)(y - z mu)^T;
      // dNLL/da = 2 G a, G = (C^{-1} - C^{-1} S_r C^{-1}) / 2, so dNLL/da = u - C^{-1} S_r u with u = C^{-1} a.
      const aa = dot(a, 0, a, 0, d);
      for (let t = 0; t < d; t++) u[t] = a[t] / (eps * eps + aa);
      Su.fill(0);
      if (mu) cinv(a, aa, mu, cmu);
      for (let i = 0; i < Y.n; i++) {
        const o_ = i * d;
        // responsibility of +mu: log N(y; mu, C) - log N(y; -mu, C) = 2 mu^T C^{-1} y
        const rp = mu ? sigmoid(2 * dot(cmu, 0, Y.data, o_, d)) : 1;
        for (const [z, w] of mu ? ([[1, rp], [-1, 1 - rp]] as const) : ([[0, 1]] as const)) {
          if (w === 0) continue;
          for (let t = 0; t < d; t++) r[t] = Y.data[o_ + t] - (mu ? z * mu[t] : 0);
          const f = (w * dot(r, 0, u, 0, d)) / Y.n;
          for (let t = 0; t < d; t++) Su[t] += f * r[t];
        }
      }
      cinv(a, aa, Su, o);
      for (let t = 0; t < d; t++) o[t] = u[t] - o[t];
    },
    error(a, truth) {
      let s = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += (a[i] * a[j] - truth[i] * truth[j]) ** 2;
      return Math.sqrt(s) / d;
    },
    threshold,
  };
}

