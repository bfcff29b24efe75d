/**
 * initGMM's three starts against their recipes (init.ts module comment), entry by entry, for every covariance
 * type: the weights, means and covariances are recomputed here by hand from the data (and, for 'small', from the
 * same seeded draws), not compared with a saved output. A recipe whose loop skips an entry, a moment divided by
 * the wrong count or a missing regCovar changes some entry and fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initGMM } from '../../../src/gmm/fit/init.ts';
import type { CovarianceType, Points } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

const TYPES: CovarianceType[] = ['full', 'diag', 'tied', 'spherical'];
const REG = 1e-3;

/** 30 points in 3-d: three well-separated, correlated clusters of 8, 10 and 12 points (labels by index). */
function clusters(): { points: Points; labels: number[] } {
  const rng = new Rng(11);
  const sizes = [8, 10, 12];
  const centres = [[-20, 0, 5], [0, 20, -5], [20, -10, 0]];
  const data: number[] = [];
  const labels: number[] = [];
  sizes.forEach((m, c) => {
    for (let i = 0; i < m; i++) {
      const u = rng.normal(), v = rng.normal(), w = rng.normal();
      data.push(centres[c][0] + u, centres[c][1] + 0.5 * u + v, centres[c][2] - 0.3 * v + 0.7 * w);
      labels.push(c);
    }
  });
  return { points: { n: data.length / 3, d: 3, data: Float64Array.from(data) }, labels };
}

/** Mean and population covariance (divided by the count) of the rows whose flag is set, d×d. */
function moments(points: Points, take: (i: number) => boolean): { mean: number[]; cov: number[][]; m: number } {
  const { n, d, data } = points;
  const mean = new Array<number>(d).fill(0);
  let m = 0;
  for (let i = 0; i < n; i++) if (take(i)) { m++; for (let j = 0; j < d; j++) mean[j] += data[i * d + j]; }
  for (let j = 0; j < d; j++) mean[j] /= m;
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++) {
    if (!take(i)) continue;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] += (data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b]);
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] /= m;
  return { mean, cov, m };
}

/** What initGMM must store for one covariance type, from per-component full matrices (regCovar already added). */
function expectedCovariances(type: CovarianceType, perComponent: number[][][], weights: number[]): number[] {
  const k = perComponent.length, d = perComponent[0].length;
  switch (type) {
    case 'full': return perComponent.flatMap((S) => S.flat());
    case 'diag': return perComponent.flatMap((S) => S.map((row, j) => row[j]));
    case 'tied': {
      const out = new Array<number>(d * d).fill(0);
      for (let c = 0; c < k; c++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out[a * d + b] += weights[c] * perComponent[c][a][b];
      return out;
    }
    case 'spherical': return perComponent.map((S) => S.reduce((t, row, j) => t + row[j], 0) / d);
  }
}

function closeArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * scale, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

const withReg = (S: number[][]): number[][] => S.map((row, a) => row.map((v, b) => v + (a === b ? REG : 0)));

test("initGMM 'kmeans++' on separated clusters: weights = counts/n, cluster means, cluster covariances (÷ count) + regCovar·I, per covariance type", () => {
  const { points, labels } = clusters();
  for (const type of TYPES) {
    const g = initGMM(points, 3, { covarianceType: type, regCovar: REG, seed: 2 });
    // The components come in k-means++ order: match each to its cluster by its mean.
    const order = [0, 1, 2].map((c) => {
      const mu = Array.from(g.means.subarray(c * 3, c * 3 + 3));
      return mu[0] < -10 ? 0 : mu[0] > 10 ? 2 : 1;
    });
    assert.deepEqual([...order].sort(), [0, 1, 2], `${type}: one component per cluster`);
    const per = order.map((cl) => moments(points, (i) => labels[i] === cl));
    closeArrays(g.weights, per.map((p) => p.m / 30), 1e-12, `${type} weights`);
    closeArrays(g.means, per.flatMap((p) => p.mean), 1e-12, `${type} means`);
    closeArrays(g.covariances, expectedCovariances(type, per.map((p) => withReg(p.cov)), per.map((p) => p.m / 30)), 1e-10, `${type} covariances`);
  }
});

test("initGMM 'random': k distinct data points as means, the data covariance (÷ n) + regCovar·I for every component, equal weights", () => {
  const { points } = clusters();
  const all = moments(points, () => true);
  for (const type of TYPES) {
    const g = initGMM(points, 4, { method: 'random', covarianceType: type, regCovar: REG, seed: 5 });
    closeArrays(g.weights, [0.25, 0.25, 0.25, 0.25], 1e-15, `${type} weights`);
    const rows = new Set<number>();
    for (let c = 0; c < 4; c++) {
      const mu = g.means.subarray(c * 3, c * 3 + 3);
      let row = -1;
      for (let i = 0; i < points.n && row < 0; i++) if ([0, 1, 2].every((j) => points.data[i * 3 + j] === mu[j])) row = i;
      assert.ok(row >= 0, `${type}: mean ${c} is a data point`);
      rows.add(row);
    }
    assert.equal(rows.size, 4, `${type}: the means are distinct points`);
    const S = withReg(all.cov);
    closeArrays(g.covariances, expectedCovariances(type, [S, S, S, S], [0.25, 0.25, 0.25, 0.25]), 1e-10, `${type} covariances`);
  }
});

test("initGMM 'small': means m + s·U(−1, 1)^d and covariances s²(0.02/d·AAᵀ + 0.001 I) + regCovar·I from the same seeded draws, every entry", () => {
  const { points } = clusters();
  const { mean, cov } = moments(points, () => true);
  const d = 3, k = 3, seed = 7;
  const s = Math.sqrt((cov[0][0] + cov[1][1] + cov[2][2]) / d);
  // The recipe's draws, in its order: per component d uniforms for the mean, then d·d for A.
  const rng = new Rng(seed);
  const means: number[] = [];
  const per: number[][][] = [];
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) means.push(mean[j] + s * (2 * rng.uniform() - 1));
    const A = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.uniform()));
    per.push(A.map((ra, a) => A.map((rb, b) => {
      let v = 0;
      for (let t = 0; t < d; t++) v += ra[t] * rb[t];
      return s * s * ((0.02 / d) * v + (a === b ? 0.001 : 0)) + (a === b ? REG : 0);
    })));
  }
  // Off-diagonal entries are not small next to the diagonal ones here, so a skipped entry is visible.
  assert.ok(Math.abs(per[0][0][1]) > 0.5 * per[0][0][0], 'the hand-made covariances are far from diagonal');
  for (const type of TYPES) {
    const g = initGMM(points, k, { method: 'small', covarianceType: type, regCovar: REG, seed });
    closeArrays(g.weights, [1 / 3, 1 / 3, 1 / 3], 1e-15, `${type} weights`);
    closeArrays(g.means, means, 1e-12, `${type} means`);
    closeArrays(g.covariances, expectedCovariances(type, per, [1 / 3, 1 / 3, 1 / 3]), 1e-10, `${type} covariances`);
  }
});

test("initGMM 'kmeans++' with more components than distinct points: an empty cluster keeps its centre and takes the data covariance (÷ n) + regCovar·I", () => {
  // 6 points at two places, k = 3: the third centre coincides with a chosen one and its cluster stays empty.
  const rows = [[0, 0, 0], [0, 0, 0], [0, 0, 0], [1, 2, 3], [1, 2, 3], [1, 2, 3]];
  const points: Points = { n: 6, d: 3, data: Float64Array.from(rows.flat()) };
  const all = moments(points, () => true);
  const g = initGMM(points, 3, { covarianceType: 'full', regCovar: REG, seed: 1 });
  const empty = [0, 1, 2].filter((c) => g.weights[c] < 1e-6);
  assert.equal(empty.length, 1, `one empty cluster (weights ${[...g.weights]})`);
  const c = empty[0];
  const mu = Array.from(g.means.subarray(c * 3, c * 3 + 3));
  assert.ok(rows.some((r) => r.every((v, j) => v === mu[j])), `its mean is its centre, a data point: ${mu}`);
  closeArrays(g.covariances.subarray(c * 9, c * 9 + 9), withReg(all.cov).flat(), 1e-12, 'the empty cluster covariance');
});
