/**
 * Per-fitter option defaults of src/gmm/fit (sc2.ts, sw.ts, nll.ts, mmd.ts, fixed-basis.ts, registry.ts) observed
 * through the fits: a fit without the option equals the fit with the documented value written out (parameters and
 * loss history) and differs from the fit with a neighbouring value; iteration caps are counted with tol 0 (no early
 * stop); lrFinal only acts under a cosine schedule (fitMMD's default, an option of fitSW and fitSC2). Tiny problems,
 * short runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSC2 } from '../../../src/gmm/fit/sc2.ts';
import { fitSW } from '../../../src/gmm/fit/sw.ts';
import { fitNLL } from '../../../src/gmm/fit/nll.ts';
import { fitMMD } from '../../../src/gmm/fit/mmd.ts';
import { fitFixedBasis } from '../../../src/gmm/fit/fixed-basis.ts';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import type { Points } from '../../../src/gmm/model/types.ts';
import type { FitResult } from '../../../src/gmm/fit/contract.ts';
import { Rng } from '../../../src/util/rng.ts';

/** n points of two blobs in d dimensions. */
function blobs(n: number, d: number, seed: number): Points {
  const rng = new Rng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = (i % 2 ? 3 : -1) * (j === 0 ? 1 : 0.5) + rng.normal();
  return { n, d, data };
}
const pts2 = blobs(60, 2, 1), pts3 = blobs(60, 3, 2);

type Fit = (target: Points | GMM, o: Record<string, unknown>) => FitResult;
const outcome = (r: FitResult) => ({ ...r.gmm.params(), loss: r.history.loss, iterations: r.history.iterations });

/** fit(base) = fit(base + {key: value}) ≠ fit(base + {key: neighbour}). */
function pinned(fit: Fit, target: Points | GMM, base: Record<string, unknown>, key: string, value: unknown, neighbour: unknown): void {
  const byDefault = outcome(fit(target, base));
  assert.deepEqual(byDefault, outcome(fit(target, { ...base, [key]: value })), `${key}: the default is ${String(value)}`);
  assert.notDeepEqual(byDefault, outcome(fit(target, { ...base, [key]: neighbour })), `${key}: ${String(neighbour)} gives another fit`);
}

test('fitSC2: L 7 in 2-d and 64 above, lrMeans 0.02 in 2-d, maxIter 1200', () => {
  const base = { k: 2, maxIter: 15, tol: 0 };
  pinned(fitSC2, pts2, base, 'L', 7, 8);
  pinned(fitSC2, pts3, { ...base, maxIter: 5 }, 'L', 64, 65);
  pinned(fitSC2, pts2, base, 'lrMeans', 0.02, 0.03);
  assert.equal(fitSC2(pts2, { k: 1, tol: 0 }).history.iterations, 1200);
});

test('fitSW: L 8 in 2-d and 32 above, p 2', () => {
  const base = { k: 2, maxIter: 15, tol: 0, finishIter: 0 };
  pinned(fitSW, pts2, base, 'L', 8, 9);
  pinned(fitSW, pts3, base, 'L', 32, 33);
  pinned(fitSW, pts2, base, 'p', 2, 3);
});

test('fitNLL: lr 0.01, maxIter 500; fitMMD: lr 0.02, maxIter 300', () => {
  pinned(fitNLL as Fit, pts2, { k: 2, maxIter: 10, tol: 0 }, 'lr', 0.01, 0.02);
  assert.equal(fitNLL(pts2, { k: 1, tol: 0 }).history.iterations, 500);
  pinned(fitMMD, pts2, { k: 2, maxIter: 10, tol: 0 }, 'lr', 0.02, 0.03);
  assert.equal(fitMMD(pts2, { k: 1, tol: 0 }).history.iterations, 300);
});

test('fitFixedBasis: nBasis 200; nSamples 5000 drawn from a GMM target', () => {
  pinned(fitFixedBasis, pts2, { k: 2 }, 'nBasis', 200, 201);
  const g = new GMM({ k: 2, d: 2, covarianceType: 'diag', weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(-2, 0, 2, 1), covariances: Float64Array.of(1, 1, 0.5, 1) });
  pinned(fitFixedBasis, g, { k: 2 }, 'nSamples', 5000, 5001);
});

test('fitGMM: nInit 1 (one start)', () => {
  const em = (t: Points | GMM, o: Record<string, unknown>) => fitGMM('em', t, o);
  pinned(em, pts3, { k: 3, maxIter: 5, tol: 0, init: 'random', seed: 1 }, 'nInit', 1, 2);
});

const target2 = new GMM({ k: 2, d: 2, covarianceType: 'diag', weights: Float64Array.of(0.4, 0.6), means: Float64Array.of(-2, 0, 2, 1), covariances: Float64Array.of(1, 1, 0.5, 1) });

test('fitSW: lrFinal 0.02 (cosine schedule), nSamples 4000 drawn from a GMM target', () => {
  const base = { k: 2, maxIter: 15, tol: 0, finishIter: 0, schedule: 'cosine' };
  pinned(fitSW, pts2, base, 'lrFinal', 0.02, 0.03);
  pinned(fitSW, target2, { k: 2, maxIter: 5, tol: 0 }, 'nSamples', 4000, 4001);
});

test('fitSC2: lrWeights 5e-6 and lrFactors 3e-3 in 2-d, lrFinal 0.02 (cosine schedule)', () => {
  const base = { k: 2, maxIter: 15, tol: 0 };
  pinned(fitSC2, pts2, base, 'lrWeights', 5e-6, 6e-6);
  pinned(fitSC2, pts2, base, 'lrFactors', 3e-3, 4e-3);
  pinned(fitSC2, pts2, { ...base, schedule: 'cosine' }, 'lrFinal', 0.02, 0.03);
});

test('fitMMD: lrFinal 0.02 (its default cosine schedule), nSamples 4000 drawn from a GMM target', () => {
  pinned(fitMMD, pts2, { k: 2, maxIter: 10, tol: 0 }, 'lrFinal', 0.02, 0.03);
  pinned(fitMMD, target2, { k: 2, maxIter: 3, tol: 0 }, 'nSamples', 4000, 4001);
});
