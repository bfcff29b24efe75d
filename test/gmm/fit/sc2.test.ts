/**
 * SC2 (and MMD, which shares its parameterisation): variances do not collapse at d = 128, weights do not die,
 * the start is the initial mixture itself (regCovar not added twice), SC2+NLL never raises the NLL and its default
 * NLL phase (Adam) reaches the likelihood optimum where the paper's Lion at the SC2 rates does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import { fitSC2 } from '../../../src/gmm/fit/sc2.ts';
import { fitEM } from '../../../src/gmm/fit/em.ts';
import { standardFrame } from '../../../src/gmm/fit/core.ts';
import { Rng } from '../../../src/util/rng.ts';
import type { GMM as GMMType } from '../../../src/gmm/model/gmm.ts';

test('sc2: diagonal variances do not collapse on a 128-d mixture', () => {
  // Ten components with per-coordinate variances in [0.3, 1]. With the paper's 2-D learning rates Lion's
  // ±lr steps random-walk the weakly identified per-coordinate variances and some reach ~1e-5 within 250 steps
  // (NLL 452 against the truth's 154); the √(2/d)-scaled rates and the variance floor keep them at the data's scale.
  const d = 128, k = 10, rng = new Rng(5);
  const truth = new GMM({
    k, d, covarianceType: 'diag', weights: new Float64Array(k).fill(1 / k), means: new Float64Array(k * d).map(() => rng.normal()),
    covariances: new Float64Array(k * d).map(() => 0.3 + 0.7 * rng.uniform()),
  });
  const pts = truth.sample(600, 3).points;
  const r = fitSC2(pts, { k, seed: 1, covarianceType: 'diag', maxIter: 250, tol: 0, L: 16 });
  const v = Array.from(r.gmm.covariances);
  assert.ok(Math.min(...v) >= 0.1 * 0.3, `smallest fitted variance ${Math.min(...v)} (smallest true variance ≥ 0.3)`);
  const nll = r.gmm.nll(pts), ref = truth.nll(pts);
  assert.ok(nll < ref + 0.05 * Math.abs(ref), `NLL ${nll} vs the truth's ${ref}`);
});

const iso = (v: number, k: number) => new Float64Array(Array.from({ length: k }, () => [v, 0, 0, v]).flat());

test('sc2: a component started far from the data keeps its weight and reaches an unclaimed cluster', () => {
  const truth = new GMM({ k: 4, d: 2, covarianceType: 'full', weights: new Float64Array([0.25, 0.25, 0.25, 0.25]), means: new Float64Array([-4, 0, 4, 0, 0, 4, 0, -4]), covariances: iso(0.3, 4) });
  const data = truth.sample(400, 2).points;
  const start = new GMM({ k: 4, d: 2, covarianceType: 'full', weights: new Float64Array([0.25, 0.25, 0.25, 0.25]), means: new Float64Array([-4, 0.5, 4, 0.5, 0.5, 4, 12, 12]), covariances: iso(0.3, 4) });
  // SC2 is slow (1200 steps leave a mean 0.6 from its cluster and the weights at 0.16-0.33); it keeps every
  // component alive, and its NLL phase then settles each on its own cluster.
  const r = fitSC2(data, { k: 4, init: start, seed: 0, lrWeights: 1e-3, maxIter: 1200, nllSteps: 100 });
  for (let c = 0; c < 4; c++) assert.ok(r.gmm.weights[c] > 0.15, `weight ${c} = ${r.gmm.weights[c]}`);
  for (let t = 0; t < 4; t++) {
    let best = Infinity;
    for (let c = 0; c < 4; c++) best = Math.min(best, Math.hypot(r.gmm.means[2 * c] - truth.means[2 * t], r.gmm.means[2 * c + 1] - truth.means[2 * t + 1]));
    assert.ok(best < 0.5, `cluster ${t}: nearest fitted mean ${best.toFixed(2)} away`);
  }
});

test('sc2 and mmd start from the initial mixture itself (regCovar is not added a second time)', () => {
  // Data with variance far below regCovar: before, the factors were taken from Σ₀ (which already includes regCovar)
  // and regCovar was added again, so the model started — and, with little signal, ended — at Σ₀ + regCovar.
  const rng = new Rng(1);
  const data = new Float64Array(400);
  for (let i = 0; i < 400; i++) data[i] = (i % 2 ? 1 : -1) + 1e-4 * rng.normal();
  const pts = { n: 400, d: 1, data };
  const init = new GMM({ k: 2, d: 1, covarianceType: 'full', weights: new Float64Array([0.5, 0.5]), means: new Float64Array([-1, 1]), covariances: new Float64Array([0.01, 0.01]) });
  for (const method of ['sc2', 'mmd'] as const) {
    let first: GMMType | undefined;
    fitGMM(method, pts, {
      k: 2, init, regCovar: 0.005, maxIter: 1, tol: 0,
      ...(method === 'mmd' ? { bandwidth: 0.5 } : { minVariance: 0 }),
      onStep: ({ gmm }: { gmm: () => GMMType }) => { first = gmm(); },
    });
    for (let c = 0; c < 2; c++) assert.ok(Math.abs(first!.covariances[c] - 0.01) < 1e-12, `${method}: start variance ${first!.covariances[c]} (init 0.01)`);
  }
});

test('sc2+nll: the NLL phase (Adam by default, or the paper\'s Lion at the SC2 rates) never raises the NLL', () => {
  const truth = new GMM({ k: 3, d: 2, covarianceType: 'full', weights: new Float64Array([0.3, 0.4, 0.3]), means: new Float64Array([-4, 0, 0, 1, 4, -1]), covariances: iso(0.4, 3) });
  const data = truth.sample(600, 8).points;
  const base = { k: 3, seed: 2, maxIter: 200, tol: 0 };
  const a = fitSC2(data, base);
  const b = fitSC2(data, { ...base, nllSteps: 100 });
  const c = fitSC2(data, { ...base, nllSteps: 100, nllOptimizer: 'lion' });
  for (const [name, r] of [['adam', b], ['lion', c]] as const) {
    assert.equal(r.history.fineTune?.loss.length, 100);
    assert.ok(r.history.finalNll! <= a.history.finalNll! + 1e-12, `SC2+NLL (${name}) ${r.history.finalNll} vs SC2 ${a.history.finalNll}`);
    assert.equal(r.gmm.meta?.method, 'sc2+nll');
  }
  // Lion at the SC2 phase's rates: a step moves every mean coordinate by exactly lrMeans (standardised units), so
  // 100 steps move a mean by at most 100 · lrMeans · scale.
  const { scale } = standardFrame(data);
  for (let j = 0; j < 6; j++) assert.ok(Math.abs(c.gmm.means[j] - a.gmm.means[j]) <= 100 * 2e-2 * scale + 1e-9);
  assert.throws(() => fitSC2(data, { ...base, nllSteps: 5, nllOptimizer: 'bogus' }), /option nllOptimizer must be one of/);
});

test('sc2+nll: the default NLL phase reaches EM\'s optimum on thin components, where Lion at the SC2 rates circles it', () => {
  // Two needle-thin clusters (sd 0.02 across, 1 along) and a round one: Lion's fixed ±lr steps (3e-3 on a factor
  // entry) cannot resolve a 0.02 sd, Adam's shrinking steps can (the ring–line–square case, see sc2.ts).
  const needle = (a: number, b: number) => [a, 0, 0, b];
  const truth = new GMM({
    k: 3, d: 2, covarianceType: 'full', weights: new Float64Array([0.3, 0.4, 0.3]), means: new Float64Array([-3, 0, 0, 1, 3, -1]),
    covariances: new Float64Array([...needle(1, 4e-4), ...needle(4e-4, 1), ...needle(0.3, 0.3)]),
  });
  const data = truth.sample(600, 8).points;
  const base = { k: 3, seed: 2, maxIter: 300, tol: 0, nllSteps: 150 };
  const adam = fitSC2(data, base);
  const lion = fitSC2(data, { ...base, nllOptimizer: 'lion' });
  const em = fitEM(data, { k: 3, init: adam.gmm, maxIter: 500, tol: 1e-9 }).gmm.nll(data);
  assert.ok(adam.history.finalNll! - em < 1e-3, `Adam NLL phase ${adam.history.finalNll} vs EM from it ${em}`);
  assert.ok(lion.history.finalNll! - em > 0.05, `Lion NLL phase ${lion.history.finalNll} vs EM ${em}: the test no longer separates them`);
});
