/**
 * The variance floor of SW / SC2 / MMD factors (sw.ts FactorParams.project): the Cholesky test that skips the
 * eigendecomposition is exact — a factor whose Σ − floor is positive-definite is left bit for bit, far from the
 * floor and just above it — and a covariance below the floor comes out with Σ − floor positive semi-definite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FactorParams } from '../../../src/gmm/fit/core.ts';
import { choleskyInto } from '../../../src/gmm/linalg/dense.ts';
import type { GMMParams } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

const d = 7;

/** Σ = D^½ (c·I + A Aᵀ/d) D^½: with c > 1 every eigenvalue of D^-½ Σ D^-½ is above 1 (Σ − D positive-definite). */
function covariance(rng: Rng, D: Float64Array, c: number, spread: number): Float64Array {
  const A = new Float64Array(d * d).map(() => rng.normal() * spread);
  const S = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    let v = a === b ? c : 0;
    for (let t = 0; t < d; t++) v += (A[a * d + t] * A[b * d + t]) / d;
    S[a * d + b] = v * Math.sqrt(D[a] * D[b]);
  }
  return S;
}

function params(covs: Float64Array[]): GMMParams {
  const k = covs.length;
  const covariances = new Float64Array(k * d * d);
  covs.forEach((c, i) => covariances.set(c, i * d * d));
  return { k, d, covarianceType: 'full', weights: new Float64Array(k).fill(1 / k), means: new Float64Array(k * d), covariances };
}

test('variance floor: factors above the floor (far or just above) are left bit for bit, those below are lifted onto it', () => {
  const rng = new Rng(3);
  const floor = new Float64Array(d).map(() => 0.1 + rng.uniform());
  const reg = 1e-6;
  const far = covariance(rng, floor, 50, 1);
  const near = covariance(rng, floor, 1 + 1e-6, 0); // Σ − floor = 1e-6 · floor: positive-definite, barely
  const below = covariance(rng, floor, 0.3, 1); // smallest eigenvalues of D^-½ Σ D^-½ below 1
  const init = params([far, near, below]);
  // The factor S of each start (Σ − reg = SᵀS), as FactorParams takes it, without projection (empty floor).
  const free = new FactorParams(init, reg, new Float64Array(0), 'test');
  const fp = new FactorParams(init, reg, floor, 'test');
  for (const c of [0, 1]) {
    const a = free.S.subarray(c * d * d, (c + 1) * d * d), b = fp.S.subarray(c * d * d, (c + 1) * d * d);
    for (let i = 0; i < d * d; i++) assert.ok(Object.is(a[i], b[i]), `component ${c}: factor entry ${i} changed (${a[i]} → ${b[i]})`);
  }
  fp.sync();
  const L = new Float64Array(d * d);
  for (let c = 0; c < 3; c++) {
    const shifted = fp.params.covariances.slice(c * d * d, (c + 1) * d * d);
    for (let j = 0; j < d; j++) shifted[j * d + j] -= floor[j];
    // Positive semi-definite: a Cholesky factorisation succeeds after a shift of 1e-9 of the floor's scale.
    assert.equal(choleskyInto(shifted, d, L, 1e-9), -1, `component ${c}: Σ − floor is not positive semi-definite`);
  }
  // The component below the floor moved, and its variances are now at or above the floor.
  const moved = fp.S.subarray(2 * d * d).some((v, i) => !Object.is(v, free.S[2 * d * d + i]));
  assert.ok(moved, 'the component below the floor was projected');
  for (let j = 0; j < d; j++) assert.ok(fp.params.covariances[2 * d * d + j * d + j] >= floor[j] * (1 - 1e-12));
});
