/**
 * The density kernels (src/gmm/model/density.ts) against direct formulas, for every covariance type, d = 1…6 and
 * n = 1…9 (every remainder of the 4-point × 2-row blocking), non-zero offsets, more than one 256-row scatter
 * chunk: precision factors (P L = I, log det, P μ), log-densities, the quadratic forms, weighted scatters, the
 * row-wise log-sum-exp on rows of very different scales, and the messages of the checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  estimateLogProb, factorLayout, LOG_2PI, logSumExpRows, precisionFactors, quadDiag, quadFull, weightedScatter,
} from '../../../src/gmm/model/density.ts';
import type { CovarianceType } from '../../../src/gmm/model/types.ts';
import { Rng } from '../../../src/util/rng.ts';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

/** A random SPD d×d matrix A Aᵀ / d + 0.5 I. */
function spd(d: number, rng: Rng): Float64Array {
  const A = Float64Array.from({ length: d * d }, () => rng.normal());
  const S = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    let s = a === b ? 0.5 : 0;
    for (let p = 0; p < d; p++) s += (A[a * d + p] * A[b * d + p]) / d;
    S[a * d + b] = s;
  }
  return S;
}

/** Inverse and log-determinant by Gauss–Jordan elimination with partial pivoting (reference only). */
function invLogDet(S: Float64Array, d: number): { inv: Float64Array; logDet: number } {
  const M = Array.from({ length: d }, (_, a) => [...Array.from(S.subarray(a * d, a * d + d)), ...Array.from({ length: d }, (_, b) => (a === b ? 1 : 0))]);
  let logDet = 0;
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const piv = M[c][c];
    logDet += Math.log(Math.abs(piv));
    for (let j = 0; j < 2 * d; j++) M[c][j] /= piv;
    for (let r = 0; r < d; r++) if (r !== c) { const f = M[r][c]; for (let j = 0; j < 2 * d; j++) M[r][j] -= f * M[c][j]; }
  }
  return { inv: Float64Array.from(M.flatMap((row) => row.slice(d))), logDet };
}

/** Covariances of every type, and each component's d×d matrix. */
function model(type: CovarianceType, k: number, d: number, rng: Rng): { means: Float64Array; cov: Float64Array; per: Float64Array[] } {
  const means = Float64Array.from({ length: k * d }, () => 2 * rng.normal());
  const per: Float64Array[] = [];
  let cov: Float64Array;
  if (type === 'full') { cov = new Float64Array(k * d * d); for (let c = 0; c < k; c++) { const S = spd(d, rng); cov.set(S, c * d * d); per.push(S); } }
  else if (type === 'tied') { cov = spd(d, rng); for (let c = 0; c < k; c++) per.push(cov); }
  else if (type === 'diag') {
    cov = Float64Array.from({ length: k * d }, () => 0.3 + rng.uniform());
    for (let c = 0; c < k; c++) { const S = new Float64Array(d * d); for (let j = 0; j < d; j++) S[j * d + j] = cov[c * d + j]; per.push(S); }
  } else {
    cov = Float64Array.from({ length: k }, () => 0.3 + rng.uniform());
    for (let c = 0; c < k; c++) { const S = new Float64Array(d * d); for (let j = 0; j < d; j++) S[j * d + j] = cov[c]; per.push(S); }
  }
  return { means, cov, per };
}

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

test('factorLayout: full and tied → full, diag and spherical → diag', () => {
  assert.deepEqual(TYPES.map(factorLayout), ['full', 'full', 'diag', 'diag']);
});

test('precision factors: P_c L_c = I (lower triangular), Σ log P_jj = −½ log det Σ_c, b_c = P_c μ_c; every type', () => {
  const rng = new Rng(11);
  for (const type of TYPES) for (const d of [1, 2, 3, 5]) {
    const k = 3;
    const { means, cov, per } = model(type, k, d, rng);
    const chol = type === 'full' || type === 'tied' ? new Float64Array(k * d * d) : undefined;
    const pf = precisionFactors(type, k, d, means, cov, { choleskyOut: chol });
    assert.equal(pf.covarianceType, factorLayout(type));
    assert.deepEqual([pf.k, pf.d], [k, d]);
    for (let c = 0; c < k; c++) {
      const S = per[c];
      const P = (a: number, b: number) => (pf.covarianceType === 'full' ? pf.prec[c * d * d + a * d + b] : a === b ? pf.prec[c * d + a] : 0);
      // PᵀP = Σ⁻¹.
      const { inv, logDet } = invLogDet(S, d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
        if (b > a) assert.equal(P(a, b), 0, `${type} d=${d}: P is lower triangular`);
        let s = 0;
        for (let r = 0; r < d; r++) s += P(r, a) * P(r, b);
        close(s, inv[a * d + b], 1e-11, `${type} d=${d} c=${c}: (PᵀP)[${a}][${b}]`);
      }
      close(pf.logDetPrec[c], -0.5 * logDet, 1e-12, `${type} d=${d} c=${c}: log det`);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += P(a, j) * means[c * d + j];
        close(pf.precMeans[c * d + a], s, 1e-12, `${type} d=${d} c=${c}: b[${a}]`);
      }
      if (chol) {
        // L Lᵀ = Σ.
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
          let s = 0;
          for (let r = 0; r < d; r++) s += chol[c * d * d + a * d + r] * chol[c * d * d + b * d + r];
          close(s, S[a * d + b], 1e-12, `${type} d=${d} c=${c}: (LLᵀ)[${a}][${b}]`);
        }
      }
    }
    // reuse: the same arrays are filled when the shapes match, new ones otherwise.
    const again = precisionFactors(type, k, d, means, cov, { reuse: pf });
    assert.equal(again.prec, pf.prec);
    assert.equal(again.precMeans, pf.precMeans);
    const other = precisionFactors(type, k - 1, d, means.subarray(0, (k - 1) * d), type === 'tied' ? cov : cov.subarray(0, type === 'full' ? (k - 1) * d * d : type === 'diag' ? (k - 1) * d : k - 1), { reuse: pf });
    assert.notEqual(other.prec, pf.prec);
  }
});

test('precision factors: the messages name the component and entry', () => {
  const m = new Float64Array(4);
  const err = (type: CovarianceType, cov: number[], message: string, name?: string) =>
    assert.throws(() => precisionFactors(type, 2, 2, m, Float64Array.from(cov), name ? { name } : {}), (e: Error) => {
      assert.equal(e.name, 'NotPositiveDefiniteError');
      assert.equal(e.message, message);
      return true;
    });
  err('diag', [1, 1, 1, 0], 'covariances[1][1] (component 1) must be a positive finite variance, got 0');
  err('diag', [1, Infinity, 1, 1], 'C[0][1] (component 0) must be a positive finite variance, got Infinity', 'C');
  err('spherical', [1, -1], 'covariances[1] (component 1) must be a positive finite variance, got -1');
  err('full', [1, 0, 0, 1, 1, 2, 2, 1], 'covariances[1] (component 1) is not positive-definite (Cholesky failed at pivot 1)');
  err('tied', [0, 0, 0, 1], 'covariances (the tied covariance) is not positive-definite (Cholesky failed at pivot 0)');
  precisionFactors('diag', 2, 2, m, Float64Array.from([1, 1, 1, Number.MIN_VALUE]));
});

test('estimateLogProb equals log w_c + log N(x | μ_c, Σ_c) by the direct formula, every type, n = 1…9', () => {
  const rng = new Rng(5);
  for (const type of TYPES) for (const d of [1, 2, 3, 4, 5]) for (const n of [1, 4, 5, 9]) {
    const k = 3;
    const { means, cov, per } = model(type, k, d, rng);
    const X = Float64Array.from({ length: n * d }, () => 3 * rng.normal());
    const logW = Float64Array.from([Math.log(0.2), Math.log(0.3), Math.log(0.5)]);
    const pf = precisionFactors(type, k, d, means, cov);
    const out = estimateLogProb({ n, d, data: X }, pf, logW);
    const noW = estimateLogProb({ n, d, data: X }, pf, undefined, new Float64Array(n * k), new Float64Array(n));
    for (let c = 0; c < k; c++) {
      const { inv, logDet } = invLogDet(per[c], d);
      for (let i = 0; i < n; i++) {
        let q = 0;
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) q += (X[i * d + a] - means[c * d + a]) * inv[a * d + b] * (X[i * d + b] - means[c * d + b]);
        const lp = -0.5 * (d * LOG_2PI + logDet + q);
        close(out[i * k + c], logW[c] + lp, 1e-11, `${type} d=${d} n=${n} point ${i} component ${c}`);
        close(noW[i * k + c], lp, 1e-11, `${type} without weights`);
      }
    }
  }
  const pf = precisionFactors('diag', 1, 2, new Float64Array(2), Float64Array.from([1, 1]));
  assert.throws(() => estimateLogProb({ n: 1, d: 3, data: new Float64Array(3) }, pf), /^RangeError: points have dimension 3, the model has dimension 2$/);
});

test('quadFull / quadDiag: ‖P x − b‖² at offsets, every n mod 4 and d mod 2', () => {
  const rng = new Rng(8);
  for (let d = 1; d <= 6; d++) for (let n = 1; n <= 9; n++) {
    const X = Float64Array.from({ length: n * d }, () => rng.normal());
    const pOff = 3, bOff = 2;
    const P = Float64Array.from({ length: pOff + d * d + 1 }, () => rng.normal());
    for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) P[pOff + a * d + b] = 0;
    const b = Float64Array.from({ length: bOff + d + 1 }, () => rng.normal());
    const q = new Float64Array(n), qd = new Float64Array(n);
    quadFull(X, n, d, P, pOff, b, bOff, q);
    quadDiag(X, n, d, P, pOff, b, bOff, qd);
    for (let i = 0; i < n; i++) {
      let s = 0, sd = 0;
      for (let r = 0; r < d; r++) {
        let a = -b[bOff + r];
        for (let j = 0; j <= r; j++) a += P[pOff + r * d + j] * X[i * d + j];
        s += a * a;
        const z = X[i * d + r] * P[pOff + r] - b[bOff + r];
        sd += z * z;
      }
      close(q[i], s, 1e-12, `quadFull d=${d} n=${n} row ${i}`);
      close(qd[i], sd, 1e-12, `quadDiag d=${d} n=${n} row ${i}`);
    }
  }
});

test('weightedScatter: Σ r_i (x_i − μ)(x_i − μ)ᵀ (full, tied) and its diagonal (diag, spherical); zero weights skipped', () => {
  const rng = new Rng(4);
  for (const type of TYPES) for (const d of [1, 2, 3, 5]) for (const n of [1, 7, 600]) {
    const k = 2, c = 1, muOff = d;
    const X = Float64Array.from({ length: n * d }, () => rng.normal());
    const resp = Float64Array.from({ length: n * k }, (_, i) => (i % 5 === 1 ? 0 : rng.uniform()));
    const mu = Float64Array.from({ length: 2 * d }, () => rng.normal());
    const full = factorLayout(type) === 'full';
    const out = new Float64Array(full ? d * d : d).fill(7);
    const scratch = weightedScatter({ n, d, data: X }, resp, k, c, mu, muOff, type, out);
    const want = new Float64Array(d * d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b2 = 0; b2 < d; b2++) {
      want[a * d + b2] += resp[i * k + c] * (X[i * d + a] - mu[muOff + a]) * (X[i * d + b2] - mu[muOff + b2]);
    }
    for (let a = 0; a < d; a++) {
      if (full) for (let b2 = 0; b2 < d; b2++) close(out[a * d + b2], want[a * d + b2], 1e-11, `${type} d=${d} n=${n} [${a}][${b2}]`);
      else close(out[a], want[a * d + a], 1e-11, `${type} d=${d} n=${n} [${a}]`);
    }
    // The scratch is reused on the next call of the same shape, and gives the same result.
    const out2 = new Float64Array(out.length);
    const s2 = weightedScatter({ n, d, data: X }, resp, k, c, mu, muOff, type, out2, scratch);
    if (full) assert.equal(s2, scratch);
    assert.deepEqual(Array.from(out2), Array.from(out));
  }
});

test('logSumExpRows: each row on its own scale (first and last rows), −∞ / +∞ / NaN rows, responsibilities', () => {
  // Rows of very different scales next to each other: a shared maximum would underflow the small rows.
  const M = Float64Array.from([-1000, -1001, 0, Math.log(3), 800, 800, -Infinity, -Infinity, -5, -Infinity]);
  const out = logSumExpRows(M.slice(), 5, 2);
  close(out[0], -1000 + Math.log(1 + Math.exp(-1)), 1e-15, 'row 0');
  close(out[1], Math.log(4), 1e-15, 'row 1');
  close(out[2], 800 + Math.log(2), 1e-15, 'row 2');
  assert.equal(out[3], -Infinity, 'row 3: all −∞');
  assert.equal(out[4], -5, 'row 4, the last: one finite entry');
  const R = M.slice();
  logSumExpRows(R, 5, 2, new Float64Array(5), true);
  const want = [1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1)), 0.25, 0.75, 0.5, 0.5, 0.5, 0.5, 1, 0];
  for (let i = 0; i < 10; i++) close(R[i], want[i], 1e-15, `responsibility ${i}`);
  // A row of k = 3 with +∞ or NaN gives that maximum, and uniform responsibilities.
  const odd = Float64Array.from([0, Infinity, 1, 2, 3, 4]);
  const o2 = new Float64Array(2);
  logSumExpRows(odd, 2, 3, o2, true);
  assert.equal(o2[0], Infinity);
  close(o2[1], 4 + Math.log(1 + Math.exp(-1) + Math.exp(-2)), 1e-15, 'the row after an infinite one');
  assert.deepEqual(Array.from(odd.subarray(0, 3)), [1 / 3, 1 / 3, 1 / 3]);
  const nan = logSumExpRows(Float64Array.from([NaN, 0]), 1, 2);
  assert.ok(Number.isNaN(nan[0]), `a NaN entry makes the row NaN, got ${nan[0]}`);
  // Far points (issue 17, item 12): the row still sums to 1.
  const far = Float64Array.from([-1e16, -1e16]);
  logSumExpRows(far, 1, 2, undefined, true);
  assert.deepEqual(Array.from(far), [0.5, 0.5]);
});
