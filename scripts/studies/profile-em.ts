/**
 * Per-kernel profile of EM (issue 13): wall time per phase of runEM on one of the study cases, with the JavaScript
 * kernels and/or the WebAssembly kernels on 1..N threads, from the same data and start.
 *
 *   node_modules/.bin/tsx scripts/studies/profile-em.ts [--case synthetic|codes|ring] [--n 6000] [--d 128] [--k 10]
 *        [--cov full|diag] [--iters 10] [--seed 0] [--modes js,wasm:1,wasm:2]
 *
 * A mode is js (the JavaScript kernels, one thread) or wasm:T (the WebAssembly kernels on T threads). Each mode
 * runs once after one untimed warm-up fit of 2 iterations; phases are timed around each call on the calling thread.
 */
import { parseArgs } from 'node:util';
import { CASES, casePoints, caseInit, type CaseName, type CaseSpec } from './em-cases.ts';
import { runEM } from '../../src/gmm/em.ts';
import { kernelProfile, setKernelProfiling, shutdownKernelPool } from '../../src/gmm/wasm/engine.ts';

const { values: a } = parseArgs({
  strict: true,
  options: {
    case: { type: 'string', default: 'synthetic' }, n: { type: 'string', default: '6000' }, d: { type: 'string', default: '128' },
    k: { type: 'string', default: '10' }, cov: { type: 'string', default: 'full' }, iters: { type: 'string', default: '10' },
    seed: { type: 'string', default: '0' }, modes: { type: 'string', default: 'js,wasm:1,wasm:2' },
  },
});
const int = (name: string, v: string) => { const x = Number(v); if (!Number.isInteger(x) || x < 1) { console.error(`--${name} must be a positive integer, got '${v}'`); process.exit(2); } return x; };
if (!(CASES as readonly string[]).includes(a.case!)) { console.error(`--case must be one of ${CASES.join(', ')}, got '${a.case}'`); process.exit(2); }
if (a.cov !== 'full' && a.cov !== 'diag') { console.error(`--cov must be full or diag, got '${a.cov}'`); process.exit(2); }
const modes = a.modes!.split(',');
for (const m of modes) if (!/^(js|wasm:\d+)$/.test(m)) { console.error(`--modes: each mode is js or wasm:T, got '${m}'`); process.exit(2); }
const spec: CaseSpec = { name: a.case as CaseName, n: int('n', a.n!), d: int('d', a.d!), k: int('k', a.k!), seed: Number(a.seed), covarianceType: a.cov as 'full' | 'diag', maxIter: int('iters', a.iters!), tol: 0, reg: 1e-6 };

const points = casePoints(spec);
const init = caseInit(points, spec);
console.log(`case ${spec.name}: n=${points.n} d=${points.d} K=${spec.k} ${spec.covarianceType}, ${spec.maxIter} iterations (tol 0), node ${process.version}, ${new Date().toISOString()}`);
for (const mode of modes) {
  const [kern, th] = mode.split(':');
  process.env.GMMGEN_KERNELS = kern;
  process.env.GMMGEN_THREADS = th ?? '1';
  await shutdownKernelPool();
  runEM(points, init, 2, 0, spec.reg); // warm-up: compile, tier up, start the workers
  setKernelProfiling(true);
  const t = performance.now();
  const res = runEM(points, init, spec.maxIter, 0, spec.reg);
  const total = performance.now() - t;
  const prof = kernelProfile();
  setKernelProfiling(false);
  console.log(`\n${mode}: ${(total / 1000).toFixed(3)} s, final mean NLL ${res.history.finalNll!.toFixed(12)}`);
  console.log('| phase | calls | ms | share |\n|---|---|---|---|');
  let acc = 0;
  for (const p of prof) { acc += p.ms; console.log(`| ${p.phase} | ${p.calls} | ${p.ms.toFixed(1)} | ${((p.ms / total) * 100).toFixed(1)} % |`); }
  console.log(`| (outside the kernels) | | ${(total - acc).toFixed(1)} | ${(((total - acc) / total) * 100).toFixed(1)} % |`);
}
await shutdownKernelPool();
