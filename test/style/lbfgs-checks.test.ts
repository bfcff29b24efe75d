/**
 * minimizeLbfgs's argument checks (src/style/lbfgs.ts) at their edges with the exact messages: history ≥ 1 and
 * maxIterations ≥ 0 (integers), and an objective that is not finite at the start. The edge values pass: history 1
 * still minimises a quadratic, maxIterations 0 returns the start point after one evaluation, a huge finite start
 * value is not refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimizeLbfgs } from '../../src/style/lbfgs.ts';

const rejectsExactly = (p: Promise<unknown>, message: string) =>
  assert.rejects(p, (e: Error) => {
    assert.equal(`${e.name}: ${e.message}`, message);
    return true;
  });
/** f(x) = Σ (x_i − i − 1)², minimum at (1, 2, …). */
const quad = (x: Float64Array) => ({ f: x.reduce((s, v, i) => s + (v - i - 1) ** 2, 0), g: x.map((v, i) => 2 * (v - i - 1)) });

test('history must be an integer >= 1; 1 is accepted and still converges', async () => {
  for (const h of [0, -1, 1.5, NaN]) await rejectsExactly(minimizeLbfgs(quad, [0, 0], { history: h }), `RangeError: history must be an integer >= 1, got ${h}`);
  const r = await minimizeLbfgs(quad, [0, 0], { history: 1, maxIterations: 50 });
  assert.ok(Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 2) < 1e-6, `x = ${[...r.x]}`);
});

test('maxIterations must be an integer >= 0; 0 returns the start point after one evaluation', async () => {
  for (const m of [-1, 0.5, NaN]) await rejectsExactly(minimizeLbfgs(quad, [0, 0], { maxIterations: m }), `RangeError: maxIterations must be an integer >= 0, got ${m}`);
  const r = await minimizeLbfgs(quad, [0, 0], { maxIterations: 0 });
  assert.deepEqual([...r.x], [0, 0]);
  assert.equal(r.f, 5);
  assert.equal(r.iterations, 0);
  assert.equal(r.evaluations, 1);
});

test('an objective that is not finite at the start is refused with its value, after onStart saw it; a huge finite one runs', async () => {
  for (const f0 of [NaN, Infinity, -Infinity]) {
    const seen: number[] = [];
    await rejectsExactly(minimizeLbfgs(() => ({ f: f0, g: [0] }), [1], { onStart: (f) => void seen.push(f) }), `RangeError: L-BFGS: the objective is not finite at the start (${f0})`);
    assert.deepEqual(seen, [f0]);
  }
  const r = await minimizeLbfgs((x) => ({ f: 1e300 + 0 * x[0], g: [0] }), [1], { maxIterations: 3 });
  assert.equal(r.f, 1e300);
});
