/**
 * The linear unmixing model of Alon et al. §4.3 (src/studies/unmixing.ts): Dirichlet draws, the accuracy of Eq. 23,
 * VCA on noiseless data with pure pixels, and the Monte-Carlo likelihood with its gradient, by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirichletOnes, endmemberDistance, mcNllGrad, permutations, unmixingSample, vca } from '../../src/studies/unmixing.ts';
import { Rng } from '../../src/util/rng.ts';

test('Dirichlet(1_r): normalised Exp(1) draws of the same generator', () => {
  const out = new Float64Array(4);
  dirichletOnes(3, new Rng(5), out, 1);
  const u = new Rng(5);
  const e = [0, 1, 2].map(() => -Math.log(1 - u.uniform()));
  const s = e[0] + e[1] + e[2];
  assert.deepEqual([...out], [0, e[0] / s, e[1] / s, e[2] / s]);
});

test('Eq. 23 by hand: the best column permutation', () => {
  // A: columns (1, 0), (0, 1); A*: columns (0, 1), (2, 0). Identity: 2 + 5 = 7; swapped: 1 + 0 = 1.
  const A = Float64Array.from([1, 0, 0, 1]), Astar = Float64Array.from([0, 2, 1, 0]);
  assert.deepEqual(endmemberDistance(A, Astar, 2, 2), { value: 1, perm: [1, 0] });
  assert.deepEqual(endmemberDistance(A, A, 2, 2), { value: 0, perm: [0, 1] });
  assert.equal(permutations(3).length, 6);
  assert.throws(() => endmemberDistance(A, Float64Array.from([1, 2, 3]), 2, 2), /d·r = 4/);
});

test('VCA recovers the endmembers exactly from noiseless data with pure pixels', () => {
  const d = 5, r = 3;
  const rng = new Rng(11);
  const Astar = Float64Array.from({ length: d * r }, () => rng.uniform());
  const { X } = unmixingSample(Astar, d, r, 60, 0, rng);
  // put the three pure pixels at rows 7, 23, 41
  for (const [k, i] of [[0, 7], [1, 23], [2, 41]]) for (let t = 0; t < d; t++) X.data[i * d + t] = Astar[t * r + k];
  const res = vca(X, r, new Rng(2));
  assert.equal(res.projective, true);
  assert.deepEqual([...res.indices].sort((a, b) => a - b), [7, 23, 41]);
  assert.ok(endmemberDistance(res.A, Astar, d, r).value < 1e-24, `distance ${endmemberDistance(res.A, Astar, d, r).value}`);
  assert.throws(() => vca(X, 1, rng), /r must be/);
});

test('Monte-Carlo NLL and gradient by hand', () => {
  // d = 1, r = 2, draws b = (1, 0) and (0, 1), A = [1, -1], x = 0, sigma = 1: both draws give N(0; ±1, 1),
  // NLL = log(2 pi) / 2 + 1/2; rho = 1/2 each; dA_0 = -(1/2)(0 - 1) = 1/2, dA_1 = -(1/2)(0 + 1) = -1/2.
  const grad = new Float64Array(2);
  const v = mcNllGrad(Float64Array.from([1, -1]), { n: 1, d: 1, data: Float64Array.from([0]) }, Float64Array.from([1, 0, 0, 1]), 2, 1, grad);
  assert.ok(Math.abs(v - (0.5 * Math.log(2 * Math.PI) + 0.5)) < 1e-15, `nll ${v}`);
  assert.deepEqual([...grad], [0.5, -0.5]);
});

test('Monte-Carlo NLL gradient matches central differences', () => {
  const d = 3, r = 2, J = 5, rng = new Rng(4);
  const A = Float64Array.from({ length: d * r }, () => rng.normal());
  const draws = new Float64Array(J * r);
  for (let j = 0; j < J; j++) dirichletOnes(r, rng, draws, j * r);
  const { X } = unmixingSample(A.map((a) => a + 0.3), d, r, 8, 0.5, rng);
  const g = new Float64Array(d * r), tmp = new Float64Array(d * r);
  mcNllGrad(A, X, draws, r, 0.7, g);
  for (let p = 0; p < d * r; p++) {
    const h = 1e-6, Ap = A.slice(), Am = A.slice();
    Ap[p] += h; Am[p] -= h;
    const fd = (mcNllGrad(Ap, X, draws, r, 0.7, tmp) - mcNllGrad(Am, X, draws, r, 0.7, tmp)) / (2 * h);
    assert.ok(Math.abs(fd - g[p]) < 1e-7, `entry ${p}: ${g[p]} vs ${fd}`);
  }
});
