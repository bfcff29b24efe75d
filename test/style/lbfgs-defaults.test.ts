/**
 * The documented defaults of minimizeLbfgs (src/style/lbfgs.ts: history 8, maxIterations 100,
 * maxEvaluations 2 · maxIterations + 10, c1 1e-4, firstStep 1e-2, maxBacktracks 12) observed through
 * results: leaving an option out gives exactly the run with the documented value, and the neighbouring
 * value gives a different run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimizeLbfgs, type LbfgsOptions, type LbfgsResult, type ValueAndGradient } from '../../src/style/lbfgs.ts';

/** The parts of a result that a default can change, as plain values. */
const summary = (r: LbfgsResult) => ({ x: Array.from(r.x), f: r.f, iterations: r.iterations, evaluations: r.evaluations, reason: r.reason, trace: r.trace });

async function run(fg: ValueAndGradient, x0: number[], opts: LbfgsOptions) {
  return summary(await minimizeLbfgs(fg, x0, opts));
}

/** Extended Rosenbrock in 12 dimensions: needs many iterations, so the history length shows. */
const rosen: ValueAndGradient = (x) => {
  let f = 0;
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i += 2) {
    const a = x[i];
    const b = x[i + 1];
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    g[i] = -400 * a * (b - a * a) - 2 * (1 - a);
    g[i + 1] = 200 * (b - a * a);
  }
  return { f, g };
};
const rosenStart = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));

test('history defaults to 8 pairs and maxIterations to 100 (Rosenbrock, 12-d)', async () => {
  const dflt = await run(rosen, rosenStart, {});
  assert.equal(dflt.reason, 'maxIterations');
  assert.equal(dflt.iterations, 100);
  assert.deepEqual(dflt, await run(rosen, rosenStart, { history: 8, maxIterations: 100 }));
  assert.notDeepEqual(dflt.trace, (await run(rosen, rosenStart, { history: 9 })).trace);
  assert.equal((await run(rosen, rosenStart, { maxIterations: 101 })).iterations, 101);
});

/** f finite only at the start: every trial step fails, so the line search runs to its limits. */
const cliff: ValueAndGradient = (x) => ({ f: x[0] === 1 ? 1 : NaN, g: [1] });

test('maxBacktracks defaults to 12: 13 trials, then the line search gives up', async () => {
  const dflt = await run(cliff, [1], {});
  assert.equal(dflt.reason, 'lineSearch');
  assert.equal(dflt.evaluations, 1 + 13);
  assert.deepEqual(dflt, await run(cliff, [1], { maxBacktracks: 12 }));
  assert.equal((await run(cliff, [1], { maxBacktracks: 13 })).evaluations, 1 + 14);
});

test('maxEvaluations defaults to 2 · maxIterations + 10', async () => {
  // With 100 backtracks allowed, the first line search runs until the evaluation cap.
  const dflt = await run(cliff, [1], { maxIterations: 5, maxBacktracks: 100 });
  assert.equal(dflt.reason, 'maxEvaluations');
  assert.equal(dflt.evaluations, 2 * 5 + 10);
  assert.deepEqual(dflt, await run(cliff, [1], { maxIterations: 5, maxBacktracks: 100, maxEvaluations: 20 }));
  assert.equal((await run(cliff, [1], { maxIterations: 5, maxBacktracks: 100, maxEvaluations: 21 })).evaluations, 21);
  // The same rule with the default maxIterations (100): 210 evaluations.
  assert.equal((await run(cliff, [1], { maxBacktracks: 1000 })).evaluations, 210);
});

test('c1 defaults to 1e-4: a trial decreasing f by 1.5e-4 · t · |∇fᵀd| is accepted, with c1 = 2e-4 it is not', async () => {
  // At x = 0: f = 0, g = −1, so d = 1, ∇fᵀd = −1 and the first trial is t = firstStep = 0.01.
  // Off the start f(x) = −1.5e-4 x: Armijo f ≤ f₀ + c₁ t ∇fᵀd holds for c₁ = 1e-4 and fails for 2e-4 at every t.
  const shallow: ValueAndGradient = (x) => ({ f: x[0] === 0 ? 0 : -1.5e-4 * x[0], g: [-1] });
  const dflt = await run(shallow, [0], { maxIterations: 1 });
  assert.equal(dflt.reason, 'maxIterations');
  assert.deepEqual(dflt.x, [0.01]);
  assert.equal(dflt.evaluations, 2);
  assert.deepEqual(dflt, await run(shallow, [0], { maxIterations: 1, c1: 1e-4 }));
  const strict = await run(shallow, [0], { maxIterations: 1, c1: 2e-4 });
  assert.deepEqual(strict.x, [0]);
  assert.equal(strict.iterations, 0);
});

test('firstStep defaults to 1e-2: the first step moves the largest coordinate by exactly 0.01', async () => {
  // f = ½|x|², x₀ = (1, −0.5): d = −x₀, t = 0.01 / 1, x₁ = 0.99 · x₀.
  const quad: ValueAndGradient = (x) => ({ f: 0.5 * (x[0] ** 2 + x[1] ** 2), g: [x[0], x[1]] });
  const dflt = await run(quad, [1, -0.5], { maxIterations: 1 });
  assert.deepEqual(dflt.x, [1 - 0.01, -0.5 * (1 - 0.01)]);
  assert.deepEqual(dflt, await run(quad, [1, -0.5], { maxIterations: 1, firstStep: 1e-2 }));
  assert.deepEqual((await run(quad, [1, -0.5], { maxIterations: 1, firstStep: 2e-2 })).x, [1 - 0.02, -0.5 * (1 - 0.02)]);
});
