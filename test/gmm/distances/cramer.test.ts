import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cramer2, cramer2Grad, cramer2Eq1, cramer2Eq2, cramerU, cramerV, slicedCramer2, slicedCramer2Grad,
  weightGradToLogitGrad, covarianceGradToFactorGrad, factorsToCovariances,
} from '../../../src/gmm/distances/cramer.ts';
import { mixtureCdf, normCdf } from '../../../src/gmm/model/mixture1d.ts';
import { circleDirections } from '../../../src/gmm/distances/wasserstein.ts';
import type { GMMParams, Mixture1D, Points } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';
import { integrate } from '../_quad.ts';

function randomMixture(rng: Rng, k: number, opts: { atoms?: boolean; spread?: number } = {}): Mixture1D {
  const w = Float64Array.from({ length: k }, () => rng.uniform() + 0.05);
  const s = w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k; i++) w[i] /= s;
  const spread = opts.spread ?? 4;
  return {
    weights: w,
    means: Float64Array.from({ length: k }, () => rng.range(-spread, spread)),
    sds: Float64Array.from({ length: k }, () => (opts.atoms ? 0 : rng.range(0.1, 2))),
  };
}

/** int (F1 - F2)^2 by adaptive Gauss–Kronrod on a wide interval, split at the point masses. */
function numericCramer(g1: Mixture1D, g2: Mixture1D): number {
  let lo = Infinity, hi = -Infinity;
  const breaks: number[] = [];
  for (const g of [g1, g2]) {
    for (let k = 0; k < g.means.length; k++) {
      lo = Math.min(lo, g.means[k] - 40 * g.sds[k] - 1);
      hi = Math.max(hi, g.means[k] + 40 * g.sds[k] + 1);
      if (g.sds[k] === 0) breaks.push(g.means[k]);
      else for (const z of [-10, -5, -2, 0, 2, 5, 10]) breaks.push(g.means[k] + z * g.sds[k]);
    }
  }
  return integrate((x) => (mixtureCdf(g1, x) - mixtureCdf(g2, x)) ** 2, lo, hi, 1e-13, breaks);
}

test('U and V are the antiderivatives the paper uses', () => {
  const h = 1e-5;
  for (const t of [-6, -1.3, 0, 0.4, 2.2, 7]) {
    assert.ok(Math.abs((cramerU(t + h) - cramerU(t - h)) / (2 * h) - normCdf(t)) < 1e-9, `U'(${t}) = Phi`);
    assert.ok(Math.abs(cramerV(t) - 0.5 * (cramerU(t) + cramerU(-t))) < 1e-15);
    assert.ok(Math.abs(cramerU(t) - (t * normCdf(t) + Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI))) < 1e-14);
  }
});

test('closed-form Cramér 2 equals numerical integration of the squared CDF difference (rel. err <= 1e-9)', () => {
  const rng = new Rng(11);
  let cases = 0;
  for (let rep = 0; rep < 12; rep++) {
    const g1 = randomMixture(rng, 1 + (rep % 4));
    const g2 = rep % 3 === 2 ? randomMixture(rng, 6, { atoms: true }) : randomMixture(rng, 1 + ((rep + 2) % 5));
    const closed = cramer2(g1, g2);
    const num = numericCramer(g1, g2);
    assert.ok(Math.abs(closed - num) <= 1e-9 * num, `case ${rep}: closed ${closed} vs numeric ${num}`);
    cases++;
  }
  // GMM against a sample (empirical measure, weight 1/n): point masses with sd 0
  const g = randomMixture(rng, 3);
  const pts = Array.from({ length: 25 }, () => rng.normal() * 2);
  const emp: Mixture1D = { weights: new Float64Array(25).fill(1 / 25), means: Float64Array.from(pts), sds: new Float64Array(25) };
  const closed = cramer2(g, emp), num = numericCramer(g, emp);
  assert.ok(Math.abs(closed - num) <= 1e-9 * num, `gmm vs points: ${closed} vs ${num}`);
  assert.equal(cases, 12);
});

test("paper's Eq. 1, Eq. 2 and the stable split form agree", () => {
  const rng = new Rng(5);
  for (let rep = 0; rep < 20; rep++) {
    const g1 = randomMixture(rng, 1 + (rep % 5));
    const g2 = randomMixture(rng, 1 + ((rep * 7) % 6), { atoms: rep % 4 === 0 });
    const s = cramer2(g1, g2), e1 = cramer2(g1, g2, { form: 'eq1' }), e2 = cramer2(g1, g2, { form: 'eq2' });
    assert.ok(Math.abs(e1 - e2) <= 1e-12 * Math.max(1, s), `eq1 ${e1} vs eq2 ${e2}`);
    assert.ok(Math.abs(s - e2) <= 1e-12 * Math.max(1, s), `stable ${s} vs eq2 ${e2}`);
  }
  assert.equal(cramer2Eq1({ weights: Float64Array.from([1]), means: Float64Array.from([0]), sds: Float64Array.from([0]) },
    { weights: Float64Array.from([1]), means: Float64Array.from([2]), sds: Float64Array.from([0]) }), 2);
});

test('stable form keeps precision where Eq. 2 cancels', () => {
  // Two nearly equal mixtures far from the origin: terms of size ~1e3 cancel down to ~1e-10.
  const g1: Mixture1D = { weights: Float64Array.from([0.5, 0.5]), means: Float64Array.from([1000, 3000]), sds: Float64Array.from([1, 1]) };
  const g2: Mixture1D = { weights: Float64Array.from([0.5, 0.5]), means: Float64Array.from([1000, 3000]), sds: Float64Array.from([1, 1 + 1e-4]) };
  const num = numericCramer(g1, g2);
  const stable = cramer2(g1, g2);
  assert.ok(Math.abs(stable - num) <= 1e-6 * num, `stable ${stable} vs numeric ${num}`);
  const eq2 = cramer2Eq2(g1, g2);
  assert.ok(Math.abs(eq2 - num) > Math.abs(stable - num), `Eq. 2 (${eq2}) loses more than the stable form`);
});

test('gradients match finite differences and obey the bound |dL/dmu|, |dL/ds| <= 4 (Theorem 3)', () => {
  const rng = new Rng(7);
  let maxMu = 0, maxS = 0;
  for (let rep = 0; rep < 200; rep++) {
    const g1 = randomMixture(rng, 1 + (rep % 6), { spread: 1 + (rep % 10) });
    const g2 = randomMixture(rng, 1 + ((rep * 3) % 7), { atoms: rep % 5 === 0, spread: 1 + (rep % 7) });
    const g = cramer2Grad(g1, g2);
    for (let k = 0; k < g1.weights.length; k++) {
      maxMu = Math.max(maxMu, Math.abs(g.dMeans[k]));
      maxS = Math.max(maxS, Math.abs(g.dSds[k]));
      assert.ok(Math.abs(g.dMeans[k]) <= 4 * g1.weights[k] + 1e-12);
      assert.ok(Math.abs(g.dSds[k]) <= 4 * g1.weights[k] + 1e-12);
    }
    if (rep % 20 !== 0) continue;
    const e = 1e-6;
    for (const key of ['weights', 'means', 'sds'] as const) {
      for (let k = 0; k < g1.weights.length; k++) {
        const a = { weights: g1.weights.slice(), means: g1.means.slice(), sds: g1.sds.slice() };
        const b = { weights: g1.weights.slice(), means: g1.means.slice(), sds: g1.sds.slice() };
        a[key][k] += e;
        b[key][k] -= e;
        // weights: derivative of Eq. 1 as a polynomial in free weights
        const fd = (cramer2Eq1(a, g2) - cramer2Eq1(b, g2)) / (2 * e);
        const an = key === 'weights' ? g.dWeights[k] : key === 'means' ? g.dMeans[k] : g.dSds[k];
        assert.ok(Math.abs(fd - an) < 1e-7 * Math.max(1, Math.abs(fd)), `${key}[${k}] analytic ${an} vs fd ${fd}`);
      }
    }
  }
  assert.ok(maxMu > 0.05 && maxS > 0.05, 'the random cases exercise non-trivial gradients');
});

test('the Cramér distance of a mixture with itself is 0 and grows with a shift', () => {
  const rng = new Rng(3);
  const g = randomMixture(rng, 4);
  assert.ok(Math.abs(cramer2(g, g)) < 1e-14);
  let prev = 0;
  for (const shift of [0.01, 0.1, 0.5, 1, 2, 5]) {
    const h = { ...g, means: g.means.map((m) => m + shift) };
    const v = cramer2(g, h);
    assert.ok(v > prev, `C2^2 grows with the shift (${shift}: ${v})`);
    prev = v;
  }
  // far apart: int (F - G)^2 -> |shift| (the CDFs differ by ~1 on an interval of length |shift|)
  const far = cramer2(g, { ...g, means: g.means.map((m) => m + 1000) });
  assert.ok(Math.abs(far / 1000 - 1) < 0.01);
});

function gmm2(weights: number[], means: number[], covs: number[], covarianceType: 'full' | 'diag' = 'full'): GMMParams {
  const k = weights.length, d = means.length / k;
  return { k, d, covarianceType, weights: Float64Array.from(weights), means: Float64Array.from(means), covariances: Float64Array.from(covs) };
}

test('sliced Cramér: zero against itself, grows with a shift, GMM-vs-GMM equals the large-sample limit', () => {
  const g = gmm2([0.3, 0.7], [0, 0, 3, 1], [1, 0.3, 0.3, 0.5, 0.4, 0, 0, 2]);
  assert.ok(Math.abs(slicedCramer2(g, g, { L: 20, seed: 1 })) < 1e-14);
  let prev = 0;
  for (const s of [0.1, 0.5, 1, 3]) {
    const h = { ...g, means: g.means.map((m, i) => m + (i % 2 === 0 ? s : 0)) };
    const v = slicedCramer2(g, h, { L: 16, seed: 2 });
    assert.ok(v > prev);
    prev = v;
  }
  // Sampling the target: GMM-vs-points converges to GMM-vs-GMM (unbiased sampling, Theorem 5)
  const rng = new Rng(4);
  const n = 4000;
  const data = new Float64Array(n * 2);
  const chol = [[1, 0.3, 0.5], [0.4 ** 0.5, 0, 2 ** 0.5]];
  for (let i = 0; i < n; i++) {
    const c = rng.uniform() < 0.3 ? 0 : 1;
    const z1 = rng.normal(), z2 = rng.normal();
    if (c === 0) {
      // Sigma = [[1, .3], [.3, .5]]: L = [[1, 0], [.3, sqrt(.41)]]
      data[2 * i] = z1;
      data[2 * i + 1] = 0.3 * z1 + Math.sqrt(0.41) * z2;
    } else {
      data[2 * i] = 3 + Math.sqrt(0.4) * z1;
      data[2 * i + 1] = 1 + Math.sqrt(2) * z2;
    }
  }
  void chol;
  const pts: Points = { n, d: 2, data };
  const h = { ...g, means: g.means.map((m) => m + 0.5) };
  const vg = slicedCramer2(h, g, { directions: circleDirections(8) });
  const vp = slicedCramer2(h, pts, { directions: circleDirections(8) });
  assert.ok(Math.abs(vg - vp) < 0.1 * vg, `gmm target ${vg} vs sample target ${vp}`);
});

test('sliced Cramér gradients (means, covariances, factors, logits) match finite differences', () => {
  const rng = new Rng(9);
  for (const ct of ['full', 'diag'] as const) {
    const g = ct === 'full'
      ? gmm2([0.4, 0.6], [0, 1, 2, -1], [1, 0.2, 0.2, 0.7, 0.5, -0.1, -0.1, 0.9])
      : gmm2([0.4, 0.6], [0, 1, 2, -1], [1, 0.7, 0.5, 0.9], 'diag');
    const pts: Points = { n: 30, d: 2, data: Float64Array.from({ length: 60 }, () => rng.normal() * 2) };
    const target = gmm2([1], [0.5, 0.5], [2, 0.5, 0.5, 1]);
    for (const tg of [pts, target]) {
      const dirs = circleDirections(5, 0.3);
      const gr = slicedCramer2Grad(g, tg, { directions: dirs });
      const f = (p: GMMParams) => slicedCramer2(p, tg, { directions: dirs });
      const e = 1e-6;
      for (let i = 0; i < g.means.length; i++) {
        const a = { ...g, means: g.means.slice() }, b = { ...g, means: g.means.slice() };
        a.means[i] += e;
        b.means[i] -= e;
        const fd = (f(a) - f(b)) / (2 * e);
        assert.ok(Math.abs(fd - gr.dMeans[i]) < 1e-7, `${ct} mean ${i}: ${gr.dMeans[i]} vs ${fd}`);
      }
      for (let i = 0; i < g.covariances.length; i++) {
        const a = { ...g, covariances: g.covariances.slice() }, b = { ...g, covariances: g.covariances.slice() };
        a.covariances[i] += e;
        b.covariances[i] -= e;
        const fd = (f(a) - f(b)) / (2 * e);
        assert.ok(Math.abs(fd - gr.dCovariances[i]) < 1e-7, `${ct} cov ${i}: ${gr.dCovariances[i]} vs ${fd}`);
      }
      // through Sigma = S^T S
      const S = ct === 'full' ? Float64Array.from([1, 0.2, 0.1, 0.8, 0.7, -0.1, 0.05, 0.9]) : Float64Array.from([1, 0.8, 0.7, 0.9]);
      const withS = (s: Float64Array): GMMParams => ({ ...g, covariances: factorsToCovariances(s, 2, 2, ct) });
      const gS = covarianceGradToFactorGrad(S, slicedCramer2Grad(withS(S), tg, { directions: dirs }).dCovariances, 2, 2, ct);
      for (let i = 0; i < S.length; i++) {
        const a = S.slice(), b = S.slice();
        a[i] += e;
        b[i] -= e;
        const fd = (f(withS(a)) - f(withS(b))) / (2 * e);
        assert.ok(Math.abs(fd - gS[i]) < 1e-7, `${ct} factor ${i}: ${gS[i]} vs ${fd}`);
      }
      // through softmax logits
      const z = [0.3, -0.2];
      const soft = (zz: number[]) => {
        const m = Math.max(...zz), ex = zz.map((v) => Math.exp(v - m)), s = ex.reduce((x, y) => x + y);
        return Float64Array.from(ex.map((v) => v / s));
      };
      const pw = soft(z);
      const gz = weightGradToLogitGrad(pw, slicedCramer2Grad({ ...g, weights: pw }, tg, { directions: dirs }).dWeights);
      for (let i = 0; i < 2; i++) {
        const a = z.slice(), b = z.slice();
        a[i] += e;
        b[i] -= e;
        const fd = (f({ ...g, weights: soft(a) }) - f({ ...g, weights: soft(b) })) / (2 * e);
        assert.ok(Math.abs(fd - gz[i]) < 1e-7, `${ct} logit ${i}: ${gz[i]} vs ${fd}`);
      }
    }
  }
});

test('invalid inputs are rejected with a clear message', () => {
  const g: Mixture1D = { weights: Float64Array.from([1]), means: Float64Array.from([0]), sds: Float64Array.from([1]) };
  assert.throws(() => cramer2(g, { ...g, weights: Float64Array.from([0.5]) }), /second mixture: weights must sum to 1/);
  assert.throws(() => cramer2(g, g, { form: 'eq3' as 'eq1' }), /form must be/);
  assert.throws(() => cramer2(g, g, { bogus: 1 } as object), /unknown option 'bogus'/);
  const G = gmm2([1], [0, 0], [1, 0, 0, 1]);
  assert.throws(() => slicedCramer2(G, { n: 2, d: 3, data: new Float64Array(6) }), /does not match the model dimension 2/);
  assert.throws(() => slicedCramer2(G, G, { L: 0 }), /L must be a positive integer/);
  assert.throws(() => slicedCramer2(G, { n: 1, d: 2, data: Float64Array.from([0, NaN]) }), /data\[1\].*not finite/);
});
