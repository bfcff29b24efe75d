/**
 * EM's WebAssembly kernels and their worker pool (src/gmm/wasm): the shipped module is the build of its source;
 * fits agree with the JavaScript kernels (the fallback) to rounding; a fit gives the same bits on 1 and 2 threads;
 * errors read the same on both paths; responsibilities sum to 1 for far points (issue 17, item 12); the pool never
 * keeps a process alive and works from tsx and from compiled JavaScript.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { fitEM, runEM } from '../../../src/gmm/fit/em.ts';
import { logSumExpRows } from '../../../src/gmm/model/density.ts';
import type { CovarianceType, Points } from '../../../src/gmm/model/types.ts';
import {
  kernelWorkerCount, kernelWorkerTasks, shutdownKernelPool, startKernelPool, wasmUnavailableReason, WasmEM,
} from '../../../src/gmm/wasm/engine.ts';
import { buildEmWasm, emModuleSource } from '../../../src/gmm/wasm/build.ts';
import { repoRoot } from '../../../src/util/paths.ts';
import { Rng } from '../../../src/util/rng.ts';
import { withEnv } from '../../_env.ts';

/** A random k-component mixture in d dimensions (overlapping components) and n points from it. */
function problem(n: number, d: number, k: number, type: CovarianceType, seed: number): { points: Points; init: GMM } {
  const rng = new Rng(seed);
  const mk = (spread: number): GMM => {
    const means = new Float64Array(k * d).map(() => spread * rng.normal());
    const covariances = new Float64Array(type === 'full' ? k * d * d : k * d);
    for (let c = 0; c < k; c++) {
      if (type === 'diag') { for (let j = 0; j < d; j++) covariances[c * d + j] = 0.3 + rng.uniform(); continue; }
      const A = new Float64Array(d * d).map(() => rng.normal());
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
        let s = a === b ? 0.2 : 0;
        for (let p = 0; p < d; p++) s += A[a * d + p] * A[b * d + p] / d;
        covariances[c * d * d + a * d + b] = s;
      }
    }
    return new GMM({ k, d, covarianceType: type, weights: new Float64Array(k).fill(1 / k), means, covariances });
  };
  const truth = mk(1.5);
  return { points: truth.sample(n, rng).points, init: mk(1) };
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('the WebAssembly kernels load here', () => {
  assert.equal(wasmUnavailableReason(), '');
});

// Skipped inside a mutation-sampling run (scripts/mutation-sample.ts), which builds a mutated kernel source itself:
// there this check would catch every kernel mutant without running it, and cannot catch any other mutant.
const sampling = process.env.GMMGEN_MUTATION_SAMPLE === '1' ? 'mutation sampling builds the kernels itself' : false;
test('the shipped module is the build of src/gmm/wasm/assembly/em.ts', { skip: sampling }, async () => {
  const shipped = readFileSync(join(repoRoot, 'src/gmm/wasm/em-module.ts'), 'utf8');
  assert.equal(shipped, emModuleSource(await buildEmWasm()), 'run npm run build:wasm and commit the result');
});

test('WebAssembly and JavaScript kernels agree to rounding (full and diag, odd sizes)', () => {
  for (const type of ['full', 'diag'] as const) {
    // n mod 64 (the E-step's row block) is 1, 45, 11, 2, 0 and 63: partial last blocks and none.
    for (const [n, d, k] of [[257, 1, 2], [301, 3, 3], [203, 5, 4], [130, 8, 3], [128, 3, 3], [191, 2, 2]]) {
      const { points, init } = problem(n, d, k, type, 10 * d + k);
      const js = withEnv({ GMMGEN_KERNELS: 'js' }, () => runEM(points, init, 15, 0, 1e-6));
      const wa = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '1' }, () => runEM(points, init, 15, 0, 1e-6));
      const what = `${type} n=${n} d=${d} k=${k}`;
      assert.equal(wa.history.iterations, js.history.iterations, what);
      for (let t = 0; t < js.history.loss.length; t++) {
        assert.ok(Math.abs(wa.history.loss[t] - js.history.loss[t]) <= 1e-12 * Math.abs(js.history.loss[t]), `${what}: loss ${t}`);
      }
      assert.ok(Math.abs(wa.history.finalNll! - js.history.finalNll!) <= 1e-12 * Math.abs(js.history.finalNll!), what);
      assert.ok(maxAbsDiff(wa.gmm.weights, js.gmm.weights) < 1e-12, `${what}: weights`);
      assert.ok(maxAbsDiff(wa.gmm.means, js.gmm.means) < 1e-10, `${what}: means`);
      assert.ok(maxAbsDiff(wa.gmm.covariances, js.gmm.covariances) < 1e-10, `${what}: covariances`);
    }
  }
});

test('a fit gives identical results on 1 and 2 threads, the worker taking part', async () => {
  for (const type of ['full', 'diag'] as const) {
    const { points, init } = problem(type === 'full' ? 4000 : 20000, type === 'full' ? 24 : 40, 4, type, 7);
    await shutdownKernelPool();
    const one = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '1' }, () => runEM(points, init, 8, 0, 1e-6));
    assert.equal(kernelWorkerCount(), 0);
    await shutdownKernelPool();
    const two = await withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '2' }, async () => {
      assert.equal(await startKernelPool(), 1);
      const before = kernelWorkerTasks();
      let r = runEM(points, init, 8, 0, 1e-6);
      // The worker claims tasks as soon as it is scheduled; on a busy machine give it a few more fits.
      for (let tries = 0; kernelWorkerTasks() === before && tries < 5; tries++) r = runEM(points, init, 8, 0, 1e-6);
      assert.ok(kernelWorkerTasks() > before, 'the worker thread ran no task');
      return r;
    });
    assert.deepEqual(two.history.loss, one.history.loss, type);
    assert.equal(two.history.finalNll, one.history.finalNll, type);
    assert.deepEqual(two.gmm.weights, one.gmm.weights, type);
    assert.deepEqual(two.gmm.means, one.gmm.means, type);
    assert.deepEqual(two.gmm.covariances, one.gmm.covariances, type);
  }
  // The pool survives a fit that grows the shared memory, and is gone after shutdown.
  const big = problem(30000, 48, 3, 'full', 3);
  const a = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '2' }, () => runEM(big.points, big.init, 2, 0, 1e-6));
  assert.equal(kernelWorkerCount(), 1);
  await shutdownKernelPool();
  assert.equal(kernelWorkerCount(), 0);
  const b = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '1' }, () => runEM(big.points, big.init, 2, 0, 1e-6));
  assert.deepEqual(a.gmm.covariances, b.gmm.covariances);
});

test('each phase writes only its own arrays: an M-step leaves the points, responsibilities and moments bit for bit', () => {
  // The kernels' memory is one flat buffer (points, γ, moments, parameters, the scatter's partial blocks one after
  // another): a task writing past its block changes a neighbour that the next phase may not rewrite.
  for (const type of ['full', 'diag'] as const) {
    const { points, init } = problem(2100, 5, 3, type, 11); // d = 5 (padded to 8), 3 scatter chunks per component
    withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '1' }, () => {
      const em = WasmEM.open(points, 3, type);
      assert.ok(em, 'the WebAssembly path takes the fit');
      try {
        const inner = em as unknown as { f64: Float64Array; off: Record<string, number> };
        const starts = Object.entries(inner.off).sort((a, b) => a[1] - b[1]);
        const region = (name: string) => {
          const i = starts.findIndex(([n]) => n === name);
          return Float64Array.from(inner.f64.subarray(starts[i][1] >> 3, starts[i + 1][1] >> 3));
        };
        const snap = (names: string[]) => Object.fromEntries(names.map((n) => [n, region(n)]));
        em.setComponents(init.means, init.covariances);
        em.setWeights(init.weights);
        const beforeE = snap(['X', 'means', 'covs', 'pack', 'b', 'logdet']);
        em.eStep(true);
        assert.deepEqual(snap(Object.keys(beforeE)), beforeE, `${type}: the E-step changed an array it only reads`);
        const kept = snap(['X', 'R', 'lse', 'mom']);
        assert.ok(kept.mom.some((v) => v !== 0), 'the moments are set');
        em.mStep(1e-6, new Float64Array(3));
        assert.deepEqual(snap(Object.keys(kept)), kept, `${type}: the M-step changed an array it only reads`);
      } finally {
        em.close();
      }
    });
  }
});

test('a degenerate fit fails with the same message on both paths', () => {
  // Two groups of identical points and no regularisation: the M-step's covariances are exactly 0.
  const rows: number[] = [];
  for (let i = 0; i < 40; i++) rows.push(0, 0, 5, 5);
  const points: Points = { n: 80, d: 2, data: Float64Array.from(rows) };
  for (const type of ['full', 'diag'] as const) {
    const init = new GMM({
      k: 2, d: 2, covarianceType: type, weights: new Float64Array([0.5, 0.5]), means: new Float64Array([0.5, 0.5, 4, 4]),
      covariances: type === 'full' ? new Float64Array([1, 0, 0, 1, 1, 0, 0, 1]) : new Float64Array([1, 1, 1, 1]),
    });
    const message = (kernels: string): string => {
      try {
        withEnv({ GMMGEN_KERNELS: kernels, GMMGEN_THREADS: '1' }, () => runEM(points, init, 10, 0, 0));
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const js = message('js'), wasm = message('wasm');
    assert.match(js, /^fitEM: EM covariances\[\d\].* at iteration \d+; the data may be degenerate/, type);
    if (type === 'full') assert.equal(wasm, js);
    else {
      // Which zero variance is met first can differ by rounding (the WebAssembly M-step sums shifted moments).
      const shape = (m: string) => m.replace(/covariances\[\d+\]\[\d+\] \(component \d+\)/, 'covariances[c][j] (component c)');
      assert.equal(shape(wasm), shape(js));
    }
  }
});

test('a fit started inside another fit\'s onStep callback runs (on the JavaScript kernels) and changes nothing', () => {
  const { points, init } = problem(400, 6, 3, 'full', 5);
  const plain = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '1' }, () => fitEM(points, { k: 3, init, maxIter: 6, tol: 0 }));
  const inner: number[] = [];
  const nested = withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '1' }, () => fitEM(points, {
    k: 3, init, maxIter: 6, tol: 0,
    onStep: () => { inner.push(fitEM(points, { k: 3, init, maxIter: 2, tol: 0 }).history.finalNll!); },
  }));
  assert.equal(inner.length, 6);
  assert.deepEqual(nested.gmm.covariances, plain.gmm.covariances);
  assert.equal(nested.history.finalNll, plain.history.finalNll);
});

test('inside a worker thread the kernels default to one thread (no nested pool)', async () => {
  const { Worker } = await import('node:worker_threads');
  const pool = join(repoRoot, 'src/gmm/wasm/pool.ts');
  const env = { ...process.env };
  delete env.GMMGEN_THREADS;
  // Node 20 does not apply --import tsx to a worker's code: register tsx's loader in the worker first.
  const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(pool)}); })
    .then((m) => require('node:worker_threads').parentPort.postMessage(m.threadCount()))`;
  const w = new Worker(code, { eval: true, env });
  const n = await new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
  await w.terminate();
  assert.equal(n, 1);
});

test('GMMGEN_KERNELS is validated', () => {
  const { points, init } = problem(50, 2, 2, 'full', 1);
  assert.throws(() => withEnv({ GMMGEN_KERNELS: 'simd' }, () => runEM(points, init, 2, 0, 1e-6)), /GMMGEN_KERNELS must be auto, wasm or js, got 'simd'/);
});

test('responsibilities sum to 1 for points far from every component (issue 17, item 12)', () => {
  const g = new GMM({ k: 2, d: 1, covarianceType: 'full', weights: new Float64Array([0.5, 0.5]), means: new Float64Array([0, 0]), covariances: new Float64Array([1, 1]) });
  const xs = [0, 3, 1e8, 3e8, 1e12, -1e150];
  const R = g.predictProba({ n: xs.length, d: 1, data: Float64Array.from(xs) });
  for (let i = 0; i < xs.length; i++) assert.deepEqual([R[2 * i], R[2 * i + 1]], [0.5, 0.5], `x = ${xs[i]}`);
  // Unequal components: rows still sum to 1 to rounding, and the wider component takes the far points.
  const h = new GMM({ k: 2, d: 1, covarianceType: 'diag', weights: new Float64Array([0.3, 0.7]), means: new Float64Array([0, 1]), covariances: new Float64Array([1, 4]) });
  const S = h.predictProba({ n: 4, d: 1, data: Float64Array.from([0.5, 1e8, 3e8, -2e9]) });
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(S[2 * i] + S[2 * i + 1] - 1) <= 2 ** -52, `row ${i}`);
  assert.equal(S[3], 1);
  // The shared routine, and the E-step of the WebAssembly kernels, on the same far rows.
  const m = Float64Array.from([-5e15, -5e15, -4.5e17, -4.5e17]);
  logSumExpRows(m, 2, 2, undefined, true);
  assert.deepEqual(Array.from(m), [0.5, 0.5, 0.5, 0.5]);
  const pts: Points = { n: 3, d: 1, data: Float64Array.from([1e8, 3e8, 0]) };
  const em = withEnv({ GMMGEN_KERNELS: 'wasm' }, () => WasmEM.open(pts, 2, 'full'))!;
  try {
    em.setComponents(g.means, g.covariances);
    em.setWeights(g.weights);
    em.eStep(false);
    assert.deepEqual(Array.from(em.responsibilities()), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  } finally {
    em.close();
  }
});

/** The transitive relative imports of a TypeScript module. */
function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'";]*?from '(\.[^']+\.ts)'/gm)) visit(resolve(dirname(file), m[1]));
  };
  visit(entry);
  return [...seen];
}

const CHILD_FIT = (emPath: string, enginePath: string, gmmPath: string) => `
import { runEM } from '${emPath}';
import { GMM } from '${gmmPath}';
import { kernelWorkerCount, kernelWorkerTasks } from '${enginePath}';
const d = 16, k = 3;
const cov = new Float64Array(k * d * d);
for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) cov[c * d * d + j * d + j] = 1 + c;
const truth = new GMM({ k, d, covarianceType: 'full', weights: new Float64Array(k).fill(1 / k), means: new Float64Array(k * d).map((_, i) => (i % 7) - 3), covariances: cov });
const points = truth.sample(6000, 1).points;
const r = runEM(points, truth, 6, 0, 1e-6);
console.log(JSON.stringify({ nll: r.history.finalNll, workers: kernelWorkerCount(), loss: r.history.loss }));
`;

test('the pool does not keep a process alive, from tsx and from compiled JavaScript', () => {
  const env = { ...process.env, GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '2' };
  const run = (args: string[], cwd: string) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { nll: number; workers: number; loss: number[] };
    return { ...out, sec: (performance.now() - t) / 1000 };
  };
  const viaTsx = run(['--import', 'tsx', '--input-type=module', '-e', CHILD_FIT(join(repoRoot, 'src/gmm/fit/em.ts'), join(repoRoot, 'src/gmm/wasm/engine.ts'), join(repoRoot, 'src/gmm/model/gmm.ts'))], repoRoot);
  assert.equal(viaTsx.workers, 1);
  // Compiled JavaScript: the closure of em.ts transpiled by TypeScript, run by plain node (no loader).
  const out = mkdtempSync(join(tmpdir(), 'gmmgen-cjs-'));
  try {
    for (const file of importClosure(join(repoRoot, 'src/gmm/fit/em.ts'))) {
      const js = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, rewriteRelativeImportExtensions: true }, fileName: file,
      }).outputText;
      const dest = join(out, relative(repoRoot, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, js);
    }
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
    writeFileSync(join(out, 'child.mjs'), CHILD_FIT('./src/gmm/fit/em.js', './src/gmm/wasm/engine.js', './src/gmm/model/gmm.js'));
    const compiled = run(['child.mjs'], out);
    assert.equal(compiled.workers, 1);
    assert.deepEqual(compiled.loss, viaTsx.loss);
    assert.equal(compiled.nll, viaTsx.nll);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
