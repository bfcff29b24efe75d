/**
 * Fits one GMM per digit class on the autoencoder's latent codes and saves the set under models/gmm/<method>/.
 *
 *   npm run fit-latent -- --method sw --k 10 [--codes artifacts/codes/train] [--out models/gmm/sw/]
 *                         [--classes 0-9] [--limit 2000] [--seed 0] [--workers 2] [--cov diag|full]
 *                         [--max-iter N] [--opt key=value ...]
 *
 * --opt passes method-specific options to fitGMM (e.g. --opt L=64 --opt lr=0.01 for sw); values are parsed as
 * JSON when possible. Classes run in parallel on --workers worker threads (0: inline). A set already in the
 * default --out folder (the shipped models) is only replaced with --force; naming --out replaces that folder's set.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { keyValues, parseCli, UsageError } from '../src/cli/args.ts';
import { FIT_METHODS } from '../src/gmm/fit/registry.ts';
import { claimOutputDir } from '../src/util/output.ts';
import { modelsPath, repoRoot } from '../src/util/paths.ts';

const cli = parseCli({
  name: 'fit-latent',
  usage: `npm run fit-latent -- --method ${FIT_METHODS.join('|')} --k K [--codes artifacts/codes/train] [--out models/gmm/<method>/] [--force]
       [--classes 0-9] [--limit N] [--seed S] [--workers N] [--cov diag|full] [--max-iter N] [--opt key=value ...]`,
  description: 'Fits one GMM per digit class on the latent codes and saves the set (a folder with index.json and one file per class).',
  flags: {
    method: { type: 'choice', choices: FIT_METHODS, required: true, help: 'fitting method' },
    k: { type: 'int', min: 1, max: 1000, required: true, help: 'components per class' },
    codes: { type: 'string', meta: 'PATH', help: 'codes file (without .json/.f32; default artifacts/codes/train)' },
    out: { type: 'string', meta: 'DIR', help: 'output folder (default models/gmm/<method>)' },
    force: { type: 'boolean', help: 'replace the set in the default --out folder (the shipped models)' },
    classes: { type: 'list', of: 'int', min: 0, max: 1000, ranges: true, help: 'classes to fit, e.g. 0,3,8 or 0-9 (default all)' },
    limit: { type: 'int', min: 1, help: 'at most this many codes per class' },
    seed: { type: 'int', min: 0, max: 2 ** 31, default: 0 },
    workers: { type: 'int', min: 0, max: 64, default: 2, help: 'worker threads (0: inline)' },
    cov: { type: 'choice', choices: ['diag', 'full'], default: 'diag', help: 'covariance type' },
    'max-iter': { type: 'int', min: 1, help: 'iterations at most' },
    opt: { type: 'strings', meta: 'KEY=VALUE', help: 'method option, e.g. --opt L=64 --opt lr=0.01' },
  },
});
const args = cli.values;
const fitOptions = keyValues('--opt', args.opt);
if (args['max-iter'] !== undefined) fitOptions.maxIter = args['max-iter'];
const outDir = claimOutputDir(args.out ?? modelsPath('gmm', args.method), ['index.json'], { explicit: cli.given.has('out'), force: args.force, meta: 'DIR' });

const { availableFitMethods } = await import('../src/gmm/index.ts');
const { loadCodesFile } = await import('../src/latent/load-codes.ts');
const { fitLatentSet, LATENT_FIT_DEFAULTS } = await import('../src/latent/index.ts');
const { ProgressBar } = await import('../src/util/progress.ts');

/** Paths inside the repository are stored relative to it (the web server resolves them against the repo root). */
function repoRelative(p: string): string {
  const r = relative(repoRoot, p);
  return r.startsWith('..') || isAbsolute(r) ? p : r;
}

async function main(): Promise<void> {
  const method = args.method;
  if (!availableFitMethods().includes(method)) throw new UsageError(`method '${method}' has no registered fitter in this build (available: ${availableFitMethods().join(', ')})`);
  const { k, seed, workers, cov } = args;
  const limit = args.limit ?? null;
  const codesPath = resolve(args.codes ?? resolve(repoRoot, 'artifacts/codes/train'));
  const classes = args.classes;

  const codes = loadCodesFile(codesPath);
  console.log(`codes: ${codesPath} (${codes.n} × ${codes.d}); method ${method}, k ${k}, ${cov} covariances, seed ${seed}, ${workers} worker(s)` +
    `${limit ? `, at most ${limit} codes per class` : ''}; options ${JSON.stringify({ ...(LATENT_FIT_DEFAULTS[method] ?? {}), ...fitOptions })}`);
  const nClasses = classes?.length ?? new Set(Array.from(codes.labels)).size;
  const bar = new ProgressBar({ total: nClasses, label: `fit ${method}`, stream: process.stdout });
  const running = new Map<number, string>();
  const manifest = await fitLatentSet({
    codes, method, k, outDir, classes, limit, seed, covarianceType: cov, fitOptions, workers,
    codesPath: repoRelative(codesPath), codesHeader: codes.summary,
    onProgress: (p) => {
      if (p.phase === 'start') running.set(p.label, 'start');
      else if (p.phase === 'step') running.set(p.label, `${p.step}:${p.loss?.toPrecision(4)}`);
      else {
        running.delete(p.label);
        bar.log(`class ${p.label} done in ${p.wallTime?.toFixed(1)} s`);
      }
      bar.update(p.finished, { running: [...running].map(([c, s]) => `${c}@${s}`).join(' ') || '-' });
    },
  });
  bar.done({ running: '-' });
  const kb = (manifest.bytes / 1024).toFixed(0);
  console.log(`saved ${manifest.classes.length} class GMMs to ${outDir} (${kb} KB) in ${manifest.totalWallTime.toFixed(1)} s`);
  for (const c of manifest.classes) {
    console.log(`  class ${c.label}: n=${c.n} ${c.lossName}=${c.finalLoss?.toPrecision(5)}${c.lossName !== "nll" && c.finalNll !== null ? ` nll=${c.finalNll.toPrecision(5)}` : ""} iters=${c.iterations}${c.converged ? ' (converged)' : ''} ${c.wallTime.toFixed(1)} s`);
  }
}

await main();
