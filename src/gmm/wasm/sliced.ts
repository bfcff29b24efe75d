/**
 * The sliced distances' WebAssembly kernels (assembly/sliced.ts, shipped built in sliced-module.ts) behind small
 * JavaScript functions: projections of points and of mixture components on L directions, the back-projection
 * Σ_l g_l θ_l θ_lᵀ of slice gradients, and d × d products (Fisher preconditioning, Σ = SᵀS, dL/dS = S (G + Gᵀ)).
 *
 * Each function returns false (or null) when the kernels are not in use — GMMGEN_KERNELS=js, or WebAssembly with
 * SIMD unavailable — and the caller runs its JavaScript loop instead. Both paths give the same bits: every kernel sums
 * each output in the JavaScript loop's order (see assembly/sliced.ts; test/gmm/wasm/sliced-kernels.test.ts checks it).
 *
 * Memory: one linear memory per thread (the module is instantiated lazily on first use), used as a scratch arena
 * that every call resets; inputs are copied in and results copied out (a copy is ~1 % of a kernel's time).
 */
import { SLICED_WASM_BASE64 } from './sliced-module.ts';
import { kernelChoice } from './engine.ts';
import { MAX_PAGES, PAGE, instantiateKernels } from './instance.ts';

/** The sliced module's exports (assembly/sliced.ts). */
export interface SlicedExports {
  heapBase(): number;
  project(X: number, n: number, d: number, Tt: number, L: number, out: number): void;
  rowDots(T: number, V: number, L: number, d: number, s: number): void;
  outerSum(C: number, d: number, T: number, L: number, g: number, gs: number): void;
  gemm(A: number, ra: number, ta: number, B: number, C: number, m: number, kk: number, n: number): void;
  addTranspose(G: number, H: number, d: number): void;
}

class Arena {
  private f64: Float64Array;
  private top = 0;
  constructor(private readonly memory: WebAssembly.Memory, private readonly base: number, readonly ex: SlicedExports) {
    this.f64 = new Float64Array(memory.buffer as unknown as ArrayBuffer);
  }

  /** Frees every array of the previous call. */
  reset(): this {
    this.top = this.base;
    return this;
  }

  /** Byte offset of `doubles` fresh doubles (16-byte aligned); false when the memory cannot hold them. */
  alloc(doubles: number): number {
    const at = this.top;
    const end = at + 8 * (doubles + (doubles & 1));
    if (end > this.memory.buffer.byteLength) {
      const pages = Math.ceil(end / PAGE);
      if (pages > MAX_PAGES) throw new RangeError('sliced kernels: arrays exceed the 2 GiB WebAssembly memory');
      this.memory.grow(pages - this.memory.buffer.byteLength / PAGE);
      this.f64 = new Float64Array(this.memory.buffer as unknown as ArrayBuffer);
    }
    this.top = end;
    return at;
  }

  /** Copies `a` (or its first `len` values) in; returns its offset. */
  put(a: ArrayLike<number> & { subarray?: unknown }, len = a.length): number {
    const at = this.alloc(len);
    if (a instanceof Float64Array) this.f64.set(len === a.length ? a : a.subarray(0, len), at >> 3);
    else for (let i = 0; i < len; i++) this.f64[(at >> 3) + i] = a[i];
    return at;
  }

  /** A view of `len` doubles at byte offset `at` (valid until the next alloc). */
  view(at: number, len: number): Float64Array {
    return this.f64.subarray(at >> 3, (at >> 3) + len);
  }
}

let arena: Arena | null | undefined;
let unavailable = '';

function load(): Arena | null {
  if (arena !== undefined) return arena;
  try {
    const { memory, exports } = instantiateKernels<SlicedExports>(SLICED_WASM_BASE64);
    arena = new Arena(memory, PAGE, exports);
  } catch (e) {
    unavailable = (e as Error).message;
    arena = null;
  }
  return arena;
}

/** The kernels' arena, reset, or null when the JavaScript loops must run (GMMGEN_KERNELS=js or no WebAssembly). */
function kernels(): Arena | null {
  const choice = kernelChoice();
  if (choice === 'js') return null;
  const a = load();
  if (!a && choice === 'wasm') throw new Error(`GMMGEN_KERNELS=wasm but the sliced WebAssembly kernels cannot load: ${unavailable}`);
  return a ? a.reset() : null;
}

/** True when the sliced kernels run in WebAssembly in this thread (GMMGEN_KERNELS and availability). */
export function slicedKernelsInUse(): boolean {
  return kernels() !== null;
}

/** Θᵀ (d × L) of a row-major L × d direction matrix. */
function transposeInto(dirs: Float64Array, L: number, d: number, out: Float64Array): void {
  for (let l = 0; l < L; l++) for (let j = 0; j < d; j++) out[j * L + l] = dirs[l * d + j];
}

/**
 * out[l·n + i] = x_i · θ_l for the n rows of `data` (n × d) and the L rows of `dirs`; false when the kernels are not
 * in use. Same sums, in the same order, as wasserstein.ts projectPointsAll.
 */
export function projectRowsWasm(data: Float64Array, n: number, d: number, dirs: Float64Array, L: number, out: Float64Array): boolean {
  const a = kernels();
  if (!a) return false;
  const X = a.put(data, n * d);
  const Tt = a.alloc(L * d);
  transposeInto(dirs, L, d, a.view(Tt, L * d));
  const o = a.alloc(L * n);
  a.ex.project(X, n, d, Tt, L, o);
  out.set(a.view(o, L * n));
  return true;
}

/**
 * Slices of a full-covariance mixture on L directions: means[l·k + c] = μ_c · θ_l and variances[l·k + c] =
 * θ_lᵀ Σ_c θ_l (the sums of wasserstein.ts projectGMM / projectedVariance, in their order); false when the kernels
 * are not in use.
 */
export function sliceComponentsWasm(
  k: number, d: number, meansIn: Float64Array, covariances: Float64Array, dirs: Float64Array, L: number, means: Float64Array, variances: Float64Array,
): boolean {
  const a = kernels();
  if (!a) return false;
  const T = a.put(dirs, L * d);
  const Tt = a.alloc(L * d);
  transposeInto(dirs, L, d, a.view(Tt, L * d));
  const M = a.put(meansIn, k * d);
  const mo = a.alloc(L * k);
  a.ex.project(M, k, d, Tt, L, mo);
  means.set(a.view(mo, L * k));
  const S = a.put(covariances, k * d * d);
  const V = a.alloc(L * d), s = a.alloc(L);
  for (let c = 0; c < k; c++) {
    a.ex.project(S + c * d * d * 8, d, d, Tt, L, V);
    a.ex.rowDots(T, V, L, d, s);
    const sv = a.view(s, L);
    for (let l = 0; l < L; l++) variances[l * k + c] = sv[l];
  }
  return true;
}

/**
 * dC_c = Σ_l (g[c·L + l] · θ_l) θ_lᵀ for every component (full d × d blocks of `dC`, overwritten); false when the
 * kernels are not in use. Each entry is the sum over l in order (the JavaScript accumulation's order).
 */
export function outerSumsWasm(k: number, d: number, dirs: Float64Array, L: number, g: Float64Array, dC: Float64Array): boolean {
  const a = kernels();
  if (!a) return false;
  const T = a.put(dirs, L * d);
  const G = a.put(g, k * L);
  const C = a.alloc(k * d * d);
  for (let c = 0; c < k; c++) a.ex.outerSum(C + c * d * d * 8, d, T, L, G + c * L * 8, 1);
  dC.set(a.view(C, k * d * d));
  return true;
}

/**
 * Fisher preconditioning of full covariances (sw.ts fisherPrecondition): per component g_μ ← Σ g_μ and
 * G_Σ ← Σ (G_Σ Σ), in place; false when the kernels are not in use.
 */
export function fisherFullWasm(k: number, d: number, S: Float64Array, dMeans: Float64Array, dCov: Float64Array): boolean {
  const a = kernels();
  if (!a) return false;
  const Sp = a.put(S, k * d * d), gm = a.put(dMeans, k * d), G = a.put(dCov, k * d * d);
  const vm = a.alloc(k * d), A = a.alloc(d * d), out = a.alloc(k * d * d);
  const dd8 = d * d * 8;
  for (let c = 0; c < k; c++) {
    a.ex.gemm(Sp + c * dd8, d, 1, gm + c * d * 8, vm + c * d * 8, d, d, 1);
    a.ex.gemm(G + c * dd8, d, 1, Sp + c * dd8, A, d, d, d);
    a.ex.gemm(Sp + c * dd8, d, 1, A, out + c * dd8, d, d, d);
  }
  dMeans.set(a.view(vm, k * d));
  dCov.set(a.view(out, k * d * d));
  return true;
}

/** out_c = S_c (G_c + G_cᵀ) per component (cramer.ts covarianceGradToFactorGrad, full); false when not in use. */
export function factorGradFullWasm(k: number, d: number, S: Float64Array, G: Float64Array, out: Float64Array): boolean {
  const a = kernels();
  if (!a) return false;
  const Sp = a.put(S, k * d * d), Gp = a.put(G, k * d * d);
  const H = a.alloc(d * d), o = a.alloc(k * d * d);
  const dd8 = d * d * 8;
  for (let c = 0; c < k; c++) {
    a.ex.addTranspose(Gp + c * dd8, H, d);
    a.ex.gemm(Sp + c * dd8, d, 1, H, o + c * dd8, d, d, d);
  }
  out.set(a.view(o, k * d * d));
  return true;
}

/** out_c = S_cᵀ S_c per component (cramer.ts factorsToCovariances, full); false when not in use. */
export function gramFullWasm(k: number, d: number, S: Float64Array, out: Float64Array): boolean {
  const a = kernels();
  if (!a) return false;
  const Sp = a.put(S, k * d * d), o = a.alloc(k * d * d);
  const dd8 = d * d * 8;
  for (let c = 0; c < k; c++) a.ex.gemm(Sp + c * dd8, 1, d, Sp + c * dd8, o + c * dd8, d, d, d);
  out.set(a.view(o, k * d * d));
  return true;
}

/**
 * The d³ products of the NLL gradient of full covariances (nll.ts), per component c with P_c the lower-triangular
 * precision factor (Σ_c⁻¹ = P_cᵀ P_c), S_c the scatter about the current means, N_c and f = 1/(2m):
 *   precision_c = P_cᵀ P_c,  G_c = (N_c Σ_c⁻¹ − Σ_c⁻¹ S_c Σ_c⁻¹) f,  gl_c = G_c L_c  (L_c lower triangular).
 * Each entry is one sum in the order of nll.ts's loops (over all d terms; the extra ones are products with the
 * triangles' zeros), so both paths give the same bits. False when the kernels are not in use.
 */
export function nllFullProductsWasm(
  k: number, d: number, P: Float64Array, scatter: Float64Array, nk: Float64Array, f: number, L: Float64Array,
  precision: Float64Array, gl: Float64Array,
): boolean {
  const a = kernels();
  if (!a) return false;
  const dd = d * d, dd8 = dd * 8;
  const Pp = a.put(P, k * dd), Sp = a.put(scatter, k * dd), Lp = a.put(L, k * dd);
  const prec = a.alloc(k * dd), A = a.alloc(dd), G = a.alloc(dd), out = a.alloc(k * dd);
  for (let c = 0; c < k; c++) {
    const pc = prec + c * dd8;
    a.ex.gemm(Pp + c * dd8, 1, d, Pp + c * dd8, pc, d, d, d);
    a.ex.gemm(pc, d, 1, Sp + c * dd8, A, d, d, d);
    a.ex.gemm(A, d, 1, pc, G, d, d, d);
    const gv = a.view(G, dd), pv = a.view(pc, dd), n = nk[c];
    for (let i = 0; i < dd; i++) gv[i] = (n * pv[i] - gv[i]) * f;
    a.ex.gemm(G, d, 1, Lp + c * dd8, out + c * dd8, d, d, d);
  }
  precision.set(a.view(prec, k * dd));
  gl.set(a.view(out, k * dd));
  return true;
}
