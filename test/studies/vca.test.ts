/**
 * VCA (src/studies/unmixing.ts, Nascimento & Dias 2005, Algorithm 1) beyond one lucky case: the projective branch
 * over many seeds, endmember counts and pure-pixel positions (pixel 0 included), and the low-SNR branch on a
 * hand-built cloud whose principal axes, SNR and chosen pixels are known in closed form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endmemberDistance, unmixingSample, vca } from '../../src/studies/unmixing.ts';
import { Rng } from '../../src/util/rng.ts';

test('VCA, projective branch: noiseless mixtures with pure pixels give back exactly those pixels, for r = 2..4 and 8 seeds each', () => {
  for (const r of [2, 3, 4]) {
    for (let seed = 1; seed <= 8; seed++) {
      const d = r + 2, n = 40;
      const rng = new Rng(100 * r + seed);
      const Astar = Float64Array.from({ length: d * r }, () => 0.1 + rng.uniform());
      const { X } = unmixingSample(Astar, d, r, n, 0, rng);
      // Pure pixels at distinct rows; the first seed of each r puts one at row 0, another at the last row.
      const rows = seed === 1 ? [0, n - 1, 17, 5].slice(0, r) : rng.permutation(n).slice(0, r);
      rows.forEach((i, k) => { for (let t = 0; t < d; t++) X.data[i * d + t] = Astar[t * r + k]; });
      const res = vca(X, r, new Rng(seed));
      const label = `r = ${r}, seed ${seed}`;
      assert.equal(res.projective, true, label);
      assert.deepEqual([...res.indices].sort((a, b) => a - b), [...rows].sort((a, b) => a - b), label);
      const dist = endmemberDistance(res.A, Astar, d, r).value;
      assert.ok(dist < 1e-20, `${label}: distance ${dist}`);
    }
  }
});

test('VCA, projective branch under illumination: pixels scaled by factors in [0.5, 1.5] still give the pure pixels, as scaled', () => {
  for (const r of [3, 4]) {
    for (let seed = 1; seed <= 6; seed++) {
      const d = r + 2, n = 40;
      const rng = new Rng(1000 * r + seed);
      const Astar = Float64Array.from({ length: d * r }, () => 0.1 + rng.uniform());
      const { X } = unmixingSample(Astar, d, r, n, 0, rng);
      const rows = rng.permutation(n).slice(0, r);
      rows.forEach((i, k) => { for (let t = 0; t < d; t++) X.data[i * d + t] = Astar[t * r + k]; });
      for (let i = 0; i < n; i++) { const g = 0.5 + rng.uniform(); for (let t = 0; t < d; t++) X.data[i * d + t] *= g; }
      const res = vca(X, r, new Rng(seed));
      const label = `r = ${r}, seed ${seed}`;
      assert.equal(res.projective, true, label);
      assert.deepEqual([...res.indices].sort((a, b) => a - b), [...rows].sort((a, b) => a - b), label);
      // The endmembers are the chosen pixels themselves (noiseless: the projection keeps them).
      res.indices.forEach((i, k) => {
        for (let t = 0; t < d; t++) assert.ok(Math.abs(res.A[t * r + k] - X.data[i * d + t]) < 1e-12, `${label}: column ${k}`);
      });
    }
  }
});

test('VCA, low-SNR branch by hand: principal axis e1, SNR of Eq. 13, the two extreme pixels picked and projected onto the axis', () => {
  // d = 3, r = 2. Pixel 0 = (5, 0, 0), the last pixel = (-5, 0, 0); between them a grid a ∈ {-2, -1, 1, 2} times
  // every sign pattern (±0.8, ±0.8) in e2, e3. The mean is 0 and the covariance is diagonal:
  // var1 = (2·25 + 4·(4 + 1 + 1 + 4)) / 18 = 90/18 = 5, var2 = var3 = 16·0.64 / 18.
  const rows: number[][] = [[5, 0, 0]];
  for (const a of [-2, -1, 1, 2]) for (const s2 of [1, -1]) for (const s3 of [1, -1]) rows.push([a, 0.8 * s2, 0.8 * s3]);
  rows.push([-5, 0, 0]);
  const n = rows.length, d = 3, r = 2;
  const X = { n, d, data: Float64Array.from(rows.flat()) };
  const var1 = 90 / 18, var2 = (16 * 0.64) / 18;
  // Eq. 13 with r = 2 of d = 3: P_x = var1 + var2 (+ |mean|² = 0), P_y = var1 + 2 var2.
  const px = var1 + var2, py = var1 + 2 * var2;
  const snr = 10 * Math.log10((px - (r / d) * py) / (py - px));
  for (const seed of [1, 2, 3, 4, 5]) {
    const res = vca(X, r, new Rng(seed));
    assert.equal(res.projective, false, `seed ${seed}`);
    assert.ok(Math.abs(res.snr - snr) < 1e-9, `seed ${seed}: snr ${res.snr}, by hand ${snr}`);
    // First pick: f ⟂ e_r, so the largest |coordinate on e1| wins (pixel 0); second: f ⟂ (y_0, c) picks the
    // pixel farthest along e1 from it (the last one) whatever f's length or sign.
    assert.deepEqual(res.indices, [0, n - 1], `seed ${seed}`);
    // Endmembers are the chosen pixels projected onto mean + span(e1): here the pixels themselves.
    assert.deepEqual([...res.A].map((v) => Math.round(v * 1e12) / 1e12 + 0), [5, -5, 0, 0, 0, 0], `seed ${seed}`);
  }
  // The same cloud shifted off e1 by (0, 0.3, 0.3) in the pure pixels only: their projections drop it.
  const shifted = { n, d, data: X.data.slice() };
  for (const i of [0, n - 1]) { shifted.data[i * d + 1] = 0.3; shifted.data[i * d + 2] = -0.3; }
  const res = vca(shifted, r, new Rng(7));
  assert.equal(res.projective, false);
  assert.deepEqual(res.indices, [0, n - 1]);
  // Columns (mean + u uᵀ (x − mean)): the mean moved by 0.6/18 in e2 and -0.6/18 in e3 and u stays ≈ e1.
  for (const [k, sign] of [[0, 1], [1, -1]]) {
    assert.ok(Math.abs(res.A[0 * r + k] - sign * 5) < 0.01, `column ${k}, e1: ${res.A[k]}`);
    assert.ok(Math.abs(res.A[1 * r + k] - 0.6 / 18) < 0.01 && Math.abs(res.A[2 * r + k] + 0.6 / 18) < 0.01, `column ${k}: ${[res.A[r + k], res.A[2 * r + k]]}`);
  }
});
