/**
 * randomMixture (src/gmm/model/synthetic.ts), the benchmarks' random GMMs, against its documented recipe replayed
 * from the same random stream: w_c ∝ 0.5 + U(0, 1), μ ~ N(0, meanScale² I), Σ_c = A_c A_cᵀ / d + 0.1 I for
 * every component c = 0..k−1, drawn in that order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomMixture } from '../../../src/gmm/model/synthetic.ts';
import { Rng } from '../../../src/util/rng.ts';

test('randomMixture: weights, means and every covariance by the documented recipe, in draw order', () => {
  for (const [d, k, scale] of [[3, 4, 0.25], [2, 2, 3]] as const) {
    const used = new Rng(9);
    const g = randomMixture(d, k, used, ...(scale === 0.25 ? [] : [scale]));
    const rng = new Rng(9);
    const u = Array.from({ length: k }, () => 0.5 + rng.uniform());
    const sum = u.reduce((a, b) => a + b, 0);
    const means = rng.normals(new Float64Array(k * d)) as Float64Array;
    assert.equal(g.k, k);
    assert.equal(g.d, d);
    assert.equal(g.covarianceType, 'full');
    for (let c = 0; c < k; c++) assert.ok(Math.abs(g.weights[c] - u[c] / sum) < 1e-15, `w${c}`);
    for (let i = 0; i < k * d; i++) assert.ok(Math.abs(g.means[i] - scale * means[i]) < 1e-15, `μ[${i}]`);
    const A = new Float64Array(d * d);
    for (let c = 0; c < k; c++) {
      rng.normals(A);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let v = a === b ? 0.1 : 0;
          for (let p = 0; p < d; p++) v += (A[a * d + p] * A[b * d + p]) / d;
          const got = g.covariances[c * d * d + a * d + b];
          assert.ok(Math.abs(got - v) < 1e-12, `Σ${c}[${a},${b}]: ${got} vs ${v}`);
        }
      }
    }
    // It draws exactly these numbers: the caller's stream continues where the recipe ends.
    assert.equal(used.uniform(), rng.uniform());
  }
});
