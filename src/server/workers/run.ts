/**
 * Runs one of gmmgen's modules in a worker thread (src/util/worker.ts: from the sources or compiled), so CPU-bound
 * work (GMM fits, style synthesis) never blocks the server's event loop. The worker gets `data` as
 * workerData; every message it posts goes to `onMessage`. `terminate()` stops it at once, wherever it is.
 */
import { startWorker } from '../../util/worker.ts';

export interface WorkerRun {
  /** Resolves when the worker exits (code 0 or terminated); rejects on an uncaught error in it. */
  done: Promise<void>;
  terminate(): Promise<void>;
  post(message: unknown): void;
}

export function runWorker(entry: URL, data: Record<string, unknown>, onMessage: (m: any) => void, transferList: ArrayBuffer[] = []): WorkerRun {
  const worker = startWorker(entry, {
    workerData: data,
    transferList,
    env: { ...process.env, GMMGEN_QUIET: '1' },
  });
  let terminated = false;
  const done = new Promise<void>((resolve, reject) => {
    worker.on('message', (m) => {
      try {
        onMessage(m);
      } catch (e) {
        console.error(`[server] worker message handler failed: ${(e as Error).message}`);
      }
    });
    worker.on('error', (e) => reject(e));
    worker.on('exit', (code) => {
      if (code === 0 || terminated) resolve();
      else reject(new Error(`worker exited with code ${code}`));
    });
  });
  return {
    done,
    post: (m) => worker.postMessage(m),
    terminate: async () => {
      terminated = true;
      await worker.terminate();
    },
  };
}
