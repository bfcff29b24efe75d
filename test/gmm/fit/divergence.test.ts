/**
 * A fit that diverges (a learning rate far too large, or an initial mixture whose densities overflow on the data)
 * stops with its fitter's own GMMOptionError — naming the fitter, the step and the remedy — whichever check sees it
 * first: the loss check of a step, a factorisation, or the snapshot of the last parameters (fitterSnapshot in
 * src/gmm/fit/core.ts). Never a GMMValidationError from the GMM constructor, never a mixture with NaN returned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGMM, type FitMethod } from '../../../src/gmm/fit/registry.ts';
import '../../../src/gmm/index.ts';
import { fitterSnapshot, identityFrame } from '../../../src/gmm/fit/core.ts';
import { GMMOptionError } from '../../../src/gmm/fit/options.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { Rng } from '../../../src/util/rng.ts';
import { withEnv } from '../../_env.ts';

function twoBlobs() {
  const rng = new Rng(3);
  const n = 200, d = 2, data = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = rng.normal() + (i % 4 < 2 ? 4 : 0);
  return { n, d, data };
}

const own = (where: string, hint: RegExp) => (e: unknown) => e instanceof GMMOptionError && new RegExp(`^${where}: `).test((e as Error).message) && hint.test((e as Error).message);

test('gradient fitters with a learning rate far too large stop with their own error at every run length', () => {
  const X = twoBlobs();
  const cases: [FitMethod, Record<string, unknown>, RegExp][] = [
    ['sw', { lr: 1e150 }, /lower lr$/],
    ['sw', { lr: 1e150, covarianceType: 'diag' }, /lower lr$/],
    ['sc2', { lrFactors: 1e300 }, /lower the learning rates$/],
    ['sc2', { lrWeights: 1e150, lrMeans: 1e150, lrFactors: 1e150 }, /lower the learning rates$/],
    ['mmd', { lr: 1e200 }, /lower lr or increase regCovar$/],
    ['nll', { lr: 1e200 }, /lower lr or increase regCovar$/],
  ];
  let stopped = 0;
  for (const [method, opts, hint] of cases) {
    for (const maxIter of [1, 2, 5, 50]) {
      let gmm: GMM | null = null;
      try {
        gmm = fitGMM(method, X, { k: 2, seed: 1, maxIter, ...opts }).gmm;
      } catch (e) {
        assert.ok(own(`fit${method.toUpperCase()}`, hint)(e), `${method} ${JSON.stringify(opts)} maxIter ${maxIter}: ${String(e)}`);
        stopped++;
        continue;
      }
      // A run short enough to end before diverging returns a valid mixture.
      for (const v of [...gmm.weights, ...gmm.means, ...gmm.covariances]) assert.ok(Number.isFinite(v), `${method} maxIter ${maxIter}: a non-finite parameter returned`);
    }
  }
  assert.ok(stopped >= 18, `${stopped} of 24 runs stopped`); // 19 at the time of writing
});

test('the last parameters invalid: the snapshot names the fitter, the step count (singular and plural) and the remedy', () => {
  const params = { k: 1, d: 1, covarianceType: 'diag' as const, weights: Float64Array.of(1), means: Float64Array.of(NaN), covariances: Float64Array.of(1) };
  let steps = 1;
  const snap = fitterSnapshot('fitXY', 'lower lr', params, identityFrame(1), { method: 'xy' }, () => steps);
  assert.throws(snap, (e: unknown) => e instanceof GMMOptionError && (e as Error).message === 'fitXY: the mixture became invalid after 1 step (GMM: means[0][0] (component 0) is not finite: NaN); lower lr');
  steps = 7;
  params.means[0] = 0;
  params.covariances[0] = -1;
  assert.throws(snap, (e: unknown) => e instanceof GMMOptionError && (e as Error).message === 'fitXY: the mixture became invalid after 7 steps (GMM: covariances[0] (component 0) must be a positive variance, got -1); lower lr');
  params.covariances[0] = 2;
  const g = snap();
  assert.deepEqual([...g.means, ...g.covariances], [0, 2]);
  assert.equal(g.meta?.method, 'xy');
});

test('EM and NLL from an initial mixture whose densities overflow on the data: their own error at step 0', () => {
  const X = { n: 4, d: 1, data: Float64Array.of(-1e200, -1e200, 1e200, 1e200) };
  const init = new GMM({ k: 2, d: 1, covarianceType: 'diag', weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 1), covariances: Float64Array.of(1e-300, 1e-300) });
  assert.throws(() => fitGMM('em', X, { k: 2, init, regCovar: 0, covarianceType: 'diag' }), (e: unknown) => e instanceof GMMOptionError && (e as Error).message === 'fitEM: the log-likelihood became -Infinity at iteration 1; increase regCovar');
  for (const kernels of ['js', 'wasm']) {
    withEnv({ GMMGEN_KERNELS: kernels }, () => {
      assert.throws(() => fitGMM('nll', X, { k: 2, init, regCovar: 0, standardize: false, covarianceType: 'diag' }), (e: unknown) => e instanceof GMMOptionError && (e as Error).message === 'fitNLL: the loss became Infinity at step 0; lower lr or increase regCovar', kernels);
    });
  }
});
