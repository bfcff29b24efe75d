/**
 * Limited-memory BFGS (L-BFGS) for smooth unconstrained minimisation, as used for Gatys-style image
 * optimisation (Gatys, Ecker & Bethge 2016 optimise the pixels with L-BFGS).
 *
 * Direction: the two-loop recursion (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.4)
 * over the last `history` pairs s_k = x_{k+1} − x_k, y_k = ∇f_{k+1} − ∇f_k, with the initial inverse
 * Hessian H_0 = γ I, γ = s_{k−1}ᵀy_{k−1} / y_{k−1}ᵀy_{k−1} (their Eq. 7.20). A pair is stored only when
 * sᵀy > 1e-10 · |y|² (curvature condition), which keeps the implicit inverse Hessian positive definite.
 *
 * Step length: backtracking line search on the Armijo (sufficient decrease) condition
 * f(x + t d) ≤ f(x) + c₁ t ∇fᵀd, trying t = 1 first (the natural quasi-Newton step) and, on failure,
 * the minimiser of the quadratic through f(x), ∇fᵀd and f(x + t d), kept within [0.1 t, 0.5 t]. The
 * very first step (no curvature yet) is scaled so that its largest coordinate moves by `firstStep`.
 * If the direction is not a descent direction, the history is dropped and steepest descent is used.
 *
 * No npm package of L-BFGS is maintained and typed for Node (checked for issue 12), hence this small one;
 * it is tested against hand-computed steps, a quadratic and the Rosenbrock function
 * (test/style/lbfgs.test.ts).
 */

/** Value and gradient of the objective at x (the gradient array may be reused by the caller's next call; it is copied). */
export type ValueAndGradient = (x: Float64Array) => Promise<{ f: number; g: ArrayLike<number> }> | { f: number; g: ArrayLike<number> };

export interface LbfgsOptions {
  /** Stored (s, y) pairs (default 8). */
  history?: number;
  /** Iterations (accepted steps), default 100. */
  maxIterations?: number;
  /** Objective evaluations including line-search trials (default 2 · maxIterations + 10). */
  maxEvaluations?: number;
  /** Stop when max |∇f| ≤ gradTolerance (default 0: never). */
  gradTolerance?: number;
  /** Stop when the relative decrease |f_k − f_{k+1}| / max(|f_k|, 1e-30) < this (default 0: never). */
  relTolerance?: number;
  /** Armijo constant c₁ (default 1e-4). */
  c1?: number;
  /** Largest coordinate change of the first (steepest-descent) step (default 1e-2). */
  firstStep?: number;
  /** Line-search trials per iteration before giving up (default 12). */
  maxBacktracks?: number;
  /** Called with f(x0) before the first step (may throw to refuse the start, e.g. a non-finite value). */
  onStart?: (f: number) => void;
  /** Called after every accepted step; may be async (progress, cancellation). */
  onIteration?: (info: { iteration: number; f: number; evaluations: number; x: Float64Array }) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  /** Why it stopped. */
  reason: 'maxIterations' | 'maxEvaluations' | 'gradTolerance' | 'relTolerance' | 'lineSearch';
  /** f after every accepted step (f[0] is the start). */
  trace: number[];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/**
 * L-BFGS direction d = −H g by the two-loop recursion (Nocedal & Wright Algorithm 7.4). `S`, `Y` hold
 * the pairs oldest first, `rho[i] = 1 / (s_iᵀ y_i)`. With no pairs, d = −g.
 */
export function lbfgsDirection(g: ArrayLike<number>, S: Float64Array[], Y: Float64Array[], rho: number[]): Float64Array {
  const n = g.length;
  const q = Float64Array.from(g);
  const m = S.length;
  const alpha = new Array<number>(m);
  for (let i = m - 1; i >= 0; i--) {
    const a = rho[i] * dot(S[i], q);
    alpha[i] = a;
    const y = Y[i];
    for (let j = 0; j < n; j++) q[j] -= a * y[j];
  }
  if (m > 0) {
    const gamma = dot(S[m - 1], Y[m - 1]) / dot(Y[m - 1], Y[m - 1]);
    for (let j = 0; j < n; j++) q[j] *= gamma;
  }
  for (let i = 0; i < m; i++) {
    const b = rho[i] * dot(Y[i], q);
    const s = S[i];
    const c = alpha[i] - b;
    for (let j = 0; j < n; j++) q[j] += c * s[j];
  }
  for (let j = 0; j < n; j++) q[j] = -q[j];
  return q;
}

/** Minimises f from x0 (not modified) by L-BFGS with a backtracking Armijo line search. */
export async function minimizeLbfgs(fg: ValueAndGradient, x0: ArrayLike<number>, opts: LbfgsOptions = {}): Promise<LbfgsResult> {
  const m = opts.history ?? 8;
  const maxIt = opts.maxIterations ?? 100;
  const maxEval = opts.maxEvaluations ?? 2 * maxIt + 10;
  const c1 = opts.c1 ?? 1e-4;
  const firstStep = opts.firstStep ?? 1e-2;
  const maxBack = opts.maxBacktracks ?? 12;
  if (!(Number.isInteger(m) && m >= 1)) throw new RangeError(`history must be an integer >= 1, got ${m}`);
  if (!(Number.isInteger(maxIt) && maxIt >= 0)) throw new RangeError(`maxIterations must be an integer >= 0, got ${maxIt}`);
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let evals = 0;
  const evaluate = async (at: Float64Array) => {
    evals++;
    const r = await fg(at);
    if (r.g.length !== n) throw new RangeError(`gradient has ${r.g.length} entries, expected ${n}`);
    return { f: r.f, g: Float64Array.from(r.g) as Float64Array };
  };
  let { f, g } = await evaluate(x);
  opts.onStart?.(f);
  if (!Number.isFinite(f)) throw new RangeError(`L-BFGS: the objective is not finite at the start (${f})`);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const trace = [f];
  let it = 0;
  let reason: LbfgsResult['reason'] = 'maxIterations';
  while (it < maxIt) {
    opts.signal?.throwIfAborted();
    if (opts.gradTolerance && maxAbs(g) <= opts.gradTolerance) {
      reason = 'gradTolerance';
      break;
    }
    let d = lbfgsDirection(g, S, Y, rho);
    let gd = dot(g, d);
    if (!(gd < 0)) {
      S.length = Y.length = rho.length = 0;
      d = lbfgsDirection(g, S, Y, rho);
      gd = dot(g, d);
    }
    // Initial trial step: 1 for quasi-Newton directions; the first steepest-descent step is scaled.
    let t = S.length === 0 ? firstStep / Math.max(maxAbs(d), 1e-300) : 1;
    let accepted: { f: number; g: Float64Array; x: Float64Array } | null = null;
    for (let k = 0; k <= maxBack; k++) {
      if (evals >= maxEval) break;
      const xt = new Float64Array(n);
      for (let j = 0; j < n; j++) xt[j] = x[j] + t * d[j];
      const r = await evaluate(xt);
      if (Number.isFinite(r.f) && r.f <= f + c1 * t * gd) {
        accepted = { ...r, x: xt };
        break;
      }
      // Quadratic interpolation of φ(t) = f(x + t d) through φ(0), φ'(0) and φ(t); safeguarded.
      const tq = Number.isFinite(r.f) ? (-gd * t * t) / (2 * (r.f - f - gd * t)) : 0.1 * t;
      t = Math.min(0.5 * t, Math.max(0.1 * t, tq));
    }
    if (!accepted) {
      reason = evals >= maxEval ? 'maxEvaluations' : 'lineSearch';
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = accepted.x[j] - x[j];
      y[j] = accepted.g[j] - g[j];
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const fPrev = f;
    x = accepted.x;
    f = accepted.f;
    g = accepted.g;
    it++;
    trace.push(f);
    await opts.onIteration?.({ iteration: it, f, evaluations: evals, x });
    if (opts.relTolerance && Math.abs(fPrev - f) / Math.max(Math.abs(fPrev), 1e-30) < opts.relTolerance) {
      reason = 'relTolerance';
      break;
    }
    if (evals >= maxEval) {
      reason = 'maxEvaluations';
      break;
    }
  }
  return { x, f, iterations: it, evaluations: evals, reason, trace };
}
