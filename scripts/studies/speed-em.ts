/**
 * EM speed study: our fitEM/runEM against scikit-learn's GaussianMixture on the same data and the same
 * initial mixture.
 *
 *   node_modules/.bin/tsx scripts/studies/speed-em.ts [--n 6000] [--d 128] [--k 10] [--seed 0] [--repeats 3]
 *        [--python /usr/bin/python3] [--tol 1e-3] [--max-iter 100] [--reg 1e-6] [--cov full|diag] [--sep 0.25] [--no-sklearn]
 *
 * 1. Draws a random K-component GMM in d dimensions (seeded): means ~ N(0, I), covariances A Aᵀ/d + 0.1 I
 *    with A_ij ~ N(0, 1), weights ∝ 0.5 + U(0,1); means ~ N(0, sep² I) (--sep, default 0.25: components overlap
 *    enough for EM to need tens of iterations; --sep 1 separates them so well that EM stops after 2); samples n points.
 * 2. Writes the points (float64 little-endian, row-major) and the initial mixture (our k-means++ + Lloyd init,
 *    as JSON) to a temp directory that both programs read.
 * 3. Times `repeats` runs of our EM from that init, then runs scripts/studies/sklearn_em.py, which fits
 *    GaussianMixture(init_params='random_from_data', weights_init/means_init/precisions_init = our init,
 *    same tol/max_iter/reg_covar) — so both run EM from the identical starting point.
 * 4. Prints wall time (median), iterations, time per iteration and the final mean log-likelihood of both.
 *
 * scikit-learn: `apt-get install -y python3-sklearn` (Debian; numpy links OpenBLAS and may use every core,
 * while our EM is single-threaded JavaScript).
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/util/rng.ts';
import { GMM } from '../../src/gmm/gmm.ts';
import { initGMM } from '../../src/gmm/init.ts';
import { runEM } from '../../src/gmm/em.ts';
import type { CovarianceType } from '../../src/gmm/types.ts';
import { parseCli } from '../../src/cli/args.ts';

const { values: args } = parseCli({
  name: 'study:speed-em',
  usage: 'npm run study:speed-em -- [--n 6000] [--d 128] [--k 10] [--seed 0] [--repeats 3] [--python /usr/bin/python3] [--tol 1e-3] [--max-iter 100] [--reg 1e-6] [--cov full|diag] [--sep 0.25] [--no-sklearn]',
  description: 'Our EM against scikit-learn GaussianMixture from the same initial mixture. Prints a markdown table.',
  flags: {
    n: { type: 'int', min: 10, max: 10_000_000, default: 6000, help: 'points' },
    d: { type: 'int', min: 1, max: 4096, default: 128, help: 'dimensions' },
    k: { type: 'int', min: 1, max: 1000, default: 10, help: 'components' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0 },
    repeats: { type: 'int', min: 1, max: 1000, default: 3, help: 'timed runs of each program' },
    python: { type: 'string', meta: 'PATH', default: '/usr/bin/python3', help: 'python with scikit-learn' },
    tol: { type: 'number', gt: 0, max: 1, default: 1e-3, help: 'EM tolerance (mean log-likelihood change)' },
    'max-iter': { type: 'int', min: 1, max: 100_000, default: 100, help: 'EM iterations at most' },
    reg: { type: 'number', min: 0, max: 1, default: 1e-6, help: 'covariance regularisation' },
    cov: { type: 'choice', choices: ['full', 'diag'], default: 'full', help: 'covariance type' },
    sep: { type: 'number', gt: 0, max: 100, default: 0.25, help: 'scale of the true means' },
    'no-sklearn': { type: 'boolean', help: 'time only our EM' },
  },
});
const { n, d, k, seed, repeats, tol, reg, sep, python } = args;
const maxIter = args['max-iter'];
const cov: CovarianceType = args.cov;
const withSklearn = !args['no-sklearn'];

function randomGMM(rng: Rng): GMM {
  const weights = new Float64Array(k);
  let s = 0;
  for (let c = 0; c < k; c++) { weights[c] = 0.5 + rng.uniform(); s += weights[c]; }
  for (let c = 0; c < k; c++) weights[c] /= s;
  const means = rng.normals(new Float64Array(k * d)) as Float64Array;
  for (let i = 0; i < means.length; i++) means[i] *= sep;
  const covariances = new Float64Array(k * d * d);
  const A = new Float64Array(d * d);
  for (let c = 0; c < k; c++) {
    rng.normals(A);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        let v = 0;
        for (let p = 0; p < d; p++) v += A[a * d + p] * A[b * d + p];
        v = v / d + (a === b ? 0.1 : 0);
        covariances[c * d * d + a * d + b] = v;
        covariances[c * d * d + b * d + a] = v;
      }
    }
  }
  return new GMM({ k, d, covarianceType: 'full', weights, means, covariances });
}

const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

const rng = new Rng(seed);
const truth = randomGMM(rng);
const { points } = truth.sample(n, rng);
const dir = mkdtempSync(join(tmpdir(), 'gmmgen-speed-em-'));
try {
  writeFileSync(join(dir, 'points.f64'), Buffer.from(points.data.buffer, points.data.byteOffset, points.data.byteLength));
  const tInit = performance.now();
  const init = initGMM(points, k, { method: 'kmeans++', seed, covarianceType: cov, regCovar: reg });
  const initSec = (performance.now() - tInit) / 1000;
  writeFileSync(join(dir, 'init.json'), JSON.stringify({ n, d, k, tol, maxIter, reg, covarianceType: cov, repeats, gmm: init.toJSON() }));
  console.log(`data: n=${n} d=${d} K=${k} (${cov} covariance), mean scale ${sep}, seed ${seed}; init (k-means++ + Lloyd) ${initSec.toFixed(2)} s; ${cpus().length} cores; node ${process.version}`);

  const ours: { sec: number; iter: number; ll: number; converged: boolean }[] = [];
  let fitted: GMM | undefined;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    const res = runEM(points, init, maxIter, tol, reg);
    const sec = (performance.now() - t) / 1000;
    ours.push({ sec, iter: res.history.iterations, ll: -res.history.finalNll!, converged: res.history.converged });
    fitted = res.gmm;
    console.log(`  ours    run ${r + 1}: ${sec.toFixed(3)} s, ${res.history.iterations} iterations, converged ${res.history.converged}, mean log-lik ${(-res.history.finalNll!).toFixed(6)}`);
  }

  let sk: { times: number[]; n_iter: number; converged: boolean; score: number; means: number[][]; threads?: string } | undefined;
  if (withSklearn) {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'sklearn_em.py');
    const res = spawnSync(python, [script, dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (res.status !== 0) {
      console.error(`sklearn run failed (${python} ${script}): ${res.stderr || res.error}`);
    } else {
      const lines = res.stdout.trimEnd().split('\n');
      for (const l of lines.slice(0, -1)) console.log(l);
      sk = JSON.parse(lines[lines.length - 1]);
    }
  }
  const om = median(ours.map((o) => o.sec));
  const oi = ours[0].iter;
  console.log('\n| implementation | wall time (median of ' + repeats + ') | iterations | time / iteration | final mean log-lik |');
  console.log('|---|---|---|---|---|');
  console.log(`| gmmgen runEM (JS, 1 thread) | ${om.toFixed(3)} s | ${oi} | ${((om / oi) * 1000).toFixed(1)} ms | ${ours[0].ll.toFixed(4)} |`);
  if (sk) {
    const sm = median(sk.times);
    console.log(`| scikit-learn GaussianMixture (${sk.threads ?? 'BLAS'}) | ${sm.toFixed(3)} s | ${sk.n_iter} | ${((sm / sk.n_iter) * 1000).toFixed(1)} ms | ${sk.score.toFixed(4)} |`);
    let maxDiff = 0;
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) maxDiff = Math.max(maxDiff, Math.abs(sk.means[c][j] - fitted!.means[c * d + j]));
    console.log(`\nratio ours/sklearn: ${(om / sm).toFixed(2)}× wall, ${((om / oi) / (sm / sk.n_iter)).toFixed(2)}× per iteration; max |Δ mean| between the two fits: ${maxDiff.toExponential(2)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
