/**
 * Worker-thread entry of fitLatentSet (src/latent/fit.ts): fits one class model and posts it back as JSON.
 * Messages to the parent: {type:'progress', label, step, loss} (the first step, then at most one every
 * FIT_PROGRESS_INTERVAL_MS of fit.ts),
 * {type:'done', label, json, history}, or {type:'error', label, message}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RateGate } from '../util/rate-gate.ts';
import { FIT_PROGRESS_INTERVAL_MS, fitClassCodes, type ClassFitTask } from './fit.ts';

const task = workerData.task as ClassFitTask;
const port = parentPort!;
const gate = new RateGate(FIT_PROGRESS_INTERVAL_MS);
try {
  const { model, history } = fitClassCodes(task, (step, loss) => {
    if (gate.ready()) port.postMessage({ type: 'progress', label: task.label, step, loss });
  });
  port.postMessage({ type: 'done', label: task.label, json: model.toJSON(), history });
} catch (e) {
  port.postMessage({ type: 'error', label: task.label, message: (e as Error).message });
}
