import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  erf, erfc, normCdf, normSf, normPdf, normQuantile, normSfInverse, mixtureCdf, mixtureSf, mixturePdf,
  mixtureQuantile, mixtureQuantiles, validateMixture1D, mixture1D, empiricalMixture1D, mixtureMoments,
} from '../../../src/gmm/model/mixture1d.ts';
import type { Mixture1D } from '../../../src/gmm/model/types.ts';
import { integrate } from '../_quad.ts';

const mix = (w: number[], mu: number[], s: number[]): Mixture1D => ({
  weights: Float64Array.from(w), means: Float64Array.from(mu), sds: Float64Array.from(s),
});
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

test('erfc matches its Taylor series and the erf/erfc identities', () => {
  // erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)), accurate for |x| <= 2 in float64
  const series = (x: number) => {
    let term = x, s = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      s += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * s;
  };
  for (const x of [-1.7, -0.9, -0.3, 0, 0.1, 0.46875, 0.5, 1, 1.5, 2]) {
    assert.ok(Math.abs(erf(x) - series(x)) < 2e-15, `erf(${x}) = ${erf(x)} vs ${series(x)}`);
    assert.ok(Math.abs(erfc(x) + erf(x) - 1) < 2e-16);
  }
  // erfc(-x) = 2 - erfc(x); continued-fraction asymptotics for large x (relative)
  for (const x of [5, 10, 20, 26]) {
    // erfc(x) = exp(-x^2)/(x sqrt(pi)) * (1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6) + 105/(16 x^8) - ...)
    const y = 1 / (2 * x * x);
    let s = 1, t = 1;
    for (let k = 1; k < 12; k++) {
      t *= -(2 * k - 1) * y;
      s += t;
    }
    const ref = (Math.exp(-x * x) / (x * Math.sqrt(Math.PI))) * s;
    if (x >= 10) assert.ok(rel(erfc(x), ref) < 1e-13, `erfc(${x}) = ${erfc(x)} vs ${ref}`);
    assert.equal(erfc(-x), 2 - erfc(x));
  }
  assert.equal(erfc(40), 0);
});

test('normal quantile inverts the CDF in both tails', () => {
  // lower tail through Phi, upper tail through 1 - Phi (u near 1 cannot carry the information)
  for (let z = -37.5; z <= 0.5; z += 0.37) assert.ok(Math.abs(normQuantile(normCdf(z)) - z) < 1e-13 * Math.max(1, Math.abs(z)), `z=${z}`);
  for (let z = -0.5; z <= 37.5; z += 0.37) assert.ok(Math.abs(normSfInverse(normSf(z)) - z) < 1e-13 * Math.max(1, Math.abs(z)), `z=${z}`);
  assert.equal(normQuantile(0), -Infinity);
  assert.equal(normQuantile(1), Infinity);
  assert.throws(() => normQuantile(1.5), /p must be in \[0, 1\]/);
  assert.ok(Math.abs(normQuantile(0.975) - 1.959963984540054) < 1e-15);
});

test('mixture CDF is the integral of the density; survival function is its complement', () => {
  const m = mix([0.2, 0.5, 0.3], [-2, 0.5, 4], [0.3, 1.2, 0.7]);
  for (const x of [-3, -1, 0, 2, 5]) {
    const I = integrate((t) => mixturePdf(m, t), -40, x, 1e-14);
    assert.ok(Math.abs(I - mixtureCdf(m, x)) < 1e-13, `F(${x})`);
    assert.ok(Math.abs(mixtureCdf(m, x) + mixtureSf(m, x) - 1) < 1e-15);
  }
  // derivative of the CDF is the density
  const h = 1e-5;
  for (const x of [-2.2, 0.3, 3.9]) {
    const fd = (mixtureCdf(m, x + h) - mixtureCdf(m, x - h)) / (2 * h);
    assert.ok(Math.abs(fd - mixturePdf(m, x)) < 1e-8);
  }
});

test('quantile(cdf) identity including tiny weights and far tails', () => {
  const cases: Mixture1D[] = [
    mix([1], [3], [2]),
    mix([0.3, 0.7], [-5, 5], [1, 0.5]),
    mix([1e-12, 0.5 - 1e-12, 0.5], [100, 0, 3], [0.1, 1, 0.5]), // tiny far component
    mix([1e-300, 1 - 1e-300], [-1e4, 0], [1, 1]),
    mix([0.25, 0.25, 0.5], [-1e3, 0, 1e3], [1e-3, 10, 1]), // very different scales
  ];
  for (const m of cases) {
    for (const u of [1e-300, 1e-100, 1e-20, 1e-8, 0.01, 0.2, 0.5, 0.77, 0.99, 1 - 1e-9, 1 - 1e-12, 1 - 2 ** -52]) {
      const q = mixtureQuantile(m, u);
      assert.ok(Number.isFinite(q), `Q(${u}) finite`);
      // residual allowed: 1e-12 relative plus what rounding q to a float64 can change (f(q) ulp(q))
      const slack = 4 * mixturePdf(m, q) * Number.EPSILON * Math.max(1, Math.abs(q));
      if (u <= 0.5) assert.ok(Math.abs(mixtureCdf(m, q) - u) <= 1e-12 * u + slack, `F(Q(${u})) = ${mixtureCdf(m, q)} (${JSON.stringify(Array.from(m.means))})`);
      else assert.ok(Math.abs(mixtureSf(m, q) - (1 - u)) <= 1e-12 * (1 - u) + slack, `S(Q(${u})) = ${mixtureSf(m, q)} vs ${1 - u}`);
    }
    for (const x of [-20, -3, 0, 0.5, 2.5, 7]) {
      const u = mixtureCdf(m, x);
      if (u <= 0 || u >= 1 || mixturePdf(m, x) < 1e-200) continue;
      const q = mixtureQuantile(m, u);
      // the quantile error is the residual divided by the density
      assert.ok(Math.abs(q - x) <= 1e-12 * Math.max(1, Math.abs(x)) + (8 * Number.EPSILON * u) / mixturePdf(m, x), `Q(F(${x})) = ${q}`);
    }
  }
  // the tiny component is found: the far upper tail belongs to the N(100, 0.1^2) component
  const m = cases[2];
  const q = mixtureQuantile(m, 1 - 5e-13);
  assert.ok(q > 99 && q < 101, `upper-tail quantile ${q} sits on the tiny component`);
});

test('point masses: generalised inverse, right-continuous CDF, mixed with Gaussians', () => {
  const atoms = mix([0.25, 0.25, 0.5], [1, 2, 3], [0, 0, 0]);
  assert.deepEqual([0.1, 0.25, 0.26, 0.5, 0.51, 1].map((u) => mixtureQuantile(atoms, u)), [1, 1, 2, 2, 3, 3]);
  assert.equal(mixtureCdf(atoms, 2), 0.5);
  assert.equal(mixtureCdf(atoms, 2 - 1e-12), 0.25);
  assert.equal(mixturePdf(atoms, 2), 0);
  const mixed = mix([0.4, 0.6], [0, 0], [0, 1]); // atom at 0 carrying 0.4 on top of N(0,1)
  // F jumps at 0 from 0.6*0.5 = 0.3 to 0.7: every u in (0.3, 0.7] has quantile exactly 0
  for (const u of [0.31, 0.5, 0.7]) assert.equal(mixtureQuantile(mixed, u), 0);
  const q = mixtureQuantile(mixed, 0.2);
  assert.ok(Math.abs(0.6 * normCdf(q) - 0.2) < 1e-15);
  const emp = empiricalMixture1D([3, -1, 2, 2]);
  assert.deepEqual(Array.from(mixtureQuantiles(emp, [0.1, 0.3, 0.6, 0.9])), [-1, 2, 2, 3]);
  // Q(0) and Q(1) of atoms beside zero-weight components (a Gaussian, an atom further out): those carry no mass,
  // so the ends are still the extreme atoms with weight, not ∓∞ or the weightless atom.
  const withEmpty = mix([0.5, 0, 0.5, 0], [1, 0, 2, 9], [0, 1, 0, 0]);
  assert.deepEqual([0, 1].map((u) => mixtureQuantile(withEmpty, u)), [1, 2]);
  assert.deepEqual(Array.from(mixtureQuantiles(withEmpty, [0, 0.5, 1])), [1, 1, 2]);
});

test('vectorised quantiles equal scalar quantiles for sorted and unsorted levels', () => {
  const m = mix([0.3, 0.2, 0.5], [-4, 0, 3], [0.5, 2, 0.2]);
  const n = 101;
  const u = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const qs = mixtureQuantiles(m, u);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(qs[i] - mixtureQuantile(m, u[i])) < 1e-12, `level ${u[i]}`);
  const shuffled = [0.9, 0.1, 0.5, 1e-10, 0.5, 1 - 1e-10];
  const q2 = mixtureQuantiles(m, shuffled);
  shuffled.forEach((v, i) => assert.ok(Math.abs(q2[i] - mixtureQuantile(m, v)) < 1e-11));
  assert.throws(() => mixtureQuantiles(m, [0.5, NaN]), /u\[1\] must be in \[0, 1\]/);
});

test('validation names the offending entry', () => {
  assert.throws(() => validateMixture1D(mix([0.5, 0.6], [0, 1], [1, 1])), /weights must sum to 1/);
  assert.throws(() => validateMixture1D(mix([0.5, 0.5], [0, NaN], [1, 1])), /means\[1\] must be finite/);
  assert.throws(() => validateMixture1D(mix([1.5, -0.5], [0, 1], [1, 1])), /weights\[1\] must be finite and >= 0/);
  assert.throws(() => validateMixture1D(mix([0.5, 0.5], [0, 1], [1, -1])), /sds\[1\]/);
  assert.throws(() => validateMixture1D({ weights: Float64Array.from([1]), means: Float64Array.from([0, 1]), sds: Float64Array.from([1]) }), /lengths differ/);
  assert.throws(() => mixtureQuantile(mix([1], [0], [1]), -0.1), /u must be in \[0, 1\]/);
  const m = mixture1D([0, 2], [1, 3], [0.25, 0.75]);
  const { mean, variance } = mixtureMoments(m);
  assert.ok(Math.abs(mean - 1.5) < 1e-15);
  assert.ok(Math.abs(variance - (0.25 * (1 + 2.25) + 0.75 * (9 + 0.25))) < 1e-14);
  assert.ok(Math.abs(normPdf(0) - 1 / Math.sqrt(2 * Math.PI)) < 1e-17);
});

test('erfc, Φ⁻¹ and Φ against 20-digit references in every branch of their approximations (mpmath at 700 digits)', () => {
  // Cody's erfc: |x| ≤ 0.46875, ≤ 4, < 27.3 and beyond, both signs.
  const ERFC: [number, number][] = [
    [-27, 2], [-6, 1.9999999999999999785], [-4, 1.9999999845827420997], [-3.5, 1.9999992569016276586],
    [-2.5, 1.9995930479825550411], [-1.2, 1.9103139782296353684], [-0.46875, 1.4926134732179379916], [-0.2, 1.2227025892104784662],
    [0, 1], [0.25, 0.72367360983176306701], [0.46875, 0.50738652678206200841], [0.47, 0.50625494911391788759],
    [0.9, 0.20309178757716786034], [2.5, 0.00040695201744495893956], [3.1, 0.000011648657367199589313],
    [3.99, 1.6739211364520814057e-8], [4, 1.5417257900280018852e-8], [4.01, 1.4196939421371051173e-8],
    [4.5, 1.9661604415428874763e-10], [6, 2.1519736712498913117e-17], [8.5, 2.7623240713337714461e-33],
    [12, 1.3562611692059042128e-64], [18, 6.0823692318163993077e-143], [26.5, 2.2109076642637342759e-307],
  ];
  for (const [x, want] of ERFC) assert.ok(rel(erfc(x), want) < 4e-15, `erfc(${x}) = ${erfc(x)} vs ${want} (relative ${rel(erfc(x), want)})`);
  assert.equal(erfc(27.3), 0);
  assert.equal(erfc(-27.3), 2);
  assert.ok(Number.isNaN(erfc(NaN)));
  // AS241: |p − ½| ≤ 0.425, then r = √(−log p) ≤ 5 and > 5, both tails.
  const QUANTILE: [number, number][] = [
    [1e-300, -37.047096299361199237], [1e-100, -21.273453560965324294], [1e-20, -9.2623400897984075796],
    [1e-9, -5.9978070150076868614], [0.0001, -3.7190164854556805523], [0.02, -2.0537489106318230443],
    [0.074, -1.4466320671589785099], [0.075, -1.4395314709384559349], [0.076, -1.4325027208258116188],
    [0.3, -0.52440051270804081597], [0.6, 0.25334710313579974132], [0.925, 1.4395314709384562291],
    [0.95, 1.6448536269514722843], [0.9999, 3.7190164854557083867], [0.999999999, 5.9978070196016374264],
  ];
  for (const [p, want] of QUANTILE) {
    assert.ok(rel(normQuantile(p), want) < 2e-15, `Φ⁻¹(${p}) = ${normQuantile(p)} vs ${want}`);
    assert.ok(rel(normSfInverse(p), -want) < 2e-15, `S⁻¹(${p}) = ${normSfInverse(p)} vs ${-want}`);
    // Φ at a rounded z: relative error up to |z| · ulp(z) (the tails' conditioning).
    const tol = 2e-15 + 4e-16 * want * want;
    if (p <= 0.5) assert.ok(rel(normCdf(want), p) < tol, `Φ(${want}) = ${normCdf(want)} vs ${p}`);
    else assert.ok(rel(normSf(want), 1 - p) < tol, `S(${want}) = ${normSf(want)} vs ${1 - p}`);
  }
  assert.equal(normQuantile(0.5), 0);
  assert.ok(Math.abs(normPdf(1) - 0.24197072451914336) < 1e-17 && normPdf(0) === 1 / Math.sqrt(2 * Math.PI));
});

test('mixtureMoments normalises the weights on the fly (any positive scale gives the same moments)', () => {
  // Weights 1 and 3 (sum 4): mean (0·1 + 4·3) / 4 = 3, variance (1·(1 + 9) + 3·(1 + 1)) / 4 = 4.
  for (const scale of [1, 0.25, 1000]) {
    const { mean, variance } = mixtureMoments(mix([scale, 3 * scale], [0, 4], [1, 1]));
    assert.ok(Math.abs(mean - 3) < 1e-15 && Math.abs(variance - 4) < 1e-14, `scale ${scale}: ${mean}, ${variance}`);
  }
});
