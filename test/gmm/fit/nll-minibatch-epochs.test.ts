/**
 * NLL descent with minibatches (src/gmm/fit/nll.ts) draws them without replacement from a fresh permutation every
 * epoch: with batchSize n/2 each epoch's two batches partition the data, so at (practically) fixed parameters
 * (learning rate 1e-12) the mean of the two recorded batch losses of every epoch equals the full-data mean NLL.
 * A sampler that skipped or repeated a point at an epoch boundary would break the equality from the second epoch on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitNLL } from '../../../src/gmm/fit/nll.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { Rng } from '../../../src/util/rng.ts';

test('fitNLL minibatches: every epoch of two batches of n/2 covers each point once', () => {
  const rng = new Rng(4);
  const n = 60, d = 2, data = new Float64Array(n * d);
  // Spread-out points with a few far ones, so that leaving any point out or counting one twice shows.
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = rng.normal() * (1 + (i % 7 === 0 ? 6 : 0));
  const X = { n, d, data };
  const init = new GMM({ k: 2, d, covarianceType: 'full', weights: Float64Array.of(0.4, 0.6), means: Float64Array.of(-1, 0, 1, 0.5), covariances: Float64Array.of(2, 0.3, 0.3, 1, 1.5, 0, 0, 2) });
  const losses: number[] = [];
  fitNLL(X, { k: 2, init, batchSize: n / 2, maxIter: 12, tol: 0, lr: 1e-12, regCovar: 0, standardize: false, onStep: ({ loss }: { loss: number }) => { losses.push(loss); } });
  assert.equal(losses.length, 12);
  const full = init.nll(X);
  for (let e = 0; e < 6; e++) {
    const mean = (losses[2 * e] + losses[2 * e + 1]) / 2;
    assert.ok(Math.abs(mean - full) < 1e-8, `epoch ${e}: mean batch loss ${mean} vs full NLL ${full}`);
    assert.notEqual(losses[2 * e], losses[2 * e + 1], `epoch ${e}: two different halves`);
  }
});
