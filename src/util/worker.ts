/**
 * Worker threads for gmmgen's own modules, the same from the TypeScript sources (run through tsx) and from the
 * compiled package (dist/, plain JavaScript):
 *
 *   const w = startWorker(siblingModule('./fit-worker', import.meta.url), { workerData: { task } });
 *
 * `siblingModule` names the module beside the caller with the caller's own extension (`.ts` from the sources, `.js`
 * compiled). `startWorker` runs a `.js` entry directly; a `.ts` entry starts through worker-boot.mjs, which registers
 * tsx's loader in the new thread first (Node 20 does not pass `--import tsx` on to worker threads) and then imports
 * the entry, named in workerData.__entry next to the caller's own workerData fields.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./worker-boot.mjs', import.meta.url);

/** URL of the module `name` (relative, without extension) beside `base` (an import.meta.url), with base's extension. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`${name}${new URL(base).pathname.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

/** A worker thread running the module at `entry` (see the module comment); workerData must be a plain object. */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const data = options.workerData === undefined ? {} : options.workerData;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('startWorker: workerData must be a plain object');
  return new Worker(BOOT, { ...options, workerData: { ...data, __entry: entry.href } });
}

/**
 * Resolves true once `ready()` holds (a pool: every worker has reported ready), false when `failed()` holds first
 * or after `timeoutMs`. Polls every 5 ms; for tests and benchmarks.
 */
export async function whenReady(ready: () => boolean, failed: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (!ready()) {
    if (failed() || performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
