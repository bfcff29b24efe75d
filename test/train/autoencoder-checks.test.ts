/**
 * src/train/autoencoder.ts' checks with exact messages: validateAeConfig (loss 'mae' | 'mse'; alpha 0 accepted,
 * −1e-9, ∞ and NaN refused; lr and discLr inside (0, 1), their edges 0 and 1 refused) and meanAbsError's equal
 * lengths (the value on a hand-computed pair).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_AE_CONFIG, meanAbsError, validateAeConfig, type AeLossConfig } from '../../src/train/autoencoder.ts';
import { throwsExactly } from '../_assert.ts';

const cfg = (o: Partial<Record<keyof AeLossConfig, unknown>>) => ({ ...DEFAULT_AE_CONFIG, ...o }) as AeLossConfig;

test('validateAeConfig: loss, alpha and learning rates at their edges', () => {
  for (const ok of [{}, { loss: 'mse' }, { alpha: 0 }, { lr: 0.999, discLr: 1e-9 }]) assert.doesNotThrow(() => validateAeConfig(cfg(ok)), JSON.stringify(ok));
  for (const loss of ['l1', 'MAE', '']) throwsExactly(() => validateAeConfig(cfg({ loss })), `Error: autoencoder loss must be "mae" or "mse", got "${loss}"`);
  for (const alpha of [-1e-9, Infinity, NaN]) throwsExactly(() => validateAeConfig(cfg({ alpha })), `Error: alpha (adversarial weight) must be a finite number ≥ 0, got ${alpha}`);
  for (const k of ['lr', 'discLr'] as const) {
    for (const v of [0, 1, NaN, -0.1]) throwsExactly(() => validateAeConfig(cfg({ [k]: v })), `Error: ${k} must be in (0, 1), got ${v}`);
  }
});

test('meanAbsError: equal lengths give the mean |a − b|; different lengths are refused naming both', () => {
  assert.equal(meanAbsError([1, 2, 3, 4], Float32Array.of(0, 2, 5, 3.5)), (1 + 0 + 2 + 0.5) / 4);
  assert.equal(meanAbsError([0.5], [0.5]), 0);
  throwsExactly(() => meanAbsError([1, 2, 3], [1, 2]), 'Error: meanAbsError: lengths differ (3 vs 2)');
  throwsExactly(() => meanAbsError([], [0]), 'Error: meanAbsError: lengths differ (0 vs 1)');
});
