/**
 * Worker: fits a GMM to a 2-D point set with the GMM library and posts the fit as it goes, one frame
 * every `stride` steps (weights, means, covariances) and a final summary. Used by the Explore tab.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fitGMM, type FitMethod, type GMM } from '../../gmm/index.ts';
import type { OnStep } from '../../gmm/fit/options.ts';

interface FitJob {
  method: FitMethod;
  k: number;
  seed: number;
  maxIter: number;
  stride: number;
  n: number;
  d: number;
  data: Float64Array;
}

const job = workerData as FitJob;
const port = parentPort!;

function frame(step: number, loss: number, g: GMM) {
  return {
    type: 'frame',
    step,
    loss,
    weights: Array.from(g.weights),
    means: Array.from(g.means),
    covariances: Array.from(g.toFull().covariances),
  };
}

try {
  let last: { step: number; loss: number; gmm: () => GMM } | null = null;
  let lastSent = -1;
  const { gmm, history } = fitGMM(job.method, { n: job.n, d: job.d, data: job.data }, {
    k: job.k,
    seed: job.seed,
    maxIter: job.maxIter,
    onStep: ((s) => {
      last = s;
      if (s.step === 1 || s.step % job.stride === 0) {
        port.postMessage(frame(s.step, s.loss, s.gmm()));
        lastSent = s.step;
      }
    }) satisfies OnStep,
  });
  const end = last as { step: number; loss: number } | null;
  if (end === null || end.step !== lastSent) port.postMessage(frame(end?.step ?? history.iterations, end?.loss ?? NaN, gmm));
  port.postMessage({
    type: 'done',
    lossName: history.lossName,
    iterations: history.iterations,
    converged: history.converged,
    wallTime: history.wallTime,
    finalNll: history.finalNll ?? gmm.nll({ n: job.n, d: job.d, data: job.data }),
  });
} catch (e) {
  port.postMessage({ type: 'error', message: (e as Error).message });
}
