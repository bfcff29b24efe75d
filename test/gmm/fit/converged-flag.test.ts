/**
 * history.converged and history.iterations of the stochastic fitters (SW, SC2, MMD) say what stopped them: the
 * stopping rule (PlateauMonitor, here with window 5 and a tol every check passes, so it stops at its earliest, after
 * 3 · 5 = 15 steps: converged) or maxIter (tol 0: not converged). EM and NLL likewise with their own rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGMM, type FitMethod } from '../../../src/gmm/fit/registry.ts';
import '../../../src/gmm/index.ts';
import { Rng } from '../../../src/util/rng.ts';

const rng = new Rng(8);
const n = 150, d = 2, data = new Float64Array(n * d);
for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = rng.normal() + (i % 3) * 4;
const X = { n, d, data };

const extra: Partial<Record<FitMethod, Record<string, unknown>>> = { sw: { finishIter: 0 }, sc2: { nllSteps: 0 } };

for (const method of ['sw', 'sc2', 'mmd'] as FitMethod[]) {
  test(`${method}: converged after the stopping rule's earliest stop, not converged at maxIter`, () => {
    const stopped = fitGMM(method, X, { k: 3, seed: 1, maxIter: 100, tol: 10, window: 5, ...extra[method] }).history;
    assert.deepEqual([stopped.iterations, stopped.converged, stopped.loss.length], [15, true, 15]);
    const ran = fitGMM(method, X, { k: 3, seed: 1, maxIter: 40, tol: 0, window: 5, ...extra[method] }).history;
    assert.deepEqual([ran.iterations, ran.converged, ran.loss.length], [40, false, 40]);
  });
}

test('em and nll: converged when their rule stops them before maxIter, not when maxIter does', () => {
  for (const method of ['em', 'nll'] as FitMethod[]) {
    const stopped = fitGMM(method, X, { k: 3, seed: 1, maxIter: 5000, tol: 1e-2 }).history;
    assert.ok(stopped.converged && stopped.iterations < 5000, `${method}: ${stopped.iterations} iterations, converged ${stopped.converged}`);
    const ran = fitGMM(method, X, { k: 3, seed: 1, maxIter: 3, tol: 0 }).history;
    assert.deepEqual([ran.iterations, ran.converged], [3, false], method);
  }
});
