// AssemblyScript source of gmmgen's WebAssembly kernels for the sliced distances (SW, SC2): projections on many
// directions, the rank-L back-projection of slice gradients, and the small dense products of the fitters (Fisher
// preconditioning, Σ = SᵀS and its chain rule). Built into ../sliced-module.ts by `npm run build:wasm`
// (scripts/build-wasm.ts); test/gmm/wasm/sliced-kernels.test.ts checks that the shipped module is the build of this file
// and that every kernel gives the same bits as the JavaScript loops it replaces (../../wasserstein.ts, cramer.ts,
// sw.ts). The caller (../sliced.ts) owns the memory: every pointer is a byte offset into the linear memory.
//
// Same bits as the JavaScript: every output element is one sum taken in the JavaScript loop's order, starting from
// 0, with the same products (a·b·c evaluated as (a·b)·c); SIMD lanes hold different output elements, never parts of
// one sum, and wasm has no fused multiply-add in these instructions. So the results are identical, not merely close.

/** First byte after the module's static data: the caller's arrays start at or above it. */
export function heapBase(): usize { return __heap_base; }

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/**
 * out[l·n + i] = Σ_j X[i·d + j] · Tt[j·L + l]  (j = 0..d−1 in order) for i < n, l < L: the projections of n points
 * (rows of X, n × d) on L directions given transposed (Tt = Θᵀ, d × L). Two points × eight directions per pass
 * (eight f64x2 accumulators, lanes = two directions), then two-direction and single-direction tails.
 */
export function project(X: usize, n: i32, d: i32, Tt: usize, L: i32, out: usize): void {
  const rowBytes = <usize>d << 3, tRow = <usize>L << 3;
  let l = 0;
  for (; l + 8 <= L; l += 8) {
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const x0 = X + <usize>i * rowBytes, x1 = x0 + rowBytes;
      let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      let t = Tt + (<usize>l << 3);
      for (let j = 0; j < d; j++) {
        const u0 = v128.load(t), u1 = v128.load(t, 16), u2 = v128.load(t, 32), u3 = v128.load(t, 48);
        const o = <usize>j << 3;
        const s = v128.load64_splat(x0 + o), r = v128.load64_splat(x1 + o);
        a0 = f64x2.add(a0, f64x2.mul(s, u0)); a1 = f64x2.add(a1, f64x2.mul(s, u1));
        a2 = f64x2.add(a2, f64x2.mul(s, u2)); a3 = f64x2.add(a3, f64x2.mul(s, u3));
        b0 = f64x2.add(b0, f64x2.mul(r, u0)); b1 = f64x2.add(b1, f64x2.mul(r, u1));
        b2 = f64x2.add(b2, f64x2.mul(r, u2)); b3 = f64x2.add(b3, f64x2.mul(r, u3));
        t += tRow;
      }
      store8(out, n, l, i, a0, a1, a2, a3);
      store8(out, n, l, i + 1, b0, b1, b2, b3);
    }
    if (i < n) {
      const x0 = X + <usize>i * rowBytes;
      let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
      let t = Tt + (<usize>l << 3);
      for (let j = 0; j < d; j++) {
        const s = v128.load64_splat(x0 + (<usize>j << 3));
        a0 = f64x2.add(a0, f64x2.mul(s, v128.load(t))); a1 = f64x2.add(a1, f64x2.mul(s, v128.load(t, 16)));
        a2 = f64x2.add(a2, f64x2.mul(s, v128.load(t, 32))); a3 = f64x2.add(a3, f64x2.mul(s, v128.load(t, 48)));
        t += tRow;
      }
      store8(out, n, l, i, a0, a1, a2, a3);
    }
  }
  for (; l + 2 <= L; l += 2) {
    for (let i = 0; i < n; i++) {
      const x0 = X + <usize>i * rowBytes;
      let a0 = f64x2.splat(0);
      let t = Tt + (<usize>l << 3);
      for (let j = 0; j < d; j++) {
        a0 = f64x2.add(a0, f64x2.mul(v128.load64_splat(x0 + (<usize>j << 3)), v128.load(t)));
        t += tRow;
      }
      st(out, l * n + i, f64x2.extract_lane(a0, 0));
      st(out, (l + 1) * n + i, f64x2.extract_lane(a0, 1));
    }
  }
  for (; l < L; l++) {
    for (let i = 0; i < n; i++) {
      const x0 = X + <usize>i * rowBytes;
      let s = 0.0;
      for (let j = 0; j < d; j++) s += ld(x0, j) * ld(Tt, j * L + l);
      st(out, l * n + i, s);
    }
  }
}

// @ts-ignore: decorator
@inline function store8(out: usize, n: i32, l: i32, i: i32, a0: v128, a1: v128, a2: v128, a3: v128): void {
  st(out, l * n + i, f64x2.extract_lane(a0, 0)); st(out, (l + 1) * n + i, f64x2.extract_lane(a0, 1));
  st(out, (l + 2) * n + i, f64x2.extract_lane(a1, 0)); st(out, (l + 3) * n + i, f64x2.extract_lane(a1, 1));
  st(out, (l + 4) * n + i, f64x2.extract_lane(a2, 0)); st(out, (l + 5) * n + i, f64x2.extract_lane(a2, 1));
  st(out, (l + 6) * n + i, f64x2.extract_lane(a3, 0)); st(out, (l + 7) * n + i, f64x2.extract_lane(a3, 1));
}

/**
 * s[l] = Σ_a T[l·d + a] · V[l·d + a]  (a in order) for l < L: the quadratic forms θ_lᵀ Σ θ_l from V = rows Σ θ_l.
 */
export function rowDots(T: usize, V: usize, L: i32, d: i32, s: usize): void {
  for (let l = 0; l < L; l++) {
    const o = l * d;
    let v = 0.0;
    for (let a = 0; a < d; a++) v += ld(T, o + a) * ld(V, o + a);
    st(s, l, v);
  }
}

/**
 * C[a·d + b] = Σ_l (g[l·gs] · T[l·d + a]) · T[l·d + b]  (l in order) for a, b < d: the back-projection Σ_l g_l θ_l θ_lᵀ
 * of slice gradients onto a d × d matrix (T = Θ, L × d). Two rows × eight columns per pass.
 */
export function outerSum(C: usize, d: i32, T: usize, L: i32, g: usize, gs: i32): void {
  const tRow = <usize>d << 3;
  let a = 0;
  for (; a + 2 <= d; a += 2) {
    let b = 0;
    for (; b + 8 <= d; b += 8) {
      let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
      let t = T;
      for (let l = 0; l < L; l++) {
        const gl = ld(g, l * gs);
        const p = f64x2.splat(gl * ld(t, a)), q = f64x2.splat(gl * ld(t, a + 1));
        const tb = t + (<usize>b << 3);
        const u0 = v128.load(tb), u1 = v128.load(tb, 16), u2 = v128.load(tb, 32), u3 = v128.load(tb, 48);
        a0 = f64x2.add(a0, f64x2.mul(p, u0)); a1 = f64x2.add(a1, f64x2.mul(p, u1));
        a2 = f64x2.add(a2, f64x2.mul(p, u2)); a3 = f64x2.add(a3, f64x2.mul(p, u3));
        c0 = f64x2.add(c0, f64x2.mul(q, u0)); c1 = f64x2.add(c1, f64x2.mul(q, u1));
        c2 = f64x2.add(c2, f64x2.mul(q, u2)); c3 = f64x2.add(c3, f64x2.mul(q, u3));
        t += tRow;
      }
      const r0 = C + ((<usize>(a * d + b)) << 3), r1 = r0 + tRow;
      v128.store(r0, a0); v128.store(r0, a1, 16); v128.store(r0, a2, 32); v128.store(r0, a3, 48);
      v128.store(r1, c0); v128.store(r1, c1, 16); v128.store(r1, c2, 32); v128.store(r1, c3, 48);
    }
    for (; b < d; b++) {
      let s0 = 0.0, s1 = 0.0;
      for (let l = 0; l < L; l++) {
        const gl = ld(g, l * gs), o = l * d;
        const tb = ld(T, o + b);
        s0 += gl * ld(T, o + a) * tb;
        s1 += gl * ld(T, o + a + 1) * tb;
      }
      st(C, a * d + b, s0);
      st(C, (a + 1) * d + b, s1);
    }
  }
  for (; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let s = 0.0;
      for (let l = 0; l < L; l++) {
        const o = l * d;
        s += ld(g, l * gs) * ld(T, o + a) * ld(T, o + b);
      }
      st(C, a * d + b, s);
    }
  }
}

/**
 * C[i·n + j] = Σ_t A[i·ra + t·ta] · B[t·n + j]  (t = 0..kk−1 in order) for i < m, j < n: a dense product with A read
 * through strides (ta = 1: A row-major m × kk; ra = 1, ta = m: A stored transposed) and B row-major kk × n. Four rows ×
 * four columns per pass (eight f64x2 accumulators, lanes = two columns).
 */
export function gemm(A: usize, ra: i32, ta: i32, B: usize, C: usize, m: i32, kk: i32, n: i32): void {
  const bRow = <usize>n << 3;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let c00 = f64x2.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      let bp = B + (<usize>j << 3);
      for (let t = 0; t < kk; t++) {
        const u = v128.load(bp), v = v128.load(bp, 16);
        const o = t * ta;
        let s = f64x2.splat(ld(A, i * ra + o));
        c00 = f64x2.add(c00, f64x2.mul(s, u)); c01 = f64x2.add(c01, f64x2.mul(s, v));
        s = f64x2.splat(ld(A, (i + 1) * ra + o));
        c10 = f64x2.add(c10, f64x2.mul(s, u)); c11 = f64x2.add(c11, f64x2.mul(s, v));
        s = f64x2.splat(ld(A, (i + 2) * ra + o));
        c20 = f64x2.add(c20, f64x2.mul(s, u)); c21 = f64x2.add(c21, f64x2.mul(s, v));
        s = f64x2.splat(ld(A, (i + 3) * ra + o));
        c30 = f64x2.add(c30, f64x2.mul(s, u)); c31 = f64x2.add(c31, f64x2.mul(s, v));
        bp += bRow;
      }
      const r = C + ((<usize>(i * n + j)) << 3);
      v128.store(r, c00); v128.store(r, c01, 16);
      v128.store(r + bRow, c10); v128.store(r + bRow, c11, 16);
      v128.store(r + 2 * bRow, c20); v128.store(r + 2 * bRow, c21, 16);
      v128.store(r + 3 * bRow, c30); v128.store(r + 3 * bRow, c31, 16);
    }
    for (; j < n; j++) for (let r = i; r < i + 4; r++) gemmOne(A, ra, ta, B, C, r, kk, n, j);
  }
  for (; i < m; i++) for (let j = 0; j < n; j++) gemmOne(A, ra, ta, B, C, i, kk, n, j);
}

// @ts-ignore: decorator
@inline function gemmOne(A: usize, ra: i32, ta: i32, B: usize, C: usize, i: i32, kk: i32, n: i32, j: i32): void {
  let s = 0.0;
  for (let t = 0; t < kk; t++) s += ld(A, i * ra + t * ta) * ld(B, t * n + j);
  st(C, i * n + j, s);
}

/** H[t·d + j] = G[t·d + j] + G[j·d + t]: G + Gᵀ of a d × d matrix. */
export function addTranspose(G: usize, H: usize, d: i32): void {
  for (let t = 0; t < d; t++) for (let j = 0; j < d; j++) st(H, t * d + j, ld(G, t * d + j) + ld(G, j * d + t));
}
