/**
 * Every input check of the model layer — point sets (points.ts), the GMM class (gmm.ts) and 1-D mixtures
 * (mixture1d.ts) — with its exact message, on both sides of each edge; and the small point-set helpers
 * (sliceRows, selectRows, pointsMoments, describe, countAtMost) by hand at their first and last rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { countAtMost, describe, pointsFromFlat, pointsFromRows, pointsMoments, selectRows, sliceRows, validatePoints } from '../../../src/gmm/model/points.ts';
import { covarianceLength, GMM, isCovarianceType } from '../../../src/gmm/model/gmm.ts';
import {
  empiricalMixture1D, mixture1D, mixtureQuantile, mixtureQuantiles, normQuantile, normSfInverse, validateMixture1D,
} from '../../../src/gmm/model/mixture1d.ts';
import type { GMMParams } from '../../../src/gmm/model/types.ts';

const f64 = (a: number[]) => Float64Array.from(a);

test('pointsFromRows: rows, lengths and finiteness named; first and last rows copied', () => {
  throwsExactly(() => pointsFromRows('x' as never), 'PointsError: points: expected an array of rows, got "x"');
  throwsExactly(() => pointsFromRows([], 'X'), 'PointsError: X: expected at least one row');
  throwsExactly(() => pointsFromRows([[]]), 'PointsError: points[0]: expected a non-empty array of numbers, got an array of length 0');
  throwsExactly(() => pointsFromRows([3 as never]), 'PointsError: points[0]: expected a non-empty array of numbers, got 3');
  throwsExactly(() => pointsFromRows([[1, 2], null as never]), 'PointsError: points[1]: expected an array of numbers, got null');
  throwsExactly(() => pointsFromRows([[1, 2], [3]]), 'PointsError: points[1] has 1 entries, expected 2 (the length of row 0)');
  throwsExactly(() => pointsFromRows([[1, 2], [3, 4, 5]]), 'PointsError: points[1] has 3 entries, expected 2 (the length of row 0)');
  throwsExactly(() => pointsFromRows([[1, 2], [3, NaN]]), 'PointsError: points[1][1] is not a finite number: NaN');
  throwsExactly(() => pointsFromRows([[Infinity, 2]]), 'PointsError: points[0][0] is not a finite number: Infinity');
  throwsExactly(() => pointsFromRows([[1, '2' as never]]), 'PointsError: points[0][1] is not a finite number: "2"');
  const p = pointsFromRows([[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual({ n: p.n, d: p.d, data: Array.from(p.data) }, { n: 3, d: 2, data: [1, 2, 3, 4, 5, 6] });
  assert.deepEqual(Array.from(pointsFromRows([[7]]).data), [7]);
});

test('pointsFromFlat: n, d, buffer type and length; wraps a Float64Array unless copy, copies the rest', () => {
  throwsExactly(() => pointsFromFlat([1, 2], 0, 2), 'PointsError: points: n must be a positive integer, got 0');
  throwsExactly(() => pointsFromFlat([1, 2], 1.5, 2), 'PointsError: points: n must be a positive integer, got 1.5');
  throwsExactly(() => pointsFromFlat([1, 2], 1, 0, { name: 'Y' }), 'PointsError: Y: d must be a positive integer, got 0');
  throwsExactly(() => pointsFromFlat([1, 2], 2, 0.5), 'PointsError: points: d must be a positive integer, got 0.5');
  throwsExactly(() => pointsFromFlat(null as never, 1, 1), 'PointsError: points: expected an array or typed array of numbers, got null');
  throwsExactly(() => pointsFromFlat(5 as never, 1, 1), 'PointsError: points: expected an array or typed array of numbers, got 5');
  throwsExactly(() => pointsFromFlat([1, 2, 3], 2, 2), 'PointsError: points: data has length 3, expected n*d = 2*2 = 4');
  throwsExactly(() => pointsFromFlat([1, 2, 3, NaN], 2, 2), 'PointsError: points: point 1 coordinate 1 is not finite (NaN)');
  const buf = f64([1, 2, 3, 4]);
  assert.equal(pointsFromFlat(buf, 2, 2).data, buf, 'wrapped');
  assert.notEqual(pointsFromFlat(buf, 2, 2, { copy: true }).data, buf, 'copied');
  const fromF32 = pointsFromFlat(Float32Array.from([0.5, 1.5]), 1, 2);
  assert.ok(fromF32.data instanceof Float64Array);
  assert.deepEqual(Array.from(fromF32.data), [0.5, 1.5]);
  assert.deepEqual(Array.from(pointsFromFlat([9], 1, 1).data), [9]);
});

test('validatePoints: each field named, the dimension checked, every coordinate checked', () => {
  throwsExactly(() => validatePoints(null), 'PointsError: points: expected Points {n, d, data: Float64Array}, got null');
  throwsExactly(() => validatePoints(7, 'X'), 'PointsError: X: expected Points {n, d, data: Float64Array}, got 7');
  throwsExactly(() => validatePoints({ n: 0, d: 1, data: f64([]) }), 'PointsError: points.n must be a positive integer, got 0');
  throwsExactly(() => validatePoints({ n: 1.5, d: 1, data: f64([0]) }), 'PointsError: points.n must be a positive integer, got 1.5');
  throwsExactly(() => validatePoints({ n: 1, d: 0, data: f64([]) }), 'PointsError: points.d must be a positive integer, got 0');
  throwsExactly(() => validatePoints({ n: 1, d: '1', data: f64([0]) }), 'PointsError: points.d must be a positive integer, got "1"');
  throwsExactly(() => validatePoints({ n: 1, d: 1, data: [0] }), 'PointsError: points.data must be a Float64Array, got an array of length 1');
  throwsExactly(() => validatePoints({ n: 1, d: 1, data: Float32Array.from([0]) }), 'PointsError: points.data must be a Float64Array, got a Float32Array of length 1');
  throwsExactly(() => validatePoints({ n: 2, d: 2, data: f64([0, 0, 0]) }), 'PointsError: points.data has length 3, expected n*d = 4');
  throwsExactly(() => validatePoints({ n: 1, d: 2, data: f64([0, 0]) }, 'points', 3), 'PointsError: points has dimension 2, expected 3');
  for (let i = 0; i < 6; i++) {
    const data = f64([1, 2, 3, 4, 5, 6]);
    data[i] = -Infinity;
    throwsExactly(() => validatePoints({ n: 3, d: 2, data }), `PointsError: points: point ${Math.floor(i / 2)} coordinate ${i % 2} is not finite (-Infinity)`);
  }
  validatePoints({ n: 1, d: 1, data: f64([0]) }, 'points', 1);
});

test('sliceRows / selectRows / pointsMoments / countAtMost / describe by hand', () => {
  const p = pointsFromRows([[1, 2], [3, 4], [5, 6], [7, 8]]);
  assert.deepEqual(Array.from(sliceRows(p, 0, 1).data), [1, 2]);
  assert.deepEqual(Array.from(sliceRows(p, 3, 4).data), [7, 8]);
  const mid = sliceRows(p, 1, 3);
  assert.deepEqual({ n: mid.n, d: mid.d, data: Array.from(mid.data) }, { n: 2, d: 2, data: [3, 4, 5, 6] });
  const sel = selectRows(p, [3, 0, 3]);
  assert.deepEqual({ n: sel.n, d: sel.d, data: Array.from(sel.data) }, { n: 3, d: 2, data: [7, 8, 1, 2, 7, 8] });
  // Points (0, 0), (2, 0), (0, 4), (2, 4): mean (1, 2), variances 1 and 4, covariance 0 (ddof 0); ×4/3 with ddof 1.
  const q = pointsFromRows([[0, 0], [2, 0], [0, 4], [2, 4]]);
  const m0 = pointsMoments(q), m1 = pointsMoments(q, 1);
  assert.deepEqual(Array.from(m0.mean), [1, 2]);
  assert.deepEqual(Array.from(m0.cov), [1, 0, 0, 4]);
  assert.deepEqual(Array.from(m1.cov), [4 / 3, 0, 0, 16 / 3]);
  // Correlated: (0, 0), (1, 2), (2, 4) → var 2/3, cov 4/3, var 8/3, symmetric.
  assert.deepEqual(Array.from(pointsMoments(pointsFromRows([[0, 0], [1, 2], [2, 4]])).cov), [2 / 3, 4 / 3, 4 / 3, 8 / 3]);
  const a = f64([1, 2, 2, 5]);
  assert.deepEqual([-Infinity, 0, 1, 1.5, 2, 4.9, 5, 6, Infinity].map((x) => countAtMost(a, x)), [0, 0, 1, 1, 3, 3, 4, 4, 4]);
  assert.equal(countAtMost(f64([]), 0), 0);
  assert.deepEqual(
    [undefined, null, 1.5, true, 'ab', 'x'.repeat(41), [1, 2], f64([1]), () => 0, {}, new Map()].map(describe),
    ['undefined', 'null', '1.5', 'true', '"ab"', JSON.stringify('x'.repeat(40) + '…'), 'an array of length 2', 'a Float64Array of length 1', 'a function', 'an object (Object)', 'an object (Map)'],
  );
  assert.equal(describe('x'.repeat(40)), JSON.stringify('x'.repeat(40)));
});

test('GMM constructor: every field named, each bound at its edge', () => {
  const base: GMMParams = { k: 2, d: 2, covarianceType: 'diag', weights: f64([0.25, 0.75]), means: f64([0, 1, 2, 3]), covariances: f64([1, 2, 3, 4]) };
  const bad = (patch: Partial<GMMParams> | null, message: string) => throwsExactly(() => new GMM(patch === null ? (null as never) : { ...base, ...patch }), `GMMValidationError: ${message}`);
  bad(null, 'GMM: expected parameters {k, d, covarianceType, weights, means, covariances}, got null');
  bad({ k: 0 }, 'GMM: k must be a positive integer, got 0');
  bad({ k: 1.5 }, 'GMM: k must be a positive integer, got 1.5');
  bad({ k: '2' as never }, 'GMM: k must be a positive integer, got "2"');
  bad({ d: 0 }, 'GMM: d must be a positive integer, got 0');
  bad({ d: 2.5 }, 'GMM: d must be a positive integer, got 2.5');
  bad({ covarianceType: 'box' as never }, "GMM: covarianceType must be one of 'full', 'tied', 'diag', 'spherical', got \"box\"");
  bad({ weights: 'w' as never }, 'GMM: weights must be a Float64Array of length 2, got "w"');
  bad({ weights: f64([1]) }, 'GMM: weights must have length 2, got 1');
  bad({ means: f64([0, 1, 2]) }, 'GMM: means must have length 4, got 3');
  bad({ covariances: f64([1, 2, 3]) }, 'GMM: covariances must have length 4, got 3');
  bad({ weights: f64([NaN, 1]) }, 'GMM: weights[0] (component 0) is not finite: NaN');
  bad({ weights: f64([1.25, -0.25]) }, 'GMM: weights[1] (component 1) is negative: -0.25');
  bad({ weights: f64([0.25, 0.7]) }, 'GMM: weights must sum to 1 (within 0.000001), got sum 0.95');
  bad({ means: f64([0, 1, 2, Infinity]) }, 'GMM: means[1][1] (component 1) is not finite: Infinity');
  bad({ covariances: f64([1, 2, 3, 0]) }, 'GMM: covariances[1][1] (component 1) must be a positive variance, got 0');
  bad({ covariances: f64([1, NaN, 3, 4]) }, 'GMM: covariances[0][1] (component 0) is not finite: NaN');
  bad({ covarianceType: 'spherical', covariances: f64([1, -2]) }, 'GMM: covariances[1] (component 1) must be a positive variance, got -2');
  bad({ covarianceType: 'full', covariances: f64([1, 0, 0, 1, 1, 0, Infinity, 1]) }, 'GMM: covariances[1][1][0] (component 1) is not finite: Infinity');
  bad({ covarianceType: 'tied', covariances: f64([1, 0, NaN, 1]) }, 'GMM: covariances[1][0] is not finite: NaN');
  bad({ covarianceType: 'full', covariances: f64([1, 0, 0, 1, 1, 0.5, 0.4, 1]) }, 'GMM: covariances[1] (component 1) is not symmetric (relative asymmetry 1.00e-1)');
  bad({ covarianceType: 'full', covariances: f64([1, 0, 0, 1, 1, 2, 2, 1]) }, 'GMM: covariances[1] (component 1) is not positive-definite (Cholesky failed at pivot 1)');
  bad({ covarianceType: 'tied', covariances: f64([0, 0, 0, 1]) }, 'GMM: covariances (the tied covariance) is not positive-definite (Cholesky failed at pivot 0)');
  // Accepted edges: a weight of exactly 0, weights summing to 1 ± 1e-6 (then normalised), the smallest positive variance.
  const g = new GMM({ ...base, weights: f64([0, 1 + 1e-6]), covariances: f64([1, 2, 3, Number.MIN_VALUE]) });
  assert.deepEqual(Array.from(g.weights), [0, 1]);
  new GMM({ ...base, weights: f64([0.25, 0.75 - 9e-7]) });
  new GMM({ ...base, k: 1, weights: f64([1]), means: f64([0, 0]), covariances: f64([1, 1]) });
  new GMM({ ...base, d: 1, means: f64([0, 1]), covariances: f64([1, 1]) });
  throwsExactly(() => new GMM(base, [] as never), 'GMMValidationError: GMM: meta must be a plain object, got an array of length 0');
  throwsExactly(() => new GMM(base, null as never), 'GMMValidationError: GMM: meta must be a plain object, got null');
  assert.deepEqual(new GMM(base, { a: 1 }).meta, { a: 1 });
  assert.equal(new GMM(base).meta, undefined);
});

test('GMM methods: component indices, sample counts, directions, covariance types, JSON strings', () => {
  const g = new GMM({ k: 2, d: 2, covarianceType: 'diag', weights: f64([0.5, 0.5]), means: f64([0, 0, 1, 1]), covariances: f64([1, 1, 1, 1]) });
  for (const c of [-1, 2, 0.5, NaN]) {
    throwsExactly(() => g.componentCovariance(c), `GMMValidationError: GMM: component index must be an integer in [0, 2), got ${c}`);
    throwsExactly(() => g.sampleComponent(c, 1), `GMMValidationError: GMM: component index must be an integer in [0, 2), got ${c}`);
  }
  assert.equal(g.sampleComponent(1, 3).n, 3);
  assert.equal(g.sampleComponent(0, 0).n, 0);
  for (const n of [-1, 1.5, '2']) throwsExactly(() => g.sample(n as never), `GMMValidationError: GMM.sample: n must be a non-negative integer, got ${typeof n === 'string' ? '"2"' : n}`);
  throwsExactly(() => g.sampleComponent(0, -1), 'GMMValidationError: GMM.sample: n must be a non-negative integer, got -1');
  assert.equal(g.sample(0).points.n, 0);
  throwsExactly(() => g.project([1]), 'GMMValidationError: GMM.project: direction must have length d = 2, got an array of length 1');
  throwsExactly(() => g.project(null as never), 'GMMValidationError: GMM.project: direction must have length d = 2, got null');
  throwsExactly(() => g.project([1, NaN]), 'GMMValidationError: GMM.project: direction[1] is not finite: NaN');
  throwsExactly(() => g.project([Infinity, 0]), 'GMMValidationError: GMM.project: direction[0] is not finite: Infinity');
  throwsExactly(() => g.withCovarianceType('box' as never), "GMMValidationError: GMM.withCovarianceType: covarianceType must be one of 'full', 'tied', 'diag', 'spherical', got \"box\"");
  throwsExactly(() => GMM.fromJSONString(3 as never), 'GMMValidationError: GMM JSON: expected a string, got 3');
  assert.deepEqual(['full', 'tied', 'diag', 'spherical', 'box', 1].map(isCovarianceType), [true, true, true, true, false, false]);
  assert.deepEqual((['full', 'tied', 'diag', 'spherical'] as const).map((t) => covarianceLength(t, 3, 2)), [12, 4, 6, 3]);
});

test('1-D mixtures: validation of every field at its edge; quantile levels; the normal quantiles at 0, ½, 1', () => {
  const m = (w: number[], mu: number[], s: number[]) => ({ weights: f64(w), means: f64(mu), sds: f64(s) });
  throwsExactly(() => validateMixture1D(null as never), 'TypeError: mixture: expected a Mixture1D object, got null');
  throwsExactly(() => validateMixture1D({ weights: [1], means: f64([0]), sds: f64([1]) } as never, 'M'), 'TypeError: M.weights must be a Float64Array');
  throwsExactly(() => validateMixture1D({ weights: f64([1]), means: f64([0]), sds: [1] } as never), 'TypeError: mixture.sds must be a Float64Array');
  throwsExactly(() => validateMixture1D(m([], [], [])), 'RangeError: mixture: needs at least one component');
  throwsExactly(() => validateMixture1D(m([1], [0, 1], [1])), 'RangeError: mixture: weights/means/sds lengths differ (1, 2, 1)');
  throwsExactly(() => validateMixture1D(m([1], [0], [1, 1])), 'RangeError: mixture: weights/means/sds lengths differ (1, 1, 2)');
  throwsExactly(() => validateMixture1D(m([0.5, -1e-300], [0, 1], [1, 1])), 'RangeError: mixture.weights[1] must be finite and >= 0, got -1e-300');
  throwsExactly(() => validateMixture1D(m([Infinity], [0], [1])), 'RangeError: mixture.weights[0] must be finite and >= 0, got Infinity');
  throwsExactly(() => validateMixture1D(m([1], [NaN], [1])), 'RangeError: mixture.means[0] must be finite, got NaN');
  throwsExactly(() => validateMixture1D(m([0.5, 0.5], [0, 1], [1, -1])), 'RangeError: mixture.sds[1] must be finite and >= 0, got -1');
  throwsExactly(() => validateMixture1D(m([1], [0], [Infinity])), 'RangeError: mixture.sds[0] must be finite and >= 0, got Infinity');
  throwsExactly(() => validateMixture1D(m([0, 0], [0, 1], [1, 1])), 'RangeError: mixture: weights must have a positive sum');
  throwsExactly(() => validateMixture1D(m([0.5, 0.6], [0, 1], [1, 1])), 'RangeError: mixture: weights must sum to 1, got 1.1');
  // Edges accepted: a zero weight, a zero sd, a sum off by 1e-9·k, any positive sum when not normalised.
  validateMixture1D(m([0, 1], [0, 1], [0, 1]));
  validateMixture1D(m([0.5, 0.5 + 1.9e-9], [0, 1], [1, 1]));
  throwsExactly(() => validateMixture1D(m([0.5, 0.5 + 2.1e-9], [0, 1], [1, 1])), `RangeError: mixture: weights must sum to 1, got ${0.5 + (0.5 + 2.1e-9)}`);
  validateMixture1D(m([3, 4], [0, 1], [1, 1]), 'mixture', { normalized: false });
  // mixture1D defaults: uniform weights, point masses; a number sd for every component.
  const a = mixture1D([1, 2, 3]);
  assert.deepEqual([Array.from(a.weights), Array.from(a.sds)], [[1 / 3, 1 / 3, 1 / 3], [0, 0, 0]]);
  assert.deepEqual(Array.from(mixture1D([1, 2], 0.5).sds), [0.5, 0.5]);
  throwsExactly(() => empiricalMixture1D([]), 'RangeError: empiricalMixture1D: needs at least one value');
  throwsExactly(() => empiricalMixture1D([1, NaN]), 'RangeError: empiricalMixture1D: values[1] is not finite (NaN)');
  const e = empiricalMixture1D([4, 2]);
  assert.deepEqual([Array.from(e.weights), Array.from(e.means), Array.from(e.sds)], [[0.5, 0.5], [4, 2], [0, 0]]);

  const g = mixture1D([0], [1], [1]);
  for (const u of [-1e-300, 1 + 2 ** -52, NaN]) throwsExactly(() => mixtureQuantile(g, u), `RangeError: mixtureQuantile: u must be in [0, 1], got ${u}`);
  throwsExactly(() => mixtureQuantiles(g, [0.5, 1.5]), 'RangeError: mixtureQuantiles: u[1] must be in [0, 1], got 1.5');
  throwsExactly(() => mixtureQuantiles(g, [-0.5]), 'RangeError: mixtureQuantiles: u[0] must be in [0, 1], got -0.5');
  throwsExactly(() => mixtureQuantiles(g, [0.5, 0.6], new Float64Array(3)), 'RangeError: mixtureQuantiles: out has length 3, expected 2');
  assert.deepEqual(Array.from(mixtureQuantiles(g, [0, 0.5, 1]), (v) => v + 0), [-Infinity, 0, Infinity]);
  assert.deepEqual([mixtureQuantile(g, 0), mixtureQuantile(g, 1)], [-Infinity, Infinity]);
  // Unsorted levels give the same values as sorted ones, in their own order.
  const q = mixtureQuantiles(g, [0.9, 0.1, 0.5]);
  assert.deepEqual(Array.from(q, (v) => v + 0), [mixtureQuantile(g, 0.9), mixtureQuantile(g, 0.1), 0]);
  assert.ok(Math.abs(q[0] - 1.2815515655446004) < 1e-15 && q[1] === -q[0]);
  for (const [f, name, v] of [[normQuantile, 'normQuantile', 'p'], [normSfInverse, 'normSfInverse', 'q']] as const) {
    for (const x of [-0.1, 1.1, NaN]) throwsExactly(() => f(x), `RangeError: ${name}: ${v} must be in [0, 1], got ${x}`);
  }
  assert.deepEqual([normQuantile(0), normQuantile(0.5) + 0, normQuantile(1)], [-Infinity, 0, Infinity]);
  assert.deepEqual([normSfInverse(0), normSfInverse(0.5) + 0, normSfInverse(1)], [Infinity, 0, -Infinity]);
  assert.ok(Math.abs(normQuantile(0.975) - 1.959963984540054) < 1e-15);
  assert.ok(Math.abs(normSfInverse(0.025) - 1.959963984540054) < 1e-15);
  assert.ok(Math.abs(normSfInverse(0.975) + 1.959963984540054) < 1e-15);
  assert.ok(Math.abs(normQuantile(0.025) + 1.959963984540054) < 1e-15);
});
