/**
 * EM speed study (issue 13): gmmgen's runEM against scikit-learn's GaussianMixture on the same data and the same
 * initial mixture, and a per-kernel profile of gmmgen's EM.
 *
 *   npm run study:speed-em -- [case flags] [--pairs 3]        compare, the two programs alternating (A B A B …)
 *   npm run study:speed-em -- [case flags] --prepare DIR      write the case to DIR and print the two commands
 *   npm run study:speed-em -- --fit DIR                       gmmgen's side (A): fit the case in DIR once
 *   npm run study:speed-em -- --summarize LOG_A LOG_B         medians and ratios from two logs of fit lines
 *   npm run study:speed-em -- [case flags] --profile [--modes js,wasm:1,wasm:2]
 *
 * Cases (--case): synthetic (randomMixture of src/gmm/model/synthetic.ts, --n × --d, --k components, --sep mean scale,
 * --seed), codes (the 60 000 × 128 training codes of the shipped autoencoder, artifacts/codes/train.*, float32 widened
 * to float64), ring (the 850 2-D points of the shared ring–line–square data). The initial mixture is our k-means++ +
 * Lloyd (seeded); --cov full|diag; --max-iter iterations with --tol (default 0: exactly --max-iter iterations).
 *
 * A case directory holds points.f64 (float64 little-endian, row-major n × d) and init.json (sizes, EM settings, the
 * initial mixture as gmmgen JSON). A = `node --import tsx scripts/studies/speed-em.ts --fit DIR`,
 * B = `/usr/bin/python3 scripts/studies/sklearn_em.py DIR`; each prints one JSON line per fit with the in-process
 * wall time of the fit alone (fit_s), the iterations and the final mean NLL. Compare mode runs one warm-up pair and
 * --pairs counted pairs, measures each whole process (spawn to exit), and prints per pair and as medians both fit
 * times, both process times and the ratios A/B, and the relative NLL difference. --summarize reads the fit lines of
 * two logs (the first line of each, a warm-up, is skipped) and prints the in-process part of that table.
 *
 * --profile fits the case in this process with each mode (js: the JavaScript kernels; wasm:T: the WebAssembly
 * kernels on T threads), after a 2-iteration warm-up fit, and prints the wall time of every phase.
 */
import { parseCli, failUsage } from '../../src/cli/args.ts';

const CASES = ['synthetic', 'codes', 'ring'] as const;
const cmd = {
  name: 'study:speed-em',
  usage: 'npm run study:speed-em -- [--case synthetic|codes|ring] [--n 6000] [--d 128] [--k 10] [--cov full|diag] [--pairs 3] ' +
    '[--prepare DIR | --fit DIR | --summarize LOG_A LOG_B | --profile [--modes js,wasm:1,wasm:2]]',
  description: 'gmmgen EM against scikit-learn GaussianMixture from the same data and start, alternating the two programs; or a per-kernel profile.',
  flags: {
    case: { type: 'choice', choices: CASES, default: 'synthetic', help: 'data set' },
    n: { type: 'int', min: 1, max: 10_000_000, default: 6000, help: 'points (synthetic)' },
    d: { type: 'int', min: 1, max: 4096, default: 128, help: 'dimensions (synthetic)' },
    k: { type: 'int', min: 1, max: 1000, default: 10, help: 'components' },
    cov: { type: 'choice', choices: ['full', 'diag'], default: 'full', help: 'covariance type' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0, help: 'data (synthetic) and k-means++ seed' },
    sep: { type: 'number', gt: 0, max: 100, default: 0.25, help: 'scale of the true means (synthetic)' },
    'max-iter': { type: 'int', min: 1, max: 100_000, default: 10, help: 'EM iterations at most' },
    tol: { type: 'number', min: 0, max: 1, default: 0, help: 'EM tolerance (change of the mean log-likelihood); 0 runs --max-iter' },
    reg: { type: 'number', min: 0, max: 1, default: 1e-6, help: 'covariance regularisation' },
    pairs: { type: 'int', min: 1, max: 100, default: 3, help: 'counted A B pairs (compare)' },
    python: { type: 'string', meta: 'PATH', default: '/usr/bin/python3', help: 'python with scikit-learn' },
    prepare: { type: 'string', meta: 'DIR', help: 'write the case to DIR and stop' },
    force: { type: 'boolean', help: 'with --prepare: replace the case files in DIR' },
    fit: { type: 'string', meta: 'DIR', help: 'fit the case in DIR once (gmmgen side of the comparison)' },
    summarize: { type: 'boolean', help: 'summarise two logs of fit lines: LOG_A LOG_B' },
    profile: { type: 'boolean', help: 'per-phase profile in this process' },
    modes: { type: 'list', of: 'string', default: ['js', 'wasm:1', 'wasm:2'], help: 'with --profile: js and/or wasm:T' },
  },
  positionals: { max: 2, meta: 'LOG_A LOG_B (with --summarize)' },
} as const;
const cli = parseCli(cmd);
const a = cli.values;
const modesGiven = [a.prepare !== undefined, a.fit !== undefined, a.summarize, a.profile].filter(Boolean).length;
if (modesGiven > 1) failUsage(cmd, '--prepare, --fit, --summarize and --profile exclude each other');
if (a.summarize !== (cli.positionals.length > 0)) failUsage(cmd, a.summarize ? '--summarize needs two log files: LOG_A LOG_B' : `unexpected argument '${cli.positionals[0]}'`);
if (a.summarize && cli.positionals.length !== 2) failUsage(cmd, '--summarize needs two log files: LOG_A LOG_B');
for (const m of a.modes) if (!/^(js|wasm:[1-9]\d*)$/.test(m)) failUsage(cmd, `--modes: each mode is js or wasm:T (T threads), got '${m}'`);
if (a.force && a.prepare === undefined) failUsage(cmd, '--force only goes with --prepare');

const { mkdtempSync, readFileSync, rmSync, mkdirSync, existsSync } = await import('node:fs');
const { tmpdir, cpus } = await import('node:os');
const { join, dirname, resolve } = await import('node:path');
const { spawnSync } = await import('node:child_process');
const { fileURLToPath } = await import('node:url');
const { claimOutput, writeFileAtomic } = await import('../../src/util/output.ts');

interface FitLine { program: string; fit_s: number; iterations: number; nll: number; threads?: unknown; kernels?: string; wall_s?: number }
const median = (v: number[]) => { const s = [...v].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (v: number) => v.toFixed(3);

function parseLines(text: string, what: string): FitLine[] {
  const out: FitLine[] = [];
  for (const l of text.split('\n')) {
    const t = l.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t) as FitLine);
    } catch {
      throw new Error(`${what}: not a JSON line: ${t.slice(0, 80)}`);
    }
  }
  return out;
}

function report(A: FitLine[], B: FitLine[]): void {
  const pairs = Math.min(A.length, B.length);
  const wall = A.every((x) => x.wall_s !== undefined) && B.every((x) => x.wall_s !== undefined);
  console.log(`\n| pair | gmmgen fit (s) | scikit-learn fit (s) | ratio fit |${wall ? ' gmmgen process (s) | scikit-learn process (s) | ratio process |' : ''}`);
  console.log(`|---|---|---|---|${wall ? '---|---|---|' : ''}`);
  const rf: number[] = [], rw: number[] = [];
  for (let p = 0; p < pairs; p++) {
    rf.push(A[p].fit_s / B[p].fit_s);
    let row = `| ${p + 1} | ${fmt(A[p].fit_s)} | ${fmt(B[p].fit_s)} | ${rf[p].toFixed(2)} |`;
    if (wall) { rw.push(A[p].wall_s! / B[p].wall_s!); row += ` ${fmt(A[p].wall_s!)} | ${fmt(B[p].wall_s!)} | ${rw[p].toFixed(2)} |`; }
    console.log(row);
  }
  let row = `| median | ${fmt(median(A.map((x) => x.fit_s)))} | ${fmt(median(B.map((x) => x.fit_s)))} | ${median(rf).toFixed(2)} |`;
  if (wall) row += ` ${fmt(median(A.map((x) => x.wall_s!)))} | ${fmt(median(B.map((x) => x.wall_s!)))} | ${median(rw).toFixed(2)} |`;
  console.log(row);
  const na = A[0].nll, nb = B[0].nll;
  console.log(`\niterations: gmmgen ${A[0].iterations}, scikit-learn ${B[0].iterations}; final mean NLL gmmgen ${na.toFixed(12)}, ` +
    `scikit-learn ${nb.toFixed(12)}, relative difference ${(Math.abs(na - nb) / Math.abs(nb)).toExponential(2)}`);
  console.log(`threads: gmmgen ${String(A[0].threads)} (${A[0].kernels ?? '?'} kernels); scikit-learn ${String(B[0].threads)}`);
}

if (a.summarize) {
  const [la, lb] = cli.positionals;
  const A = parseLines(readFileSync(la, 'utf8'), la).slice(1);
  const B = parseLines(readFileSync(lb, 'utf8'), lb).slice(1);
  if (!A.length || !B.length) throw new Error('each log needs a warm-up line and at least one counted line');
  report(A, B);
  process.exit(0);
}

const { GMM } = await import('../../src/gmm/model/gmm.ts');
type GMMType = InstanceType<typeof GMM>;
type Points = import('../../src/gmm/model/types.ts').Points;
interface CaseMeta {
  case: string; n: number; d: number; k: number; seed: number; covarianceType: 'full' | 'diag';
  maxIter: number; tol: number; reg: number; repeats: number; gmm: ReturnType<GMMType['toJSON']>;
}

/** Reads a case directory written by --prepare. */
function readCase(dir: string): { meta: CaseMeta; points: Points; init: GMMType } {
  const meta = JSON.parse(readFileSync(join(dir, 'init.json'), 'utf8')) as CaseMeta;
  const buf = readFileSync(join(dir, 'points.f64'));
  if (buf.byteLength !== meta.n * meta.d * 8) throw new Error(`${dir}/points.f64 has ${buf.byteLength} bytes, expected n·d·8 = ${meta.n * meta.d * 8}`);
  const data = new Float64Array(meta.n * meta.d);
  new Uint8Array(data.buffer).set(buf);
  return { meta, points: { n: meta.n, d: meta.d, data }, init: GMM.fromJSON(meta.gmm) };
}

const { runEM } = await import('../../src/gmm/fit/em.ts');
const engine = await import('../../src/gmm/wasm/engine.ts');

if (a.fit !== undefined) {
  const { meta, points, init } = readCase(a.fit);
  for (let r = 0; r < meta.repeats; r++) {
    const t = performance.now();
    const res = runEM(points, init, meta.maxIter, meta.tol, meta.reg);
    const fit = (performance.now() - t) / 1000;
    console.log(JSON.stringify({
      program: 'gmmgen', fit_s: fit, iterations: res.history.iterations, nll: res.history.finalNll,
      threads: engine.kernelWorkerCount() + 1, kernels: engine.kernelChoice(),
    }));
  }
  process.exit(0);
}

// The case: points and the k-means++ start.
const { Rng } = await import('../../src/util/rng.ts');
const { randomMixture } = await import('../../src/gmm/model/synthetic.ts');
const { initGMM } = await import('../../src/gmm/fit/init.ts');
const { repoRoot, sharedPath } = await import('../../src/util/paths.ts');
let points: Points;
if (a.case === 'synthetic') {
  const rng = new Rng(a.seed);
  points = randomMixture(a.d, a.k, rng, a.sep).sample(a.n, rng).points;
} else if (a.case === 'codes') {
  const { readCodes } = await import('../../src/latent/codes.ts');
  const codes = readCodes(resolve(repoRoot, 'artifacts/codes/train'));
  points = { n: codes.n, d: codes.d, data: Float64Array.from(codes.data) };
} else {
  const { readRingData } = await import('../../src/server/explore.ts');
  points = readRingData(sharedPath('data', 'ring-line-square.txt'));
}
const tInit = performance.now();
const init = initGMM(points, a.k, { method: 'kmeans++', seed: a.seed, covarianceType: a.cov, regCovar: a.reg });
console.log(`case ${a.case}: n=${points.n} d=${points.d} K=${a.k} ${a.cov}, ${a['max-iter']} iterations (tol ${a.tol}), reg ${a.reg}; ` +
  `init k-means++ + Lloyd ${((performance.now() - tInit) / 1000).toFixed(2)} s; ${cpus().length} cores; node ${process.version}; ${new Date().toISOString()}`);

if (a.profile) {
  for (const mode of a.modes) {
    const [kern, th] = mode.split(':');
    process.env.GMMGEN_KERNELS = kern;
    process.env.GMMGEN_THREADS = th ?? '1';
    await engine.shutdownKernelPool();
    runEM(points, init, 2, 0, a.reg); // warm-up: compile, tier up, start the workers
    engine.setKernelProfiling(true);
    const t = performance.now();
    const res = runEM(points, init, a['max-iter'], a.tol, a.reg);
    const total = performance.now() - t;
    const prof = engine.kernelProfile();
    engine.setKernelProfiling(false);
    console.log(`\n${mode}: ${(total / 1000).toFixed(3)} s, ${res.history.iterations} iterations, final mean NLL ${res.history.finalNll!.toFixed(12)}`);
    console.log('| phase | calls | ms | share |\n|---|---|---|---|');
    let acc = 0;
    for (const p of prof) { acc += p.ms; console.log(`| ${p.phase} | ${p.calls} | ${p.ms.toFixed(1)} | ${((p.ms / total) * 100).toFixed(1)} % |`); }
    console.log(`| (outside the kernels) | | ${(total - acc).toFixed(1)} | ${(((total - acc) / total) * 100).toFixed(1)} % |`);
  }
  await engine.shutdownKernelPool();
  process.exit(0);
}

const dir = a.prepare !== undefined ? resolve(a.prepare) : mkdtempSync(join(tmpdir(), 'gmmgen-speed-em-'));
if (a.prepare !== undefined) {
  for (const f of ['points.f64', 'init.json']) claimOutput(join(dir, f), { flag: '--prepare', meta: 'DIR', force: a.force });
  mkdirSync(dir, { recursive: true });
}
const meta: CaseMeta = {
  case: a.case, n: points.n, d: points.d, k: a.k, seed: a.seed, covarianceType: a.cov,
  maxIter: a['max-iter'], tol: a.tol, reg: a.reg, repeats: 1, gmm: init.toJSON(),
};
writeFileAtomic(join(dir, 'points.f64'), new Uint8Array(points.data.buffer, points.data.byteOffset, points.data.byteLength));
writeFileAtomic(join(dir, 'init.json'), JSON.stringify(meta));
const here = dirname(fileURLToPath(import.meta.url));
const cmdA = [process.execPath, '--import', 'tsx', join(here, 'speed-em.ts'), '--fit', dir];
const cmdB = [a.python, join(here, 'sklearn_em.py'), dir];
if (a.prepare !== undefined) {
  console.log(`wrote ${dir}\nA: ${cmdA.join(' ')}\nB: ${cmdB.join(' ')}`);
  process.exit(0);
}
try {
  if (!existsSync(a.python)) throw new Error(`--python ${a.python} does not exist`);
  const runOne = (argv: string[]): FitLine => {
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28, cwd: repoRoot });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.status}): ${r.stderr || r.error}`);
    const lines = parseLines(r.stdout, argv.join(' '));
    if (lines.length !== 1) throw new Error(`${argv.join(' ')} printed ${lines.length} fit lines, expected 1`);
    return { ...lines[0], wall_s: wall };
  };
  const A: FitLine[] = [], B: FitLine[] = [];
  for (let p = 0; p <= a.pairs; p++) {
    const x = runOne(cmdA), y = runOne(cmdB);
    console.log(`${p === 0 ? 'warm-up' : `pair ${p}`}: gmmgen fit ${fmt(x.fit_s)} s (process ${fmt(x.wall_s!)} s), scikit-learn fit ${fmt(y.fit_s)} s (process ${fmt(y.wall_s!)} s)`);
    if (p > 0) { A.push(x); B.push(y); }
  }
  report(A, B);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
