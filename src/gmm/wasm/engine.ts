/**
 * EM on the WebAssembly kernels (assembly/em.ts, shipped built in em-module.ts): float64 throughout, SIMD128 inner
 * loops, and the tasks of each phase spread over a pool of worker threads that share the kernels' linear memory.
 *
 *   E-step   one task per block of ROW_BLOCK rows: log ρ_ic for every component, then γ and ℓ_i for the rows, and
 *            the rows' moments about the current means (Σ γ, Σ γ (x − m), diag: Σ γ (x − m)²);
 *   M-step   one task per component: the moments summed in block order give N_c, μ_c (diag: also Σ_c and its
 *            factor); full: one task per (component, row chunk) (partial scatter), one per component (sum of the
 *            partials in chunk order, Σ_c, Cholesky, packed precision factor, b_c, log det).
 * Every output is written by exactly one task in a fixed order of operations, so a fit gives the same bits with 1 or
 * many threads. The JavaScript kernels (../density.ts) stay the fallback: when WebAssembly with SIMD and shared
 * memory is not available, when a problem does not fit in the 2 GiB memory, when GMMGEN_KERNELS=js, or for a fit
 * started from inside another fit's onStep callback.
 *
 * Environment: GMMGEN_KERNELS = auto (default) | wasm | js; GMMGEN_THREADS = total threads (default: the available
 * parallelism on the main thread, 1 inside a worker thread; 1 = no worker threads).
 */
import type { Points } from '../model/types.ts';
import { EM_WASM_BASE64 } from './em-module.ts';
import { TaskPool, threadCount } from './pool.ts';
import { MAX_PAGES, PAGE, instantiateKernels } from './instance.ts';

/** The kernels' two covariance layouts (tied and spherical fits run on full and diag: ../em.ts). */
type KernelLayout = 'full' | 'diag';

/** Rows per E-step task. */
const ROW_BLOCK = 64;
/** Rows gathered per rank-T update of the scatter. */
const GATHER_ROWS = 128;
/** A phase with fewer multiply-adds than this runs on the calling thread alone. */
const PARALLEL_MIN_FLOPS = 2e5;

// Job block layout: mirrors the J_* constants of assembly/em.ts.
const J = {
  N: 0, D: 1, K: 2, DP: 3, X: 4, R: 5, LSE: 6, PACK: 7, PACKLEN: 8, B: 9, CST: 10, MEANS: 11, NK: 12, COVS: 13,
  PART: 14, CHUNKS: 15, STATUS: 16, SCRATCH: 17, SSTRIDE: 18, ROWBLOCK: 19, DIAG: 20, T: 21, LOGDET: 22, NORMALIZE: 23,
  MOM: 26, MOMENTS: 27,
} as const;
const J_REG_BYTE = 96;
const JOB_BYTES = 128;

export const PHASE = { ESTEP: 0, MEANS: 1, SCATTER: 2, COV: 3, FACTOR: 4 } as const;
const PHASE_NAMES = ['E-step (log ρ, γ, ℓ, moments)', 'M: N_c, μ_c (diag: Σ_c, P_c)', 'M: scatter', 'M: Σ_c, Cholesky, P_c', 'factor (start)'];

let profile: Map<string, { ms: number; calls: number }> | null = null;

/** Turns per-phase timing of the EM kernels (WebAssembly and JavaScript) on or off, clearing it. */
export function setKernelProfiling(on: boolean): void {
  profile = on ? new Map() : null;
}

/** Accumulated wall time per phase since profiling was turned on. */
export function kernelProfile(): { phase: string; ms: number; calls: number }[] {
  return profile ? [...profile].map(([phase, v]) => ({ phase, ...v })) : [];
}

/** A profiling timestamp (0 when profiling is off). */
export function profileStart(): number {
  return profile ? performance.now() : 0;
}

/** Adds the time since t0 to `phase` and returns a new timestamp (no-op when profiling is off). */
export function profileLap(phase: string, t0: number): number {
  if (!profile) return 0;
  const now = performance.now();
  const e = profile.get(phase) ?? { ms: 0, calls: 0 };
  e.ms += now - t0;
  e.calls++;
  profile.set(phase, e);
  return now;
}

interface Kernels {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  runTask: (job: number, phase: number, t: number, slot: number) => void;
  heapBase: number;
  pool: TaskPool | null;
  poolTried: boolean;
}

let kernels: Kernels | null | undefined;
let unavailable = '';
let busy = false;

export type KernelChoice = 'auto' | 'wasm' | 'js';

/** GMMGEN_KERNELS, validated. */
export function kernelChoice(): KernelChoice {
  const v = process.env.GMMGEN_KERNELS ?? 'auto';
  if (v === '' || v === 'auto') return 'auto';
  if (v === 'wasm' || v === 'js') return v;
  throw new RangeError(`GMMGEN_KERNELS must be auto, wasm or js, got '${v}'`);
}

function loadKernels(): Kernels | null {
  if (kernels !== undefined) return kernels;
  try {
    const { module, memory, exports, heapBase } = instantiateKernels<{ runTask: Kernels['runTask']; heapBase: () => number }>(EM_WASM_BASE64);
    kernels = { module, memory, runTask: exports.runTask, heapBase, pool: null, poolTried: false };
  } catch (e) {
    unavailable = (e as Error).message;
    kernels = null;
  }
  return kernels;
}

/** Why the WebAssembly kernels cannot be used here ('' when they can). */
export function wasmUnavailableReason(): string {
  loadKernels();
  return unavailable;
}

function poolFor(k: Kernels): TaskPool | null {
  if (k.pool?.failure) k.pool = null;
  if (!k.pool && !k.poolTried) {
    k.poolTried = true;
    const threads = threadCount();
    if (threads > 1) {
      try {
        k.pool = new TaskPool(k.module, k.memory, k.runTask, threads - 1);
      } catch {
        k.pool = null;
      }
    }
  }
  return k.pool;
}

/** Stops the worker threads (they are unref'd, so this is only needed to free them early, e.g. in tests). */
export async function shutdownKernelPool(): Promise<void> {
  const p = kernels?.pool;
  if (kernels) { kernels.pool = null; kernels.poolTried = false; }
  if (p) await p.close();
}

/** Worker threads currently running kernel tasks (0 when there is no pool). */
export function kernelWorkerCount(): number {
  return kernels?.pool?.workers.length ?? 0;
}

/**
 * Starts the worker pool now (it otherwise starts on the first large fit) and resolves when its workers are ready;
 * resolves to the number of worker threads (0 without WebAssembly, or with GMMGEN_THREADS=1).
 */
export async function startKernelPool(): Promise<number> {
  const k = kernelChoice() === 'js' ? null : loadKernels();
  const p = k ? poolFor(k) : null;
  if (!p) return 0;
  await p.whenReady();
  return p.readyWorkers;
}

/** Tasks the worker threads have run since the pool started (the calling thread's are not counted). */
export function kernelWorkerTasks(): number {
  return kernels?.pool?.workerTasks ?? 0;
}

/** Where each array of a fit lives in the kernels' memory (byte offsets from the first page after static data). */
class Layout {
  readonly dp: number;
  readonly chunks: number;
  readonly packLen: number;
  readonly scratchDoubles: number;
  readonly off: Record<string, number> = {};
  readonly bytes: number;

  constructor(n: number, d: number, k: number, covarianceType: KernelLayout, slots: number, heapBase: number) {
    const diag = covarianceType === 'diag';
    const dp = (this.dp = (d + 3) & ~3);
    const nb = dp >> 2;
    this.chunks = Math.min(4, Math.max(1, Math.ceil(n / 1024)));
    this.packLen = diag ? dp : 8 * nb * (nb + 1);
    // Per thread: diag, the E-step's point panels; full, the gathered rows of the scatter or L and Pᵀ.
    this.scratchDoubles = diag ? ROW_BLOCK * dp : Math.max(dp * GATHER_ROWS, 2 * d * d);
    const momStride = diag ? 2 + 2 * dp : 2 + dp;
    const sizes: [string, number][] = [
      ['job', JOB_BYTES / 8], ['status', Math.ceil(k / 2)], ['X', n * d], ['R', n * k], ['lse', n],
      ['pack', k * this.packLen], ['b', k * dp], ['cst', k], ['logdet', k], ['nk', k], ['means', k * d],
      ['covs', diag ? k * d : k * d * d], ['part', diag ? 0 : k * this.chunks * dp * dp],
      ['mom', Math.ceil(n / ROW_BLOCK) * k * momStride], ['scratch', slots * this.scratchDoubles],
    ];
    // In doubles from a 16-byte aligned base, every block a multiple of 2 doubles.
    let at = Math.max(PAGE, heapBase);
    for (const [name, len] of sizes) {
      this.off[name] = at;
      at += 8 * (len + (len & 1));
    }
    this.bytes = at;
  }
}

/** Thrown when a covariance is not positive-definite; `component` and `pivot` locate the failure. */
export class WasmFactorError extends Error {
  constructor(readonly component: number, readonly pivot: number) {
    super(`component ${component}: Cholesky failed at pivot ${pivot}`);
  }
}

/**
 * The state of one EM fit in the kernels' memory. Construct with `WasmEM.open` (null when the fit must use the
 * JavaScript kernels), and `close()` it when done: only one fit at a time uses the memory.
 */
export class WasmEM {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly covarianceType: KernelLayout;
  private readonly kern: Kernels;
  private readonly job: number;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly off: Record<string, number>;
  private readonly dp: number;
  private readonly chunks: number;
  private readonly pool: TaskPool | null;
  private closed = false;

  /** The fit's state, or null when the WebAssembly path cannot take it (see the module comment). */
  static open(points: Points, k: number, covarianceType: KernelLayout): WasmEM | null {
    const choice = kernelChoice();
    if (choice === 'js' || busy) return null;
    const kern = loadKernels();
    if (!kern) {
      if (choice === 'wasm') throw new Error(`GMMGEN_KERNELS=wasm but the WebAssembly kernels cannot load: ${unavailable}`);
      return null;
    }
    const work = points.n * k * (covarianceType === 'diag' ? points.d : points.d * points.d / 2);
    const pool = work >= PARALLEL_MIN_FLOPS ? poolFor(kern) : null;
    const layout = new Layout(points.n, points.d, k, covarianceType, pool ? pool.threads : 1, kern.heapBase);
    // Too large for the 2 GiB memory, or the memory cannot grow: the JavaScript kernels take the fit.
    const pages = Math.ceil(layout.bytes / PAGE);
    if (pages > MAX_PAGES) return null;
    const have = kern.memory.buffer.byteLength / PAGE;
    if (pages > have) {
      try {
        kern.memory.grow(pages - have);
      } catch {
        return null;
      }
    }
    return new WasmEM(points, k, covarianceType, kern, pool, layout);
  }

  private constructor(points: Points, k: number, covarianceType: KernelLayout, kern: Kernels, pool: TaskPool | null, layout: Layout) {
    const { n, d } = points;
    this.n = n; this.d = d; this.k = k; this.covarianceType = covarianceType; this.kern = kern; this.pool = pool;
    const { dp, chunks, packLen, scratchDoubles } = layout;
    const diag = covarianceType === 'diag';
    this.dp = dp;
    this.chunks = chunks;
    const off = layout.off;
    this.off = off;
    const buf = kern.memory.buffer as unknown as ArrayBuffer;
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.job = off.job;
    const ji = this.job >> 2;
    const set = (f: number, v: number) => { this.i32[ji + f] = v; };
    set(J.N, n); set(J.D, d); set(J.K, k); set(J.DP, dp);
    set(J.X, off.X); set(J.R, off.R); set(J.LSE, off.lse); set(J.PACK, off.pack); set(J.PACKLEN, packLen);
    set(J.B, off.b); set(J.CST, off.cst); set(J.MEANS, off.means); set(J.NK, off.nk); set(J.COVS, off.covs);
    set(J.PART, off.part); set(J.CHUNKS, this.chunks); set(J.STATUS, off.status); set(J.SCRATCH, off.scratch);
    set(J.SSTRIDE, scratchDoubles * 8); set(J.ROWBLOCK, ROW_BLOCK); set(J.DIAG, diag ? 1 : 0); set(J.T, GATHER_ROWS);
    set(J.LOGDET, off.logdet); set(J.NORMALIZE, 1); set(J.MOM, off.mom); set(J.MOMENTS, 0);
    this.f64.set(points.data, off.X >> 3);
    busy = true;
  }

  /** Threads the phases run on. */
  get threads(): number {
    return this.pool ? this.pool.threads : 1;
  }

  private view(name: string, len: number): Float64Array {
    return this.f64.subarray(this.off[name] >> 3, (this.off[name] >> 3) + len);
  }

  private run(phase: number, ntasks: number): void {
    if (this.closed) throw new Error('WasmEM: used after close()');
    const t0 = profileStart();
    if (this.pool && !this.pool.failure) this.pool.run(this.job, phase, ntasks);
    else for (let t = 0; t < ntasks; t++) this.kern.runTask(this.job, phase, t, 0);
    profileLap(PHASE_NAMES[phase], t0);
  }

  private checkStatus(): void {
    const s = this.off.status >> 2;
    for (let c = 0; c < this.k; c++) {
      const piv = this.i32[s + c];
      if (piv >= 0) throw new WasmFactorError(c, piv);
    }
  }

  /** Sets means and covariances (full: k×d×d, diag: k×d) and factorises them; throws WasmFactorError. */
  setComponents(means: Float64Array, covariances: Float64Array): void {
    this.view('means', means.length).set(means);
    this.view('covs', covariances.length).set(covariances);
    this.run(PHASE.FACTOR, this.k);
    this.checkStatus();
  }

  /** cst_c = log w_c + log det P_c − ½ d log 2π from the weights and the current factors. */
  setWeights(weights: Float64Array): void {
    const cst = this.view('cst', this.k), logdet = this.view('logdet', this.k);
    const half = -0.5 * this.d * Math.log(2 * Math.PI);
    for (let c = 0; c < this.k; c++) cst[c] = Math.log(weights[c]) + logdet[c] + half;
  }

  /** cst_c = logW_c + log det P_c − ½ d log 2π from given log-weights (the NLL descent's log-softmax). */
  setLogWeights(logWeights: Float64Array): void {
    const cst = this.view('cst', this.k), logdet = this.view('logdet', this.k);
    const half = -0.5 * this.d * Math.log(2 * Math.PI);
    for (let c = 0; c < this.k; c++) cst[c] = logWeights[c] + logdet[c] + half;
  }

  /**
   * The moments of the last eStep(true) about the means of the last setComponents (m_c), each summed over the
   * E-step's row blocks in block order: nk[c] = Σ_i γ_ic, a[c·d + j] = Σ_i γ_ic (x_ij − m_cj) and, diagonal
   * layout only, sq[c·d + j] = Σ_i γ_ic (x_ij − m_cj)². Call before mStep (which replaces the means).
   */
  momentSums(nk: Float64Array, a: Float64Array, sq: Float64Array | null): void {
    const { n, d, k, dp } = this;
    const diag = this.covarianceType === 'diag';
    const stride = diag ? 2 + 2 * dp : 2 + dp;
    const blocks = Math.ceil(n / ROW_BLOCK);
    const mom = this.view('mom', blocks * k * stride);
    nk.fill(0, 0, k);
    a.fill(0, 0, k * d);
    if (sq) sq.fill(0, 0, k * d);
    for (let b = 0; b < blocks; b++) {
      for (let c = 0; c < k; c++) {
        const o = (b * k + c) * stride;
        nk[c] += mom[o];
        for (let j = 0; j < d; j++) a[c * d + j] += mom[o + 2 + j];
        if (diag && sq) for (let j = 0; j < d; j++) sq[c * d + j] += mom[o + 2 + dp + j];
      }
    }
  }

  /**
   * Full layout: the scatter of the last eStep's responsibilities about the means of the last setComponents,
   * out[c] = Σ_i γ_ic (x_i − m_c)(x_i − m_c)ᵀ (k × d × d, symmetric), from the M-step's scatter kernel (row chunks
   * summed in chunk order). Call before mStep (which replaces the means).
   */
  scatterAboutMeans(out: Float64Array): void {
    if (this.covarianceType !== 'full') throw new Error('WasmEM.scatterAboutMeans: full covariances only');
    const { d, k, dp, chunks } = this;
    this.run(PHASE.SCATTER, k * chunks);
    const dd = dp * dp;
    const part = this.view('part', k * chunks * dd);
    for (let c = 0; c < k; c++) {
      const first = c * chunks * dd, oc = c * d * d;
      for (let a = 0; a < d; a++) {
        for (let b = a; b < d; b++) {
          const o = first + a * dp + b;
          let s = part[o];
          for (let ch = 1; ch < chunks; ch++) s += part[o + ch * dd];
          out[oc + a * d + b] = s;
          out[oc + b * d + a] = s;
        }
      }
    }
  }

  /**
   * E-step: responsibilities into R; returns Σ_i ℓ_i / n (summed in row order). With `moments` the tasks also sum
   * the moments the next mStep needs (set it for every E-step followed by an M-step).
   */
  eStep(moments: boolean): number {
    this.i32[(this.job >> 2) + J.MOMENTS] = moments ? 1 : 0;
    this.run(PHASE.ESTEP, Math.ceil(this.n / ROW_BLOCK));
    const lse = this.view('lse', this.n);
    let s = 0;
    for (let i = 0; i < this.n; i++) s += lse[i];
    return s / this.n;
  }

  /**
   * M-step from the responsibilities and moments of the last eStep(true): N_c, μ_c, Σ_c (+ reg I) and their
   * factors. Writes the new weights (N_c / Σ N) into `weights`. Throws WasmFactorError when a new covariance is not
   * positive-definite.
   */
  mStep(regCovar: number, weights: Float64Array): void {
    this.f64[(this.job + J_REG_BYTE) >> 3] = regCovar;
    this.run(PHASE.MEANS, this.k);
    if (this.covarianceType === 'full') {
      this.run(PHASE.SCATTER, this.k * this.chunks);
      this.run(PHASE.COV, this.k);
    }
    const nk = this.view('nk', this.k);
    let total = 0;
    for (let c = 0; c < this.k; c++) total += nk[c];
    for (let c = 0; c < this.k; c++) weights[c] = nk[c] / total;
    this.checkStatus();
  }

  /** Copies of the current means and covariances. */
  readComponents(means: Float64Array, covariances: Float64Array): void {
    means.set(this.view('means', means.length));
    covariances.set(this.view('covs', covariances.length));
  }

  /** The responsibilities (n×k, a view valid until the next phase or close). */
  responsibilities(): Float64Array {
    return this.view('R', this.n * this.k);
  }

  close(): void {
    if (!this.closed) { this.closed = true; busy = false; }
  }
}
