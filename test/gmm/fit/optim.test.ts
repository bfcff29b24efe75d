/**
 * The first-order optimisers (src/gmm/fit/optim.ts) step by step against their documented updates: first steps
 * computed by hand, three steps of every optimiser (defaults and every option set) against the formulas of the
 * module comment written out per coordinate, RMSProp's shared block denominators by hand, reset(), and the option
 * checks with their messages at the edges of each range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerOptions } from '../../../src/gmm/fit/optim.ts';

const f64 = (a: number[]) => Float64Array.from(a);
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

/** The module comment's updates, one coordinate at a time (blocks: the mean of m − ḡ² and of m over each block). */
function reference(o: Required<Pick<OptimizerOptions, 'name' | 'lr'>> & OptimizerOptions, p0: number[], grads: number[][]): number[] {
  const p = p0.slice(), n = p.length, wd = o.weightDecay ?? 0;
  const s1 = new Array(n).fill(0), s2 = new Array(n).fill(0), s3 = new Array(n).fill(0);
  grads.forEach((g, step) => {
    const t = step + 1;
    if (o.name === 'sgd') {
      const mu = o.momentum ?? 0;
      for (let i = 0; i < n; i++) { s1[i] = mu * s1[i] + g[i] + wd * p[i]; p[i] -= o.lr * s1[i]; }
    } else if (o.name === 'rmsprop') {
      const rho = o.decay ?? 0.95, kappa = o.momentum ?? 0.9, eps = o.eps ?? 1e-4, phi = o.varianceFloor ?? 0, B = o.blockSize ?? 1;
      const gt = g.map((gi, i) => gi + wd * p[i]);
      for (let i = 0; i < n; i++) { s1[i] = rho * s1[i] + (1 - rho) * gt[i] ** 2; s2[i] = rho * s2[i] + (1 - rho) * gt[i]; }
      for (let b = 0; b < n; b += B) {
        let v = 0, m = 0;
        for (let i = b; i < b + B; i++) { v += (s1[i] - s2[i] ** 2) / B; m += s1[i] / B; }
        const den = Math.sqrt(Math.max(v, phi * m, 0) + eps);
        for (let i = b; i < b + B; i++) { s3[i] = kappa * s3[i] - (o.lr * gt[i]) / den; p[i] += s3[i]; }
      }
    } else if (o.name === 'adam') {
      const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999, eps = o.eps ?? 1e-8;
      for (let i = 0; i < n; i++) {
        s1[i] = b1 * s1[i] + (1 - b1) * g[i];
        s2[i] = b2 * s2[i] + (1 - b2) * g[i] ** 2;
        p[i] -= o.lr * (s1[i] / (1 - b1 ** t) / (Math.sqrt(s2[i] / (1 - b2 ** t)) + eps) + wd * p[i]);
      }
    } else {
      const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.99;
      for (let i = 0; i < n; i++) {
        p[i] -= o.lr * (Math.sign(b1 * s1[i] + (1 - b1) * g[i]) + wd * p[i]);
        s1[i] = b2 * s1[i] + (1 - b2) * g[i];
      }
    }
  });
  return p;
}

const p0 = [0.5, -1, 2, 0.25];
const grads = [[1, -2, 0.5, 4], [0.5, 1, -3, 2], [-1, 0.25, 2, 1]];

function run(o: OptimizerOptions, steps = grads): Float64Array {
  const opt = createOptimizer(o, p0.length);
  assert.equal(opt.name, o.name);
  const p = f64(p0);
  for (const g of steps) opt.step(p, f64(g));
  return p;
}

test('first steps by hand: sgd θ − η g; rmsprop −η g/√(ρ(1−ρ) g² + ε); adam ≈ θ − η sign g; lion θ − η sign g', () => {
  assert.deepEqual(Array.from(run({ name: 'sgd', lr: 0.5 }, [grads[0]])), [0, 0, 1.75, -1.75]);
  // RMSProp, one step: m = (1−ρ) g², ḡ = (1−ρ) g, m − ḡ² = ρ(1−ρ) g² = 0.0475 g² at ρ = 0.95.
  close(run({ name: 'rmsprop', lr: 0.1 }, [grads[0]]), p0.map((p, i) => p - (0.1 * grads[0][i]) / Math.sqrt(0.0475 * grads[0][i] ** 2 + 1e-4)), 1e-15, 'rmsprop');
  // Adam, one step: m̂ = g, v̂ = g², so the step is η g / (|g| + ε).
  close(run({ name: 'adam', lr: 0.1 }, [grads[0]]), p0.map((p, i) => p - (0.1 * grads[0][i]) / (Math.abs(grads[0][i]) + 1e-8)), 1e-15, 'adam');
  assert.deepEqual(Array.from(run({ name: 'lion', lr: 0.25 }, [grads[0]])), [0.25, -0.75, 1.75, 0]);
  // sgd with momentum, two steps: v = g₁, then v = μ g₁ + g₂.
  assert.deepEqual(Array.from(run({ name: 'sgd', lr: 0.5, momentum: 0.5 }, grads.slice(0, 2))), [-0.5, 0, 3.125, -3.75]);
});

test('three steps of every optimiser equal its documented update, with defaults and with every option set', () => {
  const cases: OptimizerOptions[] = [
    { name: 'sgd', lr: 0.1 },
    { name: 'sgd', lr: 0.1, momentum: 0.7, weightDecay: 0.3 },
    { name: 'rmsprop', lr: 0.05 },
    { name: 'rmsprop', lr: 0.05, decay: 0.8, momentum: 0.5, eps: 1e-6, weightDecay: 0.2, varianceFloor: 0.3 },
    { name: 'rmsprop', lr: 0.05, blockSize: 2 },
    { name: 'rmsprop', lr: 0.05, blockSize: 4, decay: 0.6, momentum: 0.2, eps: 1e-3, varianceFloor: 0.9, weightDecay: 0.1 },
    { name: 'adam', lr: 0.01 },
    { name: 'adam', lr: 0.01, beta1: 0.5, beta2: 0.75, eps: 1e-3, weightDecay: 0.4 },
    { name: 'lion', lr: 0.01 },
    { name: 'lion', lr: 0.01, beta1: 0.3, beta2: 0.6, weightDecay: 0.5 },
  ];
  for (const o of cases) close(run(o), reference(o as never, p0, grads), 1e-14, JSON.stringify(o));
  assert.deepEqual([...OPTIMIZER_NAMES], ['sgd', 'rmsprop', 'adam', 'lion']);
});

test('rmsprop blocks share one denominator √(mean_b(m − ḡ²) + ε), by hand', () => {
  // One step, ρ = 0.5: m − ḡ² = 0.25 g²; block (1, −2): mean 0.25 · 2.5 = 0.625; block (0.5, 4): 0.25 · 8.125.
  const p = run({ name: 'rmsprop', lr: 1, decay: 0.5, eps: 1e-300, blockSize: 2 }, [grads[0]]);
  const d1 = Math.sqrt(0.625), d2 = Math.sqrt(0.25 * 8.125);
  close(p, [0.5 - 1 / d1, -1 + 2 / d1, 2 - 0.5 / d2, 0.25 - 4 / d2], 1e-15, 'blocks of 2');
  // The variance floor φ m replaces a vanishing centred moment: a constant gradient, ρ = 0.5, two steps.
  const q = run({ name: 'rmsprop', lr: 1, decay: 0.5, momentum: 0, eps: 1e-300, varianceFloor: 0.5, blockSize: 4 }, [[2, 2, 2, 2], [2, 2, 2, 2]]);
  // Step 1: m = 2, ḡ = 1, m − ḡ² = 1 ≥ φ m = 1 → −2; step 2: m = 3, ḡ = 1.5, m − ḡ² = 0.75 < φ m = 1.5 → −2/√1.5.
  close(q, p0.map((v) => v - 2 - 2 / Math.sqrt(1.5)), 1e-15, 'variance floor');
});

test('reset() forgets the moments: the next step is a first step again', () => {
  for (const name of OPTIMIZER_NAMES) {
    const opt = createOptimizer({ name, lr: 0.1, ...(name === 'sgd' ? { momentum: 0.9 } : {}) }, 4);
    const p = f64(p0);
    opt.step(p, f64(grads[0]));
    opt.step(p, f64(grads[1]));
    opt.reset();
    const q = Float64Array.from(p);
    opt.step(q, f64(grads[2]));
    const fresh = createOptimizer({ name, lr: 0.1, ...(name === 'sgd' ? { momentum: 0.9 } : {}) }, 4);
    const r = Float64Array.from(p);
    fresh.step(r, f64(grads[2]));
    assert.deepEqual(Array.from(q), Array.from(r), name);
  }
});

test('option checks name the option and the range, at the edges', () => {
  const bad = (o: Record<string, unknown>, size: number, re: RegExp) => assert.throws(() => createOptimizer(o as never, size), re);
  bad({ name: 'sgdx', lr: 1 }, 2, /optimizer must be one of/);
  bad({ name: 'sgd', lr: 0 }, 2, /option lr must be a positive finite number, got 0/);
  bad({ name: 'sgd', lr: 1 }, 0, /size must be a positive integer/);
  bad({ name: 'sgd', lr: 1, bogus: 1 }, 2, /createOptimizer: unknown option 'bogus'/);
  bad({ name: 'sgd', lr: 1, momentum: 1 }, 2, /option momentum must be a number in \[0, 1\), got 1/);
  bad({ name: 'sgd', lr: 1, weightDecay: -1e-9 }, 2, /option weightDecay must be a non-negative/);
  bad({ name: 'adam', lr: 1, varianceFloor: 0.1 }, 2, /option varianceFloor applies to 'rmsprop' only, got optimizer 'adam'/);
  bad({ name: 'lion', lr: 1, blockSize: 2 }, 2, /option blockSize applies to 'rmsprop' only, got optimizer 'lion'/);
  bad({ name: 'rmsprop', lr: 1, blockSize: 3 }, 4, /blockSize 3 does not divide the parameter count 4/);
  bad({ name: 'rmsprop', lr: 1, blockSize: 0 }, 4, /blockSize/);
  bad({ name: 'rmsprop', lr: 1, decay: 1 }, 4, /option decay must be a number in \[0, 1\), got 1/);
  bad({ name: 'rmsprop', lr: 1, varianceFloor: 1 }, 4, /option varianceFloor must be a number in \[0, 1\), got 1/);
  bad({ name: 'rmsprop', lr: 1, eps: 0 }, 4, /option eps must be a positive finite number, got 0/);
  bad({ name: 'adam', lr: 1, beta2: 1 }, 4, /option beta2 must be a number in \[0, 1\), got 1/);
  assert.throws(() => createOptimizer(null as never, 2), /createOptimizer: options must be an object, got null/);
  // Accepted edges: 0 for the unit-interval options and blockSize equal to the size.
  for (const o of [{ name: 'sgd', lr: 1, momentum: 0, weightDecay: 0 }, { name: 'rmsprop', lr: 1, decay: 0, momentum: 0, varianceFloor: 0, blockSize: 4 }, { name: 'adam', lr: 1, beta1: 0, beta2: 0 }]) {
    createOptimizer(o as OptimizerOptions, 4);
  }
  const opt = createOptimizer({ name: 'adam', lr: 1 }, 3);
  assert.throws(() => opt.step(new Float64Array(3), new Float64Array(2)), /^RangeError: adam.step: params and grad must have length 3, got 3 and 2$/);
  assert.throws(() => opt.step(new Float64Array(4), new Float64Array(3)), /got 4 and 3/);
});
