/**
 * Child of no-wasm.test.ts: a few small fits whose results and kernel reason it prints as one JSON line, so that the
 * parent can run it in a process without WebAssembly (node --jitless) and compare with the JavaScript kernels.
 */
import { fitEM, fitNLL, fitSW, wasmUnavailableReason } from '../../../src/gmm/index.ts';
import { Rng } from '../../../src/util/rng.ts';

/** EM, NLL and SW fits of a 3-cluster cloud (only SW when `swOnly`: it runs on the sliced kernels alone). */
export function noWasmFits(swOnly = false): Record<string, unknown> {
  const rng = new Rng(4), n = 400, d = 3;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) data[i * d + t] = (i % 3) * (t + 1) + rng.normal();
  const points = { n, d, data };
  const out: Record<string, unknown> = {};
  for (const covarianceType of swOnly ? [] : ['full', 'diag'] as const) {
    const em = fitEM(points, { k: 3, seed: 1, covarianceType, maxIter: 30 });
    out[`em-${covarianceType}`] = { loss: em.history.loss, means: [...em.gmm.means], covariances: [...em.gmm.covariances] };
    const nll = fitNLL(points, { k: 3, seed: 1, covarianceType, maxIter: 15 });
    out[`nll-${covarianceType}`] = { loss: nll.history.loss, means: [...nll.gmm.means] };
  }
  const sw = fitSW(points, { k: 3, seed: 1, maxIter: 15 });
  out.sw = { loss: sw.history.loss, means: [...sw.gmm.means] };
  return out;
}

if (process.argv[2] === 'run') {
  let result: Record<string, unknown>;
  try {
    result = { fits: noWasmFits(process.argv[3] === 'sw'), reason: wasmUnavailableReason() };
  } catch (e) {
    result = { error: (e as Error).message };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
