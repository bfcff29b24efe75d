/**
 * The tails' per-component crop shares at the documented edge (src/style/gram-model.ts, fitCropTail / fitPcaTail):
 * r_jc / N_c when N_c = Σ_j r_jc > 1e-12, uniform 1/n when N_c ≤ 1e-12 — on a component whose whole mass sits on
 * one crop, just above, at and below the edge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitCropTail, fitPcaTail } from '../../src/style/gram-model.ts';

test('crop shares: proportional above N_c = 1e-12, uniform at and below it (both tails)', () => {
  const x = Float64Array.of(3, 6, 9); // n = 3 crops, T = 1
  for (const [Nc, uniform] of [[2e-12, false], [1.0000001e-12, false], [1e-12, true], [5e-13, true], [0, true]] as const) {
    const r = Float64Array.of(1 - Nc, Nc, 1, 0, 1, 0); // component 1's mass on crop 0 only
    const shares = [...fitCropTail(r, x, 3, 2, 1).weights.subarray(3, 6)];
    assert.deepEqual(shares, uniform ? [1 / 3, 1 / 3, 1 / 3] : [1, 0, 0], `N_c = ${Nc}`);
    // The Gaussian tail's mean of component 1 is the same weighted mean of x.
    assert.ok(Math.abs(fitPcaTail(r, x, 3, 2, 1).mean[1] - (uniform ? 6 : 3)) < 1e-12, `tail mean at N_c = ${Nc}`);
  }
});
