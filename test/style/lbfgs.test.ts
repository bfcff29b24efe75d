/**
 * L-BFGS (src/style/lbfgs.ts): the two-loop direction against the explicit BFGS inverse-Hessian update,
 * the first (scaled steepest-descent) step by hand, convergence on a quadratic and on Rosenbrock, the
 * curvature-pair bookkeeping, and the error paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lbfgsDirection, minimizeLbfgs } from '../../src/style/lbfgs.ts';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

test('direction: −g without history; one pair matches H₁ = (I − ρ s yᵀ) γI (I − ρ y sᵀ) + ρ s sᵀ', () => {
  assert.deepEqual(Array.from(lbfgsDirection([1, -2, 3], [], [], [])), [-1, 2, -3]);
  const g = [3, -4];
  const s2 = Float64Array.from([0.5, 1]);
  const y2 = Float64Array.from([2, 1]);
  const rho = 1 / (s2[0] * y2[0] + s2[1] * y2[1]); // 1/2
  const gamma = (s2[0] * y2[0] + s2[1] * y2[1]) / (y2[0] ** 2 + y2[1] ** 2); // 2/5
  // Explicit H₁ (2 × 2).
  const I = [[1, 0], [0, 1]];
  const A = I.map((r, i) => r.map((v, j) => v - rho * s2[i] * y2[j]));
  const B = I.map((r, i) => r.map((v, j) => v - rho * y2[i] * s2[j]));
  const H = [[0, 0], [0, 0]];
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      let v = 0;
      for (let k = 0; k < 2; k++) v += A[i][k] * gamma * B[k][j];
      H[i][j] = v + rho * s2[i] * s2[j];
    }
  }
  const d = lbfgsDirection(g, [s2], [y2], [rho]);
  for (let i = 0; i < 2; i++) close(d[i], -(H[i][0] * g[0] + H[i][1] * g[1]), 1e-12, `d[${i}]`);
  // H₁ satisfies the secant equation H₁ y = s.
  for (let i = 0; i < 2; i++) close(H[i][0] * y2[0] + H[i][1] * y2[1], s2[i], 1e-12, 'secant');
});

test('first step: steepest descent scaled so the largest coordinate moves by firstStep, then stops at maxIterations', async () => {
  // f = ½|x|², x₀ = (2, −1): g = x₀, d = −g, t = 0.1 / 2; Armijo holds, x₁ = 0.95 · x₀.
  const seen: number[][] = [];
  const r = await minimizeLbfgs((x) => ({ f: 0.5 * (x[0] ** 2 + x[1] ** 2), g: [x[0], x[1]] }), [2, -1], {
    maxIterations: 1, firstStep: 0.1, onIteration: (i) => void seen.push(Array.from(i.x)),
  });
  close(r.x[0], 1.9, 1e-15, 'x0');
  close(r.x[1], -0.95, 1e-15, 'x1');
  assert.equal(r.iterations, 1);
  assert.equal(r.evaluations, 2);
  assert.equal(r.reason, 'maxIterations');
  assert.deepEqual(seen, [[1.9, -0.95]]);
  close(r.trace[0], 2.5, 0, 'f0');
  close(r.trace[1], 0.5 * (1.9 ** 2 + 0.95 ** 2), 1e-15, 'f1');
});

test('backtracking: a failed trial is followed by the minimiser of the quadratic through f(x), ∇fᵀd and f(x + t d), clamped to [0.1 t, 0.5 t], by hand', async () => {
  // f = x⁴ from x₀ = 1: g = 4, d = −4, gd = −16, first trial t = firstStep / 4.
  const trials = async (firstStep: number) => {
    const xs: number[] = [];
    await minimizeLbfgs((x) => { xs.push(x[0]); return { f: x[0] ** 4, g: [4 * x[0] ** 3] }; }, [1], { maxIterations: 1, firstStep });
    return xs;
  };
  // firstStep 3: t = 0.75, x = −2, f = 16 fails Armijo; t_q = 16 · 0.75² / (2 (16 − 1 + 16 · 0.75)) = 1/6, inside
  // [0.075, 0.375]: x = 1 − 4/6 = 1/3 (f = 1/81) is accepted.
  const a = await trials(3);
  assert.equal(a.length, 3);
  assert.deepEqual(a.slice(0, 2), [1, -2]);
  close(a[2], 1 / 3, 1e-15, 'quadratic step');
  // firstStep 10: t = 2.5, x = −9, f = 6561; t_q = 16 · 6.25 / (2 (6561 − 1 + 40)) ≈ 0.0076 < 0.1 t, so t = 0.25:
  // x = 0, accepted.
  assert.deepEqual(await trials(10), [1, -9, 0]);
});

test('a 3-D quadratic: reaches A⁻¹b to 1e-8, with unit steps accepted after the first', async () => {
  const A = [[4, 1, 0], [1, 3, -1], [0, -1, 2]];
  const b = [1, -2, 3];
  const f = (x: Float64Array) => {
    const Ax = A.map((r) => r[0] * x[0] + r[1] * x[1] + r[2] * x[2]);
    return { f: 0.5 * (x[0] * Ax[0] + x[1] * Ax[1] + x[2] * Ax[2]) - (b[0] * x[0] + b[1] * x[1] + b[2] * x[2]), g: Ax.map((v, i) => v - b[i]) };
  };
  const r = await minimizeLbfgs(f, [0, 0, 0], { maxIterations: 40, gradTolerance: 1e-10 });
  // Solution of A x = b by elimination: y = −1/3, x = (1 − y)/4 = 1/3, z = (3 + y)/2 = 4/3.
  [1 / 3, -1 / 3, 4 / 3].forEach((v, i) => close(r.x[i], v, 1e-8, `x[${i}]`));
  assert.equal(r.reason, 'gradTolerance');
  assert.ok(r.iterations <= 12, `${r.iterations} iterations`);
  assert.ok(r.evaluations <= r.iterations + 6, `${r.evaluations} evaluations for ${r.iterations} iterations`);
  for (let i = 1; i < r.trace.length; i++) assert.ok(r.trace[i] <= r.trace[i - 1], 'f never increases');
});

test('Rosenbrock from (−1.2, 1) converges to (1, 1)', async () => {
  const rosen = (x: Float64Array) => ({
    f: 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2,
    g: [-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)],
  });
  const r = await minimizeLbfgs(rosen, [-1.2, 1], { maxIterations: 200, maxEvaluations: 1000, gradTolerance: 1e-9, firstStep: 0.1 });
  close(r.x[0], 1, 1e-6, 'x');
  close(r.x[1], 1, 1e-6, 'y');
  assert.ok(r.iterations < 100, `${r.iterations} iterations`);
});

test('history keeps at most `history` pairs and a pair only with positive curvature', async () => {
  // A separable quadratic with 6 dimensions and history 2 still converges (only slower).
  const d = [1, 2, 4, 8, 16, 32];
  const r = await minimizeLbfgs((x) => ({ f: x.reduce((s, v, i) => s + 0.5 * d[i] * v * v, 0), g: Array.from(x, (v, i) => d[i] * v) }), [1, 1, 1, 1, 1, 1], {
    history: 2, maxIterations: 300, gradTolerance: 1e-9,
  });
  assert.equal(r.reason, 'gradTolerance');
  for (const v of r.x) close(v, 0, 1e-9, 'x');
});

test('errors: non-finite start, wrong gradient length, bad options; abort stops with the reason', async () => {
  await assert.rejects(minimizeLbfgs(() => ({ f: NaN, g: [0] }), [1]), /not finite at the start/);
  await assert.rejects(minimizeLbfgs(() => ({ f: 1, g: [0, 0] }), [1]), /gradient has 2 entries, expected 1/);
  await assert.rejects(minimizeLbfgs(() => ({ f: 1, g: [0] }), [1], { history: 0 }), /history must be an integer >= 1/);
  const ac = new AbortController();
  await assert.rejects(
    minimizeLbfgs((x) => ({ f: x[0] ** 2, g: [2 * x[0]] }), [5], { maxIterations: 50, onIteration: (i) => { if (i.iteration === 2) ac.abort(new Error('stop now')); }, signal: ac.signal }),
    /stop now/,
  );
  // A non-finite trial value is a failed trial (the step is shortened), not a crash.
  const r = await minimizeLbfgs((x) => ({ f: x[0] > 3 ? Infinity : (x[0] - 2) ** 2, g: [2 * (x[0] - 2)] }), [0], { maxIterations: 30, firstStep: 10, gradTolerance: 1e-9 });
  close(r.x[0], 2, 1e-6, 'x');
});

test('maxIterations 0 is allowed: the start is evaluated once and returned as it is', async () => {
  let calls = 0;
  const r = await minimizeLbfgs((x) => {
    calls++;
    return { f: x[0] ** 2 + 3 * x[1] ** 2, g: [2 * x[0], 6 * x[1]] };
  }, [1, -2], { maxIterations: 0 });
  assert.deepEqual([Array.from(r.x), r.f, r.iterations, r.evaluations, r.reason, r.trace], [[1, -2], 13, 0, 1, 'maxIterations', [13]]);
  assert.equal(calls, 1);
});
