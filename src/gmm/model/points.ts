/**
 * Construction and validation of point sets (`Points`: n rows of dimension d, row-major float64).
 */
import type { GMMParams, Points } from './types.ts';

/** Thrown for malformed point sets; the message names the offending row/column. */
export class PointsError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'PointsError';
  }
}

/** Builds Points from an array of equal-length rows of finite numbers (copied). */
export function pointsFromRows(rows: number[][], name = 'points'): Points {
  if (!Array.isArray(rows)) throw new PointsError(`${name}: expected an array of rows, got ${describe(rows)}`);
  if (rows.length === 0) throw new PointsError(`${name}: expected at least one row`);
  const first = rows[0];
  if (!Array.isArray(first) || first.length === 0) throw new PointsError(`${name}[0]: expected a non-empty array of numbers, got ${describe(first)}`);
  const n = rows.length, d = first.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!Array.isArray(r)) throw new PointsError(`${name}[${i}]: expected an array of numbers, got ${describe(r)}`);
    if (r.length !== d) throw new PointsError(`${name}[${i}] has ${r.length} entries, expected ${d} (the length of row 0)`);
    for (let j = 0; j < d; j++) {
      const v = r[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new PointsError(`${name}[${i}][${j}] is not a finite number: ${describe(v)}`);
      data[i * d + j] = v;
    }
  }
  return { n, d, data };
}

/**
 * Wraps (copy = false, default) or copies a flat row-major buffer of n×d values as Points, after checking
 * shapes and finiteness. Float32Arrays and plain arrays are always copied into a Float64Array.
 */
export function pointsFromFlat(data: Float64Array | Float32Array | ArrayLike<number>, n: number, d: number, opts: { copy?: boolean; name?: string } = {}): Points {
  const name = opts.name ?? 'points';
  if (!Number.isInteger(n) || n < 1) throw new PointsError(`${name}: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(d) || d < 1) throw new PointsError(`${name}: d must be a positive integer, got ${d}`);
  if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number') {
    throw new PointsError(`${name}: expected an array or typed array of numbers, got ${describe(data)}`);
  }
  if (data.length !== n * d) throw new PointsError(`${name}: data has length ${data.length}, expected n*d = ${n}*${d} = ${n * d}`);
  const out = data instanceof Float64Array && !opts.copy ? data : Float64Array.from(data as ArrayLike<number>);
  const p = { n, d, data: out };
  validatePoints(p, name);
  return p;
}

/** Throws a PointsError unless `p` is a well-formed Points with finite values (and dimension d when given). */
export function validatePoints(p: unknown, name = 'points', d?: number): asserts p is Points {
  if (p === null || typeof p !== 'object') throw new PointsError(`${name}: expected Points {n, d, data: Float64Array}, got ${describe(p)}`);
  const x = p as Points;
  if (!Number.isInteger(x.n) || x.n < 1) throw new PointsError(`${name}.n must be a positive integer, got ${describe(x.n)}`);
  if (!Number.isInteger(x.d) || x.d < 1) throw new PointsError(`${name}.d must be a positive integer, got ${describe(x.d)}`);
  if (!(x.data instanceof Float64Array)) throw new PointsError(`${name}.data must be a Float64Array, got ${describe(x.data)}`);
  if (x.data.length !== x.n * x.d) throw new PointsError(`${name}.data has length ${x.data.length}, expected n*d = ${x.n * x.d}`);
  if (d !== undefined && x.d !== d) throw new PointsError(`${name} has dimension ${x.d}, expected ${d}`);
  const data = x.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new PointsError(`${name}: point ${Math.floor(i / x.d)} coordinate ${i % x.d} is not finite (${data[i]})`);
    }
  }
}

/** Rows [start, end) as a new Points (copy). */
export function sliceRows(p: Points, start: number, end: number): Points {
  return { n: end - start, d: p.d, data: p.data.slice(start * p.d, end * p.d) };
}

/** Rows selected by index (copy). */
export function selectRows(p: Points, idx: ArrayLike<number>): Points {
  const d = p.d, out = new Float64Array(idx.length * d);
  for (let r = 0; r < idx.length; r++) out.set(p.data.subarray(idx[r] * d, idx[r] * d + d), r * d);
  return { n: idx.length, d, data: out };
}

/**
 * Column means and covariance of a point set: Σ = Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ / (n − ddof); ddof = 0 (default) gives the
 * biased 1/n covariance, ddof = 1 the unbiased one. Zero centred coordinates are skipped (sparse ReLU features).
 */
export function pointsMoments(p: { n: number; d: number; data: ArrayLike<number> }, ddof: 0 | 1 = 0): { mean: Float64Array; cov: Float64Array } {
  const { n, d, data } = p;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) c[j] = data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ca = c[a];
      if (ca === 0) continue;
      const ra = a * d;
      for (let b = 0; b <= a; b++) cov[ra + b] += ca * c[b];
    }
  }
  const div = n - ddof;
  for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) {
    const v = cov[a * d + b] / div;
    cov[a * d + b] = v;
    cov[b * d + a] = v;
  }
  return { mean, cov };
}

export function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<number>).length}`;
  if (typeof v === 'function') return 'a function';
  return `an object (${(v as object).constructor?.name ?? 'Object'})`;
}

/** Whether a distance's target is a point set (it has `data`) rather than mixture parameters. */
export function isPoints(t: GMMParams | Points): t is Points {
  return (t as Points).data !== undefined;
}

/** Number of entries <= x in an ascending array (binary search; ±Infinity answered directly). */
export function countAtMost(a: Float64Array, x: number): number {
  if (x === Infinity) return a.length;
  if (x === -Infinity) return 0;
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
