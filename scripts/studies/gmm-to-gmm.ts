/**
 * GMM-to-GMM fitting without sampling (Zhang 2023, §5: "fit a GMM ... to another GMM directly, without sampling
 * from the target model", e.g. model compression), at 128-d on the autoencoder's latent codes: a K = 5 diagonal GMM
 * is fitted by SC2 (a) directly to a committed K = 10 class GMM (closed-form 1-D slices of both mixtures), and (b) to
 * --samples points sampled from that GMM (the usual route), same options, same start (init 'kmeans++' on 4000
 * samples of the target — the fitter's default for a GMM target, and the same points for (b)'s start).
 *
 * Reported per seed and route: SC2 between the fit and the K = 10 target (closed form, 256 fixed random
 * directions), the fit's wall time (whole fitSC2 call, one process, machine state stated in RESULTS), and the mean
 * NLL of the real test codes of that class (artifacts/codes/test) under the fit, beside the target's own.
 *
 *   nice -n 10 npx tsx scripts/studies/gmm-to-gmm.ts [--set em] [--class 3] [--k 5] [--samples 5000] [--seeds 0,1]
 *        [--max-iter 300] [--out docs/results/gmm-to-gmm.json] [--force]
 */
import { resolve } from 'node:path';
import { parseCli } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot } from '../../src/util/paths.ts';

const cli = parseCli({
  name: 'study:gmm-to-gmm',
  usage: 'npx tsx scripts/studies/gmm-to-gmm.ts [--set em] [--class 3] [--k 5] [--samples 5000] [--seeds 0,1] [--max-iter 300] [--out FILE] [--force]',
  description: 'SC2 fit of a K = 5 GMM to a committed 128-d class GMM directly vs to samples of it (loss, time, NLL on real codes).',
  flags: {
    set: { type: 'string', default: 'em', help: 'latent set under models/gmm/' },
    class: { type: 'int', min: 0, max: 9, default: 3 },
    k: { type: 'int', min: 1, max: 100, default: 5 },
    samples: { type: 'int', min: 10, max: 1_000_000, default: 5000, help: 'samples of the target for route (b)' },
    seeds: { type: 'list', of: 'int', min: 0, max: 2 ** 31, default: [0, 1] },
    'max-iter': { type: 'int', min: 1, max: 100_000, default: 300 },
    codes: { type: 'string', default: 'artifacts/codes/test', help: 'real codes for the NLL' },
    out: { type: 'string', meta: 'FILE', default: 'docs/results/gmm-to-gmm.json' },
    force: { type: 'boolean' },
  },
});
const args = cli.values;
const out = claimOutput(resolve(repoRoot, args.out), { explicit: cli.given.has('out'), force: args.force });

const { readFileSync } = await import('node:fs');
const { GMM } = await import('../../src/gmm/model/gmm.ts');
const { fitSC2 } = await import('../../src/gmm/fit/sc2.ts');
const { slicedCramer2 } = await import('../../src/gmm/distances/cramer.ts');
const { randomDirections } = await import('../../src/gmm/distances/wasserstein.ts');
const { readCodes } = await import('../../src/latent/codes.ts');
const { initGMM } = await import('../../src/gmm/fit/init.ts');
const { Rng } = await import('../../src/util/rng.ts');

const target = GMM.fromJSONString(readFileSync(resolve(repoRoot, 'models/gmm', args.set, `class-${args.class}.json`), 'utf8'));
const codes = readCodes(resolve(repoRoot, args.codes));
const rows: number[] = [];
for (let i = 0; i < codes.n; i++) if (codes.labels[i] === args.class) rows.push(i);
const real = { n: rows.length, d: codes.d, data: new Float64Array(rows.length * codes.d) };
rows.forEach((r, i) => { for (let j = 0; j < codes.d; j++) real.data[i * codes.d + j] = codes.data[r * codes.d + j]; });
const d = target.d;
const evalDirs = randomDirections(256, d, new Rng(12345));
const sc2To = (g: InstanceType<typeof GMM>) => slicedCramer2(g.params(), target.params(), { directions: evalDirs });

const results: Record<string, unknown>[] = [];
console.log(`target: models/gmm/${args.set}/class-${args.class}.json (K = ${target.k}, d = ${d}, ${target.covarianceType}); ${real.n} real test codes of class ${args.class}; target NLL ${target.nll(real).toFixed(3)}`);
for (const seed of args.seeds) {
  const samples = target.sample(args.samples, seed + 1000).points;
  // One start for both routes: k-means++ on 4000 samples of the target.
  const start = initGMM(target.sample(4000, seed + 2000).points, args.k, { covarianceType: 'diag', method: 'kmeans++', seed });
  for (const route of ['gmm', 'samples'] as const) {
    const t = performance.now();
    const fit = fitSC2(route === 'gmm' ? target : samples, { k: args.k, covarianceType: 'diag', init: start, seed, maxIter: args['max-iter'], tol: 0 });
    const seconds = (performance.now() - t) / 1000;
    const row = { seed, route, sc2ToTarget: sc2To(fit.gmm), nllReal: fit.gmm.nll(real), seconds, steps: fit.history.iterations };
    results.push(row);
    console.log(`seed ${seed} ${route.padEnd(7)}: SC2 to the K=${target.k} GMM ${row.sc2ToTarget.toExponential(3)}, NLL of real codes ${row.nllReal.toFixed(3)}, ${seconds.toFixed(1)} s (${row.steps} steps)`);
  }
}
writeFileAtomic(out, JSON.stringify({
  paper: 'Zhang 2023 (Sliced Cramér 2), GMM-to-GMM fitting without sampling', date: new Date().toISOString(),
  target: `models/gmm/${args.set}/class-${args.class}.json`, k: args.k, samples: args.samples, maxIter: args['max-iter'],
  targetNllReal: target.nll(real), nReal: real.n, evaluation: 'SC2 closed form, 256 fixed random directions (seed 12345)', results,
}, null, 1) + '\n');
console.log(`wrote ${out}`);
