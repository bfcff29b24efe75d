/**
 * A pool of worker threads that run WebAssembly kernel tasks on one shared linear memory, synchronously from the
 * caller's point of view: `run(job, phase, ntasks)` publishes a phase, works on its tasks itself, and returns when
 * every task is done. Workers claim tasks one at a time (dynamic scheduling), so a worker still starting up, or
 * descheduled by the OS, only means the calling thread does more of the tasks. Tasks never depend on which thread
 * runs them (see assembly/em.ts), so results are identical for any number of threads.
 *
 * Protocol (control block: a BigInt64 ticket and Int32 fields on a SharedArrayBuffer):
 *   the caller writes job, phase and ntasks, zeroes `done`, then stores ticket = generation·2³² (task 0) and
 *   notifies; any thread claims task t by compare-and-swap of ticket from (gen, t) to (gen, t + 1), runs it, and
 *   increments `done`. A successful CAS proves the generation is still current, so the fields it read belong to it.
 * Workers are unref'd (they never keep the process alive) and are created lazily, on first use.
 */
import { isMainThread, Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { whenReady } from '../../util/worker.ts';

const I_JOB = 2, I_PHASE = 3, I_NTASKS = 4, I_DONE = 5, I_ERR = 6, I_STOP = 7, I_WORKER_TASKS = 8, I_READY = 9;
const CTL_INTS = 10;

/** The worker's code (CommonJS, evaluated): instantiate the module on the shared memory, then serve tickets. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctl, slot } = workerData;
const run = new WebAssembly.Instance(module, { env: { memory } }).exports.runTask;
const T = new BigInt64Array(ctl, 0, 1), I = new Int32Array(ctl);
Atomics.add(I, ${I_READY}, 1);
Atomics.notify(I, ${I_READY});
for (;;) {
  let v = Atomics.load(T, 0);
  for (;;) {
    const t = Number(v & 0xffffffffn);
    const job = I[${I_JOB}], phase = I[${I_PHASE}], ntasks = I[${I_NTASKS}];
    if (t >= ntasks) break;
    const w = Atomics.compareExchange(T, 0, v, v + 1n);
    if (w !== v) { v = w; continue; }
    try { run(job, phase, t, slot); } catch (e) { Atomics.store(I, ${I_ERR}, 1); }
    Atomics.add(I, ${I_WORKER_TASKS}, 1);
    Atomics.add(I, ${I_DONE}, 1);
    Atomics.notify(I, ${I_DONE});
    v = Atomics.load(T, 0);
  }
  if (Atomics.load(I, ${I_STOP})) break;
  Atomics.wait(T, 0, v);
}
`;

export type RunTask = (job: number, phase: number, t: number, slot: number) => void;

/**
 * Threads to use in total (the calling thread included): GMMGEN_THREADS, else the available parallelism on the main
 * thread and 1 inside a worker thread (callers that fit in workers, such as the per-class latent fits, already
 * spread their fits over the cores).
 */
export function threadCount(): number {
  const env = process.env.GMMGEN_THREADS;
  if (env !== undefined && env !== '') {
    const v = Number(env);
    if (!Number.isInteger(v) || v < 1 || v > 256) throw new RangeError(`GMMGEN_THREADS must be an integer in [1, 256], got '${env}'`);
    return v;
  }
  return isMainThread ? Math.max(1, availableParallelism()) : 1;
}

export class TaskPool {
  /** Worker threads (the calling thread is one more). */
  readonly workers: Worker[] = [];
  private readonly ctl = new SharedArrayBuffer(8 * 8);
  private readonly ticket = new BigInt64Array(this.ctl, 0, 1);
  private readonly ints = new Int32Array(this.ctl);
  private gen = 0n;
  private broken: Error | null = null;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, private readonly runLocal: RunTask, nWorkers: number) {
    if (CTL_INTS > this.ints.length) throw new Error('TaskPool: control block too small');
    for (let s = 1; s <= nWorkers; s++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctl: this.ctl, slot: s }, name: `gmmgen-kernels-${s}` });
      w.unref();
      w.on('error', (e) => { this.broken = e instanceof Error ? e : new Error(String(e)); });
      w.on('exit', (code) => { if (!this.broken && !Atomics.load(this.ints, I_STOP)) this.broken = new Error(`kernel worker ${s} exited with code ${code}`); });
      this.workers.push(w);
    }
  }

  /** Threads working on a phase: the workers and the calling thread. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Workers that have instantiated the module and serve tasks. */
  get readyWorkers(): number {
    return Atomics.load(this.ints, I_READY);
  }

  /** Tasks run by the workers (not the calling thread) since the pool started. */
  get workerTasks(): number {
    return Atomics.load(this.ints, I_WORKER_TASKS);
  }

  /** Resolves when every worker is ready, or after `timeoutMs` (then false). For tests and benchmarks. */
  whenReady(timeoutMs = 10000): Promise<boolean> {
    return whenReady(() => this.readyWorkers >= this.workers.length, () => this.broken !== null, timeoutMs);
  }

  /** Why the pool can no longer be used (a worker failed or exited), or null. */
  get failure(): Error | null {
    return this.broken;
  }

  /** Runs tasks 0..ntasks−1 of `phase` on every thread; returns when all are done. Throws if a task failed. */
  run(job: number, phase: number, ntasks: number): void {
    if (ntasks <= 0) return;
    const I = this.ints;
    I[I_JOB] = job;
    I[I_PHASE] = phase;
    I[I_NTASKS] = ntasks;
    Atomics.store(I, I_DONE, 0);
    Atomics.store(I, I_ERR, 0);
    this.gen += 1n;
    let v = this.gen << 32n;
    Atomics.store(this.ticket, 0, v);
    Atomics.notify(this.ticket, 0);
    let mine = 0;
    for (;;) {
      const t = Number(v & 0xffffffffn);
      if (t >= ntasks) break;
      const w = Atomics.compareExchange(this.ticket, 0, v, v + 1n);
      if (w !== v) { v = w; continue; }
      this.runLocal(job, phase, t, 0);
      mine++;
      v += 1n;
    }
    Atomics.add(I, I_DONE, mine);
    for (let done = Atomics.load(I, I_DONE); done < ntasks; done = Atomics.load(I, I_DONE)) {
      Atomics.wait(I, I_DONE, done, 100);
    }
    if (Atomics.load(I, I_ERR)) throw new Error('a WebAssembly kernel task failed in a worker thread');
  }

  /** Stops and terminates the workers (resolves when they have exited). */
  async close(): Promise<void> {
    Atomics.store(this.ints, I_STOP, 1);
    Atomics.notify(this.ticket, 0);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
