/**
 * Worker-thread entry of fitLatentSet (src/latent/fit.ts): fits one class model and posts it back as JSON.
 * Messages to the parent: {type:'progress', label, step, loss} (at most every 0.5 s),
 * {type:'done', label, json, history}, or {type:'error', label, message}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fitClassCodes, type ClassFitTask } from './fit.ts';

const task = workerData.task as ClassFitTask;
const port = parentPort!;
let last = 0;
try {
  const { model, history } = fitClassCodes(task, (step, loss) => {
    const now = performance.now();
    if (now - last > 500) {
      last = now;
      port.postMessage({ type: 'progress', label: task.label, step, loss });
    }
  });
  port.postMessage({ type: 'done', label: task.label, json: model.toJSON(), history });
} catch (e) {
  port.postMessage({ type: 'error', label: task.label, message: (e as Error).message });
}
