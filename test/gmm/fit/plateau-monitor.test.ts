/**
 * PlateauMonitor (src/gmm/fit/core.ts), the stopping rule of the stochastic fitters, step by step on loss sequences
 * whose smoothed level is known by hand: the EMA E_t = E_{t−1} + (loss_t − E_{t−1}) / window, a check every
 * `window` steps (after steps window − 1, 2·window − 1, …), r = (E_prev − E_t) / |E_t|, convergence after `patience`
 * consecutive checks with r < tol, never before max(minIter, 2·window) steps; tol = 0 never stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlateauMonitor } from '../../../src/gmm/fit/core.ts';

/** The first step (0-based) at which update() returns true for the loss sequence, or −1. */
function stopStep(m: PlateauMonitor, loss: (step: number) => number, steps: number): number {
  for (let s = 0; s < steps; s++) if (m.update(s, loss(s))) return s;
  return -1;
}

test('PlateauMonitor: a constant loss converges exactly at the third check (patience 2, the first check has nothing to compare)', () => {
  assert.equal(stopStep(new PlateauMonitor(0.01, 5), () => 3, 100), 14);
  assert.equal(stopStep(new PlateauMonitor(0.01, 4), () => 3, 100), 11);
  // patience 1: the second check (step 2·window − 1) already stops.
  assert.equal(stopStep(new PlateauMonitor(0.01, 5, 0, 1), () => 3, 100), 9);
  assert.equal(stopStep(new PlateauMonitor(0.01, 5, 0, 3), () => 3, 100), 19);
  // minIter delays the stop to the first check at or after it.
  assert.equal(stopStep(new PlateauMonitor(0.01, 5, 30), () => 3, 100), 29);
  assert.equal(stopStep(new PlateauMonitor(0.01, 5, 31), () => 3, 100), 34);
  // tol = 0 never stops.
  assert.equal(stopStep(new PlateauMonitor(0, 5), () => 3, 200), -1);
});

test('PlateauMonitor: lastChange is set at each check and equals (E_prev − E_t) / |E_t| of the hand-computed EMA', () => {
  const m = new PlateauMonitor(0.01, 5);
  const loss = (s: number) => (s < 5 ? 10 : 0);
  for (let s = 0; s < 9; s++) {
    assert.equal(m.update(s, loss(s)), false);
    assert.ok(Number.isNaN(m.lastChange), `step ${s}: no change before the second check`);
  }
  assert.equal(m.update(9, loss(9)), false);
  // E = 10 through step 4; then five steps towards 0: 10 · 0.8⁵ = 3.2768.
  const E = 10 * 0.8 ** 5;
  assert.ok(Math.abs(m.lastChange - (10 - E) / E) < 1e-12, `lastChange ${m.lastChange}`);
  // Unchanged between checks.
  assert.equal(m.update(10, 0), false);
  assert.ok(Math.abs(m.lastChange - (10 - E) / E) < 1e-12);
});

test('PlateauMonitor: a check with r ≥ tol resets the count; rising and falling losses; non-finite losses are skipped', () => {
  // 5 until step 9 (the check at 9 is below tol), then 1: the check at 14 sees a large r and resets the count; the
  // EMA then decays towards 1 by a factor 0.8 per step until r < tol at two consecutive checks (recomputed below).
  const loss = (s: number) => (s < 10 ? 5 : 1);
  const m = new PlateauMonitor(0.01, 5);
  const stop = stopStep(m, loss, 400);
  assert.ok(stop > 19 && (stop + 1) % 5 === 0, `stops at a check after the drop, got ${stop}`);
  // The EMA after the drop decays towards 1 by 0.8 per step: r < 0.01 needs (E_prev − E)/E < 0.01.
  let E = 5, prev = NaN, below = 0, want = -1;
  for (let s = 0; s < 400 && want < 0; s++) {
    E = s === 0 ? loss(0) : E + (loss(s) - E) / 5;
    if ((s + 1) % 5 !== 0) continue;
    if (Number.isFinite(prev)) below = (prev - E) / E < 0.01 ? below + 1 : 0;
    if (Number.isFinite(prev) && s + 1 >= 10 && below >= 2) want = s;
    prev = E;
  }
  assert.equal(stop, want);
  // A rising loss has r < 0 < tol at every check: it stops like a constant one. A geometric decrease (r ≈ 0.9⁻⁵ − 1
  // per check) never does.
  assert.equal(stopStep(new PlateauMonitor(0.01, 5), (s) => s, 400), 14);
  assert.equal(stopStep(new PlateauMonitor(0.01, 5), (s) => 0.9 ** s, 400), -1);
  // Negative losses (a mean NLL can be): r is relative to |E_t|, so a slow fall below zero stops like a constant.
  assert.equal(stopStep(new PlateauMonitor(0.01, 5), (s) => -2 - 1e-6 * s, 100), 14);
  // A non-finite loss is skipped, check included: with NaN at step 9 the checks are 4, 14 (below 1), 19 (below 2).
  assert.equal(stopStep(new PlateauMonitor(0.01, 5), (s) => (s === 9 ? NaN : 3), 100), 19);
  assert.equal(stopStep(new PlateauMonitor(0.01, 5), (s) => (s === 7 ? Infinity : 3), 100), 14);
});
