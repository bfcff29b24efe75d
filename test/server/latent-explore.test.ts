/**
 * The Explore tab's 2-D view (src/server/latent-explore.ts): projections of GMM components onto two principal
 * axes against values computed by hand, and the PCA axes of points whose principal directions are known.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../src/gmm/model/gmm.ts';
import { pca2, projectGMM } from '../../src/server/latent-explore.ts';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('projectGMM: means u·(μ − m), v·(μ − m) and covariances P Σ Pᵀ of every component, by hand', () => {
  const g = new GMM({
    k: 2, d: 3, covarianceType: 'full', weights: Float64Array.from([0.3, 0.7]),
    means: Float64Array.from([1, 2, 3, -1, 0, 4]),
    covariances: Float64Array.from([2, 0.5, 0, 0.5, 1, 0.2, 0, 0.2, 3, 1, 0, 0, 0, 4, 0, 0, 0, 9]),
  });
  const mean = Float64Array.from([0.5, -1, 2]);
  const u = Float64Array.from([1, 0, 0]), v = Float64Array.from([0, 0.6, 0.8]);
  const [c0, c1] = projectGMM(g, mean, [u, v]);
  // μ0 − m = (0.5, 3, 1): u → 0.5, v → 1.8 + 0.8 = 2.6; Σ0: uᵀΣu = 2, uᵀΣv = 0.5·0.6 = 0.3, vᵀΣv = 0.36 + 2·0.48·0.2 + 0.64·3 = 2.472.
  close(c0.weight, 0.3, 'w0');
  close(c0.mean[0], 0.5, 'μ0 u'); close(c0.mean[1], 2.6, 'μ0 v');
  [2, 0.3, 0.3, 2.472].forEach((x, i) => close(c0.cov[i], x, `Σ0[${i}]`));
  // μ1 − m = (−1.5, 1, 2): u → −1.5, v → 0.6 + 1.6 = 2.2; Σ1 = diag(1, 4, 9): 1, 0, 0.36·4 + 0.64·9 = 7.2.
  close(c1.weight, 0.7, 'w1');
  close(c1.mean[0], -1.5, 'μ1 u'); close(c1.mean[1], 2.2, 'μ1 v');
  [1, 0, 0, 7.2].forEach((x, i) => close(c1.cov[i], x, `Σ1[${i}]`));
});

test('pca2: the leading axes of points spread along known orthogonal directions, with the sign convention', () => {
  // Points m + a·e + b·f with e = (0.6, 0.8, 0), f = (0, 0, −1): variance of a ≫ variance of b.
  const e = [0.6, 0.8, 0], f = [0, 0, -1], m = [1, 2, 3];
  const rows: number[] = [];
  const coef = [[-4, 1], [4, 1], [-4, -1], [4, -1], [0, 0]]; // Σa = Σb = Σab = 0
  for (const [a, b] of coef) for (let j = 0; j < 3; j++) rows.push(m[j] + a * e[j] + b * f[j]);
  const { mean, axes, explained } = pca2({ n: coef.length, d: 3, data: Float64Array.from(rows), labels: [0, 0, 0, 0, 0] });
  m.forEach((x, j) => close(mean[j], x, `mean[${j}]`));
  e.forEach((x, j) => close(axes[0][j], x, `axis 1[${j}]`));
  // Largest-magnitude entry positive: f = (0, 0, −1) is reported as (0, 0, 1).
  [0, 0, 1].forEach((x, j) => close(axes[1][j], x, `axis 2[${j}]`));
  // Sums of squares 64 and 4 → explained 64/68 and 4/68.
  close(explained[0], 64 / 68, 'explained 1');
  close(explained[1], 4 / 68, 'explained 2');
});
