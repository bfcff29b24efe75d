/**
 * The shared option checks of src/gmm/fit/options.ts with their exact messages, on both sides of each edge:
 * probability ([0, 1]), unitInterval ([0, 1)), booleanOption, oneOf, and validateCommon's own checks (k required,
 * init, init GMM's k, covarianceType the fitter supports, onStep).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { booleanOption, oneOf, probability, unitInterval, validateCommon } from '../../../src/gmm/fit/options.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';

const E = 'GMMOptionError';

test('probability: [0, 1] with both ends accepted, just outside and non-numbers refused', () => {
  assert.equal(probability('q', 0), 0);
  assert.equal(probability('q', 1), 1);
  assert.equal(probability('q', 0.25), 0.25);
  for (const v of [-1e-12, 1 + 1e-12, NaN, Infinity]) throwsExactly(() => probability('q', v), `${E}: option q must be a number in [0, 1], got ${v}`);
  throwsExactly(() => probability('q', '0.5'), `${E}: option q must be a number in [0, 1], got "0.5"`);
});

test('unitInterval: [0, 1) with 0 accepted and 1 refused', () => {
  assert.equal(unitInterval('decay', 0), 0);
  assert.equal(unitInterval('decay', 1 - 2 ** -53), 1 - 2 ** -53);
  for (const v of [1, -1e-12, NaN]) throwsExactly(() => unitInterval('decay', v), `${E}: option decay must be a number in [0, 1), got ${v}`);
  throwsExactly(() => unitInterval('decay', null), `${E}: option decay must be a number in [0, 1), got null`);
});

test('booleanOption: only true and false', () => {
  assert.equal(booleanOption('standardize', true), true);
  assert.equal(booleanOption('standardize', false), false);
  throwsExactly(() => booleanOption('standardize', 'true'), `${E}: option standardize must be true or false, got "true"`);
  throwsExactly(() => booleanOption('standardize', 0), `${E}: option standardize must be true or false, got 0`);
});

test('oneOf: the allowed strings quoted in order; other strings and non-strings refused', () => {
  const allowed = ['constant', 'cosine'] as const;
  assert.equal(oneOf('schedule', 'cosine', allowed), 'cosine');
  assert.equal(oneOf('schedule', 'constant', allowed), 'constant');
  throwsExactly(() => oneOf('schedule', 'Cosine', allowed), `${E}: option schedule must be one of 'constant', 'cosine', got "Cosine"`);
  throwsExactly(() => oneOf('schedule', 1, allowed), `${E}: option schedule must be one of 'constant', 'cosine', got 1`);
});

test('validateCommon: k required, init values, an init GMM with another k, covariance types, onStep', () => {
  throwsExactly(() => validateCommon({}), `${E}: fit: option k (number of components) is required`);
  throwsExactly(() => validateCommon({ k: undefined }, { where: 'fitSW' }), `${E}: fitSW: option k (number of components) is required`);
  throwsExactly(() => validateCommon({ k: 0 }), `${E}: option k must be a positive integer, got 0`);
  for (const init of ['kmeans++', 'random', 'small'] as const) assert.equal(validateCommon({ k: 2, init }).init, init);
  throwsExactly(() => validateCommon({ k: 2, init: 'kmeans' }), `${E}: option init must be 'kmeans++', 'random', 'small' or a GMM instance, got "kmeans"`);
  throwsExactly(() => validateCommon({ k: 2, init: null }), `${E}: option init must be 'kmeans++', 'random', 'small' or a GMM instance, got null`);
  const g2 = new GMM({ k: 2, d: 1, covarianceType: 'diag', weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(-1, 1), covariances: Float64Array.of(1, 2) });
  assert.equal(validateCommon({ k: 2, init: g2 }).init, g2);
  throwsExactly(() => validateCommon({ k: 3, init: g2 }), `${E}: option init is a GMM with k = 2 components, but option k = 3`);
  throwsExactly(() => validateCommon({ k: 1, init: g2 }), `${E}: option init is a GMM with k = 2 components, but option k = 1`);
  // Default support: full and diag; a fitter may declare more.
  assert.equal(validateCommon({ k: 1, covarianceType: 'diag' }).covarianceType, 'diag');
  throwsExactly(() => validateCommon({ k: 1, covarianceType: 'tied' }, { where: 'fitSW' }), `${E}: fitSW: covarianceType 'tied' is not supported; it fits 'full', 'diag'`);
  throwsExactly(() => validateCommon({ k: 1, covarianceType: 'spherical' }), `${E}: fit: covarianceType 'spherical' is not supported; it fits 'full', 'diag'`);
  assert.equal(validateCommon({ k: 1, covarianceType: 'tied' }, { covarianceTypes: ['full', 'tied'] }).covarianceType, 'tied');
  throwsExactly(() => validateCommon({ k: 1, covarianceType: 'diag' }, { covarianceTypes: ['full', 'tied'] }), `${E}: fit: covarianceType 'diag' is not supported; it fits 'full', 'tied'`);
  const onStep = () => true;
  assert.equal(validateCommon({ k: 1, onStep }).onStep, onStep);
  assert.equal(validateCommon({ k: 1 }).onStep, undefined);
  throwsExactly(() => validateCommon({ k: 1, onStep: 'log' }), `${E}: option onStep must be a function, got "log"`);
  throwsExactly(() => validateCommon({ k: 1, onStep: null }), `${E}: option onStep must be a function, got null`);
});
