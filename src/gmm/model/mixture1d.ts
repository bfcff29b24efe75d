/**
 * One-dimensional Gaussian mixtures: density, distribution function and quantile function.
 *
 * A `Mixture1D` is  G = sum_k w_k N(mu_k, s_k^2)  with w_k >= 0, sum_k w_k = 1 and s_k >= 0.
 * A component with s_k = 0 is a point mass (Dirac) at mu_k: it adds w_k * H(x - mu_k) to the CDF
 * (right-continuous Heaviside) and nothing to the (Lebesgue) density. This is how the sliced-Cramér
 * paper (Zhang 2023, §4.2) and the empirical measures of this library represent data points.
 *
 *   F(x) = sum_k w_k Phi((x - mu_k) / s_k),     f(x) = sum_{k: s_k>0} (w_k / s_k) phi((x - mu_k) / s_k)
 *   Q(u) = inf { x : F(x) >= u }                (generalised inverse, u in [0, 1])
 *
 * Everything is float64; the standard normal functions below are accurate to ~1e-15 relative
 * in both tails (Cody's erfc, Wichura's AS241), so F, 1 - F and Q stay accurate far into the tails.
 */
import type { Mixture1D } from './types.ts';

export const SQRT2 = Math.SQRT2;
export const INV_SQRT2PI = 1 / Math.sqrt(2 * Math.PI);

// ---------------------------------------------------------------------------------------------
// Standard normal special functions
// ---------------------------------------------------------------------------------------------

// W. J. Cody (1969), "Rational Chebyshev approximations for the error function", Math. Comp. 23,
// coefficient sets of SPECFUN CALERF: erf on [0, 0.46875], erfc on (0.46875, 4] and (4, inf).
const CA = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const CB = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const CC = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const CD = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const CP = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978];
const CQ = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const SQRPI = 0.56418958354775628695; // 1/sqrt(pi)

/** exp(-y^2) computed as exp(-ysq^2) exp(-(y-ysq)(y+ysq)) with ysq = y rounded to 1/16 (Cody's trick). */
function expNegSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/** exp(-x^2) of the last erfcExp call (Cody's split form; the normal density needs exactly this factor). */
let erfcExpFactor = 0;

/** Complementary error function erfc(x) = 1 - erf(x), ~1e-15 relative accuracy for all x. */
export function erfc(x: number): number {
  return erfcExp(x, false);
}

/**
 * erfc(x), and when `wantExp` also exp(-x^2) into erfcExpFactor, reusing the exponential that erfc itself
 * needs for |x| > 0.46875 (one exp instead of three per component when a mixture's CDF and density are
 * evaluated together).
 */
function erfcExp(x: number, wantExp: boolean): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  let r: number;
  if (y <= 0.46875) {
    if (wantExp) erfcExpFactor = Math.exp(-y * y);
    return 1 - erfSmall(x);
  } else if (y <= 4) {
    let num = CC[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + CC[i]) * y;
      den = (den + CD[i]) * y;
    }
    const e = expNegSquare(y);
    if (wantExp) erfcExpFactor = e;
    r = ((num + CC[7]) / (den + CD[7])) * e;
  } else if (y >= 27.3) {
    r = 0; // erfc(27.3) < 5e-326: below the smallest subnormal
    if (wantExp) erfcExpFactor = 0;
  } else {
    const z = 1 / (y * y);
    let num = CP[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + CP[i]) * z;
      den = (den + CQ[i]) * z;
    }
    r = (z * (num + CP[4])) / (den + CQ[4]);
    const e = expNegSquare(y);
    if (wantExp) erfcExpFactor = e;
    r = ((SQRPI - r) / y) * e;
  }
  return x < 0 ? 2 - r : r;
}

/**
 * erf(x) for |x| ≤ 0.46875: x R(x²) with Cody's rational approximation R (Cody 1969, the first interval), the same
 * that erfc uses there as 1 − x R(x²).
 */
function erfSmall(x: number): number {
  const z = x * x;
  let num = CA[4] * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + CA[i]) * z;
    den = (den + CB[i]) * z;
  }
  return (x * (num + CA[3])) / (den + CB[3]);
}

/**
 * Error function erf(x), ~1e-15 relative accuracy: directly for |x| ≤ 0.46875 (where 1 − erfc(x) would cancel: at
 * x = 1e-10 it kept only about 6 digits), from erfc beyond.
 */
export function erf(x: number): number {
  if (Math.abs(x) <= 0.46875) return erfSmall(x);
  return x > 0 ? 1 - erfc(x) : erfc(-x) - 1;
}

/** Standard normal density phi(z) = exp(-z^2/2) / sqrt(2 pi). */
export function normPdf(z: number): number {
  return INV_SQRT2PI * Math.exp(-0.5 * z * z);
}

/** Standard normal CDF Phi(z) = erfc(-z / sqrt 2) / 2 (accurate in the lower tail). */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** Standard normal survival function 1 - Phi(z) = Phi(-z) (accurate in the upper tail). */
export function normSf(z: number): number {
  return 0.5 * erfc(z / SQRT2);
}

// Wichura (1988), Algorithm AS241 PPND16, ~1e-16 relative accuracy.
const QA = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const QB = [1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561];
const QC = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4];
const QD = [1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9];
const QE = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const QF = [1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];

function horner(c: number[], x: number): number {
  let v = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) v = v * x + c[i];
  return v;
}

/** Lower-tail normal quantile of a probability p in (0, 0.5]: returns z <= 0 with Phi(z) = p. */
function lowerTailQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(QA, r)) / horner(QB, r);
  }
  let r = Math.sqrt(-Math.log(p));
  if (r <= 5) {
    r -= 1.6;
    return -horner(QC, r) / horner(QD, r);
  }
  r -= 5;
  return -horner(QE, r) / horner(QF, r);
}

/** Standard normal quantile Phi^{-1}(p) for p in [0, 1] (AS241). */
export function normQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p <= 0.5) return lowerTailQuantile(p);
  return -lowerTailQuantile(1 - p);
}

/** z with 1 - Phi(z) = q, accurate for tiny q (upper tail). */
export function normSfInverse(q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`normSfInverse: q must be in [0, 1], got ${q}`);
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  if (q <= 0.5) return -lowerTailQuantile(q);
  return lowerTailQuantile(1 - q);
}

// ---------------------------------------------------------------------------------------------
// Validation and construction
// ---------------------------------------------------------------------------------------------

export interface ValidateMixture1DOptions {
  /** Require sum of weights = 1 (within 1e-9 * max(1, k)). Default true. */
  normalized?: boolean;
}

/**
 * Checks that `m` is a well-formed 1-D mixture: equal non-zero lengths, finite means, finite
 * non-negative weights and sds, a positive total weight (and total 1 when `normalized`).
 * Throws an Error naming `name` and the offending entry.
 */
export function validateMixture1D(m: Mixture1D, name = 'mixture', opts: ValidateMixture1DOptions = {}): void {
  if (m === null || typeof m !== 'object') throw new TypeError(`${name}: expected a Mixture1D object, got ${m}`);
  const { weights, means, sds } = m;
  for (const [key, arr] of [['weights', weights], ['means', means], ['sds', sds]] as const) {
    if (!(arr instanceof Float64Array)) throw new TypeError(`${name}.${key} must be a Float64Array`);
  }
  const k = weights.length;
  if (k === 0) throw new RangeError(`${name}: needs at least one component`);
  if (means.length !== k || sds.length !== k) {
    throw new RangeError(`${name}: weights/means/sds lengths differ (${k}, ${means.length}, ${sds.length})`);
  }
  let total = 0;
  for (let i = 0; i < k; i++) {
    if (!Number.isFinite(weights[i]) || weights[i] < 0) throw new RangeError(`${name}.weights[${i}] must be finite and >= 0, got ${weights[i]}`);
    if (!Number.isFinite(means[i])) throw new RangeError(`${name}.means[${i}] must be finite, got ${means[i]}`);
    if (!Number.isFinite(sds[i]) || sds[i] < 0) throw new RangeError(`${name}.sds[${i}] must be finite and >= 0, got ${sds[i]}`);
    total += weights[i];
  }
  if (!(total > 0)) throw new RangeError(`${name}: weights must have a positive sum`);
  if (opts.normalized !== false && Math.abs(total - 1) > 1e-9 * Math.max(1, k)) {
    throw new RangeError(`${name}: weights must sum to 1, got ${total}`);
  }
}

/** A Mixture1D from plain arrays (copied). Weights default to uniform; sds default to 0 (point masses). */
export function mixture1D(means: ArrayLike<number>, sds?: ArrayLike<number> | number, weights?: ArrayLike<number>): Mixture1D {
  const k = means.length;
  const m: Mixture1D = {
    weights: weights ? Float64Array.from(weights) : new Float64Array(k).fill(1 / k),
    means: Float64Array.from(means),
    sds: typeof sds === 'number' || sds === undefined ? new Float64Array(k).fill(sds ?? 0) : Float64Array.from(sds),
  };
  validateMixture1D(m, 'mixture1D', { normalized: false });
  return m;
}

/** The empirical measure (1/n) sum_i delta_{x_i} as a Mixture1D of point masses (sds = 0). */
export function empiricalMixture1D(values: ArrayLike<number>): Mixture1D {
  const n = values.length;
  if (n === 0) throw new RangeError('empiricalMixture1D: needs at least one value');
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) throw new RangeError(`empiricalMixture1D: values[${i}] is not finite (${values[i]})`);
  return { weights: new Float64Array(n).fill(1 / n), means: Float64Array.from(values), sds: new Float64Array(n) };
}

// ---------------------------------------------------------------------------------------------
// Density, CDF, survival function
// ---------------------------------------------------------------------------------------------

/** Density f(x) of the absolutely continuous part (point masses contribute 0). */
export function mixturePdf(m: Mixture1D, x: number): number {
  const { weights: w, means: mu, sds: s } = m;
  let f = 0;
  for (let k = 0; k < w.length; k++) {
    if (s[k] > 0 && w[k] > 0) {
      const z = (x - mu[k]) / s[k];
      f += (w[k] / s[k]) * INV_SQRT2PI * Math.exp(-0.5 * z * z);
    }
  }
  return f;
}

/** F(x) = P(X <= x) (right-continuous at point masses). */
export function mixtureCdf(m: Mixture1D, x: number): number {
  const { weights: w, means: mu, sds: s } = m;
  let F = 0;
  for (let k = 0; k < w.length; k++) {
    if (w[k] === 0) continue;
    if (s[k] > 0) F += w[k] * normCdf((x - mu[k]) / s[k]);
    else if (x >= mu[k]) F += w[k];
  }
  return F;
}

/** S(x) = P(X > x) = 1 - F(x), computed directly (accurate in the upper tail). */
export function mixtureSf(m: Mixture1D, x: number): number {
  const { weights: w, means: mu, sds: s } = m;
  let S = 0;
  for (let k = 0; k < w.length; k++) {
    if (w[k] === 0) continue;
    if (s[k] > 0) S += w[k] * normSf((x - mu[k]) / s[k]);
    else if (x < mu[k]) S += w[k];
  }
  return S;
}

/** Mean sum_k w_k mu_k and variance sum_k w_k (s_k^2 + mu_k^2) - mean^2 (weights normalised on the fly). */
export function mixtureMoments(m: Mixture1D): { mean: number; variance: number } {
  let W = 0, M = 0;
  for (let k = 0; k < m.weights.length; k++) {
    W += m.weights[k];
    M += m.weights[k] * m.means[k];
  }
  M /= W;
  let V = 0;
  for (let k = 0; k < m.weights.length; k++) {
    const d = m.means[k] - M;
    V += m.weights[k] * (m.sds[k] * m.sds[k] + d * d);
  }
  return { mean: M, variance: V / W };
}

// ---------------------------------------------------------------------------------------------
// Quantile function
// ---------------------------------------------------------------------------------------------

// Scratch outputs of residualAndPdf (avoid allocating a tuple in the hot loop).
let scratchResid = 0;
let scratchPdf = 0;
// Last point solveQuantile evaluated and the density there (mixtureQuantiles starts the next level from it).
let solveLastX = NaN;
let solveLastPdf = 0;

/** Smallest positive sd among the components with positive weight (Infinity when there is none). */
function minSd(m: Mixture1D): number {
  let s = Infinity;
  for (let k = 0; k < m.weights.length; k++) if (m.weights[k] > 0 && m.sds[k] > 0 && m.sds[k] < s) s = m.sds[k];
  return s;
}

/**
 * r(x) = F(x) - u, computed as F(x) - u when u <= 1/2 and as (1 - u) - S(x) otherwise, so that
 * the residual keeps full relative precision in whichever tail u lies. Also sets scratchPdf = f(x).
 */
function residualAndPdf(m: Mixture1D, x: number, target: number, upper: boolean): void {
  const { weights: w, means: mu, sds: s } = m;
  let F = 0, f = 0;
  for (let k = 0; k < w.length; k++) {
    const wk = w[k];
    if (wk === 0) continue;
    const sk = s[k];
    if (sk > 0) {
      const z = (x - mu[k]) / sk;
      // Phi(z) = erfc(-z/sqrt2)/2, S(z) = erfc(z/sqrt2)/2; phi(z) from the same exp(-z^2/2).
      F += wk * 0.5 * erfcExp(upper ? z / SQRT2 : -z / SQRT2, true);
      f += (wk / sk) * INV_SQRT2PI * erfcExpFactor;
    } else if (upper ? x < mu[k] : x >= mu[k]) {
      F += wk;
    }
  }
  scratchResid = upper ? target - F : F - target;
  scratchPdf = f;
}

/** Component-quantile bracket [lo, hi] that contains Q(u) (see mixtureQuantile). */
function componentBracket(m: Mixture1D, u: number): [number, number] {
  const upper = u > 0.5;
  const z = upper ? normSfInverse(1 - u) : normQuantile(u);
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < m.weights.length; k++) {
    if (m.weights[k] === 0) continue;
    const q = m.sds[k] > 0 ? m.means[k] + m.sds[k] * z : m.means[k];
    if (q < lo) lo = q;
    if (q > hi) hi = q;
  }
  return [lo, hi];
}

/**
 * Solves F(x) = u on a bracket [a, b] with F(x) < u for x < a and F(b) >= u, by Newton steps on
 * the tail-accurate residual, safeguarded as in Numerical Recipes' rtsafe: a bisection step replaces the
 * Newton step whenever that would leave the bracket, the density vanishes, or the residual is not
 * shrinking fast enough (|2 r| > |previous step · f|). Point masses are handled exactly.
 */
function solveQuantile(m: Mixture1D, u: number, a: number, b: number, x0: number, sMin: number): number {
  const upper = u > 0.5;
  const target = upper ? 1 - u : u;
  if (a === b) return a;
  let x = x0 > a && x0 < b ? x0 : 0.5 * (a + b);
  let dxOld = b - a;
  let converged = NaN;
  for (let it = 0; it < 400; it++) {
    residualAndPdf(m, x, target, upper);
    solveLastX = x;
    solveLastPdf = scratchPdf;
    const r = scratchResid;
    if (r >= 0) b = x;
    else a = x;
    if (r === 0) break;
    const tol = 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b)) + Number.MIN_VALUE;
    if (b - a <= tol) break;
    let next = NaN;
    if (scratchPdf > 0) {
      next = x - r / scratchPdf;
      const step = Math.abs(next - x);
      // Newton has converged to machine precision, or its step is so small against the narrowest component
      // (the scale on which f changes) that the step itself lands within ~|z| (step / sMin)^2 sMin < 1e-16 sMin
      // of the root: take it without evaluating F once more.
      if (step <= 2 * Number.EPSILON * Math.abs(x) + Number.MIN_VALUE) {
        converged = next > a && next < b ? next : x;
        break;
      }
      if (step <= 1e-9 * sMin && next > a && next < b) {
        converged = next;
        break;
      }
    }
    if (!(next > a && next < b) || Math.abs(2 * r) > Math.abs(dxOld * scratchPdf)) {
      next = 0.5 * (a + b);
      dxOld = 0.5 * (b - a);
    } else dxOld = next - x;
    if (next === a || next === b) break;
    x = next;
  }
  // Point masses: Q(u) is the smallest atom in [a, b] with F(atom) >= u, if any lies there.
  const { weights: w, means: mu, sds: s } = m;
  let best = Number.isNaN(converged) ? b : converged;
  for (let k = 0; k < w.length; k++) {
    if (w[k] > 0 && s[k] === 0 && mu[k] >= a && mu[k] < best) {
      residualAndPdf(m, mu[k], target, upper);
      if (scratchResid >= 0) best = mu[k];
    }
  }
  return best;
}

/**
 * Quantile Q(u) = inf{x : F(x) >= u} of a normalised 1-D mixture, u in [0, 1].
 *
 * Bracket: with Q_k the component quantiles (Q_k(u) = mu_k + s_k Phi^{-1}(u), = mu_k for a point
 * mass), Q(u) lies in [min_k Q_k(u), max_k Q_k(u)] over components with w_k > 0, because
 * F(x) < u left of every Q_k and F(x) >= u right of all of them. This holds for any weights, tiny
 * or not, and in the far tails. Then a safeguarded Newton/bisection (see solveQuantile) on
 * F(x) - u (lower half) or (1-u) - S(x) (upper half). Q(0) = -inf and Q(1) = +inf when a Gaussian
 * component has positive weight; for pure point-mass mixtures they are the extreme atoms.
 */
export function mixtureQuantile(m: Mixture1D, u: number): number {
  if (!(u >= 0 && u <= 1)) throw new RangeError(`mixtureQuantile: u must be in [0, 1], got ${u}`);
  return quantileWithHint(m, u, -Infinity, NaN, minSd(m));
}

function quantileWithHint(m: Mixture1D, u: number, lower: number, x0: number, sMin: number): number {
  const { weights: w, sds: s, means: mu } = m;
  if (u === 0 || u === 1) {
    let gaussian = false, lo = Infinity, hi = -Infinity;
    for (let k = 0; k < w.length; k++) {
      if (w[k] === 0) continue;
      if (s[k] > 0) gaussian = true;
      lo = Math.min(lo, mu[k]);
      hi = Math.max(hi, mu[k]);
    }
    if (gaussian) return u === 0 ? -Infinity : Infinity;
    return u === 0 ? lo : hi;
  }
  let [a, b] = componentBracket(m, u);
  if (lower > a && lower <= b) a = lower;
  if (Number.isNaN(x0)) {
    // Start from the weight-averaged component quantile (inside the bracket).
    const z = u > 0.5 ? normSfInverse(1 - u) : normQuantile(u);
    let W = 0, X = 0;
    for (let k = 0; k < w.length; k++) {
      W += w[k];
      X += w[k] * (mu[k] + s[k] * z);
    }
    x0 = X / W;
  }
  return solveQuantile(m, u, a, b, x0, Number.isFinite(sMin) ? sMin : 0);
}

/**
 * Vectorised quantiles: out[i] = Q(u[i]). Levels are processed in increasing order and each
 * solution is the lower end of the next bracket and (via one Newton step from it) the next
 * starting point, so sorted inputs such as (i + 0.5)/n cost a few CDF evaluations per level.
 */
export function mixtureQuantiles(m: Mixture1D, u: ArrayLike<number>, out?: Float64Array): Float64Array {
  const n = u.length;
  const res = out ?? new Float64Array(n);
  if (res.length !== n) throw new RangeError(`mixtureQuantiles: out has length ${res.length}, expected ${n}`);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    if (!(u[i] >= 0 && u[i] <= 1)) throw new RangeError(`mixtureQuantiles: u[${i}] must be in [0, 1], got ${u[i]}`);
    if (i > 0 && u[i] < u[i - 1]) sorted = false;
  }
  let order: ArrayLike<number>;
  if (sorted) order = { length: n } as ArrayLike<number>;
  else order = Array.from({ length: n }, (_, i) => i).sort((i, j) => u[i] - u[j]);
  let prevQ = -Infinity, prevU = NaN;
  const sMin = minSd(m);
  const near = Number.isFinite(sMin) ? 1e-9 * sMin : 0;
  solveLastX = NaN;
  for (let t = 0; t < n; t++) {
    const i = sorted ? t : order[t];
    const ui = u[i];
    let x0 = NaN;
    if (Number.isFinite(prevQ)) {
      // The density at the previous quantile (known from its last Newton step when that was taken next to it).
      const f = Math.abs(solveLastX - prevQ) <= near ? solveLastPdf : mixturePdf(m, prevQ);
      x0 = f > 0 ? prevQ + (ui - prevU) / f : prevQ;
    }
    const q = ui === prevU ? prevQ : quantileWithHint(m, ui, prevQ, x0, sMin);
    res[i] = q;
    prevQ = q;
    prevU = ui;
  }
  return res;
}
