/**
 * Fits one GMM per digit class on the autoencoder's latent codes and saves the set under models/gmm/<method>/.
 *
 *   npm run fit-latent -- --method sw --k 10 [--codes artifacts/codes/train] [--out models/gmm/sw/]
 *                         [--classes 0-9] [--limit 2000] [--seed 0] [--workers 2] [--cov diag|full]
 *                         [--max-iter N] [--opt key=value ...]
 *
 * --opt passes method-specific options to fitGMM (e.g. --opt L=64 --opt lr=0.01 for sw); values are parsed as
 * JSON when possible. Classes run in parallel on --workers worker threads (0: inline).
 */
import { parseArgs } from 'node:util';
import { isAbsolute, relative, resolve } from 'node:path';
import { availableFitMethods, FIT_METHODS, type FitMethod } from '../src/gmm/index.ts';
import { loadCodesFile } from '../src/latent/load-codes.ts';
import { CliError, classList, intFlag, keyValueOptions } from '../src/latent/cli.ts';
import { fitLatentSet, LATENT_FIT_DEFAULTS } from '../src/latent/index.ts';
import { ProgressBar } from '../src/util/progress.ts';
import { modelsPath, repoRoot } from '../src/util/paths.ts';

const USAGE = `usage: npm run fit-latent -- --method ${FIT_METHODS.join('|')} --k K [--codes artifacts/codes/train] [--out models/gmm/<method>/]
       [--classes 0-9] [--limit N] [--seed S] [--workers N] [--cov diag|full] [--max-iter N] [--opt key=value ...]`;

/** Paths inside the repository are stored relative to it (the web server resolves them against the repo root). */
function repoRelative(p: string): string {
  const r = relative(repoRoot, p);
  return r.startsWith('..') || isAbsolute(r) ? p : r;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      method: { type: 'string' }, k: { type: 'string' }, codes: { type: 'string' }, out: { type: 'string' },
      classes: { type: 'string' }, limit: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' },
      cov: { type: 'string' }, 'max-iter': { type: 'string' }, opt: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const method = values.method as FitMethod | undefined;
  if (!method) throw new CliError(`--method is required\n${USAGE}`);
  if (!FIT_METHODS.includes(method)) throw new CliError(`--method must be one of ${FIT_METHODS.join(', ')}, got "${method}"`);
  if (!availableFitMethods().includes(method)) throw new CliError(`method '${method}' has no registered fitter in this build (available: ${availableFitMethods().join(', ')})`);
  if (values.k === undefined) throw new CliError(`--k is required\n${USAGE}`);
  const k = intFlag('k', values.k, 10, 1, 1000);
  const seed = intFlag('seed', values.seed, 0, 0, 2 ** 31);
  const workers = intFlag('workers', values.workers, 2, 0, 64);
  const limit = values.limit === undefined ? null : intFlag('limit', values.limit, 0, 1);
  const cov = values.cov ?? 'diag';
  if (cov !== 'diag' && cov !== 'full') throw new CliError(`--cov must be diag or full, got "${cov}"`);
  const fitOptions = keyValueOptions('opt', values.opt);
  if (values['max-iter'] !== undefined) fitOptions.maxIter = intFlag('max-iter', values['max-iter'], 0, 1);
  const codesPath = resolve(values.codes ?? resolve(repoRoot, 'artifacts/codes/train'));
  const outDir = resolve(values.out ?? modelsPath('gmm', method));
  const classes = classList('classes', values.classes);

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

main().catch((e: Error) => {
  console.error(`fit-latent: ${e.message}`);
  process.exit(1);
});
