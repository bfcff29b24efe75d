/**
 * Speed of every fitter at the latent stage's size: K = 10 full-covariance GMMs, 6000 points, 128-d.
 *
 *   nice -n 15 node_modules/.bin/tsx scripts/studies/speed-all.ts [--n 6000] [--d 128] [--k 10] [--iters 20]
 *        [--methods em,nll,sw,sc2,mmd,fixed-basis] [--seed 0]
 *
 * Data: randomMixture of src/gmm/model/synthetic.ts, as scripts/studies/speed-em.ts (means ~ N(0, 0.25² I), covariances AAᵀ/d + 0.1 I).
 * Every method starts from the same k-means++ initial GMM (its time is reported separately). EM runs to
 * convergence (tol 1e-3, at most 100 iterations); the gradient methods run `--iters` steps with the options
 * below (LATENT column) and the table reports time per step and the projected time of the method's default
 * number of steps, so a starved CPU does not turn this into an hour-long run.
 */
import { Rng } from '../../src/util/rng.ts';
import { randomMixture } from '../../src/gmm/model/synthetic.ts';
import { initGMM } from '../../src/gmm/fit/init.ts';
import { FIT_METHODS, fitGMM, type FitMethod } from '../../src/gmm/fit/registry.ts';
import { parseCli } from '../../src/cli/args.ts';

const { values: args } = parseCli({
  name: 'study:speed',
  usage: 'npm run study:speed -- [--n 6000] [--d 128] [--k 10] [--iters 20] [--methods em,nll,sw,sc2,mmd,fixed-basis] [--seed 0]',
  description: 'Time per step of every fitter on a random K-component GMM sample (full covariances). Prints a markdown table.',
  flags: {
    n: { type: 'int', min: 10, max: 10_000_000, default: 6000, help: 'points' },
    d: { type: 'int', min: 1, max: 4096, default: 128, help: 'dimensions' },
    k: { type: 'int', min: 1, max: 1000, default: 10, help: 'components' },
    iters: { type: 'int', min: 1, max: 100_000, default: 20, help: 'steps of each gradient method' },
    methods: { type: 'list', choices: FIT_METHODS, default: [...FIT_METHODS], help: 'fitters to time' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0 },
  },
});
const { n, d, k, iters, seed } = args;
const methods = args.methods as FitMethod[];

/** Options used at 128-d (fast settings; `steps` = the default number of steps the projection uses). */
const LATENT: Record<FitMethod, { opts: Record<string, unknown>; steps: number }> = {
  em: { opts: { maxIter: 100, tol: 1e-3, regCovar: 1e-4 }, steps: 0 },
  nll: { opts: { batchSize: 512, lr: 0.01, regCovar: 1e-4 }, steps: 500 },
  sw: { opts: { L: 32, levels: 128, regCovar: 1e-4 }, steps: 400 },
  sc2: { opts: { L: 64, batchSize: 1024, regCovar: 1e-4 }, steps: 1200 },
  mmd: { opts: { batchSize: 512, regCovar: 1e-4 }, steps: 300 },
  'fixed-basis': { opts: { regCovar: 1e-4 }, steps: 0 },
};

const rng = new Rng(seed);
const truth = randomMixture(d, k, rng, 0.25);
const { points } = truth.sample(n, rng);
let t = performance.now();
const init = initGMM(points, k, { method: 'kmeans++', seed, regCovar: 1e-4 });
const initSec = (performance.now() - t) / 1000;
console.log(`data: n=${n} d=${d} K=${k}; k-means++ init ${initSec.toFixed(2)} s; truth NLL ${truth.nll(points).toFixed(3)}, init NLL ${init.nll(points).toFixed(3)}`);
console.log('\n| method | options | steps run | wall time | time / step | default steps | projected time (default steps) | final NLL |');
console.log('|---|---|---|---|---|---|---|---|');
for (const m of methods) {
  const spec = LATENT[m];
  const opts: Record<string, unknown> = { k, seed, ...spec.opts };
  if (m !== 'fixed-basis') opts.init = init;
  if (spec.steps > 0) opts.maxIter = iters;
  t = performance.now();
  const r = fitGMM(m, points, opts);
  const sec = (performance.now() - t) / 1000;
  const it = r.history.iterations;
  const per = sec / Math.max(1, it);
  const proj = spec.steps > 0 ? `${(per * spec.steps).toFixed(0)} s` : '—';
  console.log(`| ${m} | ${JSON.stringify(spec.opts)} | ${it} | ${sec.toFixed(1)} s | ${(per * 1000).toFixed(0)} ms | ${spec.steps || it} | ${proj} | ${r.gmm.nll(points).toFixed(3)} |`);
}
