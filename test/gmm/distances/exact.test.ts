/**
 * Losses and distances against values worked out by hand (or with scipy, quoted as constants) on cases
 * small enough to check on paper: every term of each formula matters, so dropping or changing one is caught
 * (the other tests bound these losses by inequalities only). Constants:
 *   z₃₄ = Φ⁻¹(0.75) = 0.6744897501960817,  Φ(1) = 0.8413447460685429,  Φ(2) = 0.9772498680518208,
 *   φ(0) = 1/√(2π) = 0.3989422804014327.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { fixedBasisLoss } from '../../../src/gmm/fit/fixed-basis.ts';
import { wasserstein1D, slicedWasserstein } from '../../../src/gmm/distances/wasserstein.ts';
import { cramer2, slicedCramer2 } from '../../../src/gmm/distances/cramer.ts';
import { mmd2 } from '../../../src/gmm/distances/mmd.ts';
import { pointsFromRows } from '../../../src/gmm/model/points.ts';
import type { Mixture1D } from '../../../src/gmm/model/types.ts';

const Z34 = 0.6744897501960817;
const PHI1 = 0.8413447460685429;
const PHI2 = 0.9772498680518208;
const phi0 = 0.3989422804014327;

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (|Δ| = ${Math.abs(actual - expected)})`);
}
const mix = (weights: number[], means: number[], sds: number[]): Mixture1D => ({ weights: Float64Array.from(weights), means: Float64Array.from(means), sds: Float64Array.from(sds) });

test('fixed-basis loss L (Lu et al. Eq. 9): every term, on a sample target with points in each region and on the edges', () => {
  // Two point masses (sd 0) at 0 and 2, weights ½, centres 0 and 2, half-width d = 0.5: the regions are
  // (−∞, −0.5], (−0.5, 0.5], (0.5, 1.5] (between the intervals: not counted), (1.5, 2.5], (2.5, ∞).
  const g = mix([0.5, 0.5], [0, 2], [0, 0]);
  const centers = [0, 2];
  // Sample: one point in each counted region → every term is |¼ − its model mass|.
  //   left tail F(−0.5): ¼ vs 0;  (−0.5, 0.5]: ¼ vs ½;  (1.5, 2.5]: ¼ vs ½;  right tail S(2.5): ¼ vs 0.
  assert.equal(fixedBasisLoss([-3, 0, 2, 5], g, centers, 0.5), 0.25 + 0.25 + 0.25 + 0.25);
  // Dropping any one term would give 0.75: the sample with nothing in the tails isolates the two interval terms.
  assert.equal(fixedBasisLoss([0, 0, 2, 2], g, centers, 0.5), 0);
  assert.equal(fixedBasisLoss([0, 0, 0, 2], g, centers, 0.5), 0.25 + 0.25);
  assert.equal(fixedBasisLoss([0, 2, 2, 9], g, centers, 0.5), 0.25 + 0 + 0.25);
  assert.equal(fixedBasisLoss([-9, 0, 2, 2], g, centers, 0.5), 0.25 + 0.25 + 0);
  // Intervals are half-open (μ − d, μ + d]: 0.5 is inside the first, 1.5 is outside the second (in the gap),
  // −0.5 is in the left tail, 2.5 inside the second interval.
  // {0.5, 1.5, 2, 2}: ¼ vs ½ in the first interval, ½ vs ½ in the second; 1.5 counts nowhere.
  assert.equal(fixedBasisLoss([0.5, 1.5, 2, 2], g, centers, 0.5), 0.25);
  // {−0.5, 0, 2.5, 2}: left tail ¼ vs 0, first interval ¼ vs ½, second ½ vs ½.
  assert.equal(fixedBasisLoss([-0.5, 0, 2.5, 2], g, centers, 0.5), 0.25 + 0.25 + 0);
});

test('fixed-basis loss L between Gaussians: N(0, 1) target, N(1, 1) model, one centre at 0, d = 1', () => {
  // |Φ(−1) − Φ(−2)| + |(Φ(1) − Φ(−1)) − (Φ(0) − Φ(−2))| + |(1 − Φ(1)) − (1 − Φ(0))|
  const t1 = Math.abs(1 - PHI1 - (1 - PHI2));
  const t2 = Math.abs(2 * PHI1 - 1 - (0.5 - (1 - PHI2)));
  const t3 = Math.abs(1 - PHI1 - 0.5);
  close(fixedBasisLoss(mix([1], [0], [1]), mix([1], [1], [1]), [0], 1), t1 + t2 + t3, 1e-14, 'L');
  close(t1 + t2 + t3, 0.6826894921370859, 1e-15, 'the hand value');
});

test('1-D Wasserstein: midpoint rule for p = 1, 2, 3 and the exact W₂², by hand', () => {
  // N(1, 2²) against the sample {0, 3}: quantiles at ¼ and ¾ are 1 ∓ 2 z₃₄.
  const g = mix([1], [1], [2]);
  const d0 = 1 - 2 * Z34 - 0, d1 = 1 + 2 * Z34 - 3;
  close(wasserstein1D(g, [3, 0]), (d0 ** 2 + d1 ** 2) / 2, 1e-12, 'W2² midpoint');
  close(wasserstein1D(g, [3, 0], { p: 1 }), (Math.abs(d0) + Math.abs(d1)) / 2, 1e-12, 'W1 midpoint');
  close(wasserstein1D(g, [3, 0], { p: 3 }), (Math.abs(d0) ** 3 + Math.abs(d1) ** 3) / 2, 1e-12, 'W3³ midpoint');
  close(wasserstein1D(g, [0, 3]), 0.2728071913018007, 1e-12, 'W2² midpoint (scipy)');
  // Two point masses (sd 0) at 0 and 1, weights ½, against {0, 3}: quantiles 0 and 1 → (0 + 2²)/2.
  assert.equal(wasserstein1D(mix([0.5, 0.5], [0, 1], [0, 0]), [0, 3]), 2);
  assert.equal(wasserstein1D(mix([0.5, 0.5], [0, 1], [0, 0]), [0, 3], { p: 1 }), 1);
  // Exact W₂² of N(0, 1) against {−1, 1}: ∫₀^½ (Q + 1)² + ∫_½^1 (Q − 1)² = 2 − 4 φ(0).
  close(wasserstein1D(mix([1], [0], [1]), [-1, 1], { method: 'exact' }), 2 - 4 * phi0, 1e-12, 'W2² exact');
  // … and against one point c: E (X − c)² = 1 + c².
  close(wasserstein1D(mix([1], [0], [1]), [0.5], { method: 'exact' }), 1.25, 1e-12, 'W2² exact, one point');
  // A shifted, scaled component: N(2, 3²) against {2}: 9.
  close(wasserstein1D(mix([1], [2], [3]), [2], { method: 'exact' }), 9, 1e-11, 'W2² exact, N(2, 9)');
});

test('sliced Wasserstein: the slices along given directions, by hand', () => {
  // One component at the origin, covariance diag(1, 4); points (−1, 0) and (1, 3).
  const g = new GMM({ k: 1, d: 2, covarianceType: 'diag', weights: new Float64Array([1]), means: new Float64Array([0, 0]), covariances: new Float64Array([1, 4]) });
  const pts = pointsFromRows([[-1, 0], [1, 3]]);
  // Along e1: N(0, 1) vs {−1, 1} → (1 − z₃₄)²;  along e2: N(0, 2²) vs {0, 3} → ((2 z₃₄)² + (2 z₃₄ − 3)²)/2.
  const a = (1 - Z34) ** 2;
  const b = ((2 * Z34) ** 2 + (2 * Z34 - 3) ** 2) / 2;
  close(slicedWasserstein(g.params(), pts, { directions: new Float64Array([1, 0]) }), Math.sqrt(a), 1e-12, 'SW along e1');
  close(slicedWasserstein(g.params(), pts, { directions: new Float64Array([1, 0, 0, 1]) }), Math.sqrt((a + b) / 2), 1e-12, 'SW along e1, e2');
  close(slicedWasserstein(g.params(), pts, { directions: new Float64Array([1, 0, 0, 1]), p: 1 }), ((1 - Z34) + (2 * Z34 + Math.abs(2 * Z34 - 3)) / 2) / 2, 1e-12, 'SW₁');
  // Along (1, 1)/√2 the slice is N(0, 2.5) and the points project to −1/√2 and 4/√2.
  const s = Math.sqrt(2.5), r = Math.SQRT1_2;
  const c = ((-s * Z34 + r) ** 2 + (s * Z34 - 4 * r) ** 2) / 2;
  close(slicedWasserstein(g.params(), pts, { directions: new Float64Array([r, r]) }), Math.sqrt(c), 1e-12, 'SW along the diagonal');
  close(c, 1.6168287288857042, 1e-12, 'the hand value');
});

test('Cramér 2 distance ∫(F₁ − F₂)²: closed-form cases', () => {
  // ∫(F₁ − F₂)² = E|X − Y| − (E|X − X′| + E|Y − Y′|)/2 for independent normals:
  // N(0,1) vs N(1,1): √2·√(2/π)·e^{−1/4} + (1 − 2Φ(−1/√2)) − 2/√π = 0.27090328965297883 (scipy, also by quadrature);
  close(cramer2(mix([1], [0], [1]), mix([1], [1], [1])), 0.27090328965297883, 1e-12, 'shift by 1');
  // N(0,1) vs N(0,2²): √5·√(2/π) − (2/√π + 4/√π)/2 = 0.09155536550950227.
  close(cramer2(mix([1], [0], [1]), mix([1], [0], [2])), 0.09155536550950227, 1e-12, 'sd 1 vs 2');
  close(Math.sqrt(5) * Math.sqrt(2 / Math.PI) - 3 / Math.sqrt(Math.PI), 0.09155536550950227, 1e-15, 'the hand value');
  // Symmetric, and a mixture of the two halves is half-way in CDF: ∫(F₁ − (F₁+F₂)/2)² = ¼ ∫(F₁ − F₂)².
  close(cramer2(mix([1], [1], [1]), mix([1], [0], [1])), 0.27090328965297883, 1e-12, 'symmetric');
  close(cramer2(mix([1], [0], [1]), mix([0.5, 0.5], [0, 1], [1, 1])), 0.27090328965297883 / 4, 1e-12, 'half-way mixture');
  // Sliced, d = 2, directions e1 and e2: the mean of the two 1-D values.
  const a = new GMM({ k: 1, d: 2, covarianceType: 'diag', weights: new Float64Array([1]), means: new Float64Array([0, 0]), covariances: new Float64Array([1, 1]) });
  const b = new GMM({ k: 1, d: 2, covarianceType: 'diag', weights: new Float64Array([1]), means: new Float64Array([1, 0]), covariances: new Float64Array([1, 4]) });
  close(slicedCramer2(a.params(), b.params(), { directions: new Float64Array([1, 0, 0, 1]) }), (0.27090328965297883 + 0.09155536550950227) / 2, 1e-12, 'sliced');
});

test('MMD² with a Gaussian kernel: model N(0, 1), points {0, 2}, bandwidth 1, by hand', () => {
  // E k(X, X′) = h/√(1+1+h²) = 1/√3;  E k(X, x) = h/√(1+h²) e^{−x²/(2(1+h²))} = (1 + e^{−1})/√2 averaged;
  // point-point mean over the 4 ordered pairs = (2 + 2e^{−2})/4.
  const g = new GMM({ k: 1, d: 1, covarianceType: 'full', weights: new Float64Array([1]), means: new Float64Array([0]), covariances: new Float64Array([1]) });
  const pts = pointsFromRows([[0], [2]]);
  const want = 1 / Math.sqrt(3) - (1 + Math.exp(-1)) / Math.sqrt(2) + (1 + Math.exp(-2)) / 2;
  close(mmd2(g.params(), pts, { bandwidth: 1 }), want, 1e-14, 'MMD²');
  close(want, 0.17778108210994037, 1e-15, 'the hand value');
  // Bandwidth 2: 2/√6 − 2·(2/√5)(1 + e^{−4/10})/2 + (2 + 2e^{−4/8})/4.
  close(mmd2(g.params(), pts, { bandwidth: 2 }), 2 / Math.sqrt(6) - (2 / Math.sqrt(5)) * (1 + Math.exp(-0.4)) + (1 + Math.exp(-0.5)) / 2, 1e-14, 'MMD², h = 2');
});

test('NLL and responsibilities of a two-component 1-D mixture, by hand', () => {
  // ½N(0, 1) + ½N(2, 4) at x = 1: p = ½φ(1) + ½φ(½)/2.
  const g = new GMM({ k: 2, d: 1, covarianceType: 'full', weights: new Float64Array([0.5, 0.5]), means: new Float64Array([0, 2]), covariances: new Float64Array([1, 4]) });
  const a = 0.5 * phi0 * Math.exp(-0.5), b = 0.5 * (phi0 * Math.exp(-0.125)) / 2;
  const pts = pointsFromRows([[1]]);
  close(g.nll(pts), -Math.log(a + b), 1e-14, 'NLL');
  const r = g.predictProba(pts);
  close(r[0], a / (a + b), 1e-14, 'responsibility of component 0');
  close(r[1], b / (a + b), 1e-14, 'responsibility of component 1');
});
