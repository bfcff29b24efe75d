/**
 * The properties issue 11 asks of the gradient fitters: SW weights cannot die, SW + its EM finish reaches the
 * optimum from a start where EM alone does not, the NLL descent never ends worse than it started (tiny-scale
 * data), and the stopping rule ends stochastic fits on a plateau.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import { fitEM } from '../../../src/gmm/fit/em.ts';
import { fitSW, SW_DEFAULTS } from '../../../src/gmm/fit/sw.ts';
import { PlateauMonitor } from '../../../src/gmm/fit/core.ts';
import { Rng } from '../../../src/util/rng.ts';

const iso = (v: number, k: number) => new Float64Array(Array.from({ length: k }, () => [v, 0, 0, v]).flat());

test('sw: a component started far from the data keeps its weight and reaches an unclaimed cluster', () => {
  // Four equal clusters; three components start on three of them, the fourth far from every point. Clipping
  // the weights at 0 (the earlier projection) let this one die at weight 0, where its gradient vanishes for good.
  const truth = new GMM({ k: 4, d: 2, covarianceType: 'full', weights: new Float64Array([0.25, 0.25, 0.25, 0.25]), means: new Float64Array([-4, 0, 4, 0, 0, 4, 0, -4]), covariances: iso(0.3, 4) });
  const data = truth.sample(400, 2).points;
  const start = new GMM({ k: 4, d: 2, covarianceType: 'full', weights: new Float64Array([0.25, 0.25, 0.25, 0.25]), means: new Float64Array([-4, 0.5, 4, 0.5, 0.5, 4, 12, 12]), covariances: iso(0.3, 4) });
  const r = fitSW(data, { k: 4, init: start, seed: 0, finishIter: 0, levels: 64 });
  for (let c = 0; c < 4; c++) assert.ok(r.gmm.weights[c] > 0.15, `weight ${c} = ${r.gmm.weights[c]} (weights ${Array.from(r.gmm.weights)})`);
  // Every cluster has a component within 0.5 of its centre.
  for (let t = 0; t < 4; t++) {
    let best = Infinity;
    for (let c = 0; c < 4; c++) best = Math.min(best, Math.hypot(r.gmm.means[2 * c] - truth.means[2 * t], r.gmm.means[2 * c + 1] - truth.means[2 * t + 1]));
    assert.ok(best < 0.5, `cluster ${t}: nearest fitted mean ${best.toFixed(2)} away`);
  }
});

test('sw: weights never fall below minWeight × the largest, even for a component the data do not need', () => {
  // One cluster; the third component starts far away and, with a large weight step and slow means, SW drives its
  // weight towards 0 — down to the floor and no further.
  const data = new GMM({ k: 1, d: 2, covarianceType: 'full', weights: new Float64Array([1]), means: new Float64Array([0, 0]), covariances: iso(1, 1) }).sample(300, 4).points;
  const start = new GMM({ k: 3, d: 2, covarianceType: 'full', weights: new Float64Array([1 / 3, 1 / 3, 1 / 3]), means: new Float64Array([-0.5, 0, 0.5, 0, 10, 10]), covariances: iso(0.5, 3) });
  const opts = { k: 3, init: start, seed: 1, finishIter: 0, maxIter: 200, tol: 0, lr: 1e-4, lrWeights: 0.1, levels: 64 };
  const w = Array.from(fitSW(data, { ...opts, minWeight: 0.05 }).gmm.weights);
  assert.ok(Math.min(...w) >= 0.05 * Math.max(...w) * (1 - 1e-9), `weights ${w}`);
  const free = Array.from(fitSW(data, { ...opts, minWeight: 0 }).gmm.weights);
  assert.ok(free[2] < 0.05 * Math.max(...free), `without the floor the far weight falls further: ${free}`);
});

test('sw + finish reaches the optimum from a start where EM alone stays in a local optimum', () => {
  const truth = new GMM({ k: 3, d: 2, covarianceType: 'full', weights: new Float64Array([1 / 3, 1 / 3, 1 / 3]), means: new Float64Array([-6, 0, 0, 0, 6, 0]), covariances: iso(0.5, 3) });
  const data = truth.sample(400, 1).points;
  // Two components on the left cluster, one between the other two.
  const bad = new GMM({ k: 3, d: 2, covarianceType: 'full', weights: new Float64Array([1 / 3, 1 / 3, 1 / 3]), means: new Float64Array([-6.5, 0, -5.5, 0, 3, 0]), covariances: iso(0.3, 3) });
  const optimum = fitEM(data, { k: 3, init: truth }).gmm.nll(data);
  const em = fitEM(data, { k: 3, init: bad }).gmm.nll(data);
  assert.ok(em > optimum + 0.2, `EM from the bad start: ${em} (optimum ${optimum})`);
  const sw = fitGMM('sw', data, { k: 3, init: bad, seed: 0, levels: 64 });
  assert.ok(sw.gmm.nll(data) < optimum + 1e-6, `SW + finish: ${sw.gmm.nll(data)} (optimum ${optimum})`);
  // Both phases are in the history; the finish is fitEM from the SW phase's result with the finish defaults.
  assert.ok(sw.history.lossName === 'sw2' && sw.history.fineTune?.lossName === 'nll' && sw.history.fineTune.iterations >= 1);
  const phase = fitSW(data, { k: 3, init: bad, seed: 0, levels: 64, finishIter: 0 });
  assert.equal(phase.history.fineTune, undefined);
  const again = fitEM(data, { k: 3, init: phase.gmm, maxIter: SW_DEFAULTS.finishIter, tol: SW_DEFAULTS.finishTol });
  assert.deepEqual(Array.from(again.gmm.means), Array.from(sw.gmm.means));
});

test('nll: the descent never ends worse than its start on tiny-scale data', () => {
  // 400 points in two clusters at 5 and 5.01 with sd 0.001: in data units a learning rate of 0.01 throws the means
  // far outside the data; the standardised frame and the best iterate keep the fit at or below its start.
  const rng = new Rng(3);
  const data = new Float64Array(400);
  for (let i = 0; i < 400; i++) data[i] = (i < 200 ? 5 : 5.01) + 0.001 * rng.normal();
  const pts = { n: 400, d: 1, data };
  const em = fitEM(pts, { k: 2, seed: 0 }).gmm.nll(pts);
  for (const opts of [{}, { standardize: false }, { lr: 0.5 }, { batchSize: 64, maxIter: 100 }]) {
    const r = fitGMM('nll', pts, { k: 2, seed: 0, ...opts });
    const start = fitGMM('nll', pts, { k: 2, seed: 0, ...opts, maxIter: 1 }).history.loss[0];
    assert.ok(r.gmm.nll(pts) <= start + 1e-9, `${JSON.stringify(opts)}: end ${r.gmm.nll(pts)} > start ${start}`);
    for (let c = 0; c < 2; c++) assert.ok(r.gmm.means[c] > 4.99 && r.gmm.means[c] < 5.02, `${JSON.stringify(opts)}: mean ${r.gmm.means[c]} outside the data`);
  }
  // With the default options it also matches EM.
  assert.ok(fitGMM('nll', pts, { k: 2, seed: 0 }).gmm.nll(pts) <= em + 1e-3);
});

test('PlateauMonitor stops on a noisy plateau, not while the smoothed loss still falls', () => {
  const rng = new Rng(9);
  const m = new PlateauMonitor(2e-3, 50);
  let stopped = -1;
  for (let t = 0; t < 5000; t++) {
    const level = 1 + 2 * Math.exp(-t / 300); // falls ~0.3 % per 50 steps at t = 1500, then levels off
    if (m.update(t, level * (1 + 0.1 * rng.normal()))) { stopped = t; break; }
  }
  assert.ok(stopped > 1400 && stopped < 3000, `stopped at ${stopped}`);
  const never = new PlateauMonitor(0, 50);
  for (let t = 0; t < 500; t++) assert.equal(never.update(t, 1), false);
});

test('sw and sc2 keep the asked covariance type through their likelihood phases (diag stays diag)', () => {
  const truth = new GMM({ k: 2, d: 3, covarianceType: 'diag', weights: Float64Array.from([0.5, 0.5]), means: Float64Array.from([0, 0, 0, 4, 4, 4]), covariances: Float64Array.from([1, 0.5, 2, 1, 1, 0.3]) });
  const pts = truth.sample(400, new Rng(3)).points;
  const sw = fitGMM('sw', pts, { k: 2, covarianceType: 'diag', seed: 1, maxIter: 40, finishIter: 5 });
  assert.equal(sw.gmm.covarianceType, 'diag');
  assert.equal(sw.gmm.covariances.length, 2 * 3);
  assert.ok(sw.history.fineTune, 'the EM finish ran');
  const sc2 = fitGMM('sc2', pts, { k: 2, covarianceType: 'diag', seed: 1, maxIter: 20, nllSteps: 5 });
  assert.equal(sc2.gmm.covarianceType, 'diag');
  assert.equal(sc2.gmm.covariances.length, 2 * 3);
});
