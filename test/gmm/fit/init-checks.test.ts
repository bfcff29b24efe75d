/**
 * Checks of src/gmm/fit/init.ts with their exact messages: initGMM's method and covarianceType, the singular
 * initial covariances of a degenerate point set (regCovar 0 refused, the smallest positive regCovar accepted), and
 * resolveInit's init GMM with another k than the options (reached when the resolved options are built directly).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { initGMM, resolveInit } from '../../../src/gmm/fit/init.ts';
import { validateCommon } from '../../../src/gmm/fit/options.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';
import { Rng } from '../../../src/util/rng.ts';

const E = 'GMMOptionError';
const pts = pointsFromRows([[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 6]]);

test('initGMM: method and covarianceType from their lists', () => {
  for (const method of ['kmeans++', 'random', 'small'] as const) assert.equal(initGMM(pts, 2, { method }).k, 2);
  throwsExactly(() => initGMM(pts, 2, { method: 'kmeans' as never }), `${E}: initGMM: method must be one of 'kmeans++', 'random', 'small', got kmeans`);
  throwsExactly(() => initGMM(pts, 2, { method: 3 as never }), `${E}: initGMM: method must be one of 'kmeans++', 'random', 'small', got 3`);
  for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) assert.equal(initGMM(pts, 2, { covarianceType }).covarianceType, covarianceType);
  throwsExactly(() => initGMM(pts, 2, { covarianceType: 'box' as never }), `${E}: initGMM: covarianceType must be one of 'full', 'tied', 'diag', 'spherical', got box`);
});

test('initGMM: identical points with regCovar 0 give singular covariances; any positive regCovar is enough', () => {
  const same = pointsFromRows([[1, 2], [1, 2], [1, 2]]);
  const msg = (inner: string) => `${E}: initGMM: the initial covariances are singular (${inner}); use regCovar > 0`;
  throwsExactly(() => initGMM(same, 1, { regCovar: 0 }), msg('GMM: covariances[0] (component 0) is not positive-definite (Cholesky failed at pivot 0)'));
  throwsExactly(() => initGMM(same, 1, { regCovar: 0, covarianceType: 'diag' }), msg('GMM: covariances[0][0] (component 0) must be a positive variance, got 0'));
  throwsExactly(() => initGMM(same, 1, { regCovar: 0, covarianceType: 'tied' }), msg('GMM: covariances (the tied covariance) is not positive-definite (Cholesky failed at pivot 0)'));
  throwsExactly(() => initGMM(same, 1, { regCovar: 0, covarianceType: 'spherical' }), msg('GMM: covariances[0] (component 0) must be a positive variance, got 0'));
  // One cluster of identical points: mean (1, 2), covariance regCovar·I.
  const g = initGMM(same, 1, { regCovar: 1e-300 }).params();
  assert.deepEqual([...g.means], [1, 2]);
  assert.deepEqual([...g.covariances], [1e-300, 0, 0, 1e-300]);
});

test('resolveInit: an init GMM must have the options\' k (and is returned as given)', () => {
  const g2 = new GMM({ k: 2, d: 2, covarianceType: 'full', weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 0, 5, 5), covariances: Float64Array.of(1, 0, 0, 1, 1, 0, 0, 1) });
  assert.equal(resolveInit(pts, validateCommon({ k: 2, init: g2 })), g2);
  throwsExactly(() => resolveInit(pts, { ...validateCommon({ k: 3 }), init: g2 }), `${E}: option init is a GMM with k = 2 components, but option k = 3`);
  throwsExactly(() => resolveInit(pts, { ...validateCommon({ k: 1 }), init: g2 }), `${E}: option init is a GMM with k = 2 components, but option k = 1`);
});

test('resolveInit on a target GMM: initGMM on max(2000, 50·k) samples drawn from a fork of the seed\'s generator (k = 3 → 2000, k = 50 → 2500)', () => {
  const target = new GMM({ k: 2, d: 2, covarianceType: 'full', weights: Float64Array.of(0.3, 0.7), means: Float64Array.of(-2, 0, 3, 1), covariances: Float64Array.of(1, 0.2, 0.2, 0.5, 0.7, 0, 0, 1.5) });
  for (const [k, n] of [[3, 2000], [50, 2500]]) {
    const common = validateCommon({ k, seed: 11 });
    /** initGMM on m draws of the target from a fork of the seed's generator. */
    const startFrom = (m: number) => initGMM(target.sample(m, new Rng(11).fork()).points, k, { method: common.init as never, seed: 11, covarianceType: common.covarianceType, regCovar: common.regCovar }).params();
    const want = startFrom(n);
    const got = resolveInit(target, common).params();
    assert.deepEqual([...got.means], [...want.means], `k = ${k}: means`);
    assert.deepEqual([...got.covariances], [...want.covariances], `k = ${k}: covariances`);
    assert.deepEqual([...got.weights], [...want.weights], `k = ${k}: weights`);
    // Another sample size gives another start (so the count is what is checked).
    const other = startFrom(50 * k === n ? 2000 : 50 * k);
    assert.notDeepEqual([...got.means], [...other.means], `k = ${k}: a start from another sample size differs`);
  }
});
