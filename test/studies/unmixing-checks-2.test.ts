/**
 * Argument checks of src/studies/unmixing.ts not covered by unmixing-checks.test.ts, with their exact messages at
 * their edges: permutations' r in 1..8, endmemberDistance's d·r entries, vca's r in 2..d and n ≥ r pixels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../_assert.ts';
import { endmemberDistance, permutations, vca } from '../../src/studies/unmixing.ts';
import { pointsFromRows } from '../../src/gmm/model/points.ts';
import { Rng } from '../../src/util/rng.ts';

test('permutations: r an integer in 1..8; r! permutations', () => {
  assert.deepEqual(permutations(1), [[0]]);
  assert.deepEqual(permutations(3), [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]);
  assert.equal(permutations(8).length, 40320);
  for (const r of [0, 9, 2.5, NaN]) throwsExactly(() => permutations(r), `RangeError: permutations: r must be an integer in 1..8, got ${r}`);
});

test('endmemberDistance: both matrices of d·r entries; the best permutation found', () => {
  // d = 2, r = 2 (columns are endmembers): A* has A's columns swapped and the second one moved by (0, 0.5).
  const A = Float64Array.of(1, 0, 0, 1), Astar = Float64Array.of(0, 1, 1.5, 0);
  const { value, perm } = endmemberDistance(A, Astar, 2, 2);
  assert.deepEqual(perm, [1, 0]);
  assert.equal(value, 0.25);
  throwsExactly(() => endmemberDistance(A.subarray(0, 3), Astar, 2, 2), 'RangeError: endmemberDistance: both matrices must have d·r = 4 entries');
  throwsExactly(() => endmemberDistance(A, Float64Array.of(0, 1, 1, 0, 0), 2, 2), 'RangeError: endmemberDistance: both matrices must have d·r = 4 entries');
});

test('vca: r an integer in 2..d and at least r pixels; the vertices of a noise-free simplex are found', () => {
  // Three vertices of a triangle in 3-d (the rows) and points inside it.
  const V = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const rows = [...V, [0.2, 0.3, 0.5], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0], [0.1, 0.1, 0.8]];
  const X = pointsFromRows(rows);
  const res = vca(X, 3, new Rng(1));
  assert.deepEqual([...res.indices].sort(), [0, 1, 2]);
  assert.equal(vca(X, 2, new Rng(1)).indices.length, 2);
  for (const r of [1, 4, 2.5]) throwsExactly(() => vca(X, r, new Rng(1)), `RangeError: vca: r must be an integer in 2..d = 3, got ${r}`);
  throwsExactly(() => vca(pointsFromRows(V.slice(0, 2)), 3, new Rng(1)), 'RangeError: vca: needs at least r = 3 pixels, got 2');
  assert.deepEqual([...vca(pointsFromRows(V), 3, new Rng(1)).indices].sort(), [0, 1, 2]);
});

test("vca's SNR estimate (Nascimento & Dias, Eq. 13) by hand, and the projection it picks on either side of 15 + 10 log10 r dB", () => {
  // The 8 points m + (±a, ±b, ±c): the centred covariance is diag(a², b², c²), so with r = 2 the principal subspace
  // is e₁, e₂; P_R = |m|² + a² + b² + c², P_Rp = |m|² + a² + b², SNR = 10 log10((P_Rp − (r/d) P_R) / (P_R − P_Rp)).
  const m = [1, 2, 3];
  for (const [c, projective] of [[0.1, true], [1.5, false]] as const) {
    const a = 3, b = 2;
    const rows: number[][] = [];
    for (const sa of [-1, 1]) for (const sb of [-1, 1]) for (const sc of [-1, 1]) rows.push([m[0] + sa * a, m[1] + sb * b, m[2] + sc * c]);
    const m2 = m[0] ** 2 + m[1] ** 2 + m[2] ** 2;
    const pR = m2 + a * a + b * b + c * c, pRp = m2 + a * a + b * b;
    const snr = 10 * Math.log10((pRp - (2 / 3) * pR) / (pR - pRp));
    const res = vca(pointsFromRows(rows), 2, new Rng(1));
    assert.ok(Math.abs(res.snr - snr) < 1e-9, `c = ${c}: SNR ${res.snr} dB, by hand ${snr} dB`);
    assert.equal(res.projective, projective, `c = ${c}: ${snr.toFixed(2)} dB against ${(15 + 10 * Math.log10(2)).toFixed(2)} dB`);
  }
});
