/**
 * The sliced distances' WebAssembly kernels (src/gmm/wasm/sliced.ts, assembly/sliced.ts): the shipped module is the
 * build of its source, and every kernel — and SW and SC2 fits that use them — gives the same bits as the JavaScript
 * loops (GMMGEN_KERNELS=js, the fallback), at odd sizes that reach every tail of the blocked loops and at 128-d; and
 * SW gives the same bits with its directions on one thread or on the slice pool's worker threads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import type { GMMParams, Points } from '../../../src/gmm/model/types.ts';
import { backProjectCovariances, projectGMMAll, projectPointsAll, randomDirections } from '../../../src/gmm/distances/wasserstein.ts';
import { covarianceGradToFactorGrad, factorsToCovariances } from '../../../src/gmm/distances/cramer.ts';
import { fisherPrecondition } from '../../../src/gmm/fit/sw.ts';
import { fitGMM } from '../../../src/gmm/fit/registry.ts';
import '../../../src/gmm/index.ts';
import { slicedKernelsInUse } from '../../../src/gmm/wasm/sliced.ts';
import { shutdownSlicePool, slicePoolWorkerTasks, startSlicePool } from '../../../src/gmm/distances/slice-pool.ts';
import { SLICED_MODULE, buildWasm, moduleSource } from '../../../src/gmm/wasm/build.ts';
import { repoRoot } from '../../../src/util/paths.ts';
import { Rng } from '../../../src/util/rng.ts';
import { withEnv } from '../../_env.ts';

/** Both paths' results, and the assertion that they are the same bits. */
function sameBits(what: string, f: () => Float64Array | Float64Array[]): void {
  const js = [withEnv({ GMMGEN_KERNELS: 'js' }, f)].flat();
  const wa = [withEnv({ GMMGEN_KERNELS: 'wasm' }, f)].flat();
  assert.equal(wa.length, js.length);
  for (let a = 0; a < js.length; a++) {
    assert.equal(wa[a].length, js[a].length, `${what}: length of output ${a}`);
    for (let i = 0; i < js[a].length; i++) {
      if (!Object.is(wa[a][i], js[a][i])) assert.fail(`${what}: output ${a}[${i}]: wasm ${wa[a][i]} vs js ${js[a][i]}`);
    }
  }
}

function randomParams(k: number, d: number, rng: Rng): GMMParams {
  const covariances = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const A = new Float64Array(d * d).map(() => rng.normal());
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) {
      let s = a === b ? 0.1 : 0;
      for (let p = 0; p < d; p++) s += (A[a * d + p] * A[b * d + p]) / d;
      covariances[c * d * d + a * d + b] = s;
      covariances[c * d * d + b * d + a] = s;
    }
  }
  const w = new Float64Array(k).map(() => 0.5 + rng.uniform());
  const tw = w.reduce((x, y) => x + y, 0);
  return { k, d, covarianceType: 'full', weights: w.map((v) => v / tw), means: new Float64Array(k * d).map(() => rng.normal()), covariances };
}

const SIZES: [n: number, d: number, k: number, L: number][] = [[7, 1, 1, 1], [9, 3, 2, 3], [13, 13, 3, 11], [5, 6, 4, 17], [33, 128, 3, 32]];

test('the sliced kernels load here', () => {
  assert.equal(withEnv({ GMMGEN_KERNELS: 'wasm' }, slicedKernelsInUse), true);
  assert.equal(withEnv({ GMMGEN_KERNELS: 'js' }, slicedKernelsInUse), false);
});

test('the shipped module is the build of src/gmm/wasm/assembly/sliced.ts', async () => {
  const shipped = readFileSync(join(repoRoot, SLICED_MODULE.target), 'utf8');
  assert.equal(shipped, moduleSource(SLICED_MODULE, await buildWasm(SLICED_MODULE)), 'run npm run build:wasm and commit the result');
});

test('projections of points and components: WebAssembly and JavaScript give the same bits', () => {
  for (const [n, d, k, L] of SIZES) {
    const rng = new Rng(n * 31 + d);
    const x: Points = { n, d, data: new Float64Array(n * d).map(() => rng.normal()) };
    const dirs = randomDirections(L, d, rng);
    const p = randomParams(k, d, rng);
    sameBits(`points n=${n} d=${d} L=${L}`, () => projectPointsAll(x, dirs, L));
    sameBits(`components k=${k} d=${d} L=${L}`, () => { const s = projectGMMAll(p, dirs, L); return [s.means, s.sds]; });
  }
});

test('back-projection, Fisher preconditioning, SᵀS and S(G + Gᵀ): same bits', () => {
  for (const [, d, k, L] of SIZES) {
    const rng = new Rng(d * 7 + L);
    const dirs = randomDirections(L, d, rng);
    const gs = new Float64Array(k * L).map(() => (rng.uniform() < 0.2 ? 0 : rng.normal()));
    sameBits(`outer sums d=${d} k=${k} L=${L}`, () => { const dC = new Float64Array(k * d * d); backProjectCovariances(k, d, true, dirs, L, gs, dC); return dC; });
    const p = randomParams(k, d, rng);
    const G = new Float64Array(k * d * d).map(() => rng.normal());
    const gm = new Float64Array(k * d).map(() => rng.normal());
    sameBits(`fisher d=${d} k=${k}`, () => {
      const m = gm.slice(), C = G.slice();
      fisherPrecondition(p, m, C, { v: new Float64Array(d), A: new Float64Array(d * d) });
      return [m, C];
    });
    sameBits(`S(G+Gᵀ) d=${d} k=${k}`, () => covarianceGradToFactorGrad(p.covariances, G, k, d, 'full'));
    sameBits(`SᵀS d=${d} k=${k}`, () => factorsToCovariances(G, k, d, 'full'));
  }
});

test('SW and SC2 fits (full covariances) give the same bits on both paths', () => {
  const rng = new Rng(5);
  const d = 12;
  const truth = new GMM(randomParams(3, d, rng));
  const pts = truth.sample(400, rng).points;
  const fits: [string, Record<string, unknown>][] = [
    ['sw', { k: 3, covarianceType: 'full', maxIter: 12, tol: 0, L: 9, seed: 1, finishIter: 0 }],
    ['sw', { k: 3, covarianceType: 'full', maxIter: 8, tol: 0, L: 4, seed: 2, levels: 0, metric: 'euclidean', finishIter: 0 }],
    ['sc2', { k: 3, covarianceType: 'full', maxIter: 12, tol: 0, L: 7, seed: 3, batchSize: 128 }],
  ];
  for (const [method, opts] of fits) {
    sameBits(`${method} ${JSON.stringify(opts)}`, () => {
      const { gmm, history } = fitGMM(method as 'sw' | 'sc2', pts, opts);
      return [gmm.weights, gmm.means, gmm.covariances, Float64Array.from(history.loss)];
    });
  }
});

test('SW with the directions on the slice pool: same bits on 1 and 2 threads, and the worker takes tasks', async () => {
  const old = process.env.GMMGEN_THREADS;
  try {
    process.env.GMMGEN_THREADS = '2';
    assert.equal(await startSlicePool(), 1);
    const rng = new Rng(9);
    const truth = new GMM(randomParams(3, 6, rng));
    const pts = truth.sample(2600, rng).points; // n·L = 41 600: above the pool's threshold
    // Both 1-D forms: the worker must evaluate the one the job asks for (the job's `exact` flag crosses threads).
    const losses: Float64Array[] = [];
    for (const method of ['midpoint', 'exact']) {
      const opts = { k: 3, covarianceType: 'full', maxIter: 6, tol: 0, L: 16, seed: 4, finishIter: 0, method };
      const fit = (threads: string) => {
        process.env.GMMGEN_THREADS = threads;
        const { gmm, history } = fitGMM('sw', pts, opts);
        return [gmm.weights, gmm.means, gmm.covariances, Float64Array.from(history.loss)];
      };
      const before = slicePoolWorkerTasks();
      const two = fit('2');
      assert.ok(slicePoolWorkerTasks() > before, `${method}: the worker thread ran some directions`);
      const one = fit('1');
      for (let a = 0; a < one.length; a++) for (let i = 0; i < one[a].length; i++) assert.ok(Object.is(two[a][i], one[a][i]), `${method}: output ${a}[${i}]`);
      losses.push(one[3]);
    }
    assert.notDeepEqual(losses[0], losses[1], 'the two forms give different losses');
  } finally {
    if (old === undefined) delete process.env.GMMGEN_THREADS; else process.env.GMMGEN_THREADS = old;
    await shutdownSlicePool();
  }
});

test('Fisher preconditioning by hand (gradient and covariance entries 0 and 1 included), on both paths', () => {
  // Component 0: Σ = [[2, 1], [1, 3]], g_μ = (1, 0) → Σ g_μ = (2, 1); G = [[1, 1], [0, 0]] → Σ G Σ = [[6, 8], [3, 4]].
  // Component 1: Σ = I leaves both unchanged.
  const p: GMMParams = { k: 2, d: 2, covarianceType: 'full', weights: Float64Array.from([0.5, 0.5]), means: new Float64Array(4), covariances: Float64Array.from([2, 1, 1, 3, 1, 0, 0, 1]) };
  for (const choice of ['js', 'wasm'] as const) {
    const m = Float64Array.from([1, 0, 1, -1]), C = Float64Array.from([1, 1, 0, 0, 0, 1, 1, 0]);
    withEnv({ GMMGEN_KERNELS: choice }, () => fisherPrecondition(p, m, C, { v: new Float64Array(2), A: new Float64Array(4) }));
    assert.deepEqual(Array.from(m), [2, 1, 1, -1], `${choice}: means`);
    assert.deepEqual(Array.from(C), [6, 8, 3, 4, 0, 1, 1, 0], `${choice}: covariances`);
  }
  // diag: Σ_jj g_j and Σ_jj² G_jj.
  const q: GMMParams = { k: 1, d: 2, covarianceType: 'diag', weights: Float64Array.from([1]), means: new Float64Array(2), covariances: Float64Array.from([2, 3]) };
  const m = Float64Array.from([1, 0]), C = Float64Array.from([1, 1]);
  fisherPrecondition(q, m, C, { v: new Float64Array(2), A: new Float64Array(4) });
  assert.deepEqual([Array.from(m), Array.from(C)], [[2, 0], [4, 9]]);
});
