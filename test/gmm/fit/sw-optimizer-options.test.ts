/**
 * fitSW's optimizer-specific options: varianceFloor (and blocks) belong to its RMSProp optimizer; with another
 * optimizer they are refused with a message naming the option and the optimizer, and without them every other
 * optimizer fits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import '../../../src/gmm/index.ts';
import { Rng } from '../../../src/util/rng.ts';
import { throwsExactly } from '../../_assert.ts';

const rng = new Rng(4);
const X = { n: 120, d: 2, data: Float64Array.from({ length: 240 }, (_, t) => rng.normal() + (t % 4 < 2 ? 0 : 4)) };

test('SW: varianceFloor and blocks only with rmsprop; adam and sgd fit without them', () => {
  for (const optimizer of ['adam', 'sgd']) {
    const r = fitGMM('sw', X, { k: 2, seed: 1, maxIter: 5, finishIter: 0, optimizer });
    assert.equal(r.history.iterations, 5, optimizer);
    throwsExactly(() => fitGMM('sw', X, { k: 2, maxIter: 5, finishIter: 0, optimizer, varianceFloor: 0.1 }), `GMMOptionError: fitSW: option varianceFloor applies to optimizer 'rmsprop' only, got '${optimizer}'`);
    throwsExactly(() => fitGMM('sw', X, { k: 2, maxIter: 5, finishIter: 0, optimizer, blocks: 'component' }), `GMMOptionError: fitSW: option blocks applies to optimizer 'rmsprop' only, got '${optimizer}'`);
  }
  assert.equal(fitGMM('sw', X, { k: 2, seed: 1, maxIter: 5, finishIter: 0, optimizer: 'rmsprop', varianceFloor: 0.1, blocks: 'component' }).history.iterations, 5);
});
