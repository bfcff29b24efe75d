/**
 * initGMM's metadata records the documented defaults (src/gmm/fit/init.ts): without options the returned GMM's
 * meta is { init: 'kmeans++', seed: 0 }; given options it records them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initGMM } from '../../../src/gmm/fit/init.ts';

const pts = { n: 6, d: 1, data: Float64Array.of(0, 0.1, 0.2, 5, 5.1, 5.2) };

test('initGMM meta: kmeans++ and seed 0 by default; the given method and seed otherwise', () => {
  assert.deepEqual(initGMM(pts, 2).meta, { init: 'kmeans++', seed: 0 });
  assert.deepEqual(initGMM(pts, 2, { seed: 0 }).meta, { init: 'kmeans++', seed: 0 });
  assert.deepEqual(initGMM(pts, 2, { seed: 3, method: 'random' }).meta, { init: 'random', seed: 3 });
});
