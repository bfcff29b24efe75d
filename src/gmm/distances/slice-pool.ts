/**
 * Worker threads for the per-direction work of the sliced W_p^p gradient (wasserstein.ts sliceTask: sorting a
 * direction's projections, its quantiles and 1-D gradient). Directions are independent and each writes only its own
 * outputs, which the caller then sums in direction order, so the result has the same bits on any number of threads.
 *
 * The job's arrays live in one SharedArrayBuffer that every thread maps (SliceJob views, jobViews below); a call
 * publishes L tasks, works on them itself, and returns when all are done. Workers claim tasks one at a time by
 * compare-and-swap of a ticket (as src/gmm/wasm/pool.ts does for the WebAssembly kernels): a worker still starting
 * up only means the calling thread does more of the tasks. When the buffer must grow, the new one is sent on each
 * worker's message port before the tasks are published, and a worker takes it (receiveMessageOnPort) when it sees the
 * buffer version change. Workers are unref'd and start lazily.
 *
 * Threads: GMMGEN_THREADS (src/gmm/wasm/pool.ts threadCount: by default the available parallelism on the main
 * thread, 1 inside a worker thread). Small jobs (n·L below MIN_WORK) run on the calling thread alone.
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { siblingModule, startWorker, whenReady } from '../../util/worker.ts';
import { threadCount } from '../wasm/pool.ts';
import type { SliceJob } from './slice-job.ts';

export type { SliceJob };

/** Below this many projected values per call (n·L), the directions run on the calling thread. */
const MIN_WORK = 40_000;

// Control block: BigInt64 ticket at 0, then Int32 fields, and the job's p as a float64 at byte 64.
export const C = { NTASKS: 2, DONE: 3, ERR: 4, STOP: 5, READY: 6, BUFVER: 7, N: 8, K: 9, L: 10, NLEVELS: 11, EXACT: 12, WORKER_TASKS: 13 } as const;
const P_BYTE = 64;
const CTL_BYTES = 72;

/** SliceJob views on a shared buffer for sizes (n, k, L); null when the buffer is too small. */
export function jobViews(buf: SharedArrayBuffer, n: number, k: number, L: number): Omit<SliceJob, 'p' | 'exact' | 'nLevels'> | null {
  const sizes = [L * n, k, L * k, L * k, L, L * k, L * k, k * L];
  if (sizes.reduce((a, b) => a + b, 0) * 8 > buf.byteLength) return null;
  let at = 0;
  const v = sizes.map((len) => { const a = new Float64Array(buf, at * 8, len); at += len; return a; });
  return { n, k, L, proj: v[0], weights: v[1], means: v[2], sds: v[3], value: v[4], dW: v[5], dM: v[6], gs: v[7] };
}

/** Reads the job's scalar fields from the control block (worker side). */
export function jobScalars(ints: Int32Array, ctl: SharedArrayBuffer): { n: number; k: number; L: number; nLevels: number; exact: boolean; p: number } {
  return {
    n: ints[C.N], k: ints[C.K], L: ints[C.L], nLevels: ints[C.NLEVELS], exact: ints[C.EXACT] === 1, p: new Float64Array(ctl, P_BYTE, 1)[0],
  };
}

const ENTRY = siblingModule('./slice-worker', import.meta.url);

export class SlicePool {
  readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly ctl = new SharedArrayBuffer(CTL_BYTES);
  private readonly ticket = new BigInt64Array(this.ctl, 0, 1);
  private readonly ints = new Int32Array(this.ctl, 0, 16);
  private readonly pF64 = new Float64Array(this.ctl, P_BYTE, 1);
  private buf = new SharedArrayBuffer(8);
  private gen = 0n;
  private current: SliceJob | null = null;
  broken: Error | null = null;

  constructor(nWorkers: number, private readonly task: (job: SliceJob, l: number) => void) {
    for (let s = 0; s < nWorkers; s++) {
      const { port1, port2 } = new MessageChannel();
      const w = startWorker(ENTRY, { workerData: { ctl: this.ctl, port: port2 }, transferList: [port2], name: `gmmgen-slices-${s + 1}` });
      w.unref();
      port1.unref();
      w.on('error', (e) => { this.broken = e instanceof Error ? e : new Error(String(e)); });
      w.on('exit', (code) => { if (!this.broken && !Atomics.load(this.ints, C.STOP)) this.broken = new Error(`slice worker ${s + 1} exited with code ${code}`); });
      this.workers.push(w);
      this.ports.push(port1);
    }
  }

  /** Workers that have started and serve tasks. */
  get readyWorkers(): number {
    return Atomics.load(this.ints, C.READY);
  }

  /** Tasks the workers (not the calling thread) have run since the pool started. */
  get workerTasks(): number {
    return Atomics.load(this.ints, C.WORKER_TASKS);
  }

  /** Resolves when every worker is ready, or after `timeoutMs` (then false). For tests and benchmarks. */
  whenReady(timeoutMs = 20000): Promise<boolean> {
    return whenReady(() => this.readyWorkers >= this.workers.length, () => this.broken !== null, timeoutMs);
  }

  /** The job for sizes (n, k, L) on the shared buffer (grown, and sent to the workers, when too small). */
  job(n: number, k: number, L: number): SliceJob {
    let v = jobViews(this.buf, n, k, L);
    if (!v) {
      const need = (L * n + k + 5 * L * k + L) * 8;
      this.buf = new SharedArrayBuffer(Math.ceil(need * 1.25));
      const ver = Atomics.add(this.ints, C.BUFVER, 1) + 1;
      for (const port of this.ports) port.postMessage({ ver, buf: this.buf });
      v = jobViews(this.buf, n, k, L)!;
    }
    this.current = { ...v, p: 2, exact: false, nLevels: 0 };
    return this.current;
  }

  /** Runs directions 0..L−1 of the current job on every thread; returns when all are done. */
  run(L: number): void {
    const job = this.current;
    if (!job) throw new Error('SlicePool.run: no job');
    const I = this.ints;
    // Close the ticket first (task number 2³²−1: nothing to claim), so that no thread can claim a task of the old
    // generation against the new fields written below.
    this.gen += 1n;
    Atomics.store(this.ticket, 0, (this.gen << 32n) | 0xffffffffn);
    I[C.N] = job.n; I[C.K] = job.k; I[C.L] = job.L; I[C.NLEVELS] = job.nLevels; I[C.EXACT] = job.exact ? 1 : 0;
    this.pF64[0] = job.p;
    I[C.NTASKS] = L;
    Atomics.store(I, C.DONE, 0);
    Atomics.store(I, C.ERR, 0);
    let v = this.gen << 32n;
    Atomics.store(this.ticket, 0, v);
    Atomics.notify(this.ticket, 0);
    let mine = 0;
    try {
      for (;;) {
        const t = Number(v & 0xffffffffn);
        if (t >= L) break;
        const w = Atomics.compareExchange(this.ticket, 0, v, v + 1n);
        if (w !== v) { v = w; continue; }
        this.task(job, t);
        mine++;
        v += 1n;
      }
    } finally {
      Atomics.add(I, C.DONE, mine);
      for (let done = Atomics.load(I, C.DONE); done < L; done = Atomics.load(I, C.DONE)) Atomics.wait(I, C.DONE, done, 100);
    }
    if (Atomics.load(I, C.ERR)) {
      this.broken = new Error('a slice task failed in a worker thread');
      throw this.broken;
    }
  }

  async close(): Promise<void> {
    Atomics.store(this.ints, C.STOP, 1);
    Atomics.notify(this.ticket, 0);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let pool: SlicePool | null = null;
let task: ((job: SliceJob, l: number) => void) | null = null;

/** Registers the per-direction task (wasserstein.ts does, at load). */
export function setSliceTask(f: (job: SliceJob, l: number) => void): void {
  task = f;
}

/** The pool for a call with n·L projected values, or null (one thread, small work, or a failed pool). */
export function slicePoolFor(work: number): SlicePool | null {
  if (work < MIN_WORK || !task) return null;
  if (pool?.broken) return null;
  const threads = threadCount();
  if (threads <= 1) return null;
  if (!pool) {
    try {
      pool = new SlicePool(threads - 1, task);
    } catch {
      return null;
    }
  }
  return pool;
}

/** Starts the pool now and resolves to its ready worker count (0 with one thread). For tests and benchmarks. */
export async function startSlicePool(): Promise<number> {
  const p = slicePoolFor(Infinity);
  if (!p) return 0;
  await p.whenReady();
  return p.readyWorkers;
}

/** Tasks run by the pool's workers so far (0 without a pool). */
export function slicePoolWorkerTasks(): number {
  return pool?.workerTasks ?? 0;
}

/** Stops the pool's workers (they are unref'd; this frees them early, e.g. in tests). */
export async function shutdownSlicePool(): Promise<void> {
  const p = pool;
  pool = null;
  if (p) await p.close();
}
