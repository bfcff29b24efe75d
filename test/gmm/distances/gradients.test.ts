/**
 * Hand-written gradients against central finite differences of the values they differentiate, parameter by
 * parameter: the 1-D Wasserstein loss (midpoint rule, p = 2 and 1.5; exact W₂²), the sliced Wasserstein
 * loss (full and diagonal covariances), and MMD². A sign or factor error in any one entry fails here, not
 * only through a fit that drifts.
 *
 * Weights: W and SW are differentiated through the normalisation w → w/Σw, so their weight gradient is
 * checked along directions inside the simplex (Σv = 0) and satisfies Σ w_k ∂L/∂w_k = 0; MMD² is a
 * polynomial in free weights and is checked entry by entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { wasserstein1D, wasserstein1DGrad, slicedWassersteinGrad, randomDirections } from '../../../src/gmm/distances/wasserstein.ts';
import { mmd2, mmd2Grad } from '../../../src/gmm/distances/mmd.ts';
import type { GMMParams, Mixture1D, Points } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

const H = 1e-6;

function central(f: (eps: number) => number, h = H): number {
  return (f(h) - f(-h)) / (2 * h);
}
function closeRel(analytic: number, numeric: number, what: string, rel = 1e-5, abs = 1e-7): void {
  assert.ok(Math.abs(analytic - numeric) <= abs + rel * Math.abs(numeric), `${what}: analytic ${analytic} vs finite difference ${numeric}`);
}
const copyMix = (m: Mixture1D): Mixture1D => ({ weights: m.weights.slice(), means: m.means.slice(), sds: m.sds.slice() });

const m1: Mixture1D = { weights: new Float64Array([0.2, 0.5, 0.3]), means: new Float64Array([-2, 0.3, 2.5]), sds: new Float64Array([0.6, 1.1, 0.8]) };
const sample = Array.from({ length: 40 }, (_, i) => Math.sin(1.7 * i) * 3 + 0.1 * i);

for (const [name, opts] of [['midpoint p = 2', {}], ['midpoint p = 1.5', { p: 1.5 }], ['exact W₂²', { method: 'exact' }]] as const) {
  test(`wasserstein1DGrad (${name}) matches finite differences in every mean, sd and simplex direction`, () => {
    const g = wasserstein1DGrad(m1, sample, opts);
    assert.ok(Math.abs(g.value - wasserstein1D(m1, sample, opts)) < 1e-12, 'value equals wasserstein1D');
    for (let k = 0; k < 3; k++) {
      closeRel(g.dMeans[k], central((e) => { const m = copyMix(m1); m.means[k] += e; return wasserstein1D(m, sample, opts); }), `∂/∂μ${k}`);
      closeRel(g.dSds[k], central((e) => { const m = copyMix(m1); m.sds[k] += e; return wasserstein1D(m, sample, opts); }), `∂/∂s${k}`);
    }
    // Σ w ∂L/∂w = 0, and the derivative along v (Σ v = 0) is v · ∂L/∂w.
    let s = 0;
    for (let k = 0; k < 3; k++) s += m1.weights[k] * g.dWeights[k];
    assert.ok(Math.abs(s) < 1e-10, `Σ w ∂L/∂w = ${s}`);
    for (const v of [[1, -1, 0], [0, 1, -1], [1, 1, -2]]) {
      const numeric = central((e) => { const m = copyMix(m1); for (let k = 0; k < 3; k++) m.weights[k] += e * v[k]; return wasserstein1D(m, sample, opts); });
      closeRel(v[0] * g.dWeights[0] + v[1] * g.dWeights[1] + v[2] * g.dWeights[2], numeric, `weights along ${v}`);
    }
  });
}

function gmm2(covarianceType: 'full' | 'diag', d: number): GMM {
  const rng = new Rng(3);
  const k = 2;
  const means = Float64Array.from({ length: k * d }, () => rng.normal());
  let covariances: Float64Array;
  if (covarianceType === 'diag') covariances = Float64Array.from({ length: k * d }, () => 0.5 + rng.uniform());
  else {
    covariances = new Float64Array(k * d * d);
    for (let c = 0; c < k; c++) {
      const A = Float64Array.from({ length: d * d }, () => rng.normal());
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
        let v = i === j ? 0.5 : 0;
        for (let p = 0; p < d; p++) v += (A[i * d + p] * A[j * d + p]) / d;
        covariances[c * d * d + i * d + j] = v;
      }
    }
  }
  return new GMM({ k, d, covarianceType, weights: new Float64Array([0.35, 0.65]), means, covariances });
}
function points(n: number, d: number, seed: number): Points {
  const rng = new Rng(seed);
  return { n, d, data: Float64Array.from({ length: n * d }, () => 1.5 * rng.normal() + 0.3) };
}
const paramsCopy = (p: GMMParams): GMMParams => ({ ...p, weights: p.weights.slice(), means: p.means.slice(), covariances: p.covariances.slice() });

for (const covarianceType of ['full', 'diag'] as const) {
  test(`slicedWassersteinGrad (${covarianceType}) matches finite differences in every mean and covariance entry and along the simplex`, () => {
    const d = 3;
    const G = gmm2(covarianceType, d).params();
    const X = points(30, d, 8);
    const dirs = randomDirections(5, d, new Rng(2));
    const value = (P: GMMParams) => slicedWassersteinGrad(P, X, dirs).value;
    const g = slicedWassersteinGrad(G, X, dirs);
    for (let i = 0; i < G.means.length; i++) {
      closeRel(g.dMeans[i], central((e) => { const P = paramsCopy(G); P.means[i] += e; return value(P); }), `∂/∂μ[${i}]`);
    }
    if (covarianceType === 'diag') {
      for (let i = 0; i < G.covariances.length; i++) {
        closeRel(g.dCovariances[i], central((e) => { const P = paramsCopy(G); P.covariances[i] += e; return value(P); }), `∂/∂σ²[${i}]`);
      }
    } else {
      // A symmetric perturbation of entries (i, j) and (j, i): the derivative is dC_ij + dC_ji (dC is symmetric).
      for (let c = 0; c < G.k; c++) for (let i = 0; i < d; i++) for (let j = i; j < d; j++) {
        const a = c * d * d + i * d + j, b = c * d * d + j * d + i;
        const numeric = central((e) => { const P = paramsCopy(G); P.covariances[a] += e; if (b !== a) P.covariances[b] += e; return value(P); });
        closeRel(i === j ? g.dCovariances[a] : g.dCovariances[a] + g.dCovariances[b], numeric, `∂/∂Σ${c}[${i},${j}]`);
        assert.ok(Math.abs(g.dCovariances[a] - g.dCovariances[b]) < 1e-12, 'symmetric covariance gradient');
      }
    }
    const numeric = central((e) => { const P = paramsCopy(G); P.weights[0] += e; P.weights[1] -= e; return value(P); });
    closeRel(g.dWeights[0] - g.dWeights[1], numeric, 'weights along (1, −1)');
    assert.ok(Math.abs(G.weights[0] * g.dWeights[0] + G.weights[1] * g.dWeights[1]) < 1e-10, 'Σ w ∂L/∂w = 0');
  });
}

test('slicedWassersteinGrad: a slice on which a component has zero spread adds nothing to its covariance gradient (the documented convention where ds/dΣ is infinite); the other entries still match finite differences', () => {
  // Component 0 has no variance along the first axis: its slice on θ = (1, 0) is a point mass (s = 0). θ = (0, 1)
  // touches only the second axis, so component 0's (0, 0) entry gets nothing from either direction.
  const X = points(20, 2, 5);
  const dirs = new Float64Array([1, 0, 0, 1]);
  for (const covarianceType of ['diag', 'full'] as const) {
    const covariances = covarianceType === 'diag' ? new Float64Array([0, 0.7, 1, 0.5]) : new Float64Array([0, 0, 0, 0.7, 1, 0.2, 0.2, 0.5]);
    const G: GMMParams = { k: 2, d: 2, covarianceType, weights: new Float64Array([0.4, 0.6]), means: new Float64Array([0.5, -0.2, -0.4, 0.9]), covariances };
    const g = slicedWassersteinGrad(G, X, dirs);
    const value = (P: GMMParams) => slicedWassersteinGrad(P, X, dirs).value;
    assert.equal(g.dCovariances[0], 0, `${covarianceType}: component 0's variance along the zero-spread axis`);
    const c0yy = covarianceType === 'diag' ? 1 : 3;
    closeRel(g.dCovariances[c0yy], central((e) => { const P = paramsCopy(G); P.covariances[c0yy] += e; return value(P); }), `${covarianceType}: component 0's other variance`);
    assert.ok(g.dCovariances[c0yy] !== 0, `${covarianceType}: the other variance has a gradient`);
    if (covarianceType === 'full') assert.deepEqual([g.dCovariances[1], g.dCovariances[2]], [0, 0], 'off-diagonal: neither direction has two non-zero entries');
  }
});

test('mmd2Grad matches finite differences in every weight, mean and covariance entry', () => {
  for (const covarianceType of ['full', 'diag'] as const) {
    const G = gmm2(covarianceType, 2).params();
    const X = points(12, 2, 4);
    const value = (P: GMMParams) => mmd2(P, X, { bandwidth: 0.8 });
    const g = mmd2Grad(G, X, { bandwidth: 0.8 });
    assert.ok(Math.abs(g.value - value(G)) < 1e-14);
    for (let i = 0; i < G.weights.length; i++) closeRel(g.dWeights[i], central((e) => { const P = paramsCopy(G); P.weights[i] += e; return value(P); }), `${covarianceType} ∂/∂w[${i}]`);
    for (let i = 0; i < G.means.length; i++) closeRel(g.dMeans[i], central((e) => { const P = paramsCopy(G); P.means[i] += e; return value(P); }), `${covarianceType} ∂/∂μ[${i}]`);
    const d = 2;
    if (covarianceType === 'diag') {
      for (let i = 0; i < G.covariances.length; i++) closeRel(g.dCovariances[i], central((e) => { const P = paramsCopy(G); P.covariances[i] += e; return value(P); }), `diag ∂/∂σ²[${i}]`);
    } else {
      for (let c = 0; c < G.k; c++) for (let i = 0; i < d; i++) for (let j = i; j < d; j++) {
        const a = c * d * d + i * d + j, b = c * d * d + j * d + i;
        const numeric = central((e) => { const P = paramsCopy(G); P.covariances[a] += e; if (b !== a) P.covariances[b] += e; return value(P); });
        closeRel(i === j ? g.dCovariances[a] : g.dCovariances[a] + g.dCovariances[b], numeric, `full ∂/∂Σ${c}[${i},${j}]`);
      }
    }
  }
});
