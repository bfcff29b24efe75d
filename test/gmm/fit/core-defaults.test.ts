/**
 * PlateauMonitor's constructor defaults (src/gmm/fit/core.ts): window 25, minIter 0, patience 2 (the fitters pass
 * their own window and minIter, so only a direct call observes them). On a constant loss every check sees r = 0 < tol:
 * checks fall on steps window − 1, 2·window − 1, …; the first only records the level, so with patience 2 the rule
 * fires at the third check, step 3·window − 1 = 74 (and never before max(minIter, 2·window) = 50 steps).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlateauMonitor } from '../../../src/gmm/fit/core.ts';

/** The first 0-based step at which the monitor reports convergence on `loss(step)`, or −1 within `steps`. */
function stopStep(m: PlateauMonitor, loss: (step: number) => number, steps = 400): number {
  for (let s = 0; s < steps; s++) if (m.update(s, loss(s))) return s;
  return -1;
}

test('PlateauMonitor defaults: window 25 and patience 2 — a constant loss stops at step 74', () => {
  const flat = () => 3;
  assert.equal(stopStep(new PlateauMonitor(1e-3), flat), 74);
  assert.equal(stopStep(new PlateauMonitor(1e-3, 25, 0, 2), flat), 74, 'the defaults written out');
  assert.equal(stopStep(new PlateauMonitor(1e-3, 26), flat), 77, 'window 26: checks at 26, 52, 78 steps');
  assert.equal(stopStep(new PlateauMonitor(1e-3, 24), flat), 71, 'window 24');
  assert.equal(stopStep(new PlateauMonitor(1e-3, 25, 0, 3), flat), 99, 'patience 3: one check later');
  assert.equal(stopStep(new PlateauMonitor(1e-3, 25, 0, 1), flat), 49, 'patience 1: the 2·window floor');
});

test('PlateauMonitor default window 25 is the EMA time constant: lastChange after the second check, by hand', () => {
  // loss 1 for 25 steps then 0: the EMA is 1 through step 24 (first check), then decays by (1 − 1/25) per step.
  const m = new PlateauMonitor(1e-3);
  for (let s = 0; s < 50; s++) m.update(s, s < 25 ? 1 : 0);
  const ema = (1 - 1 / 25) ** 25;
  assert.ok(Math.abs(m.lastChange - (1 - ema) / ema) < 1e-12, `lastChange ${m.lastChange} vs ${(1 - ema) / ema}`);
});
