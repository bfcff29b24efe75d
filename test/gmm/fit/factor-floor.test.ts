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

test('variance floor by hand (2-d, regCovar 0.05): the correlation-frame eigenvalue below 1 is lifted to 1 and the rest kept', () => {
  // Floor D = diag(1, 4); Σ = D^½ R diag(3, 0.25) Rᵀ D^½ with R a rotation by 0.4 rad. In the correlation frame
  // D^-½ Σ D^-½ = R diag(3, 0.25) Rᵀ, so the projection gives Σ' = D^½ R diag(3, 1) Rᵀ D^½ — with reg in Σ
  // before and after (Σ = SᵀS + reg I): the factor carries Σ' − reg I.
  const reg = 0.05;
  const floor = Float64Array.of(1, 4);
  const [c, s] = [Math.cos(0.4), Math.sin(0.4)];
  const make = (l1: number, l2: number) => {
    const m = [c * c * l1 + s * s * l2, c * s * (l1 - l2), c * s * (l1 - l2), s * s * l1 + c * c * l2];
    return Float64Array.from(m, (v, e) => v * Math.sqrt(floor[e >> 1] * floor[e & 1]));
  };
  const init: GMMParams = { k: 1, d: 2, covarianceType: 'full', weights: Float64Array.of(1), means: new Float64Array(2), covariances: make(3, 0.25) };
  const fp = new FactorParams(init, reg, floor, 'test');
  fp.sync();
  const want = make(3, 1);
  const got = fp.params.covariances;
  for (let e = 0; e < 4; e++) assert.ok(Math.abs(got[e] - want[e]) < 1e-12, `Σ'[${e}] = ${got[e]}, want ${want[e]}`);
});
