/**
 * PlateauMonitor (src/gmm/fit/core.ts) by hand: the moving average, the checks every `window` steps, r at each
 * check, the strict `r < tol` edge, `patience`, `minIter` and the 2·window floor, non-finite losses skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlateauMonitor } from '../../../src/gmm/fit/core.ts';

/** Feeds the losses from step 0; returns the step at which the monitor said converged (-1: never). */
function run(m: PlateauMonitor, losses: number[]): number {
  for (let t = 0; t < losses.length; t++) if (m.update(t, losses[t])) return t;
  return -1;
}

test('window 1, losses halving: r = 1 at every check; r < tol is strict; patience, minIter and the 2·window floor', () => {
  const halving = [8, 4, 2, 1, 0.5, 0.25, 0.125];
  const atTol = new PlateauMonitor(1, 1);
  assert.equal(run(atTol, halving), -1, 'r = tol exactly is not below tol');
  assert.equal(atTol.lastChange, 1);
  // tol 1.5: checks from step 1 on pass; two in a row by step 2 (step + 1 = 3 ≥ 2·window = 2).
  assert.equal(run(new PlateauMonitor(1.5, 1), halving), 2);
  assert.equal(run(new PlateauMonitor(1.5, 1, 5), halving), 4, 'minIter 5: not before step + 1 = 5');
  assert.equal(run(new PlateauMonitor(1.5, 1, 0, 3), halving), 3, 'patience 3');
  assert.equal(run(new PlateauMonitor(1.5, 1, 0, 1), halving), 1, 'patience 1, floor 2·window = 2 steps');
  assert.equal(run(new PlateauMonitor(0, 1), halving), -1, 'tol 0 never stops');
  // A check that fails resets the count: r = 1 (fails), 0.1/3.9 (passes), 2.9 (fails: reset), then two passes.
  assert.equal(run(new PlateauMonitor(0.5, 1), [8, 4, 3.9, 1, 0.99, 0.98]), 5);
});

test('window 2: the average E_t = E_{t−1} + (loss − E_{t−1}) / 2, checked at steps 1, 3, 5 with r = (E_prev − E) / |E|', () => {
  const m = new PlateauMonitor(0.2, 2);
  // E: 4, 3, 2.5, 2.25, 2.125, 2.0625.
  const losses = [4, 2, 2, 2, 2, 2];
  const said: boolean[] = [];
  const r: number[] = [];
  for (let t = 0; t < losses.length; t++) { said.push(m.update(t, losses[t])); r.push(m.lastChange); }
  assert.deepEqual(said, [false, false, false, false, false, false]);
  // No r before the second check; at step 3: (3 − 2.25) / 2.25; at step 5: (2.25 − 2.0625) / 2.0625.
  assert.deepEqual(r.map((v) => (Number.isNaN(v) ? 'NaN' : v)), ['NaN', 'NaN', 'NaN', (3 - 2.25) / 2.25, (3 - 2.25) / 2.25, (2.25 - 2.0625) / 2.0625]);
  // One more pair of steps at 2: E = 2.015625, r = (2.0625 − 2.015625) / 2.015625 < 0.2 twice → converged at step 7.
  assert.equal(m.update(6, 2), false);
  assert.equal(m.update(7, 2), true);
});

test('non-finite losses are skipped: no effect on the average or the checks', () => {
  const a = new PlateauMonitor(1.5, 1), b = new PlateauMonitor(1.5, 1);
  assert.equal(a.update(0, 8), false);
  for (const bad of [NaN, Infinity, -Infinity]) assert.equal(a.update(1, bad), false);
  b.update(0, 8);
  assert.deepEqual([a.update(1, 4), a.lastChange], [b.update(1, 4), b.lastChange]);
  assert.equal(a.lastChange, 1);
});
