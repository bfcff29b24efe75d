/**
 * RateGate (src/util/rate-gate.ts) on a hand-driven clock: the first call passes, then one per interval with the
 * edge (exactly intervalMs later) passing, forced calls always pass and restart the interval; bad intervals are
 * refused. And the two gates built on it keep their documented rates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateGate } from '../../src/util/rate-gate.ts';
import { FIT_PROGRESS_INTERVAL_MS } from '../../src/latent/fit.ts';
import { throwsExactly } from '../_assert.ts';

test('RateGate: first call, then at most one per interval (the edge passes); force passes and restarts it', () => {
  let t = 1000;
  const gate = new RateGate(500, () => t);
  const at = (ms: number, force = false) => { t = ms; return gate.ready(force); };
  assert.deepEqual(
    [at(1000), at(1000), at(1499), at(1500), at(1999.5), at(2000), at(2100, true), at(2599), at(2600)],
    [true, false, false, true, false, true, true, false, true],
  );
  // A clock starting at 0 (a new worker's performance.now) still lets the first call through.
  let u = 0;
  const fresh = new RateGate(500, () => u);
  assert.deepEqual([fresh.ready(), (u = 499, fresh.ready()), (u = 500, fresh.ready())], [true, false, true]);
  // Interval 0: every call passes.
  const open = new RateGate(0, () => 7);
  assert.deepEqual([open.ready(), open.ready()], [true, true]);
});

test('RateGate: the interval must be a finite number ≥ 0, exact message', () => {
  for (const bad of [-1, NaN, Infinity]) {
    throwsExactly(() => new RateGate(bad), `RangeError: RateGate: intervalMs must be a finite number >= 0, got ${bad}`);
  }
});

test('the latent fit workers report a step at most twice a second, as FitOptions.onProgress documents', () => {
  assert.equal(FIT_PROGRESS_INTERVAL_MS, 500);
});
