/**
 * NLL gradient descent (src/gmm/fit/nll.ts) on the EM WebAssembly kernels (wasm/engine.ts: E-step, moments and scatter
 * about the current means) against its JavaScript path (GMMGEN_KERNELS=js): the same fit to rounding, for diagonal
 * and full covariances at odd sizes and at 128-d, SC2+NLL included; the same bits on 1 and 2 threads; and the
 * kernels' moment sums checked against sums written out here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import type { CovarianceType, Points } from '../../../src/gmm/model/types.ts';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import '../../../src/gmm/index.ts';
import { fitNLL } from '../../../src/gmm/fit/nll.ts';
import { kernelProfile, kernelWorkerTasks, setKernelProfiling, shutdownKernelPool, startKernelPool, WasmEM } from '../../../src/gmm/wasm/engine.ts';
import { Rng } from '../../../src/util/rng.ts';
import { withEnv } from '../../_env.ts';

/** n points in d dimensions from three shifted, unequally scaled clusters. */
function clusters(n: number, d: number, seed: number): Points {
  const rng = new Rng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = rng.normal() * (0.5 + (j % 5) * 0.3) + (i % 3) * 3 - (j % 2);
  return { n, d, data };
}

function fitBoth(points: Points, opts: Record<string, unknown>, threads = '1') {
  const run = (kernels: string) => withEnv({ GMMGEN_KERNELS: kernels, GMMGEN_THREADS: threads }, () => fitNLL(points, opts));
  return { js: run('js'), wasm: run('wasm') };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= rel * Math.max(scale, 1e-300))) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]} (relative tolerance ${rel})`);
  }
}

test('NLL descent: WebAssembly and JavaScript kernels give the same fit to rounding (diag and full, odd sizes, 128-d)', () => {
  const cases: [n: number, d: number, k: number, type: CovarianceType][] = [
    [50, 1, 2, 'diag'], [61, 3, 3, 'full'], [203, 7, 4, 'diag'], [203, 7, 4, 'full'], [130, 13, 2, 'full'], [300, 128, 3, 'diag'], [700, 128, 2, 'full'],
  ];
  for (const [n, d, k, type] of cases) {
    const points = clusters(n, d, n + d);
    // SGD: Adam and Lion normalise each coordinate's step, so a gradient entry that is 0 up to rounding (the weight
    // logits' at a fixed point of the weights) moves by lr·g/(|g| + ε) or ±lr — rounding amplified up to 1/ε-fold.
    const opts = { k, covarianceType: type, maxIter: 25, tol: 0, seed: 2, optimizer: 'sgd', lr: 0.02 };
    setKernelProfiling(true);
    const { js, wasm } = fitBoth(points, opts);
    const eSteps = kernelProfile().find((p) => p.phase.startsWith('E-step'))?.calls ?? 0;
    setKernelProfiling(false);
    assert.ok(eSteps >= 25, `the WebAssembly E-step ran (${eSteps} calls) for n=${n} d=${d} ${type}`);
    const what = `n=${n} d=${d} k=${k} ${type}`;
    close(wasm.history.loss, js.history.loss, 1e-12, `${what} losses`);
    close(wasm.gmm.weights, js.gmm.weights, 1e-10, `${what} weights`);
    close(wasm.gmm.means, js.gmm.means, 1e-10, `${what} means`);
    close(wasm.gmm.covariances, js.gmm.covariances, 1e-10, `${what} covariances`);
    assert.equal(wasm.history.bestStep, js.history.bestStep, `${what}: best iterate`);
  }
});

test('SC2+NLL: the NLL phase on either kernel path gives the same fit to rounding', () => {
  const points = clusters(240, 9, 4);
  for (const type of ['diag', 'full'] as const) {
    const opts = { k: 3, covarianceType: type, maxIter: 20, tol: 0, L: 8, seed: 5, nllSteps: 30, nllOptimizer: 'sgd', nllLr: 0.05 };
    const run = (kernels: string) => withEnv({ GMMGEN_KERNELS: kernels, GMMGEN_THREADS: '1' }, () => fitGMM('sc2', points, opts));
    const js = run('js'), wasm = run('wasm');
    close(wasm.history.fineTune!.loss, js.history.fineTune!.loss, 1e-12, `${type} NLL-phase losses`);
    close(wasm.gmm.means, js.gmm.means, 1e-10, `${type} means`);
    close(wasm.gmm.covariances, js.gmm.covariances, 1e-10, `${type} covariances`);
  }
});

test('NLL descent on the kernels gives the same bits on 1 and 2 threads, the worker taking part', async () => {
  const points = clusters(2400, 33, 8); // n·k·d = 316 800 multiply-adds per phase: above the pool's threshold
  await shutdownKernelPool(); // an earlier fit on one thread leaves the pool unstarted
  assert.equal(await withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '2' }, () => startKernelPool()), 1);
  for (const type of ['diag', 'full'] as const) {
    const opts = { k: 4, covarianceType: type, maxIter: 6, tol: 0, seed: 3 };
    const before = kernelWorkerTasks();
    let two = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '2' }, () => fitNLL(points, opts));
    // The worker claims tasks as soon as it is scheduled; on a busy machine give it more fits, with a pause before
    // each so that the OS can schedule it (a fresh clone under load needed more than 5 back-to-back fits).
    for (let tries = 0; kernelWorkerTasks() === before && tries < 20; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      two = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '2' }, () => fitNLL(points, opts));
    }
    assert.ok(kernelWorkerTasks() > before, `${type}: the worker thread ran tasks`);
    const one = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '1' }, () => fitNLL(points, opts));
    assert.deepEqual(Array.from(two.gmm.means), Array.from(one.gmm.means), `${type} means`);
    assert.deepEqual(Array.from(two.gmm.covariances), Array.from(one.gmm.covariances), `${type} covariances`);
    assert.deepEqual(two.history.loss, one.history.loss, `${type} losses`);
  }
  await shutdownKernelPool();
});

test('WasmEM moment sums and scatter about the current means match direct sums', () => {
  const rng = new Rng(12);
  for (const type of ['diag', 'full'] as const) {
    const n = 157, d = 6, k = 3;
    const points = clusters(n, d, 21);
    const g = new GMM({
      k, d, covarianceType: type, weights: new Float64Array([0.2, 0.5, 0.3]),
      means: new Float64Array(k * d).map(() => rng.normal() * 2),
      covariances: type === 'diag' ? new Float64Array(k * d).map(() => 0.5 + rng.uniform()) : fullCovs(k, d, rng),
    });
    const em = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '1' }, () => WasmEM.open(points, k, type))!;
    try {
      em.setComponents(g.means, g.covariances);
      em.setLogWeights(g.weights.map(Math.log));
      const meanLl = em.eStep(true);
      const resp = em.responsibilities().slice();
      const nk = new Float64Array(k), a = new Float64Array(k * d), s = new Float64Array(type === 'diag' ? k * d : k * d * d);
      em.momentSums(nk, a, type === 'diag' ? s : null);
      if (type === 'full') em.scatterAboutMeans(s);
      assert.ok(Math.abs(meanLl + g.nll(points)) < 1e-12 * Math.abs(meanLl), 'the E-step returns the mean log-likelihood');
      for (let c = 0; c < k; c++) {
        let N = 0;
        const A = new Float64Array(d), S = new Float64Array(type === 'diag' ? d : d * d);
        for (let i = 0; i < n; i++) {
          const r = resp[i * k + c];
          N += r;
          for (let p = 0; p < d; p++) {
            const y = points.data[i * d + p] - g.means[c * d + p];
            A[p] += r * y;
            if (type === 'diag') S[p] += r * y * y;
            else for (let q = 0; q < d; q++) S[p * d + q] += r * y * (points.data[i * d + q] - g.means[c * d + q]);
          }
        }
        close([nk[c]], [N], 1e-13, `${type} N_${c}`);
        close(a.subarray(c * d, (c + 1) * d), A, 1e-12, `${type} a_${c}`);
        close(s.subarray(c * S.length, (c + 1) * S.length), S, 1e-12, `${type} scatter_${c}`);
      }
    } finally {
      em.close();
    }
  }
});

function fullCovs(k: number, d: number, rng: Rng): Float64Array {
  const out = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const A = new Float64Array(d * d).map(() => rng.normal());
    for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) {
      let v = p === q ? 0.3 : 0;
      for (let t = 0; t < d; t++) v += (A[p * d + t] * A[q * d + t]) / d;
      out[c * d * d + p * d + q] = v;
    }
  }
  return out;
}
