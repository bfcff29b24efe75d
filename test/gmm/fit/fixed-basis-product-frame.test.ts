/**
 * FixedBasisProduct's two frames (src/gmm/fit/fixed-basis.ts): 'coordinates' (axes null: z = x − center, coordinate
 * by coordinate) and 'pca' (z_j = Σ_a V[a, j] (x_a − center_a)); log p(x) = Σ_j log f_j(z_j) with the 1-D marginal
 * mixtures f_j, checked against mixturePdf at points where every coordinate differs, in 3-D.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedBasisProduct } from '../../../src/gmm/fit/fixed-basis.ts';
import { mixture1D, mixtureMoments, mixturePdf } from '../../../src/gmm/model/mixture1d.ts';

const d = 3;
const center = Float64Array.of(1, -2, 0.5);
const marginals = [mixture1D([-1, 1], 0.5, [0.3, 0.7]), mixture1D([0], 2), mixture1D([-2, 0, 3], [0.4, 1, 0.7], [0.2, 0.5, 0.3])];
const data = Float64Array.of(0.3, -1.1, 2.2, 4, 1.5, -3, -0.7, -2.6, 0.9);
const points = { n: 3, d, data };

test('coordinates frame: log p(x) = Σ_j log f_j(x_j − c_j)', () => {
  const p = new FixedBasisProduct(d, center, null, marginals);
  assert.equal(p.frame, 'coordinates');
  assert.deepEqual(Array.from(p.toFrame(points)), Array.from(data, (v, t) => v - center[t % d]));
  const lp = p.logPdf(points);
  for (let i = 0; i < 3; i++) {
    let want = 0;
    for (let j = 0; j < d; j++) want += Math.log(mixturePdf(marginals[j], data[i * d + j] - center[j]));
    assert.ok(Math.abs(lp[i] - want) < 1e-12, `point ${i}: ${lp[i]} vs ${want}`);
  }
  assert.ok(Math.abs(p.nll(points) + (lp[0] + lp[1] + lp[2]) / 3) < 1e-12);
});

test('pca frame: z_j = Σ_a V[a, j] (x_a − c_a) with the axes as columns (a rotation about the third axis)', () => {
  const t = 0.6, cs = Math.cos(t), sn = Math.sin(t);
  const V = Float64Array.of(cs, -sn, 0, sn, cs, 0, 0, 0, 1); // column 0 = (cos, sin, 0), column 1 = (−sin, cos, 0)
  const p = new FixedBasisProduct(d, center, V, marginals);
  assert.equal(p.frame, 'pca');
  const z = p.toFrame(points);
  for (let i = 0; i < 3; i++) {
    const x = [0, 1, 2].map((a) => data[i * d + a] - center[a]);
    const want = [cs * x[0] + sn * x[1], -sn * x[0] + cs * x[1], x[2]];
    for (let j = 0; j < d; j++) assert.ok(Math.abs(z[i * d + j] - want[j]) < 1e-12, `z[${i}, ${j}]`);
  }
});

test('moments in both frames: mean = c + V E[z], covariance = V diag(Var z) Vᵀ, by hand', () => {
  const ez = marginals.map((m) => mixtureMoments(m).mean), vz = marginals.map((m) => mixtureMoments(m).variance);
  const t = 0.6, cs = Math.cos(t), sn = Math.sin(t);
  const V = Float64Array.of(cs, -sn, 0, sn, cs, 0, 0, 0, 1);
  for (const axes of [null, V]) {
    const M = axes ?? Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    const { mean, cov } = new FixedBasisProduct(d, center, axes, marginals).moments();
    for (let a = 0; a < d; a++) {
      let m = center[a];
      for (let j = 0; j < d; j++) m += M[a * d + j] * ez[j];
      assert.ok(Math.abs(mean[a] - m) < 1e-12, `mean ${a}`);
      for (let b = 0; b < d; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += M[a * d + j] * vz[j] * M[b * d + j];
        assert.ok(Math.abs(cov[a * d + b] - s) < 1e-12, `${axes ? 'pca' : 'coordinates'} cov ${a},${b}: ${cov[a * d + b]} vs ${s}`);
      }
    }
  }
});
