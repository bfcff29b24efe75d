/**
 * Worker: runs one style job with the style library (src/style/job.ts runStyleJob) and posts progress,
 * preview PNGs and the finished PNGs back to the server (protocol in ../style-jobs.ts). An
 * {type: 'abort'} message aborts the job's signal; the server terminates the worker if it has not stopped
 * soon after.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../backend/index.ts';
import { runStyleJob } from '../../style/job.ts';
import type { StyleWorkerInput } from '../style-jobs.ts';

const port = parentPort!;
const input = (workerData as { input: StyleWorkerInput }).input;
const controller = new AbortController();
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'abort') controller.abort(new Error('cancelled'));
});

const toBytes = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const STAGE: Record<string, string> = {
  load: 'loading MobileNet and the images',
  sample: 'sampling Gram matrices and palettes',
  features: 'Gram matrices of the paintings',
  fit: 'fitting the style mixture',
  synth: 'painting',
  done: 'done',
};

try {
  await initBackend({ quiet: true });
  const result = await runStyleJob(
    {
      styles: input.styles.map((s) => ({ bytes: toBytes(s.bytes), name: s.name })),
      ratio: input.ratio,
      content: input.content ? { bytes: toBytes(input.content.bytes), name: input.content.name } : null,
      size: input.size,
      iterations: input.iterations,
      samples: input.samples,
      seed: input.seed,
      mode: input.mode,
      method: input.method,
      blend: input.blend,
      modelDir: input.mobilenetDir,
      previewEvery: Math.max(1, Math.round(input.iterations / 12)),
      ...(input.crops !== undefined ? { crops: input.crops } : {}),
    },
    {
      signal: controller.signal,
      onProgress: (p) => {
        let message = p.message ?? STAGE[p.stage] ?? p.stage;
        if (p.stage === 'synth' && p.iteration !== undefined) {
          message = `painting image ${(p.sample ?? 0) + 1}/${p.samples ?? 1}, iteration ${p.iteration}/${p.iterations}`;
        }
        const values: Record<string, number> = {};
        if (p.loss !== undefined && Number.isFinite(p.loss)) values.loss = p.loss;
        if (p.iteration !== undefined) values.iteration = p.iteration;
        values.elapsed = p.elapsed;
        if (p.eta !== null) values.eta = p.eta;
        port.postMessage({ type: 'progress', fraction: p.fraction, message, values });
        if (p.preview) port.postMessage({ type: 'preview', png: new Uint8Array(p.preview) });
      },
    },
  );
  for (const png of result.images) port.postMessage({ type: 'result', png: new Uint8Array(png) });
} catch (e) {
  if (!controller.signal.aborted) port.postMessage({ type: 'error', message: (e as Error).message });
} finally {
  // The message listener (and tfjs) would keep the thread alive: tell the server we are finished; it
  // terminates the worker.
  port.postMessage({ type: 'finished' });
}
