// AssemblyScript source of gmmgen's WebAssembly EM kernels (float64, SIMD128). Built into ../em-module.ts by
// `npm run build:wasm` (scripts/build-wasm.ts); test/gmm/wasm/em-kernels.test.ts checks that the shipped module is the build
// of this file. The TypeScript side (../engine.ts) owns the memory layout: every pointer here is a byte offset into
// the shared linear memory, read from a job block that the caller fills in. A task reads only its inputs and writes
// only its own outputs, so any thread may run any task and the results do not depend on the number of threads.
//
// Maths (scikit-learn's GaussianMixture, step for step; see ../../em.ts):
//   precision factor P_c = L_c⁻¹ of Σ_c = L_c L_cᵀ, b_c = P_c μ_c, log det P_c = Σ_j log (P_c)_jj;
//   log ρ_ic = cst_c − ½ ‖P_c x_i − b_c‖²  with cst_c = log w_c + log det P_c − ½ d log 2π;
//   ℓ_i = M_i + log S_i, M_i = max_c log ρ_ic, S_i = Σ_c exp(log ρ_ic − M_i), γ_ic = exp(log ρ_ic − M_i) / S_i;
//   N_c = Σ_i γ_ic + 10 ε, μ_c = Σ_i γ_ic x_i / N_c, Σ_c = Σ_i γ_ic (x_i − μ_c)(x_i − μ_c)ᵀ / N_c + reg I.
// The E-step task also sums, over its rows, the moments about the current means m_c (a shift that keeps the
// second moments free of cancellation): n_c = Σ γ_ic, a_c = Σ γ_ic (x_i − m_c), and for diagonal covariances
// s_c = Σ γ_ic (x_i − m_c)²; then μ_c = (n_c m_c + a_c) / N_c and, with δ = μ_c − m_c,
// diag Σ_c = max(0, s_c − 2 δ a_c + n_c δ²) / N_c + reg — the M-step reads X once per iteration, inside the E-step.

// ---- job block layout (byte offsets; i32 unless noted) ----
const J_N = 0;          // n points
const J_D = 4;          // d dimensions
const J_K = 8;          // k components
const J_DP = 12;        // d rounded up to a multiple of 4
const J_X = 16;         // X: n×d
const J_R = 20;         // R: n×k log ρ, then responsibilities γ
const J_LSE = 24;       // ℓ: n
const J_PACK = 28;      // packed precision factors: k × packLen
const J_PACKLEN = 32;   // doubles per component in PACK
const J_B = 36;         // b: k × dp
const J_CST = 40;       // cst: k (written by the caller)
const J_MEANS = 44;     // μ: k × d
const J_NK = 48;        // N: k
const J_COVS = 52;      // Σ: k×d×d (full) or k×d (diag)
const J_PART = 56;      // partial scatters: k × chunks × (dp×dp full | dp diag)
const J_CHUNKS = 60;    // row chunks of the scatter
const J_STATUS = 64;    // i32 per component: −1 ok, else the failing pivot
const J_SCRATCH = 68;   // scratch of thread slot 0
const J_SSTRIDE = 72;   // bytes between thread slots' scratch
const J_ROWBLOCK = 76;  // rows per E-step task
const J_DIAG = 80;      // 1 diagonal covariances, 0 full
const J_T = 84;         // rows gathered per rank-T update
const J_LOGDET = 88;    // log det P: k
const J_NORMALIZE = 92; // E-step: 1 responsibilities + ℓ, 0 leave log ρ
const J_REG = 96;       // f64: reg added to the covariance diagonal
const J_MOM = 104;      // moment partials: one block of k × momStride doubles per E-step task
const J_MOMENTS = 108;  // E-step: 1 also accumulate the moment partials (needs J_NORMALIZE = 1)

export const PHASE_ESTEP: i32 = 0;
export const PHASE_MEANS: i32 = 1;
export const PHASE_SCATTER: i32 = 2;
export const PHASE_COV: i32 = 3;
export const PHASE_FACTOR: i32 = 4;

/** First byte after the module's static data: the caller's layout starts at or above it. */
export function heapBase(): usize { return __heap_base; }

// @ts-ignore: decorator
@inline function ji(job: usize, off: usize): i32 { return load<i32>(job + off); }
// @ts-ignore: decorator
@inline function jp(job: usize, off: usize): usize { return <usize>load<u32>(job + off); }

/** Runs task `t` of `phase` for the job at `job`, with the scratch of thread slot `slot`. */
export function runTask(job: usize, phase: i32, t: i32, slot: i32): void {
  const scratch = jp(job, J_SCRATCH) + <usize>slot * jp(job, J_SSTRIDE);
  if (phase == PHASE_ESTEP) estepTask(job, t, scratch);
  else if (phase == PHASE_MEANS) meansTask(job, t, scratch);
  else if (phase == PHASE_SCATTER) scatterTask(job, t, scratch);
  else if (phase == PHASE_COV) { covTask(job, t); factorTask(job, t, scratch); }
  else if (phase == PHASE_FACTOR) factorTask(job, t, scratch);
  else unreachable();
}

// ------------------------------------------------------------------------------------------------
// E-step: rows [t·B, min(n, (t+1)·B)).
// ------------------------------------------------------------------------------------------------

function estepTask(job: usize, t: i32, scratch: usize): void {
  const n = ji(job, J_N), d = ji(job, J_D), k = ji(job, J_K), dp = ji(job, J_DP);
  const B = ji(job, J_ROWBLOCK);
  const i0 = t * B;
  const i1 = min(n, i0 + B);
  const X = jp(job, J_X), R = jp(job, J_R), pack = jp(job, J_PACK), packLen = ji(job, J_PACKLEN);
  const bAll = jp(job, J_B), cst = jp(job, J_CST);
  const diag = ji(job, J_DIAG) != 0;
  if (!diag) {
    for (let c = 0; c < k; c++) {
      quadFullRows(X, d, dp, pack + <usize>c * <usize>packLen * 8, bAll + <usize>(c * dp) * 8, R, k, c, load<f64>(cst + <usize>c * 8), i0, i1);
    }
    if (ji(job, J_NORMALIZE) != 0) normalizeRows(R, k, jp(job, J_LSE), i0, i1);
    if (ji(job, J_MOMENTS) != 0) momentsBlock(job, t, i0, i1, false);
    return;
  }
  // Diagonal: points i0..i1 in panels of 4 (packPoints), 4 points per pass over p and b.
  const panels = (i1 - i0 + 3) >> 2;
  packPoints(X, d, i0, i1, scratch);
  const panelBytes = <usize>d * 32;
  for (let c = 0; c < k; c++) {
    const P = pack + <usize>c * <usize>packLen * 8;
    const b = bAll + <usize>(c * dp) * 8;
    const cc = load<f64>(cst + <usize>c * 8);
    for (let g = 0; g < panels; g++) {
      quadDiagPanel(scratch + <usize>g * panelBytes, d, P, b);
      // q = (q_0 + q_1, q_2 + q_3) split over two vectors: lanes of qLo are points 0, 1; of qHi points 2, 3.
      const r = R + (<usize>(i0 + 4 * g) * <usize>k + <usize>c) * 8, rs = <usize>k * 8;
      const m = min(4, i1 - i0 - 4 * g);
      store<f64>(r, cc - 0.5 * f64x2.extract_lane(qLo, 0));
      if (m > 1) store<f64>(r + rs, cc - 0.5 * f64x2.extract_lane(qLo, 1));
      if (m > 2) store<f64>(r + 2 * rs, cc - 0.5 * f64x2.extract_lane(qHi, 0));
      if (m > 3) store<f64>(r + 3 * rs, cc - 0.5 * f64x2.extract_lane(qHi, 1));
    }
  }
  if (ji(job, J_NORMALIZE) != 0) normalizeRows(R, k, jp(job, J_LSE), i0, i1);
  if (ji(job, J_MOMENTS) != 0) momentsBlock(job, t, i0, i1, true);
}

/** Doubles per component in a moment block: n, pad, a[dp] (and s[dp] for diagonal covariances). */
// @ts-ignore: decorator
@inline function momStride(dp: i32, diag: bool): i32 { return diag ? 2 + 2 * dp : 2 + dp; }

/**
 * Moment partials of rows i0..i1 (E-step task t) about the current means, from the responsibilities in R. For
 * each component, columns are taken 8 at a time with the sums in registers over the rows (rows with γ = 0 add
 * nothing and are skipped).
 */
function momentsBlock(job: usize, t: i32, i0: i32, i1: i32, diag: bool): void {
  const d = ji(job, J_D), k = ji(job, J_K), dp = ji(job, J_DP);
  const X = jp(job, J_X), R = jp(job, J_R), means = jp(job, J_MEANS);
  const S = momStride(dp, diag);
  const rowBytes = <usize>d * 8;
  const d8 = d & ~7;
  for (let c = 0; c < k; c++) {
    const out = jp(job, J_MOM) + <usize>(t * k + c) * <usize>S * 8;
    const a = out + 16, sq = a + <usize>dp * 8;
    const m = means + <usize>(c * d) * 8;
    const rc = R + <usize>c * 8, rs = <usize>k * 8;
    let nc = 0.0;
    for (let i = i0; i < i1; i++) nc += load<f64>(rc + <usize>i * rs);
    store<f64>(out, nc);
    store<f64>(out + 8, 0);
    let j = 0;
    for (; j < d8; j += 8) {
      const o = <usize>j * 8;
      const m0 = v128.load(m + o), m1 = v128.load(m + o, 16), m2 = v128.load(m + o, 32), m3 = v128.load(m + o, 48);
      let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, s0 = a0, s1 = a0, s2 = a0, s3 = a0;
      for (let i = i0; i < i1; i++) {
        const r = load<f64>(rc + <usize>i * rs);
        if (r == 0) continue;
        const rv = f64x2.splat(r);
        const x = X + <usize>i * rowBytes + o;
        const y0 = f64x2.sub(v128.load(x), m0), y1 = f64x2.sub(v128.load(x, 16), m1);
        const y2 = f64x2.sub(v128.load(x, 32), m2), y3 = f64x2.sub(v128.load(x, 48), m3);
        const r0 = f64x2.mul(rv, y0), r1 = f64x2.mul(rv, y1), r2 = f64x2.mul(rv, y2), r3 = f64x2.mul(rv, y3);
        a0 = f64x2.add(a0, r0); a1 = f64x2.add(a1, r1); a2 = f64x2.add(a2, r2); a3 = f64x2.add(a3, r3);
        if (diag) {
          s0 = f64x2.add(s0, f64x2.mul(r0, y0)); s1 = f64x2.add(s1, f64x2.mul(r1, y1));
          s2 = f64x2.add(s2, f64x2.mul(r2, y2)); s3 = f64x2.add(s3, f64x2.mul(r3, y3));
        }
      }
      v128.store(a + o, a0); v128.store(a + o, a1, 16); v128.store(a + o, a2, 32); v128.store(a + o, a3, 48);
      if (diag) { v128.store(sq + o, s0); v128.store(sq + o, s1, 16); v128.store(sq + o, s2, 32); v128.store(sq + o, s3, 48); }
    }
    for (; j < d; j++) {
      const o = <usize>j * 8;
      const mj = load<f64>(m + o);
      let aj = 0.0, sj = 0.0;
      for (let i = i0; i < i1; i++) {
        const r = load<f64>(rc + <usize>i * rs);
        if (r == 0) continue;
        const y = load<f64>(X + <usize>i * rowBytes + o) - mj;
        aj += r * y;
        if (diag) sj += r * y * y;
      }
      store<f64>(a + o, aj);
      if (diag) store<f64>(sq + o, sj);
    }
  }
}

// The two result vectors of quadDiagPanel (globals: a function returns one value).
let qLo: v128 = f64x2.splat(0);
let qHi: v128 = f64x2.splat(0);

/** Rows i0..i1 of X into panels of 4 points: panel g holds x_{i0+4g+u}[j] at (g·d + j)·4 + u (zeros past i1). */
function packPoints(X: usize, d: i32, i0: i32, i1: i32, out: usize): void {
  const rowBytes = <usize>d * 8;
  for (let i = i0; i < i1; i += 4) {
    const dst = out + <usize>((i - i0) >> 2) * <usize>d * 32;
    const m = min(4, i1 - i);
    for (let u = 0; u < 4; u++) {
      const x = X + <usize>(i + u) * rowBytes;
      const o = dst + <usize>u * 8;
      if (u < m) for (let j = 0; j < d; j++) store<f64>(o + <usize>j * 32, load<f64>(x + <usize>j * 8));
      else for (let j = 0; j < d; j++) store<f64>(o + <usize>j * 32, 0);
    }
  }
}

/** Packed offset (in doubles) of row block rb: Σ_{r<rb} (4r + 4)·4 = 8 rb (rb + 1). */
// @ts-ignore: decorator
@inline function packOffset(rb: i32): i32 { return 8 * rb * (rb + 1); }

/**
 * R[i·k + c] = cst − ½ ‖P x_i − b‖² for rows i0..i1, P lower triangular packed by blocks of 4 rows:
 * block rb holds, for j = 0..4rb+3, the four values P[4rb+u][j] (u = 0..3) — zeros above the diagonal and
 * beyond d. 4 points × 4 rows of P per pass (8 f64x2 accumulators).
 */
function quadFullRows(X: usize, d: i32, dp: i32, P: usize, b: usize, R: usize, k: i32, c: i32, cc: f64, i0: i32, i1: i32): void {
  const nb = dp >> 2;
  const rowBytes = <usize>d * 8;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const x0 = X + <usize>i * rowBytes, x1 = x0 + rowBytes, x2 = x1 + rowBytes, x3 = x2 + rowBytes;
    let q0 = f64x2.splat(0), q1 = f64x2.splat(0), q2 = f64x2.splat(0), q3 = f64x2.splat(0);
    for (let rb = 0; rb < nb; rb++) {
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
      let a20 = f64x2.splat(0), a21 = f64x2.splat(0), a30 = f64x2.splat(0), a31 = f64x2.splat(0);
      let p = P + <usize>packOffset(rb) * 8;
      const jmax = min(4 * rb + 4, d);
      for (let j = 0; j < jmax; j++) {
        const u = v128.load(p), v = v128.load(p, 16);
        const o = <usize>j * 8;
        let s = v128.load64_splat(x0 + o);
        a00 = f64x2.add(a00, f64x2.mul(u, s)); a01 = f64x2.add(a01, f64x2.mul(v, s));
        s = v128.load64_splat(x1 + o);
        a10 = f64x2.add(a10, f64x2.mul(u, s)); a11 = f64x2.add(a11, f64x2.mul(v, s));
        s = v128.load64_splat(x2 + o);
        a20 = f64x2.add(a20, f64x2.mul(u, s)); a21 = f64x2.add(a21, f64x2.mul(v, s));
        s = v128.load64_splat(x3 + o);
        a30 = f64x2.add(a30, f64x2.mul(u, s)); a31 = f64x2.add(a31, f64x2.mul(v, s));
        p += 32;
      }
      const bb = b + <usize>(rb * 4) * 8;
      const b0 = v128.load(bb), b1 = v128.load(bb, 16);
      a00 = f64x2.sub(a00, b0); a01 = f64x2.sub(a01, b1);
      a10 = f64x2.sub(a10, b0); a11 = f64x2.sub(a11, b1);
      a20 = f64x2.sub(a20, b0); a21 = f64x2.sub(a21, b1);
      a30 = f64x2.sub(a30, b0); a31 = f64x2.sub(a31, b1);
      q0 = f64x2.add(q0, f64x2.add(f64x2.mul(a00, a00), f64x2.mul(a01, a01)));
      q1 = f64x2.add(q1, f64x2.add(f64x2.mul(a10, a10), f64x2.mul(a11, a11)));
      q2 = f64x2.add(q2, f64x2.add(f64x2.mul(a20, a20), f64x2.mul(a21, a21)));
      q3 = f64x2.add(q3, f64x2.add(f64x2.mul(a30, a30), f64x2.mul(a31, a31)));
    }
    const r = R + (<usize>i * <usize>k + <usize>c) * 8, rs = <usize>k * 8;
    store<f64>(r, cc - 0.5 * (f64x2.extract_lane(q0, 0) + f64x2.extract_lane(q0, 1)));
    store<f64>(r + rs, cc - 0.5 * (f64x2.extract_lane(q1, 0) + f64x2.extract_lane(q1, 1)));
    store<f64>(r + 2 * rs, cc - 0.5 * (f64x2.extract_lane(q2, 0) + f64x2.extract_lane(q2, 1)));
    store<f64>(r + 3 * rs, cc - 0.5 * (f64x2.extract_lane(q3, 0) + f64x2.extract_lane(q3, 1)));
  }
  for (; i < i1; i++) {
    const x0 = X + <usize>i * rowBytes;
    let q0 = f64x2.splat(0);
    for (let rb = 0; rb < nb; rb++) {
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0);
      let p = P + <usize>packOffset(rb) * 8;
      const jmax = min(4 * rb + 4, d);
      for (let j = 0; j < jmax; j++) {
        const s = v128.load64_splat(x0 + <usize>j * 8);
        a00 = f64x2.add(a00, f64x2.mul(v128.load(p), s));
        a01 = f64x2.add(a01, f64x2.mul(v128.load(p, 16), s));
        p += 32;
      }
      const bb = b + <usize>(rb * 4) * 8;
      a00 = f64x2.sub(a00, v128.load(bb)); a01 = f64x2.sub(a01, v128.load(bb, 16));
      q0 = f64x2.add(q0, f64x2.add(f64x2.mul(a00, a00), f64x2.mul(a01, a01)));
    }
    store<f64>(R + (<usize>i * <usize>k + <usize>c) * 8, cc - 0.5 * (f64x2.extract_lane(q0, 0) + f64x2.extract_lane(q0, 1)));
  }
}

/** Diagonal case: Σ_j (x_uj p_j − b_j)² for the 4 points of a panel, p = 1/σ at P, b = μ p; into qLo, qHi. */
function quadDiagPanel(xp: usize, d: i32, P: usize, b: usize): void {
  let q0 = f64x2.splat(0), q1 = f64x2.splat(0), r0 = f64x2.splat(0), r1 = f64x2.splat(0);
  let j = 0;
  for (; j + 2 <= d; j += 2) {
    const x = xp + <usize>j * 32, o = <usize>j * 8;
    let p = v128.load64_splat(P + o), bb = v128.load64_splat(b + o);
    let z0 = f64x2.sub(f64x2.mul(v128.load(x), p), bb), z1 = f64x2.sub(f64x2.mul(v128.load(x, 16), p), bb);
    q0 = f64x2.add(q0, f64x2.mul(z0, z0)); q1 = f64x2.add(q1, f64x2.mul(z1, z1));
    p = v128.load64_splat(P + o, 8); bb = v128.load64_splat(b + o, 8);
    z0 = f64x2.sub(f64x2.mul(v128.load(x, 32), p), bb); z1 = f64x2.sub(f64x2.mul(v128.load(x, 48), p), bb);
    r0 = f64x2.add(r0, f64x2.mul(z0, z0)); r1 = f64x2.add(r1, f64x2.mul(z1, z1));
  }
  if (j < d) {
    const x = xp + <usize>j * 32, o = <usize>j * 8;
    const p = v128.load64_splat(P + o), bb = v128.load64_splat(b + o);
    const z0 = f64x2.sub(f64x2.mul(v128.load(x), p), bb), z1 = f64x2.sub(f64x2.mul(v128.load(x, 16), p), bb);
    q0 = f64x2.add(q0, f64x2.mul(z0, z0)); q1 = f64x2.add(q1, f64x2.mul(z1, z1));
  }
  qLo = f64x2.add(q0, r0);
  qHi = f64x2.add(q1, r1);
}

/**
 * Rows i0..i1 of R (n×k): ℓ_i = M + log S into lse, R row ← exp(log ρ − M) / S. M = max of the row; a row whose
 * M is not finite (all −∞, or NaN/+∞ somewhere) gets ℓ_i = M and responsibilities 1/k.
 */
function normalizeRows(R: usize, k: i32, lse: usize, i0: i32, i1: i32): void {
  const rs = <usize>k * 8;
  for (let i = i0; i < i1; i++) {
    const r = R + <usize>i * rs;
    let m = -Infinity;
    for (let c = 0; c < k; c++) { const v = load<f64>(r + <usize>c * 8); if (v > m) m = v; }
    if (!(m > -Infinity && m < Infinity)) {
      store<f64>(lse + <usize>i * 8, m);
      const u = 1.0 / <f64>k;
      for (let c = 0; c < k; c++) store<f64>(r + <usize>c * 8, u);
      continue;
    }
    let s = 0.0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(load<f64>(r + <usize>c * 8) - m);
      store<f64>(r + <usize>c * 8, e);
      s += e;
    }
    store<f64>(lse + <usize>i * 8, m + Math.log(s));
    for (let c = 0; c < k; c++) store<f64>(r + <usize>c * 8, load<f64>(r + <usize>c * 8) / s);
  }
}

// ------------------------------------------------------------------------------------------------
// M-step.
// ------------------------------------------------------------------------------------------------

/**
 * Component c: sums the E-step tasks' moment partials in task order into N_c = n_c + 10 ε and
 * μ_c = (n_c m_c + a_c) / N_c (written over m_c); diagonal covariances also get Σ_c and their factors here.
 */
function meansTask(job: usize, c: i32, scratch: usize): void {
  const n = ji(job, J_N), d = ji(job, J_D), k = ji(job, J_K), dp = ji(job, J_DP);
  const diag = ji(job, J_DIAG) != 0;
  const S = <usize>momStride(dp, diag);
  const blocks = (n + ji(job, J_ROWBLOCK) - 1) / ji(job, J_ROWBLOCK);
  const mom = jp(job, J_MOM);
  const first = mom + <usize>c * S * 8, step = <usize>k * S * 8;
  let nc = 0.0;
  for (let b = 0; b < blocks; b++) nc += load<f64>(first + <usize>b * step);
  const nk = nc + 10 * f64.EPSILON;
  store<f64>(jp(job, J_NK) + <usize>c * 8, nk);
  const mu = jp(job, J_MEANS) + <usize>(c * d) * 8;
  const cov = jp(job, J_COVS) + <usize>(c * d) * 8;
  const reg = load<f64>(job + J_REG);
  for (let j = 0; j < d; j++) {
    const oa = first + 16 + <usize>j * 8, os = oa + <usize>dp * 8;
    let a = 0.0, sq = 0.0;
    for (let b = 0; b < blocks; b++) {
      a += load<f64>(oa + <usize>b * step);
      if (diag) sq += load<f64>(os + <usize>b * step);
    }
    const m = load<f64>(mu + <usize>j * 8);
    const mean = (nc * m + a) / nk;
    store<f64>(mu + <usize>j * 8, mean);
    if (diag) {
      const delta = mean - m;
      // A variance is ≥ 0; the shifted formula can round a zero one to −ε-sized noise, which is dropped.
      store<f64>(cov + <usize>j * 8, max(0.0, (sq - 2 * delta * a + nc * delta * delta) / nk) + reg);
    }
  }
  if (diag) factorTask(job, c, scratch);
}

/** Rows of scatter chunk `ch` of n rows split into `chunks` near-equal parts. */
// @ts-ignore: decorator
@inline function chunkStart(n: i32, chunks: i32, ch: i32): i32 { return <i32>((<i64>n * <i64>ch) / <i64>chunks); }

/**
 * Task c·chunks + ch (full covariances): partial scatter of component c over its row chunk ch,
 *   PART[c][ch] (dp×dp, upper triangle by 4×4 blocks) = Σ_i γ_ic (x_i − μ_c)(x_i − μ_c)ᵀ.
 * Rows with γ ≠ 0 are gathered T at a time, scaled by √γ, into panels of 4 columns (panel a holds
 * Y[t][4a..4a+3] for t = 0..T−1), and each panel pair (a ≥ b) is accumulated by a 4×4 register block.
 */
function scatterTask(job: usize, task: i32, scratch: usize): void {
  const n = ji(job, J_N), d = ji(job, J_D), k = ji(job, J_K), dp = ji(job, J_DP);
  const chunks = ji(job, J_CHUNKS);
  const c = task / chunks, ch = task % chunks;
  const i0 = chunkStart(n, chunks, ch), i1 = chunkStart(n, chunks, ch + 1);
  const X = jp(job, J_X), R = jp(job, J_R);
  const mu = jp(job, J_MEANS) + <usize>(c * d) * 8;
  const rowBytes = <usize>d * 8;
  const C = jp(job, J_PART) + <usize>task * <usize>dp * <usize>dp * 8;
  memory.fill(C, 0, <usize>dp * <usize>dp * 8);
  const T = ji(job, J_T);
  const Y = scratch; // dp/4 panels × T rows × 4
  const panelBytes = <usize>T * 32;
  let m = 0;
  for (let i = i0; i < i1; i++) {
    const r = load<f64>(R + (<usize>i * <usize>k + <usize>c) * 8);
    if (r == 0) continue;
    const w = Math.sqrt(r);
    const x = X + <usize>i * rowBytes;
    const yrow = Y + <usize>m * 32;
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j * 8;
      const dst = yrow + <usize>(j >> 2) * panelBytes;
      const wv = f64x2.splat(w);
      v128.store(dst, f64x2.mul(wv, f64x2.sub(v128.load(x + o), v128.load(mu + o))));
      v128.store(dst, f64x2.mul(wv, f64x2.sub(v128.load(x + o, 16), v128.load(mu + o, 16))), 16);
    }
    if (j < d) {
      const dst = yrow + <usize>(j >> 2) * panelBytes;
      for (let u = 0; u < 4; u++) {
        const jj = j + u;
        store<f64>(dst + <usize>u * 8, jj < d ? w * (load<f64>(x + <usize>jj * 8) - load<f64>(mu + <usize>jj * 8)) : 0.0);
      }
    }
    if (++m == T) { syrkPanels(Y, dp, T, m, C); m = 0; }
  }
  if (m > 0) syrkPanels(Y, dp, T, m, C);
}

/**
 * C[4b+v][4a+u] += Σ_{t<len} Y[t][4a+u] Y[t][4b+v] for panels b ≤ a (C dp×dp row-major: its upper triangle, and
 * the whole of each diagonal 4×4 block).
 */
function syrkPanels(Y: usize, dp: i32, T: i32, len: i32, C: usize): void {
  const nb = dp >> 2;
  const panelBytes = <usize>T * 32;
  const rowC = <usize>dp * 8;
  for (let a = 0; a < nb; a++) {
    const ya = Y + <usize>a * panelBytes;
    for (let b = 0; b <= a; b++) {
      const yb = Y + <usize>b * panelBytes;
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      for (let t = 0; t < len; t++) {
        const o = <usize>t * 32;
        const u = v128.load(ya + o), v = v128.load(ya + o, 16);
        let s = v128.load64_splat(yb + o);
        c00 = f64x2.add(c00, f64x2.mul(u, s)); c01 = f64x2.add(c01, f64x2.mul(v, s));
        s = v128.load64_splat(yb + o, 8);
        c10 = f64x2.add(c10, f64x2.mul(u, s)); c11 = f64x2.add(c11, f64x2.mul(v, s));
        s = v128.load64_splat(yb + o, 16);
        c20 = f64x2.add(c20, f64x2.mul(u, s)); c21 = f64x2.add(c21, f64x2.mul(v, s));
        s = v128.load64_splat(yb + o, 24);
        c30 = f64x2.add(c30, f64x2.mul(u, s)); c31 = f64x2.add(c31, f64x2.mul(v, s));
      }
      const base = C + <usize>(4 * b) * rowC + <usize>(4 * a) * 8;
      addStore(base, c00); addStore(base + 16, c01);
      addStore(base + rowC, c10); addStore(base + rowC + 16, c11);
      addStore(base + 2 * rowC, c20); addStore(base + 2 * rowC + 16, c21);
      addStore(base + 3 * rowC, c30); addStore(base + 3 * rowC + 16, c31);
    }
  }
}

// @ts-ignore: decorator
@inline function addStore(p: usize, v: v128): void { v128.store(p, f64x2.add(v128.load(p), v)); }

/** Component c (full): Σ_c = (Σ_ch PART[c][ch]) / N_c + reg I (partials summed in chunk order), written to COVS. */
function covTask(job: usize, c: i32): void {
  const d = ji(job, J_D), dp = ji(job, J_DP), chunks = ji(job, J_CHUNKS);
  const reg = load<f64>(job + J_REG);
  const inv = 1 / load<f64>(jp(job, J_NK) + <usize>c * 8);
  const part = jp(job, J_PART);
  const dd = <usize>dp * <usize>dp;
  const cov = jp(job, J_COVS) + <usize>c * <usize>d * <usize>d * 8;
  const first = part + <usize>(c * chunks) * dd * 8;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const o = (<usize>a * <usize>dp + <usize>b) * 8;
      let s = load<f64>(first + o);
      for (let ch = 1; ch < chunks; ch++) s += load<f64>(first + <usize>ch * dd * 8 + o);
      let v = s * inv;
      if (a == b) v += reg;
      store<f64>(cov + (<usize>a * <usize>d + <usize>b) * 8, v);
      store<f64>(cov + (<usize>b * <usize>d + <usize>a) * 8, v);
    }
  }
}

/**
 * Component c: from Σ_c in COVS and μ_c in MEANS, the packed precision factor, b_c = P_c μ_c and log det P_c.
 * STATUS[c] = −1, or the pivot at which the Cholesky factorisation failed (then nothing else is written).
 */
function factorTask(job: usize, c: i32, scratch: usize): void {
  const d = ji(job, J_D), dp = ji(job, J_DP);
  const mu = jp(job, J_MEANS) + <usize>(c * d) * 8;
  const P = jp(job, J_PACK) + <usize>c * <usize>ji(job, J_PACKLEN) * 8;
  const b = jp(job, J_B) + <usize>(c * dp) * 8;
  const status = jp(job, J_STATUS) + <usize>c * 4;
  let logdet = 0.0;
  if (ji(job, J_DIAG) != 0) {
    const cov = jp(job, J_COVS) + <usize>(c * d) * 8;
    for (let j = 0; j < d; j++) {
      const v = load<f64>(cov + <usize>j * 8);
      if (!(v > 0 && v < Infinity)) { store<i32>(status, j); return; }
    }
    for (let j = 0; j < dp; j++) {
      const o = <usize>j * 8;
      if (j < d) {
        const p = 1 / Math.sqrt(load<f64>(cov + o));
        store<f64>(P + o, p);
        store<f64>(b + o, load<f64>(mu + o) * p);
        logdet += Math.log(p);
      } else { store<f64>(P + o, 0); store<f64>(b + o, 0); }
    }
  } else {
    const cov = jp(job, J_COVS) + <usize>c * <usize>d * <usize>d * 8;
    const L = scratch;                                  // d×d
    const Pt = scratch + <usize>d * <usize>d * 8;       // d×d: Pt[j][i] = P[i][j]
    const piv = choleskyRows(cov, d, L);
    if (piv >= 0) { store<i32>(status, piv); return; }
    invertLowerTransposed(L, d, Pt);
    for (let j = 0; j < d; j++) logdet += Math.log(load<f64>(Pt + (<usize>j * <usize>d + <usize>j) * 8));
    packFactor(Pt, d, dp, P);
    // b = P μ = Σ_j μ_j Pt[j][·]
    memory.fill(b, 0, <usize>dp * 8);
    for (let j = 0; j < d; j++) {
      const m = load<f64>(mu + <usize>j * 8);
      const row = Pt + <usize>j * <usize>d * 8;
      for (let i = j; i < d; i++) store<f64>(b + <usize>i * 8, load<f64>(b + <usize>i * 8) + m * load<f64>(row + <usize>i * 8));
    }
  }
  store<f64>(jp(job, J_LOGDET) + <usize>c * 8, logdet);
  store<i32>(status, -1);
}

/** Σ_{p<len} a[p] b[p] with two f64x2 accumulators. */
function dot(a: usize, b: usize, len: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let p = 0;
  for (; p + 4 <= len; p += 4) {
    const o = <usize>p * 8;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  s0 = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; p < len; p++) s += load<f64>(a + <usize>p * 8) * load<f64>(b + <usize>p * 8);
  return s;
}

/**
 * Cholesky A = L Lᵀ by rows (L_ij = (A_ij − Σ_{p<j} L_ip L_jp) / L_jj, L_ii = √(A_ii − Σ_{p<i} L_ip²)), reading
 * the lower triangle of the d×d row-major A; L's upper triangle is zeroed. Returns −1, or the first pivot i
 * whose A_ii − Σ L_ip² is not positive and finite.
 */
function choleskyRows(A: usize, d: i32, L: usize): i32 {
  const rowBytes = <usize>d * 8;
  for (let i = 0; i < d; i++) {
    const li = L + <usize>i * rowBytes, ai = A + <usize>i * rowBytes;
    for (let j = 0; j < i; j++) {
      const lj = L + <usize>j * rowBytes;
      const s = load<f64>(ai + <usize>j * 8) - dot(li, lj, j);
      store<f64>(li + <usize>j * 8, s / load<f64>(lj + <usize>j * 8));
    }
    const s = load<f64>(ai + <usize>i * 8) - dot(li, li, i);
    if (!(s > 0 && s < Infinity)) return i;
    store<f64>(li + <usize>i * 8, Math.sqrt(s));
    for (let j = i + 1; j < d; j++) store<f64>(li + <usize>j * 8, 0);
  }
  return -1;
}

/**
 * Pt = (L⁻¹)ᵀ for lower-triangular L: row j of Pt is column j of P = L⁻¹, the solution of L x = e_j:
 * x_j = 1/L_jj, x_i = −(Σ_{j≤p<i} L_ip x_p) / L_ii for i > j, x_i = 0 for i < j.
 */
function invertLowerTransposed(L: usize, d: i32, Pt: usize): void {
  const rowBytes = <usize>d * 8;
  for (let j = 0; j < d; j++) {
    const x = Pt + <usize>j * rowBytes;
    for (let i = 0; i < j; i++) store<f64>(x + <usize>i * 8, 0);
    store<f64>(x + <usize>j * 8, 1 / load<f64>(L + <usize>j * rowBytes + <usize>j * 8));
    for (let i = j + 1; i < d; i++) {
      const li = L + <usize>i * rowBytes;
      const s = dot(li + <usize>j * 8, x + <usize>j * 8, i - j);
      store<f64>(x + <usize>i * 8, -s / load<f64>(li + <usize>i * 8));
    }
  }
}

/** Packs P (given as Pt, d×d) into blocks of 4 rows: block rb, row j (0..4rb+3), lane u = P[4rb+u][j]. */
function packFactor(Pt: usize, d: i32, dp: i32, out: usize): void {
  const nb = dp >> 2;
  for (let rb = 0; rb < nb; rb++) {
    let o = out + <usize>packOffset(rb) * 8;
    const len = 4 * rb + 4;
    for (let j = 0; j < len; j++) {
      for (let u = 0; u < 4; u++) {
        const r = 4 * rb + u;
        store<f64>(o, r < d && j < d ? load<f64>(Pt + (<usize>j * <usize>d + <usize>r) * 8) : 0.0);
        o += 8;
      }
    }
  }
}
