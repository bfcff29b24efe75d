/**
 * The fit contract's onStep (src/gmm/fit/contract.ts: "called after every step; return false to stop") for every
 * registered method: steps 0, 1, 2, … are reported in order with the recorded loss; returning false at step s ends
 * the fit after exactly s + 1 recorded steps with a valid mixture; returning nothing never stops it early.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGMM, availableFitMethods } from '../../../src/gmm/fit/registry.ts';
import '../../../src/gmm/index.ts';
import { Rng } from '../../../src/util/rng.ts';

function blobs() {
  const rng = new Rng(5);
  const n = 120, d = 2, data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = rng.normal() + (i % 2) * 5;
  return { n, d, data };
}

for (const method of availableFitMethods()) {
  test(`${method}: onStep sees every step in order; false stops after that step; undefined runs on`, () => {
    const X = blobs();
    // fixed-basis has one step; EM stops when converged, so it runs with tol 0 here like the others.
    const maxIter = method === 'fixed-basis' ? 1 : 12;
    const stopAt = method === 'fixed-basis' ? 0 : 4;
    const base = { k: 2, seed: 1, maxIter, tol: 0, ...(method === 'sw' ? { finishIter: 0 } : method === 'sc2' ? { nllSteps: 0 } : {}) };
    const seen: number[] = [];
    const losses: number[] = [];
    const r = fitGMM(method, X, { ...base, onStep: ({ step, loss }: { step: number; loss: number }) => { seen.push(step); losses.push(loss); return step === stopAt ? false : undefined; } });
    assert.deepEqual(seen, Array.from({ length: stopAt + 1 }, (_, i) => i));
    assert.equal(r.history.loss.length, stopAt + 1);
    assert.deepEqual([...r.history.loss], losses);
    assert.equal(r.history.iterations, stopAt + 1);
    for (const v of [...r.gmm.weights, ...r.gmm.means, ...r.gmm.covariances]) assert.ok(Number.isFinite(v));
    const full: number[] = [];
    const all = fitGMM(method, X, { ...base, onStep: ({ step }: { step: number }) => { full.push(step); } });
    assert.equal(full.length, maxIter);
    assert.equal(all.history.iterations, maxIter);
  });
}
