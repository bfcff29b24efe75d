/**
 * The positive-definiteness checks of the 'diag' MMD kernels (src/gmm/distances/mmd.ts, the fitter's unchecked
 * mmdSelfTerm / mmdPointsTerm) with their exact messages, at the edge: an entry of Σ_i + Σ_j + h²I (or Σ + h²I)
 * equal to 0 is refused, 0.01 is accepted and gives the hand-computed Gaussian-kernel value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { mmdPointsTerm, mmdSelfTerm } from '../../../src/gmm/distances/mmd.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';
import type { GMMParams } from '../../../src/gmm/model/types.ts';

const diag1 = (cov: number[]): GMMParams => ({ k: 1, d: 2, covarianceType: 'diag', weights: Float64Array.of(1), means: Float64Array.of(0, 0), covariances: Float64Array.from(cov) });
const h = 0.5; // h² = 0.25, h^d = 0.25

test('mmdSelfTerm (diag): Σ_i + Σ_j + h²I must be positive', () => {
  // One component: M = 2Σ + h²I. Σ = diag(−0.12, 1): M = diag(0.01, 2.25), K = h^d / √det M = 0.25 / 0.15.
  assert.ok(Math.abs(mmdSelfTerm(diag1([-0.12, 1]), h, null) - 5 / 3) < 1e-12);
  throwsExactly(() => mmdSelfTerm(diag1([1, -0.125]), h, null), 'RangeError: mmd: Sigma_i + Sigma_j + h^2 I is not positive definite (entry 1 = 0)');
  throwsExactly(() => mmdSelfTerm(diag1([-0.5, 1]), h, null), 'RangeError: mmd: Sigma_i + Sigma_j + h^2 I is not positive definite (entry 0 = -0.75)');
  throwsExactly(() => mmdSelfTerm(diag1([NaN, 1]), h, null), 'RangeError: mmd: Sigma_i + Sigma_j + h^2 I is not positive definite (entry 0 = NaN)');
});

test('mmdPointsTerm (diag): Σ + h²I must be positive', () => {
  const x = pointsFromRows([[0, 0]]);
  // M = Σ + h²I = diag(0.01, 1); the point sits on the mean: −2 · h^d / √det M = −2 · 0.25 / 0.1 = −5.
  assert.ok(Math.abs(mmdPointsTerm(diag1([-0.24, 0.75]), x, h, null) + 5) < 1e-12);
  throwsExactly(() => mmdPointsTerm(diag1([1, -0.25]), x, h, null), 'RangeError: mmd: Sigma + h^2 I is not positive definite (entry 1 = 0)');
  throwsExactly(() => mmdPointsTerm(diag1([-1.25, 1]), x, h, null), 'RangeError: mmd: Sigma + h^2 I is not positive definite (entry 0 = -1)');
});
