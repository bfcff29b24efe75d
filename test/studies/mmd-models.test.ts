/**
 * The MMD study's parametric models (src/studies/mmd-models.ts; Alon, Globerson & Wiesel §4.1–4.2): the sampler
 * replayed from the same stream, the GMM view by hand, the chain rule and the NLL gradient against central
 * differences of the GMM's own functions, the error measure by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { covModel, meanModel, type Model } from '../../src/studies/mmd-models.ts';
import { GMM } from '../../src/gmm/model/gmm.ts';
import type { Points } from '../../src/gmm/model/types.ts';
import { Rng } from '../../src/util/rng.ts';

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

/** Central differences of f at theta. */
function fd(f: (t: Float64Array) => number, theta: Float64Array, h = 1e-6): Float64Array {
  return theta.map((_, i) => {
    const a = Float64Array.from(theta), b = Float64Array.from(theta);
    a[i] += h;
    b[i] -= h;
    return (f(a) - f(b)) / (2 * h);
  });
}

/** The model's gradients against central differences: NLL of Y under its GMM view, and a linear functional of the view. */
function checkGradients(m: Model, theta: Float64Array, Y: Points, what: string) {
  const g = new Float64Array(m.p);
  m.nllGrad(theta, Y, g);
  const want = fd((t) => new GMM(m.gmm(t)).nll(Y), theta);
  g.forEach((v, i) => near(v, want[i], 1e-6, `${what}: ∂NLL/∂θ${i}`));
  // L(θ) = Σ A·μ(θ) + Σ B·Σ(θ) with fixed A, symmetric B: chainGMM(A, B) must be ∂L/∂θ.
  const view = m.gmm(theta);
  const rng = new Rng(3);
  const A = view.means.map(() => rng.normal());
  const B = view.covariances.map(() => 0);
  const d = view.d;
  for (let c = 0; c < view.k; c++) for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) {
    const v = rng.normal();
    B[c * d * d + i * d + j] = v;
    B[c * d * d + j * d + i] = v;
  }
  const L = (t: Float64Array) => {
    const p = m.gmm(t);
    let s = 0;
    p.means.forEach((v, i) => (s += A[i] * v));
    p.covariances.forEach((v, i) => (s += B[i] * v));
    return s;
  };
  const out = new Float64Array(m.p);
  m.chainGMM(theta, { dMeans: A, dCovariances: B }, out);
  const wantL = fd(L, theta);
  out.forEach((v, i) => near(v, wantL[i], 1e-7, `${what}: chain rule θ${i}`));
}

test('meanModel: sampler, GMM view, gradients and error, plain and symmetric', () => {
  const mu = Float64Array.of(0.5, -1, 2);
  for (const symmetric of [false, true]) {
    const m = meanModel(3, symmetric);
    assert.equal(m.p, 3);
    assert.equal(m.threshold, 0.02);
    const used = new Rng(2);
    const { X, c } = m.sample(mu, 6, used);
    const rng = new Rng(2);
    for (let i = 0; i < 6; i++) {
      const s = symmetric ? (rng.uniform() < 0.5 ? -1 : 1) : 1;
      assert.equal(c[i], s);
      for (let t = 0; t < 3; t++) assert.equal(X.data[i * 3 + t], s * mu[t] + rng.normal());
    }
    // Exactly these draws and no more: the caller's generator goes on where the replay stops.
    assert.equal(used.uniform(), rng.uniform(), 'draws after the sample');
    const view = m.gmm(mu);
    if (symmetric) {
      assert.deepEqual([view.k, [...view.weights], [...view.means]], [2, [0.5, 0.5], [0.5, -1, 2, -0.5, 1, -2]]);
    } else assert.deepEqual([view.k, [...view.weights], [...view.means]], [1, [1], [0.5, -1, 2]]);
    for (let c2 = 0; c2 < view.k; c2++) assert.deepEqual([...view.covariances.subarray(c2 * 9, c2 * 9 + 9)], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    checkGradients(m, mu, m.sample(Float64Array.of(1, 0, -1), 40, new Rng(5)).X, `mean ${symmetric ? 'symmetric' : 'plain'}`);
    // Error: ‖μ − μ*‖ / d; the symmetric model also accepts −μ*.
    const truth = Float64Array.of(0.5, -1, 1);
    near(m.error(mu, truth), 1 / 3, 1e-15, 'error');
    near(m.error(Float64Array.of(-0.5, 1, -1), truth), symmetric ? 0 : Math.sqrt(1 + 4 + 4) / 3, 1e-15, 'error of −μ*');
  }
});

test('covModel: N(0, a aᵀ + ε² I) and its symmetric mixture — sampler, GMM view, gradients and error', () => {
  const a = Float64Array.of(1, -0.5);
  const eps = 0.3;
  for (const mu of [null, Float64Array.of(0.8, 0.4)]) {
    const m = covModel(2, eps, mu, 0.05);
    assert.equal(m.threshold, 0.05);
    const used = new Rng(6);
    const { X, c } = m.sample(a, 5, used);
    const rng = new Rng(6);
    for (let i = 0; i < 5; i++) {
      const g = rng.normal(), s = mu && rng.uniform() < 0.5 ? -1 : 1;
      assert.equal(c[i], g);
      for (let t = 0; t < 2; t++) assert.equal(X.data[i * 2 + t], g * a[t] + eps * rng.normal() + (mu ? s * mu[t] : 0));
    }
    assert.equal(used.uniform(), rng.uniform(), 'draws after the sample');
    const view = m.gmm(a);
    const C = [1 + 0.09, -0.5, -0.5, 0.25 + 0.09];
    assert.equal(view.k, mu ? 2 : 1);
    for (let k = 0; k < view.k; k++) C.forEach((v, i) => near(view.covariances[k * 4 + i], v, 1e-15, `Σ${k}[${i}]`));
    assert.deepEqual([...view.means], mu ? [0.8, 0.4, -0.8, -0.4] : [0, 0]);
    assert.deepEqual([...view.weights], mu ? [0.5, 0.5] : [1]);
    checkGradients(m, a, m.sample(Float64Array.of(0.7, 0.2), 60, new Rng(9)).X, `cov ${mu ? 'symmetric' : 'plain'}`);
    // Error: ‖a aᵀ − a* a*ᵀ‖_F / d, sign-free.
    near(m.error(a, Float64Array.of(1, 0)), Math.sqrt(0.5 ** 2 * 2 + 0.25 ** 2) / 2, 1e-15, 'error');
    assert.equal(m.error(a, Float64Array.of(-1, 0.5)), 0);
  }
});
