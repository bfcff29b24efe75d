/**
 * Which K = 10 GMM does each objective prefer on the MNIST codes? (issue 11, the unsupervised protocol)
 *
 *   nice -n 10 npx tsx scripts/studies/unsup-objectives.ts [--limit 10000] [--em-seeds 5] [--sw-seeds 2]
 *       [--per-component 2000] [--L 1000] [--out docs/results/unsup-objectives.json] [--resume | --force | --report]
 *
 * On the protocol's codes (the same seeded subset of training codes as `latent-eval`'s unsupervised part, seed 0),
 * scores several full-covariance K = 10 GMMs by the two objectives — the NLL that EM maximises and the sliced
 * Wasserstein distance SW₂ (--L fixed random directions, data units) that SW minimises — and by component purity
 * (decoded samples classified, `gmmPurity`, --per-component samples each):
 *   - the class Gaussians (labels used; src/latent classGaussians) and EM started from them;
 *   - EM from --em-seeds k-means++ starts (the fitter's default start);
 *   - SW with its EM finish, and its SW phase alone, from --sw-seeds default starts and from the class Gaussians.
 * If the class-aligned GMM has the lower SW₂ but a worse NLL, a SW fit that reaches its basin wins on purity while
 * EM cannot; if SW₂ also prefers the other optima, purity is bounded by the objective, not by the optimiser.
 * Results are rewritten atomically after every GMM, so --resume continues an interrupted run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exclusive, parseCli, UsageError } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot } from '../../src/util/paths.ts';

const cli = parseCli({
  name: 'unsup-objectives',
  usage: 'npx tsx scripts/studies/unsup-objectives.ts [--limit 10000] [--em-seeds 5] [--sw-seeds 2] [--per-component 2000] [--L 1000] [--out FILE] [--resume | --force | --report]',
  description: 'Scores K = 10 GMMs of the MNIST codes (class Gaussians, EM and SW fits) by NLL, SW₂ and purity.',
  flags: {
    limit: { type: 'int', min: 100, max: 60_000, default: 10_000, help: 'training codes (the protocol\'s seeded subset)' },
    'em-seeds': { type: 'int', min: 0, max: 100, default: 5, help: 'EM fits from k-means++ starts' },
    'sw-seeds': { type: 'int', min: 0, max: 100, default: 2, help: 'SW fits from the default start' },
    'per-component': { type: 'int', min: 10, max: 100_000, default: 2000, help: 'samples per component for purity' },
    L: { type: 'int', min: 10, max: 100_000, default: 1000, help: 'directions of the SW₂ score' },
    codes: { type: 'string', meta: 'DIR', help: 'codes folder (default artifacts/codes)' },
    out: { type: 'string', meta: 'FILE', default: 'docs/results/unsup-objectives.json', help: 'results JSON (relative to the repository)' },
    resume: { type: 'boolean', help: 'continue the GMMs in --out' },
    force: { type: 'boolean', help: 'replace an existing --out' },
    report: { type: 'boolean', help: 'only print the table of --out' },
  },
});
exclusive(cli, 'resume', 'force', 'report');
const v = cli.values;
const outPath = resolve(repoRoot, v.out);

interface Row { name: string; start: string; method: string; seed: number | null; trainNll: number; testNll: number; sw2: number; purity: number; distinctMajorities: number; majorities: number[]; iterations: number | null; fitSeconds: number | null }
interface Results { date: string; commands: string[]; settings: Record<string, unknown>; rows: Row[] }

function report(r: Results): string {
  const lines = ['| GMM | start | train NLL | test NLL | SW₂ (data units) | purity | distinct majorities | iterations | fit s |', '|---|---|---|---|---|---|---|---|---|'];
  for (const x of r.rows) {
    lines.push(`| ${x.name} | ${x.start} | ${x.trainNll.toFixed(3)} | ${x.testNll.toFixed(3)} | ${x.sw2.toFixed(4)} | ${(100 * x.purity).toFixed(2)} % | ${x.distinctMajorities} | ${x.iterations ?? '–'} | ${x.fitSeconds === null ? '–' : x.fitSeconds.toFixed(0)} |`);
  }
  return lines.join('\n');
}

if (v.report) {
  if (!existsSync(outPath)) throw new UsageError(`--report: no results file at ${outPath}`);
  console.log(report(JSON.parse(readFileSync(outPath, 'utf8')) as Results));
  process.exit(0);
}
if (v.resume && !existsSync(outPath)) throw new UsageError(`--resume: no results file at ${outPath}`);
if (!v.resume) claimOutput(outPath, { explicit: cli.given.has('out'), force: v.force });

const { initBackend } = await import('../../src/backend/index.ts');
const { gmmPurity } = await import('../../src/eval/index.ts');
const { fitGMM, slicedWasserstein, SW_DEFAULTS } = await import('../../src/gmm/index.ts');
const { classGaussians, LATENT_FIT_DEFAULTS, unsupervisedSubset } = await import('../../src/latent/index.ts');
const { loadCodesFile } = await import('../../src/latent/load-codes.ts');
const { loadAutoencoder, loadClassifier } = await import('../../src/models/load.ts');
type GMMT = InstanceType<typeof import('../../src/gmm/index.ts').GMM>;

await initBackend({ quiet: true });
const ae = await loadAutoencoder();
const clf = await loadClassifier();
const codesDir = resolve(v.codes ?? join(repoRoot, 'artifacts', 'codes'));
const train = loadCodesFile(join(codesDir, 'train'));
const test = loadCodesFile(join(codesDir, 'test'));
// The protocol's subset (latent-eval's, seed 0).
const { points, labels } = unsupervisedSubset(train, v.limit);
const d = train.d;
const testPoints = { n: test.n, d, data: Float64Array.from(test.data) };

const command = `${new Date().toISOString()}  npx tsx scripts/studies/unsup-objectives.ts ${process.argv.slice(2).join(' ')}`;
const settings = { limit: v.limit, emSeeds: v['em-seeds'], swSeeds: v['sw-seeds'], perComponent: v['per-component'], L: v.L, swDirectionsSeed: 12345, puritySeed: 11 };
const results: Results = v.resume ? (JSON.parse(readFileSync(outPath, 'utf8')) as Results) : { date: new Date().toISOString(), commands: [], settings, rows: [] };
if (v.resume && JSON.stringify(results.settings) !== JSON.stringify(settings)) throw new UsageError(`--resume: settings differ from those in ${outPath} (${JSON.stringify(results.settings)})`);
results.commands.push(command);
const done = new Set(results.rows.map((r) => r.name));
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

function score(name: string, start: string, method: string, seed: number | null, g: GMMT, iterations: number | null, fitSeconds: number | null): void {
  const pur = gmmPurity(g, ae.decoder, clf.model, { perComponent: v['per-component'], seed: 11 });
  const row: Row = {
    name, start, method, seed, trainNll: g.nll(points), testNll: g.nll(testPoints),
    sw2: slicedWasserstein(g, points, { L: v.L, seed: 12345 }), purity: pur.mean, distinctMajorities: pur.distinctMajorities,
    majorities: pur.components.map((c) => c.majority), iterations, fitSeconds,
  };
  results.rows.push(row);
  writeFileAtomic(outPath, JSON.stringify(results, null, 1));
  log(`${name}: train NLL ${row.trainNll.toFixed(3)}, test NLL ${row.testNll.toFixed(3)}, SW₂ ${row.sw2.toFixed(4)}, purity ${(100 * row.purity).toFixed(2)} % (${row.distinctMajorities} distinct)`);
}

/** Fits `method` (or, for 'sw', its SW phase and then the EM finish from it, scored as two rows). */
function fit(name: string, start: string, method: 'em' | 'sw', seed: number, init: GMMT | undefined, finishName?: string): void {
  if (done.has(name) && (!finishName || done.has(finishName))) return;
  log(`${name}: fitting`);
  const t0 = performance.now();
  let last = 0;
  const { gmm, history } = fitGMM(method, points, {
    ...(LATENT_FIT_DEFAULTS[method] ?? {}), ...(method === 'sw' ? { finishIter: 0 } : {}), k: 10, covarianceType: 'full', seed, ...(init ? { init } : {}),
    onStep: ({ step, loss }: { step: number; loss: number }) => {
      if (performance.now() - last > 20_000) { last = performance.now(); log(`  ${name} step ${step}: ${loss.toPrecision(5)}`); }
    },
  });
  const sec = (performance.now() - t0) / 1000;
  if (!done.has(name)) score(name, start, method, seed, gmm, history.iterations, sec);
  if (finishName) {
    // fitSW's EM finish: fitEM from the SW phase's GMM with the finish defaults.
    const t1 = performance.now();
    const f = fitGMM('em', points, { k: 10, covarianceType: 'full', init: gmm, maxIter: SW_DEFAULTS.finishIter, tol: SW_DEFAULTS.finishTol });
    score(finishName, start, 'sw+em', seed, f.gmm, history.iterations + f.history.iterations, sec + (performance.now() - t1) / 1000);
  }
}

const oracle = classGaussians({ ...points, labels });
if (!done.has('class Gaussians')) score('class Gaussians', 'labels', 'none', null, oracle, null, null);
fit('EM from the class Gaussians', 'class Gaussians', 'em', 0, oracle);
for (let s = 0; s < v['em-seeds']; s++) fit(`EM seed ${s}`, 'k-means++', 'em', s, undefined);
fit('SW phase from the class Gaussians', 'class Gaussians', 'sw', 0, oracle, 'SW + EM finish from the class Gaussians');
for (let s = 0; s < v['sw-seeds']; s++) fit(`SW phase seed ${s}`, 'default', 'sw', s, undefined, `SW + EM finish seed ${s}`);
console.log(report(results));
log(`results → ${outPath}`);
