/**
 * One side of the EM comparison with scikit-learn (issue 13): fits gmmgen's runEM on a case directory written by
 * speed-em.ts (points.f64 + init.json, the same files scripts/studies/sklearn_em.py reads) and prints one JSON line
 * per fit: { program, fit_s, iterations, nll, threads, kernels }. fit_s is the in-process wall time of runEM alone
 * (after reading the files); run as a whole process it also gives the whole-process wall time.
 *
 *   node --import tsx scripts/studies/em-fit-once.ts <case dir>
 */
import { parseArgs } from 'node:util';
import { readCase } from './em-cases.ts';
import { runEM } from '../../src/gmm/em.ts';
import { kernelChoice, kernelWorkerCount } from '../../src/gmm/wasm/engine.ts';

const { positionals } = parseArgs({ strict: true, allowPositionals: true, options: {} });
if (positionals.length !== 1) {
  console.error('usage: em-fit-once.ts <case dir written by speed-em.ts --prepare>');
  process.exit(2);
}
const { meta, points, init } = readCase(positionals[0]);
for (let r = 0; r < meta.repeats; r++) {
  const t = performance.now();
  const res = runEM(points, init, meta.maxIter, meta.tol, meta.reg);
  const fit = (performance.now() - t) / 1000;
  console.log(JSON.stringify({
    program: 'gmmgen', fit_s: fit, iterations: res.history.iterations, nll: res.history.finalNll,
    threads: kernelWorkerCount() + 1, kernels: kernelChoice(),
  }));
}
