/**
 * minimizeLbfgs's stopping rules (src/style/lbfgs.ts) against its own trace: relTolerance stops at the first
 * accepted step whose relative decrease |f_k − f_{k+1}| / max(|f_k|, 1e-30) is below it (every earlier one is not),
 * and gradTolerance at the first iterate with max |∇f| ≤ it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimizeLbfgs } from '../../src/style/lbfgs.ts';

// An ill-conditioned quadratic f = Σ c_i (x_i − 1)² + 1 (minimum 1, so relative decreases shrink towards 0).
const c = [1, 10, 100, 0.3];
const fg = (x: Float64Array) => ({
  f: 1 + x.reduce((s, v, i) => s + c[i] * (v - 1) ** 2, 0),
  g: Array.from(x, (v, i) => 2 * c[i] * (v - 1)),
});
const x0 = [5, -3, 2, 8];

test('relTolerance: stops at the first step whose relative decrease is below it', async () => {
  for (const tol of [1e-2, 1e-4, 1e-8]) {
    const r = await minimizeLbfgs(fg, x0, { relTolerance: tol, maxIterations: 500 });
    assert.equal(r.reason, 'relTolerance', `tol ${tol}`);
    const rel = (k: number) => Math.abs(r.trace[k] - r.trace[k + 1]) / Math.max(Math.abs(r.trace[k]), 1e-30);
    const last = r.trace.length - 2;
    assert.ok(rel(last) < tol, `tol ${tol}: last decrease ${rel(last)}`);
    for (let k = 0; k < last; k++) assert.ok(rel(k) >= tol, `tol ${tol}: step ${k} decreased by ${rel(k)} but did not stop`);
    assert.equal(r.iterations, r.trace.length - 1);
  }
});

test('gradTolerance: stops at the first iterate with max |∇f| ≤ it', async () => {
  const seen: number[] = [];
  const r = await minimizeLbfgs(fg, x0, {
    gradTolerance: 1e-6, maxIterations: 500,
    onIteration: ({ x }) => { seen.push(Math.max(...fg(x).g.map(Math.abs))); },
  });
  assert.equal(r.reason, 'gradTolerance');
  assert.ok(seen.at(-1)! <= 1e-6, `last gradient ${seen.at(-1)}`);
  for (const v of seen.slice(0, -1)) assert.ok(v > 1e-6);
});
