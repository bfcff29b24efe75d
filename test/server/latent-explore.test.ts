/**
 * The Explore tab's 2-D view (src/server/latent-explore.ts): projections of GMM components onto two principal
 * axes against values computed by hand, and the PCA axes of points whose principal directions are known.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../src/gmm/model/gmm.ts';
import { LatentModelSet } from '../../src/latent/model-set.ts';
import { Rng } from '../../src/util/rng.ts';
import { pca2, projectGMM, projectLatentSet } from '../../src/server/latent-explore.ts';

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

/** The 3-d points of the pca2 test: m + a·e + b·f for the given (a, b), with labels 0, 1, 2, ... */
function planted(coef: number[][]) {
  const e = [0.6, 0.8, 0], f = [0, 0, -1], m = [1, 2, 3];
  const rows: number[] = [];
  for (const [a, b] of coef) for (let j = 0; j < 3; j++) rows.push(m[j] + a * e[j] + b * f[j]);
  return { n: coef.length, d: 3, data: Float64Array.from(rows), labels: Int32Array.from(coef, (_, i) => i % 2) };
}
const coefs = [[-4, 1], [4, 1], [-4, -1], [4, -1], [0, 0], [2, 0]]; // Σ(a − ā)(b − b̄) = 0: e and f stay the axes
function setOf(d: number): LatentModelSet {
  const g = (shift: number) => new GMM({ k: 1, d, covarianceType: 'diag', weights: Float64Array.of(1), means: new Float64Array(d).fill(shift), covariances: new Float64Array(d).fill(1) });
  return new LatentModelSet('hand', new Map([[0, g(0)], [1, g(3)]]));
}

test('projectLatentSet: every code projected to (u·(x − m), v·(x − m)) by hand, with its label, rounded to 1e-4', () => {
  // The coefficients' mean (1/3, 0) shifts the centre: a point (a, b) lands at (a − 1/3, −b), the second axis
  // being f flipped to (0, 0, 1) by the sign convention.
  const codes = planted(coefs);
  const p = projectLatentSet(setOf(3), codes, { sourcePath: 'codes.bin' });
  assert.equal(p.source, 'codes');
  assert.equal(p.sourcePath, 'codes.bin');
  assert.equal(p.method, 'hand');
  assert.deepEqual(p.labels, [0, 1, 0, 1, 0, 1]);
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  const want = coefs.flatMap(([a, b]) => [r4(a - 1 / 3), r4(-b)]);
  assert.equal(p.points.length, want.length);
  p.points.forEach((x, i) => close(x, want[i], `point coordinate ${i}`));
  // The class Gaussians with the same map: class 1's mean (3, 3, 3) − m, m = (1.2, 2 + 0.8/3, 3).
  const m = [1 + 0.6 * (1 / 3), 2 + 0.8 * (1 / 3), 3];
  const c1 = p.classes[1].components[0];
  close(c1.mean[0], 0.6 * (3 - m[0]) + 0.8 * (3 - m[1]), 'class 1 mean u');
  close(c1.mean[1], 0, 'class 1 mean v');
  assert.deepEqual(p.classes.map((c) => c.label), [0, 1]);
});

test('projectLatentSet: maxPoints keeps every ⌈n / max⌉-th point, maxPca every ⌈n / max⌉-th row for the axes', () => {
  const codes = planted(coefs);
  const all = projectLatentSet(setOf(3), codes);
  const every2 = projectLatentSet(setOf(3), codes, { maxPoints: 3 });
  assert.deepEqual(every2.points, [0, 2, 4].flatMap((i) => all.points.slice(2 * i, 2 * i + 2)));
  assert.deepEqual(every2.labels, [0, 0, 0]);
  const every3 = projectLatentSet(setOf(3), codes, { maxPoints: 2 });
  assert.deepEqual(every3.points, [0, 3].flatMap((i) => all.points.slice(2 * i, 2 * i + 2)));
  assert.deepEqual(projectLatentSet(setOf(3), codes, { maxPoints: 6 }).points, all.points, 'maxPoints = n keeps all');
  // maxPca 3 → rows 0, 2, 4 ((−4, 1), (−4, −1), (0, 0)) define the axes: mean (−8/3, 0), first axis e, second f → (0, 0, 1).
  const sub = projectLatentSet(setOf(3), { ...codes, labels: Int32Array.of(0, 1, 1, 0, 1, 0) }, { maxPca: 3 });
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  assert.deepEqual(sub.points, [[-4, 1], [-4, -1], [0, 0]].flatMap(([a, b]) => [r4(a + 8 / 3), r4(-b)]).map((v) => v + 0));
  assert.deepEqual(sub.labels, [0, 1, 1], 'the labels of rows 0, 2, 4');
  // Default maxPoints 3000: 3001 codes are thinned to every 2nd (1501 points), 3000 are all kept.
  const rng = new Rng(1);
  const many = (n: number) => ({ n, d: 3, data: Float64Array.from({ length: 3 * n }, () => rng.normal()), labels: new Int32Array(n) });
  assert.equal(projectLatentSet(setOf(3), many(3001)).points.length, 2 * 1501);
  assert.equal(projectLatentSet(setOf(3), many(3000)).points.length, 2 * 3000);
  assert.throws(() => projectLatentSet(setOf(4), codes), /the codes are 3-d but the 'hand' GMMs are 4-d/);
});

test('projectLatentSet without codes: 150 samples per class by default, seed 0, no source path', () => {
  const set = setOf(3);
  const p = projectLatentSet(set, null, { sourcePath: 'ignored' });
  assert.equal(p.source, 'gmm-samples');
  assert.equal(p.sourcePath, null);
  assert.equal(p.points.length, 2 * 2 * 150);
  assert.deepEqual(p.labels, [...Array(150).fill(0), ...Array(150).fill(1)]);
  assert.deepEqual(p, projectLatentSet(set, null, { perClass: 150, seed: 0 }));
  assert.notDeepEqual(p.points, projectLatentSet(set, null, { seed: 1 }).points);
  // The points are the projections of exactly those samples.
  const s = set.sampleCodes([0, 1], 150, 0);
  const { mean, axes } = pca2(s);
  for (const i of [0, 1, 299]) {
    let a = 0, b = 0;
    for (let j = 0; j < 3; j++) {
      a += axes[0][j] * (s.data[i * 3 + j] - mean[j]);
      b += axes[1][j] * (s.data[i * 3 + j] - mean[j]);
    }
    close(p.points[2 * i], Math.round(a * 1e4) / 1e4, `sample ${i} u`);
    close(p.points[2 * i + 1], Math.round(b * 1e4) / 1e4, `sample ${i} v`);
  }
  assert.equal(projectLatentSet(set, null, { perClass: 7 }).points.length, 2 * 2 * 7);
});
