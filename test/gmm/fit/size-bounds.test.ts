/**
 * Every fitter's bounds that depend on the data size, at their exact edges through fitGMM: k = n is fitted and
 * k = n + 1 refused; for the minibatch fitters, batchSize = n is accepted and n + 1 refused — each with its exact
 * message (the fitter named for k; the shared wording for batchSize).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import type { Points } from '../../../src/gmm/model/types.ts';

const n = 6;
const data: Points = { n, d: 2, data: Float64Array.of(0, 0, 1, 0.2, 0.1, 1.3, 3, 3.2, 3.4, 2.9, 2.7, 3.6) };
const fast = { maxIter: 2, seed: 1 };
const KNAME: Record<string, string> = { sw: 'fitSW', sc2: 'fitSC2', mmd: 'fitMMD', nll: 'fitNLL', em: 'fitEM' };

for (const method of Object.keys(KNAME)) {
  test(`${method}: k = n is fitted, k = n + 1 is refused with its message`, () => {
    assert.equal(fitGMM(method as never, data, { k: n, ...fast }).gmm.k, n);
    assert.throws(() => fitGMM(method as never, data, { k: n + 1, ...fast }), (e: unknown) => e instanceof Error && e.name === 'GMMOptionError'
      && e.message === `${KNAME[method]}: k = ${n + 1} exceeds the number of points n = ${n}`);
  });
}

for (const method of ['sw', 'sc2', 'mmd', 'nll']) {
  test(`${method}: batchSize = n is accepted, n + 1 refused with the shared message`, () => {
    assert.equal(fitGMM(method as never, data, { k: 2, batchSize: n, ...fast }).gmm.k, 2);
    assert.throws(() => fitGMM(method as never, data, { k: 2, batchSize: n + 1, ...fast }), (e: unknown) => e instanceof Error && e.name === 'GMMOptionError'
      && e.message === `option batchSize (${n + 1}) exceeds the number of points n = ${n}`);
  });
}
