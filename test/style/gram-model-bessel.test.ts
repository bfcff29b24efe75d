/**
 * The unbiased covariance estimate of the PCA Gram models (src/style/gram-model.ts: besselFactors,
 * fitPcaTail's scale, GramModelOptions.covarianceEstimate): the factors by hand for hard and soft shares, the edge of
 * one crop and of an empty component, and a fitted model whose head and tail covariances are the 'ml' model's times
 * the factors of its responsibilities, with the same means and weights.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { besselFactors, fitGramModel, fitPcaTail } from '../../src/style/gram-model.ts';
import { checkStyleJobOptions } from '../../src/style/job.ts';
import { COVARIANCE_ESTIMATES } from '../../src/style/defaults.ts';
import { throwsExactly } from '../_assert.ts';
import { clusteredGramDataset } from './_grams.ts';

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('besselFactors: N_c / (N_c − 1) for hard shares, 1 / (1 − Σ w²) for soft ones, 1 for a single crop, n / (n − 1) for an empty component', () => {
  // n = 6, k = 3: crops 0–2 in component 0, 3–4 in 1, 5 alone in 2.
  const hard = Float64Array.from([1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1]);
  [1.5, 2, 1].forEach((want, c) => assert.ok(close(besselFactors(hard, 6, 3)[c], want), `hard, component ${c}`));
  // n = 3, k = 2, soft: component 0's shares r_j0 / N_0 with r_·0 = (1, 0.5, 0.5), N_0 = 2 → w = (0.5, 0.25, 0.25), Σ w² = 0.375.
  const soft = Float64Array.from([1, 0, 0.5, 0.5, 0.5, 0.5]);
  const f = besselFactors(soft, 3, 2);
  assert.ok(close(f[0], 1 / (1 - 0.375)), `soft factor ${f[0]}`);
  assert.ok(close(f[1], 2), `two equal halves: ${f[1]}`); // r_·1 = (0, 0.5, 0.5): w = (0, 0.5, 0.5)
  // A component no crop belongs to: its shares are uniform (1/n), as the tails use all rows for it.
  const empty = Float64Array.from([1, 0, 1, 0, 1, 0, 1, 0]);
  besselFactors(empty, 4, 2).forEach((f, c) => assert.ok(close(f, 4 / 3), `empty, component ${c}: ${f}`));
});

test('fitPcaTail with scale multiplies each component covariance by its factor and leaves the means', () => {
  const r = Float64Array.from([1, 0, 1, 0, 0, 1]);
  const x = Float64Array.from([1, 3, 10]);
  const plain = fitPcaTail(r, x, 3, 2, 1);
  const scaled = fitPcaTail(r, x, 3, 2, 1, Float64Array.from([2, 5]));
  assert.deepEqual([...scaled.mean], [...plain.mean]);
  // Σ_0 = F_0ᵀF_0: 1 without the scale (rows ∓1/√2), 2 with it.
  const var0 = (t: { factor: Float64Array }) => t.factor[0] ** 2 + t.factor[1] ** 2 + t.factor[2] ** 2;
  assert.ok(close(var0(plain), 1) && close(var0(scaled), 2), `${var0(plain)} / ${var0(scaled)}`);
});

test("covarianceEstimate 'unbiased': the head and tail covariances are the 'ml' model's times the Bessel factors; anything else is refused", () => {
  const ds = clusteredGramDataset(12, 3);
  // Three tight clusters of 4 crops far apart, k = 3: responsibilities are hard, so every factor is 4 / 3.
  const opts = { method: 'pca-em' as const, k: 3, pcaDim: 4, fitDim: 2, coordinates: 'gram' as const, seed: 1 };
  type Inside = { gmms: { k: number; weights: Float64Array; means: Float64Array; covariances: Float64Array }[]; tails: { mean: Float64Array; factor: Float64Array; T: number; n: number }[] };
  const ml = fitGramModel(ds, { ...opts, covarianceEstimate: 'ml' }) as unknown as Inside;
  const ub = fitGramModel(ds, { ...opts, covarianceEstimate: 'unbiased' }) as unknown as Inside;
  const [g, u] = [ml.gmms[0], ub.gmms[0]];
  assert.deepEqual([...u.weights], [...g.weights]);
  assert.deepEqual([...u.means], [...g.means]);
  // The factors from the fitted model's responsibilities on its own head coordinates: recover them entry-wise.
  const per = g.covariances.length / g.k;
  const factors = Array.from({ length: g.k }, (_, c) => u.covariances[c * per] / g.covariances[c * per]);
  for (let i = 0; i < g.covariances.length; i++) assert.ok(close(u.covariances[i], g.covariances[i] * factors[Math.floor(i / per)], 1e-10), `head covariance ${i}`);
  for (const f of factors) assert.ok(close(f, 4 / 3, 1e-9), `the Bessel factor of a component of 4 crops: ${f}`);
  // The tail: same means, each component's covariance F_cᵀF_c times the same factor.
  const [tm, tu] = [ml.tails[0], ub.tails[0]];
  assert.deepEqual([...tu.mean], [...tm.mean]);
  const T = tm.T, n = tm.n;
  for (let c = 0; c < g.k; c++) {
    for (let a = 0; a < T; a++) {
      let sm = 0, su = 0;
      for (let j = 0; j < n; j++) { sm += tm.factor[(c * n + j) * T + a] ** 2; su += tu.factor[(c * n + j) * T + a] ** 2; }
      assert.ok(close(su, sm * factors[c], 1e-10), `tail variance, component ${c}, coordinate ${a}: ${su} vs ${sm} × ${factors[c]}`);
    }
  }
  // Without the option: the library default, 'unbiased' (GRAM_MODEL_DEFAULTS; pinned in defaults.test.ts).
  assert.deepEqual([...(fitGramModel(ds, opts) as unknown as Inside).gmms[0].covariances], [...u.covariances]);
  throwsExactly(() => fitGramModel(ds, { ...opts, covarianceEstimate: 'mle' as never }), "RangeError: covarianceEstimate must be one of unbiased, ml, got mle");
});

test('checkStyleJobOptions refuses a covarianceEstimate other than unbiased / ml before any work, naming it', () => {
  assert.deepEqual([...COVARIANCE_ESTIMATES], ['unbiased', 'ml']);
  for (const v of ['mle', '', 'Unbiased', 1]) throwsExactly(() => checkStyleJobOptions({ styles: ['a.jpg'], covarianceEstimate: v as never }), `RangeError: covarianceEstimate must be one of unbiased, ml, got ${String(v)}`);
  for (const v of [...COVARIANCE_ESTIMATES, undefined]) checkStyleJobOptions({ styles: ['a.jpg'], covarianceEstimate: v });
});
