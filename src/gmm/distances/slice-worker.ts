/**
 * A slice-pool worker thread (slice-pool.ts): waits for published directions, claims them one at a time and runs
 * wasserstein.ts sliceTask on the shared job buffer. Started by slice-pool.ts through src/util/worker.ts startWorker.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { sliceTask } from './wasserstein.ts';
import { C, jobScalars, jobViews, type SliceJob } from './slice-pool.ts';

const { ctl, port } = workerData as { ctl: SharedArrayBuffer; port: MessagePort };
const T = new BigInt64Array(ctl, 0, 1), I = new Int32Array(ctl, 0, 16);
let buf: SharedArrayBuffer | null = null, ver = 0;

/** The buffer of version `want` (the newest message on the port carries it). */
function takeBuffer(want: number): void {
  while (ver !== want) {
    const m = receiveMessageOnPort(port) as { message: { ver: number; buf: SharedArrayBuffer } } | undefined;
    if (!m) throw new Error(`slice worker: buffer version ${want} not received`);
    ({ ver, buf } = m.message);
  }
}

Atomics.add(I, C.READY, 1);
for (;;) {
  let v = Atomics.load(T, 0);
  let job: SliceJob | null = null;
  for (;;) {
    const t = Number(v & 0xffffffffn);
    if (t >= I[C.NTASKS]) break;
    const w = Atomics.compareExchange(T, 0, v, v + 1n);
    if (w !== v) { v = w; continue; }
    try {
      if (!job) {
        takeBuffer(Atomics.load(I, C.BUFVER));
        const s = jobScalars(I, ctl);
        job = { ...jobViews(buf!, s.n, s.k, s.L)!, p: s.p, exact: s.exact, nLevels: s.nLevels };
      }
      sliceTask(job, t);
    } catch {
      Atomics.store(I, C.ERR, 1);
    }
    Atomics.add(I, C.WORKER_TASKS, 1);
    Atomics.add(I, C.DONE, 1);
    Atomics.notify(I, C.DONE);
    v = Atomics.load(T, 0);
  }
  if (Atomics.load(I, C.STOP)) break;
  Atomics.wait(T, 0, v);
}
