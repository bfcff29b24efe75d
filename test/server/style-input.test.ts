/**
 * The worker settings of a style job (styleWorkerInput): every absent request value takes the documented default
 * (the schema's doc comments and the page's starting values), and every given value passes through unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STYLE_JOB_DEFAULTS, styleWorkerInput } from '../../src/server/style-jobs.ts';
import { STYLE_DEFAULTS } from '../../src/style/job.ts';

const styles = [{ name: 'a', bytes: Buffer.from([1]) }];

test('an empty request gets the documented defaults: ratio 0.5, seed 0, 2 samples, sampled mode, Gram-set blend', () => {
  const input = styleWorkerInput({ styles, content: null, params: { styles: [{ painting: 'a' }] }, mobilenetDir: '/m' });
  assert.deepEqual(input, {
    styles, content: null, ratio: 0.5, seed: 0, samples: 2, mode: 'sampled', blend: 'grams',
    size: STYLE_DEFAULTS.size, iterations: STYLE_DEFAULTS.iterations, method: STYLE_DEFAULTS.method, mobilenetDir: '/m',
  });
  assert.equal(STYLE_JOB_DEFAULTS.seed, 0);
});

test('given values pass through, zeros included (ratio 0, seed 0), and crops only when set', () => {
  const params = { styles: [{ painting: 'a' }], ratio: 0, seed: 0, size: 64, iterations: 3, samples: 1, mode: 'mean' as const, method: 'pca-em' as const, blend: 'weights' as const };
  const input = styleWorkerInput({ styles, content: null, params, mobilenetDir: '/m', crops: 4 });
  assert.deepEqual(input, { styles, content: null, ratio: 0, seed: 0, size: 64, iterations: 3, samples: 1, mode: 'mean', method: 'pca-em', blend: 'weights', mobilenetDir: '/m', crops: 4 });
  const seeded = styleWorkerInput({ styles, content: null, params: { ...params, seed: 123 }, mobilenetDir: '/m' });
  assert.equal(seeded.seed, 123);
  assert.equal('crops' in seeded, false);
});
