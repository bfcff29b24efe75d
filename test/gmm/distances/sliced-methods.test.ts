/**
 * The sliced Wasserstein value of the fitter's gradient routine, per 1-D method, against the 1-D function it
 * averages: slicedWassersteinGrad(G, X, Θ, {method}).value must equal (1/L) Σ_l W(G_θl, X_θl) computed by
 * wasserstein1D with the same method on projectGMM / projectPoints of each direction, to rounding — on a problem
 * small enough to run in this thread and on one large enough for the slice pool. The two methods differ by far
 * more than the tolerance here, so a routine that used the other method fails. slicedWasserstein (the public
 * distance, the p-th root) is checked against the same average.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectGMM, projectPoints, slicedWasserstein, slicedWassersteinGrad, randomDirections, wasserstein1D, type Wasserstein1DMethod } from '../../../src/gmm/distances/wasserstein.ts';
import type { GMMParams, Points } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

function problem(n: number, seed: number): { G: GMMParams; X: Points } {
  const rng = new Rng(seed);
  const d = 3, k = 2;
  const G: GMMParams = {
    k, d, covarianceType: 'full', weights: Float64Array.of(0.35, 0.65), means: Float64Array.of(-1, 0, 0.5, 1.5, 1, -0.5),
    covariances: Float64Array.of(1, 0.3, 0, 0.3, 0.5, 0.1, 0, 0.1, 0.8, 0.4, 0, 0, 0, 0.9, -0.2, 0, -0.2, 0.6),
  };
  const data = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = 1.3 * rng.normal() + (i % 3 === 0 ? 0.4 : 0);
  return { G, X: { n, d, data } };
}

function byHand(G: GMMParams, X: Points, dirs: Float64Array, method: Wasserstein1DMethod): number {
  const L = dirs.length / G.d;
  let total = 0;
  for (let l = 0; l < L; l++) total += wasserstein1D(projectGMM(G, dirs, l), projectPoints(X, dirs, l), { p: 2, method });
  return total / L;
}

for (const [label, n, L] of [['in this thread', 60, 8], ['on the slice pool', 4000, 64]] as const) {
  test(`slicedWassersteinGrad's value is the average 1-D distance of its own method (${label}: n = ${n}, L = ${L})`, () => {
    const { G, X } = problem(n, 5);
    const dirs = randomDirections(L, 3, new Rng(9));
    const exact = byHand(G, X, dirs, 'exact');
    const midpoint = byHand(G, X, dirs, 'midpoint');
    assert.ok(Math.abs(exact - midpoint) > 1e-4 * exact, `the methods differ here (${exact} vs ${midpoint})`);
    for (const [method, want] of [['exact', exact], ['midpoint', midpoint]] as const) {
      const got = slicedWassersteinGrad(G, X, dirs, { method }).value;
      assert.ok(Math.abs(got - want) <= 1e-10 * want, `${method}: ${got} vs ${want}`);
      const root = slicedWasserstein(G, X, { directions: dirs, method });
      assert.ok(Math.abs(root - Math.sqrt(want)) <= 1e-10 * Math.sqrt(want), `slicedWasserstein ${method}: ${root} vs ${Math.sqrt(want)}`);
    }
    // Without a method: the midpoint rule (the documented default).
    assert.ok(Math.abs(slicedWassersteinGrad(G, X, dirs).value - midpoint) <= 1e-10 * midpoint);
  });
}
