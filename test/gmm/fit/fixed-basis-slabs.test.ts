/**
 * fitFixedBasis in d > 1 reads its k components off slabs of the data along the first principal axis. With two
 * clusters far apart along that axis the slabs are known in advance, so every component's weight, mean and
 * covariance can be recomputed here from the clusters themselves — including the ridge regCovar + 1e-6 · tr Σ / d
 * added to each diagonal (Σ the data covariance), which shows alone in a coordinate that is constant inside each
 * cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitFixedBasis } from '../../../src/gmm/fit/fixed-basis.ts';
import { pointsFromRows, pointsMoments } from '../../../src/gmm/model/points.ts';
import { Rng } from '../../../src/util/rng.ts';

/** Two clusters of m points: x ~ N(∓10, 1), y = ∓3 exactly, z ~ N(0, 4). */
function twoClusters(m: number): { rows: number[][]; clusters: number[][][] } {
  const rng = new Rng(7);
  const clusters: number[][][] = [[], []];
  for (const [c, s] of [[0, -1], [1, 1]] as const) {
    for (let i = 0; i < m; i++) clusters[c].push([10 * s + rng.normal(), 3 * s, 2 * rng.normal()]);
  }
  return { rows: [...clusters[0], ...clusters[1]], clusters };
}

function clusterMoments(rows: number[][]): { mean: Float64Array; cov: Float64Array } {
  return pointsMoments(pointsFromRows(rows));
}

for (const regCovar of [0, 0.25]) {
  test(`fitFixedBasis (d = 3, k = 2, regCovar ${regCovar}): each slab's component is its cluster's mean and covariance plus the ridge`, () => {
    const { rows, clusters } = twoClusters(200);
    const pts = pointsFromRows(rows);
    const d = 3;
    const { gmm } = fitFixedBasis(pts, { k: 2, seed: 1, regCovar });
    const { cov } = pointsMoments(pts);
    const ridge = regCovar + 1e-6 * (cov[0] + cov[4] + cov[8]) / d;
    assert.ok(ridge > 0 || regCovar === 0);
    // Components come in slab order along the principal axis, whose sign is the eigen solver's: match by mean x.
    const order = gmm.means[0] < gmm.means[d] ? [0, 1] : [1, 0];
    for (const [c, cl] of order.entries()) {
      const want = clusterMoments(clusters[c]);
      for (let a = 0; a < d; a++) assert.ok(Math.abs(gmm.means[cl * d + a] - want.mean[a]) < 1e-12, `mean ${c}[${a}]`);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          const got = gmm.covariances[cl * d * d + a * d + b];
          const expected = want.cov[a * d + b] + (a === b ? ridge : 0);
          assert.ok(Math.abs(got - expected) <= 1e-9 * Math.max(1e-6, Math.abs(expected)), `cov ${c}[${a},${b}]: ${got} vs ${expected}`);
        }
      }
      // y is constant inside each cluster: its variance is the ridge alone.
      const yy = gmm.covariances[cl * d * d + 4];
      assert.ok(Math.abs(yy - (regCovar + 1e-6 * (cov[0] + cov[4] + cov[8]) / d)) <= 1e-9 * yy, `ridge ${yy}`);
      // The slab's weight is the fitted 1-D mixture's mass between the cuts: half, by symmetry, up to the fit.
      assert.ok(Math.abs(gmm.weights[cl] - 0.5) < 0.02, `weight ${gmm.weights[cl]}`);
    }
    // The diagonal variant keeps the same diagonal.
    const diag = fitFixedBasis(pts, { k: 2, seed: 1, regCovar, covarianceType: 'diag' }).gmm;
    for (let c = 0; c < 2; c++) for (let a = 0; a < d; a++) assert.equal(diag.covariances[c * d + a], gmm.covariances[c * d * d + a * d + a]);
    assert.deepEqual([...diag.weights], [...gmm.weights]);
  });
}

for (const t of [undefined, 2]) {
  test(`fitFixedBasis slabs (t ${t ?? 'default'}): an empty gap between clusters is one valley, however flat its floor; no slab is left empty`, () => {
    // Two tight clusters at x = ∓10, 200 and 100 points, fitted with k = 3 and 4. An empty bin has weight exactly 0, so
    // the density across the gap is the clusters' tails alone: one minimum at t = 3 (the default), and with t = 2
    // (σ = 2r, the gap 50σ wide) a run of centres where it underflows to exactly 0 — still one valley, at its start.
    // The gap takes one cut; the others fall inside the clusters, so every slab holds points.
    const rng = new Rng(3);
    const heavy: number[][] = [], light: number[][] = [];
    for (let i = 0; i < 200; i++) heavy.push([-10 + 0.05 * rng.normal(), 0.1 * rng.normal()]);
    for (let i = 0; i < 100; i++) light.push([10 + 0.05 * rng.normal(), 0.1 * rng.normal()]);
    const want = clusterMoments(light).mean;
    for (const k of [3, 4]) {
      const { gmm } = fitFixedBasis(pointsFromRows([...heavy, ...light]), { k, seed: 1, ...(t ? { t } : {}) });
      const byX = [...Array(k).keys()].sort((a, b) => gmm.means[2 * a] - gmm.means[2 * b]);
      for (const c of byX) assert.ok(gmm.weights[c] > 0.01, `k = ${k}: weight ${gmm.weights[c]} (an empty slab gets 1e-12)`);
      const l = byX[k - 1];
      assert.ok(Math.abs(gmm.means[2 * l] - want[0]) < 1e-12 && Math.abs(gmm.means[2 * l + 1] - want[1]) < 1e-12, `k = ${k}: the light cluster is the last slab`);
      assert.ok(Math.abs(gmm.weights[l] - 1 / 3) < 1e-3, `k = ${k}: its weight ${gmm.weights[l]}`);
      for (const c of byX.slice(0, k - 1)) assert.ok(gmm.means[2 * c] < -9, `k = ${k}: the other slabs split the heavy cluster`);
    }
  });
}
