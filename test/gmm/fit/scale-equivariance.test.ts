/**
 * Every fitter is equivariant under a change of units: fitting s·X + b with regCovar·s² gives s·μ + b, s²·Σ and the
 * same weights as fitting X with regCovar (the fitters that work in a standardised frame convert regCovar and the
 * bandwidth into it, so a conversion that multiplied where it should divide would show here with s ≠ 1). s = 1000,
 * b = (−5, 7); the ridge is large enough (0.05 of the data's variance) for a wrongly converted one to change the fit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGMM, type FitMethod } from '../../../src/gmm/fit/registry.ts';
import '../../../src/gmm/index.ts';
import { Rng } from '../../../src/util/rng.ts';

const n = 300, d = 2, s = 1000, b = [-5, 7];
const rng = new Rng(3);
const data = new Float64Array(n * d);
for (let i = 0; i < n; i++) {
  const c = i % 3;
  data[i * d] = 3 * c + 0.6 * rng.normal();
  data[i * d + 1] = (c === 1 ? 2 : 0) + 0.4 * rng.normal();
}
const X = { n, d, data };
const Y = { n, d, data: data.map((v, t) => s * v + b[t % d]) };

const extra: Partial<Record<FitMethod, Record<string, unknown>>> = { sw: { finishIter: 0 }, sc2: { nllSteps: 0 } };

for (const method of ['em', 'nll', 'sw', 'sc2', 'mmd'] as FitMethod[]) {
  test(`${method}: s·X + b with regCovar·s² gives s·μ + b, s²·Σ, the same weights`, () => {
    const r = 0.05;
    const opts = { k: 3, seed: 2, maxIter: 25, tol: 0, covarianceType: 'full' as const, ...extra[method] };
    const a = fitGMM(method, X, { ...opts, regCovar: r }).gmm;
    const z = fitGMM(method, Y, { ...opts, regCovar: r * s * s }).gmm;
    const rel = (u: number, v: number) => Math.abs(u - v) / Math.max(1e-12, Math.abs(v));
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(z.weights[c] - a.weights[c]) < 1e-7, `${method}: weight ${c}: ${z.weights[c]} vs ${a.weights[c]}`);
      for (let j = 0; j < d; j++) assert.ok(Math.abs((z.means[c * d + j] - b[j]) / s - a.means[c * d + j]) < 1e-6, `${method}: mean ${c},${j}`);
      for (let t = 0; t < d * d; t++) assert.ok(rel(z.covariances[c * d * d + t] / (s * s), a.covariances[c * d * d + t]) < 1e-6 || Math.abs(z.covariances[c * d * d + t] / (s * s) - a.covariances[c * d * d + t]) < 1e-9, `${method}: covariance ${c},${t}: ${z.covariances[c * d * d + t] / (s * s)} vs ${a.covariances[c * d * d + t]}`);
    }
  });
}
