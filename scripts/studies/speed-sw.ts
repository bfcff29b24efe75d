/**
 * SW / SC2 speed study (issue 13, SW/SC2 part): one 128-d fit on the autoencoder's latent codes, timed in-process.
 *
 *   npm run study:speed-sw -- [--method sw|sc2] [--case class|unsup] [--class 0] [--steps N] [--opt key=value ...]
 *
 * Cases: class = the training codes of one digit (--class; about 6000 codes, as the per-class latent sets are fitted:
 * src/latent/fit.ts, seed classSeed(--seed, class)); unsup = the unsupervised protocol of scripts/studies/
 * latent-eval.ts (a seeded subset of --limit training codes, default 10 000, seed --seed + 7). Both: K = --k
 * components, --cov covariance (default full), the method options of the latent sets (LATENT_FIT_DEFAULTS: SW with
 * its EM finish, SC2 with its NLL phase), then --opt overrides.
 *
 * --steps N runs exactly N steps of the SW / SC2 phase and no second phase (tol 0, finishIter 0 / nllSteps 0): the
 * per-step time. Without --steps the fit runs to convergence with the defaults (the stopping rule, then the finish).
 * Prints one JSON line: n, d, k, steps, seconds per step (phase time / steps), the phase times (SW/SC2 phase,
 * finish / NLL phase, the rest: initialisation and final NLL) and the total fit time, the final NLL, the kernels. The kernels are chosen by the
 * environment (GMMGEN_KERNELS=auto|wasm|js, GMMGEN_THREADS). Profile with `node --cpu-prof --import tsx` on this
 * script. --test-nll (class case) adds the mean NLL of the class's test codes, after the timed fit.
 */
import { parseCli, keyValues } from '../../src/cli/args.ts';

const cli = parseCli({
  name: 'study:speed-sw',
  usage: 'npm run study:speed-sw -- [--method sw|sc2] [--case class|unsup] [--class 0] [--limit 10000] [--k 10] [--cov full|diag] [--steps N] [--opt key=value ...]',
  description: 'Times one SW or SC2 fit on the 128-d latent codes (per step with --steps, else a converged fit with the latent sets\' defaults); prints one JSON line.',
  flags: {
    method: { type: 'choice', choices: ['sw', 'sc2'], default: 'sw', help: 'fitter' },
    case: { type: 'choice', choices: ['class', 'unsup'], default: 'class', help: 'one digit class, or the unsupervised subset' },
    class: { type: 'int', min: 0, max: 9, default: 0, help: 'digit (class case)' },
    limit: { type: 'int', min: 100, max: 60_000, default: 10_000, help: 'training codes (unsup case)' },
    k: { type: 'int', min: 1, max: 100, default: 10, help: 'components' },
    cov: { type: 'choice', choices: ['full', 'diag'], default: 'full', help: 'covariance type' },
    steps: { type: 'int', min: 1, max: 100_000, help: 'exactly this many SW/SC2 steps, no second phase' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0 },
    codes: { type: 'string', meta: 'PATH', help: 'codes file (default artifacts/codes/train)' },
    opt: { type: 'strings', meta: 'KEY=VALUE', help: 'fitter option override (repeatable)' },
    'test-nll': { type: 'boolean', help: 'class case: also the mean NLL of the class\'s test codes (artifacts/codes/test)' },
  },
});
const a = cli.values;
const extra = keyValues('--opt', a.opt);

const { join } = await import('node:path');
const { repoRoot } = await import('../../src/util/paths.ts');
const { readCodes } = await import('../../src/latent/codes.ts');
const { LATENT_FIT_DEFAULTS, classSeed, splitByClass } = await import('../../src/latent/fit.ts');
const { fitGMM } = await import('../../src/gmm/index.ts');
const { Rng } = await import('../../src/util/rng.ts');
type Points = import('../../src/gmm/model/types.ts').Points;

const codes = readCodes(a.codes ?? join(repoRoot, 'artifacts', 'codes', 'train'));
let points: Points, seed: number;
if (a.case === 'class') {
  points = splitByClass(codes, [a.class]).get(a.class)!;
  seed = classSeed(a.seed, a.class);
} else {
  // The unsupervised protocol's subset (scripts/studies/latent-eval.ts).
  const idx = new Rng(a.seed * 64 + 17).permutation(codes.n).subarray(0, Math.min(a.limit, codes.n));
  const data = new Float64Array(idx.length * codes.d);
  idx.forEach((r, i) => { for (let j = 0; j < codes.d; j++) data[i * codes.d + j] = codes.data[r * codes.d + j]; });
  points = { n: idx.length, d: codes.d, data };
  seed = a.seed + 7;
}
const opts: Record<string, unknown> = { ...(LATENT_FIT_DEFAULTS[a.method] ?? {}), k: a.k, seed, covarianceType: a.cov };
if (typeof opts.batchSize === 'number' && opts.batchSize > points.n) opts.batchSize = points.n;
if (a.steps !== undefined) {
  Object.assign(opts, { maxIter: a.steps, tol: 0 });
  if (a.method === 'sw') opts.finishIter = 0;
  else opts.nllSteps = 0;
}
Object.assign(opts, extra);

const t0 = performance.now();
const { gmm, history } = fitGMM(a.method, points, opts);
const total = (performance.now() - t0) / 1000;
const phase = history.time.length ? history.time[history.time.length - 1] : 0;
const second = history.fineTune?.wallTime ?? 0;
const line = {
  program: 'speed-sw', method: a.method, case: a.case, ...(a.case === 'class' ? { class: a.class } : {}), n: points.n, d: points.d, k: a.k, cov: a.cov,
  steps: history.iterations, converged: history.converged, secondPhaseSteps: history.fineTune?.iterations ?? 0,
  perStep_s: +(phase / Math.max(1, history.iterations)).toFixed(5),
  phase_s: +phase.toFixed(3), secondPhase_s: +second.toFixed(3), total_s: +total.toFixed(3),
  other_s: +(total - history.wallTime).toFixed(3), // initialisation and the final NLL
  finalLoss: history.loss[history.loss.length - 1], nll: gmm.nll(points),
  ...(a['test-nll'] && a.case === 'class' ? { testNll: gmm.nll(splitByClass(readCodes(join(repoRoot, 'artifacts', 'codes', 'test')), [a.class]).get(a.class)!) } : {}),
  kernels: process.env.GMMGEN_KERNELS ?? 'auto', threads: process.env.GMMGEN_THREADS ?? 'auto', options: { ...opts },
};
console.log(JSON.stringify(line));
