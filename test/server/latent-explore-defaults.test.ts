/**
 * projectLatentSet's default cap on the codes used for the principal axes (src/server/latent-explore.ts: at most
 * 10 000 rows, every ⌈n / 10 000⌉-th beyond that): 10 001 random 3-d codes give the axes of every 2nd code, exactly as
 * with maxPca 10 000 written out and unlike maxPca 10 001 (all codes); 10 000 codes use them all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../src/gmm/model/gmm.ts';
import { LatentModelSet } from '../../src/latent/model-set.ts';
import { Rng } from '../../src/util/rng.ts';
import { projectLatentSet } from '../../src/server/latent-explore.ts';

const g = new GMM({ k: 1, d: 3, covarianceType: 'diag', weights: Float64Array.of(1), means: new Float64Array(3), covariances: new Float64Array(3).fill(1) });
const set = new LatentModelSet('hand', new Map([[0, g]]));
function codes(n: number) {
  const rng = new Rng(3);
  // Anisotropic, so the axes are well defined; every row differs, so which rows are used shows in the result.
  return { n, d: 3, data: Float64Array.from({ length: 3 * n }, (_, i) => (3 - (i % 3)) * rng.normal()), labels: new Int32Array(n) };
}

test('projectLatentSet: the axes come from at most 10 000 codes by default', () => {
  const c = codes(10_001);
  const dflt = projectLatentSet(set, c);
  assert.deepEqual(dflt, projectLatentSet(set, c, { maxPca: 10_000 }));
  assert.deepEqual(dflt, projectLatentSet(set, c, { maxPca: 5001 }), 'every 2nd code either way');
  assert.notDeepEqual(dflt.explained, projectLatentSet(set, c, { maxPca: 10_001 }).explained);
  const c2 = codes(10_000);
  assert.deepEqual(projectLatentSet(set, c2), projectLatentSet(set, c2, { maxPca: 20_000 }), '10 000 codes: all of them');
});
