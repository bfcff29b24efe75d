/**
 * Ring–line–square study (Kolouri et al. 2018, Fig. 3 and Fig. 6; Zhang 2023, Fig. 3): K = 10 GMMs fitted to the
 * 850 points of ../shared/data/ring-line-square.txt from --inits initialisations of two kinds, with every method:
 *
 *   init 'small'   the SW-GMM authors' demo start (small random components around the data mean, equal weights;
 *                  src/gmm/fit/init.ts), seed r;
 *   init 'random'  k random data points as means, the data covariance for every component, equal weights, seed r.
 *
 * Run r of every method starts from the same initial GMM. SW is reported twice: after its SW phase alone
 * ('sw-phase', finishIter 0) and with its default EM finish ('sw' = the same SW phase, then fitEM from it with the
 * finish's default options — exactly what fitSW does with its defaults; test/gmm/fit/sw.test.ts checks the two agree).
 * "At the optimum" = NLL within 1 % of the best NLL of any run of any method; SW₂ of every fit is measured with 360
 * equidistant directions on the half circle. A run that throws or ends with a non-finite NLL counts as non-finite.
 *
 *   npm run study:ring -- [--inits 100] [--init-modes small,random] [--methods sw,em,sc2,sc2nll,mmd,nll,fixed-basis]
 *        [--out docs/results/gmm-ring.json] [--img docs/img/gmm] [--resume] [--force] [--report]
 *        [--fooling] [--fool-fits 10] [--fool-epochs 200] [--fool-methods em,sw]
 *
 * Runs go seed by seed (every init kind and method at seed 0, then seed 1, ...) and the results file is rewritten
 * atomically after each fit, so an interrupted study resumes with --resume. An existing results file is never
 * replaced unless --resume (continue it) or --force (start over) is given; --report only prints the tables and
 * draws the figures from it.
 *
 * --fooling adds the paper's fooling rate (Fig. 6; src/eval/fooling.ts): for each of --fool-methods, the fits of
 * seeds 0..--fool-fits−1 (init 'small') are each scored by one run of the paper's ring discriminator (Fig. 8:
 * 2 → 8 → 16 → 8 → 2) trained on 850 GMM samples against the 850 data points (80/20 split), mean ± sd over fits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exclusive, parseCli, UsageError } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot } from '../../src/util/paths.ts';
import type { FitMethod } from '../../src/gmm/fit/registry.ts';
import type { GMM, GMMJson } from '../../src/gmm/model/gmm.ts';

type InitMode = 'small' | 'random';
/** Options per method: the papers' settings where they give them (see docs/RESULTS.md, Study 1). */
const METHODS: Record<string, { method: FitMethod; opts: Record<string, unknown>; label: string }> = {
  sw: { method: 'sw', opts: { finishIter: 0 }, label: 'SW (Kolouri), then its EM finish' },
  em: { method: 'em', opts: { maxIter: 500, tol: 1e-6 }, label: 'EM' },
  sc2: { method: 'sc2', opts: { tol: 0 }, label: 'SC2 (Zhang, 1200 steps)' },
  sc2nll: { method: 'sc2', opts: { tol: 0, nllSteps: 200 }, label: 'SC2 + 200 NLL steps (Adam 0.01, the NLL-phase default)' },
  mmd: { method: 'mmd', opts: {}, label: 'MMD (median-heuristic bandwidth)' },
  nll: { method: 'nll', opts: { maxIter: 1200, lr: 0.01 }, label: 'NLL gradient descent (Adam)' },
  'fixed-basis': { method: 'fixed-basis', opts: {}, label: 'fixed-basis (PCA slabs, deterministic)' },
};
const STUDY_METHODS = ['sw', 'em', 'sc2', 'sc2nll', 'mmd', 'nll', 'fixed-basis'] as const;
const ROW_ORDER = ['sw-phase', 'sw', 'em', 'sc2', 'sc2nll', 'mmd', 'nll', 'fixed-basis'];
const initsOf = (m: string) => ({ type: 'int', min: 1, max: 100_000, help: `initialisations of ${m} per init kind; default --inits` }) as const;

const cli = parseCli({
  name: 'study:ring',
  usage: `npm run study:ring -- [--inits 100] [--inits-<method> N] [--init-modes small,random] [--methods sw,em,sc2,sc2nll,mmd,nll,fixed-basis]
       [--out docs/results/gmm-ring.json] [--img docs/img/gmm] [--resume | --force | --report]
       [--fooling] [--fool-fits 10] [--fool-epochs 200] [--fool-methods em,sw]`,
  description: 'K = 10 GMM fits to the ring–line–square points from two kinds of initialisation, every method; writes the runs (JSON), tables and figures.',
  flags: {
    inits: { type: 'int', min: 1, max: 100_000, default: 100, help: 'initialisations per method and init kind' },
    'inits-sw': initsOf('sw'),
    'inits-em': initsOf('em'),
    'inits-sc2': initsOf('sc2'),
    'inits-sc2nll': initsOf('sc2nll'),
    'inits-mmd': initsOf('mmd'),
    'inits-nll': initsOf('nll'),
    'init-modes': { type: 'list', choices: ['small', 'random'], default: ['small', 'random'], help: 'initialisations' },
    methods: { type: 'list', choices: STUDY_METHODS, default: [...STUDY_METHODS], help: 'methods to run' },
    out: { type: 'string', meta: 'FILE', default: 'docs/results/gmm-ring.json', help: 'results JSON (relative to the repository)' },
    img: { type: 'string', meta: 'DIR', default: 'docs/img/gmm', help: 'figures folder (relative to the repository)' },
    resume: { type: 'boolean', help: 'continue the runs in --out' },
    force: { type: 'boolean', help: 'start over, replacing --out and the figures' },
    report: { type: 'boolean', help: 'only print the tables and draw the figures from --out' },
    fooling: { type: 'boolean', help: "add the paper's ring fooling rates to --out" },
    'fool-fits': { type: 'int', min: 1, max: 1000, default: 10, help: "fits per method scored (seeds 0.., init 'small')" },
    'fool-epochs': { type: 'int', min: 1, max: 100_000, default: 200, help: 'discriminator epochs' },
    'fool-methods': { type: 'list', choices: ROW_ORDER, default: ['em', 'sw'], help: 'rows scored by --fooling' },
  },
});
exclusive(cli, 'resume', 'force', 'report');
const values = cli.values;
const inits = values.inits;
const initModes = values['init-modes'] as InitMode[];
const methods: string[] = values.methods;
const initsFor = (m: string): number => (m === 'fixed-basis' ? 1 : ((values as Record<string, unknown>)[`inits-${m}`] as number | undefined) ?? inits);
const foolFits = values['fool-fits'];
const foolEpochs = values['fool-epochs'];
const foolMethods: string[] = values['fool-methods'];
const out = resolve(repoRoot, values.out);
const imgDir = resolve(repoRoot, values.img);
const updates = values.resume || values.report || values.fooling;
claimOutput(out, { explicit: cli.given.has('out'), force: values.force, update: updates });
if ((values.report || values.fooling || values.resume) && !existsSync(out)) throw new UsageError(`--${values.report ? 'report' : values.fooling ? 'fooling' : 'resume'}: no results file at ${out}`);

const { sharedPath } = await import('../../src/util/paths.ts');
const { fitEM, fitGMM, GMM: GMMClass, pointsFromRows, SW_DEFAULTS } = await import('../../src/gmm/index.ts');
const { slicedWasserstein, circleDirections } = await import('../../src/gmm/distances/wasserstein.ts');
const { linePlotSvg, scatterPlotSvg, svgToPng, PALETTE } = await import('../../src/util/plot.ts');
const { writePng } = await import('../../src/util/png.ts');
const { Rng } = await import('../../src/util/rng.ts');
const { mkdirSync } = await import('node:fs');

interface Run { method: string; init: InitMode; seed: number; nll: number; sw: number; sec: number; iterations: number; error?: string; gmm?: GMMJson }
interface Results {
  date: string; commands: string[]; settings: Record<string, unknown>; runs: Run[];
  fooling?: Record<string, { fits: number; epochs: number; errors: number[]; mean: number; sd: number }>;
}

const rows = readFileSync(sharedPath('data/ring-line-square.txt'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
const pts = pointsFromRows(rows, 'ring-line-square');
const dirs = circleDirections(360);
const command = `npm run study:ring -- ${process.argv.slice(2).join(' ')}`.trim();
const res: Results = existsSync(out) && !values.force
  ? JSON.parse(readFileSync(out, 'utf8'))
  : { date: new Date().toISOString(), commands: [], settings: {}, runs: [] };
res.runs ??= [];
const save = () => writeFileAtomic(out, JSON.stringify(res, null, 0));
const keepGmm = (seed: number) => seed < Math.max(3, foolFits);

function measure(method: string, init: InitMode, seed: number, gmm: GMM, sec: number, iterations: number): Run {
  const nll = gmm.nll(pts);
  const sw = slicedWasserstein(gmm.params(), pts, { directions: dirs });
  // Every SW-phase fit is kept (2-D, small), so the finish can be re-run from it with other settings.
  return { method, init, seed, nll, sw, sec, iterations, ...(keepGmm(seed) || method === 'sw-phase' ? { gmm: gmm.toJSON() } : {}) };
}

function runOne(name: string, init: InitMode, seed: number): Run[] {
  const spec = METHODS[name];
  const t = performance.now();
  const failed = (method: string, e: unknown): Run => ({ method, init, seed, nll: NaN, sw: NaN, sec: (performance.now() - t) / 1000, iterations: 0, error: (e as Error).message });
  let r;
  try {
    r = fitGMM(spec.method, pts, { k: 10, seed, init, ...spec.opts });
  } catch (e) {
    return name === 'sw' ? [failed('sw-phase', e), failed('sw', e)] : [failed(name, e)];
  }
  const sec = (performance.now() - t) / 1000;
  const steps = r.history.iterations + (r.history.fineTune?.iterations ?? 0);
  if (name !== 'sw') return [measure(name, init, seed, r.gmm, sec, steps)];
  // SW: the phase alone, then the finish exactly as fitSW's defaults run it.
  const phase = measure('sw-phase', init, seed, r.gmm, sec, r.history.iterations);
  const t2 = performance.now();
  try {
    const f = fitEM(pts, { k: 10, init: r.gmm, maxIter: SW_DEFAULTS.finishIter, tol: SW_DEFAULTS.finishTol });
    return [phase, measure('sw', init, seed, f.gmm, sec + (performance.now() - t2) / 1000, r.history.iterations + f.history.iterations)];
  } catch (e) {
    return [phase, failed('sw', e)];
  }
}

const t0 = performance.now();
if (!values.report && !values.fooling) {
  res.commands.push(`${new Date().toISOString()}  ${command}`);
  res.settings = { inits, initsPerMethod: Object.fromEntries(methods.map((m) => [m, initsFor(m)])), initModes, methods, options: Object.fromEntries(methods.map((m) => [m, METHODS[m].opts])), swDefaults: SW_DEFAULTS };
  const have = new Set(res.runs.map((r) => `${r.method}|${r.init}|${r.seed}`));
  const total = initModes.length * methods.reduce((s, m) => s + initsFor(m), 0);
  let done = methods.reduce((s, m) => s + initModes.reduce((t, i) => t + [...Array(initsFor(m)).keys()].filter((seed) => have.has(`${m}|${i}|${seed}`)).length, 0), 0);
  const maxSeeds = Math.max(...methods.map(initsFor));
  for (let seed = 0; seed < maxSeeds; seed++) {
    for (const init of initModes) {
      for (const name of methods) {
        if (have.has(`${name}|${init}|${seed}`)) continue;
        if (seed >= initsFor(name)) continue; // fixed-basis is deterministic: one run per init kind
        const runs = runOne(name, init, seed);
        res.runs.push(...runs);
        for (const r of runs) have.add(`${r.method}|${r.init}|${r.seed}`);
        done++;
        const el = (performance.now() - t0) / 1000;
        console.log(`[${done}/${total}] ${init} seed ${seed} ${runs.map((r) => `${r.method}: NLL ${r.nll.toFixed(4)} SW2 ${r.sw.toFixed(4)} (${r.iterations} it, ${r.sec.toFixed(1)} s)${r.error ? ` ERROR ${r.error}` : ''}`).join('; ')}  [${el.toFixed(0)} s]`);
        save();
      }
    }
  }
}

if (values.fooling) {
  const { initBackend } = await import('../../src/backend/index.ts');
  const { foolingRate } = await import('../../src/eval/fooling.ts');
  await initBackend({ quiet: true });
  res.fooling ??= {};
  res.commands.push(`${new Date().toISOString()}  ${command}`);
  const real = { n: pts.n, d: 2, data: pts.data };
  for (const method of foolMethods) {
    const fits = res.runs.filter((r) => r.method === method && r.init === 'small' && r.seed < foolFits && r.gmm).sort((a, b) => a.seed - b.seed);
    if (fits.length < foolFits) throw new UsageError(`--fooling: ${method} has ${fits.length} stored fits with init 'small' and seed < ${foolFits}; run the study first`);
    const errors: number[] = [];
    for (const [i, f] of fits.entries()) {
      const g = GMMClass.fromJSON(f.gmm!);
      const fr = await foolingRate(real, (_run, s) => g.sample(pts.n, new Rng(5000 + s)).points, 1, { hidden: [8, 16, 8], epochs: foolEpochs, seed: 300 + i });
      errors.push(fr.mean);
      console.log(`fooling ${method} fit ${f.seed}: ${(100 * fr.mean).toFixed(2)} %`);
    }
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const sd = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, errors.length - 1));
    res.fooling[method] = { fits: errors.length, epochs: foolEpochs, errors, mean, sd };
    save();
  }
}

// ---- report ----------------------------------------------------------------------------------------------------
const all = res.runs;
const finite = all.filter((r) => Number.isFinite(r.nll));
const best = Math.min(...finite.map((r) => r.nll));
const thr = best + 0.01 * Math.abs(best);
const med = (a: number[]) => { const s = a.filter(Number.isFinite).sort((x, y) => x - y); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
console.log(`\nbest NLL over all runs: ${best.toFixed(4)} (at the optimum: NLL ≤ ${thr.toFixed(4)}); ${all.length} runs\n`);
const present = ROW_ORDER.filter((m) => all.some((r) => r.method === m));
for (const init of ['small', 'random'] as InitMode[]) {
  const ri = all.filter((r) => r.init === init);
  if (!ri.length) continue;
  console.log(`init '${init}':\n`);
  console.log('| method | runs | at the optimum | non-finite | median NLL | best NLL | median SW₂ | median time / run | median iterations |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const m of present) {
    const rs = ri.filter((r) => r.method === m);
    if (!rs.length) continue;
    const ok = rs.filter((r) => r.nll <= thr).length;
    const bad = rs.filter((r) => !Number.isFinite(r.nll)).length;
    console.log(`| ${m} | ${rs.length} | ${ok} | ${bad} | ${med(rs.map((r) => r.nll)).toFixed(4)} | ${Math.min(...rs.filter((r) => Number.isFinite(r.nll)).map((r) => r.nll)).toFixed(4)} | ${med(rs.map((r) => r.sw)).toFixed(4)} | ${med(rs.map((r) => r.sec)).toFixed(2)} s | ${med(rs.map((r) => r.iterations))} |`);
  }
  console.log('');
}
if (res.fooling) {
  console.log('| method | fooling rate (mean ± sd over fits) | fits | epochs |', '\n|---|---|---|---|');
  for (const [m, f] of Object.entries(res.fooling)) console.log(`| ${m} | ${(100 * f.mean).toFixed(2)} % ± ${(100 * f.sd).toFixed(2)} | ${f.fits} | ${f.epochs} |`);
  console.log('| published EM-GMM / SW-GMM | 46.83 % ± 1.14 / 47.56 % ± 0.86 | | |\n');
}

// Figures: histograms of NLL and SW₂ per init kind (one series per method with more than one run), ellipses.
mkdirSync(imgDir, { recursive: true });
function histogram(init: InitMode, key: 'nll' | 'sw', title: string, xLabel: string): string {
  const ri = all.filter((r) => r.init === init);
  const multi = present.filter((m) => ri.filter((r) => r.method === m).length > 1);
  const vals = ri.filter((r) => multi.includes(r.method)).map((r) => r[key]).filter(Number.isFinite);
  const lo = Math.min(...vals), hi = Math.min(Math.max(...vals), key === 'nll' ? 3.5 : 0.3);
  const bins = 40, w = (hi - lo) / bins || 1;
  const series = multi.map((m, i) => {
    const counts = new Array(bins).fill(0);
    for (const r of ri) if (r.method === m && Number.isFinite(r[key])) counts[Math.max(0, Math.min(bins - 1, Math.floor((r[key] - lo) / w)))]++;
    const x: number[] = [], y: number[] = [];
    for (let b = 0; b < bins; b++) { x.push(lo + b * w, lo + (b + 1) * w); y.push(counts[b], counts[b]); }
    return { name: m, x, y, color: PALETTE[i % PALETTE.length] };
  });
  return linePlotSvg({ title, xLabel, yLabel: 'runs', series, width: 760, height: 420 });
}
const sharp = (await import('sharp')).default;
for (const init of initModes.filter((i) => all.some((r) => r.init === i))) {
  writePng(join(imgDir, `ring-nll-hist-${init}.png`), await svgToPng(histogram(init, 'nll', `Ring–line–square, K = 10, init '${init}': NLL per run (values above 3.5 in the last bin)`, 'mean NLL')));
  writePng(join(imgDir, `ring-sw-hist-${init}.png`), await svgToPng(histogram(init, 'sw', `Ring–line–square, K = 10, init '${init}': SW₂(fit, data) per run`, 'SW₂ (360 directions)')));
  const panelSeeds = [0, 1, 2];
  const panels: Buffer[] = [];
  const data2: [number, number][] = rows.map((r) => [r[0], r[1]]);
  for (const name of present) {
    for (const seed of panelSeeds) {
      const r = all.find((x) => x.method === name && x.init === init && x.seed === seed);
      const ellipses = [];
      if (r?.gmm) {
        const g = r.gmm;
        for (let c = 0; c < g.k; c++) {
          const S = g.covariances[c] as number[][];
          ellipses.push({ cx: g.means[c][0], cy: g.means[c][1], cov: [S[0][0], S[0][1], S[1][1]] as [number, number, number], nSigma: 2, color: g.weights[c] < 1e-3 ? '#999999' : '#d62728', width: 1.2 });
        }
      }
      const title = r ? `${name}, seed ${seed}: NLL ${r.nll.toFixed(3)}` : `${name}, seed ${seed}: —`;
      panels.push(await svgToPng(scatterPlotSvg({ title, series: [{ name: 'data', points: data2, color: '#1f77b4', radius: 1.5, opacity: 0.5 }], ellipses, equalAspect: true, width: 300, height: 260, legend: false, xRange: [0, 7], yRange: [-0.5, 3.5] })));
    }
  }
  const cols = panelSeeds.length, W = 300, H = 260;
  const grid = await sharp({ create: { width: W * cols, height: H * present.length, channels: 3, background: '#ffffff' } })
    .composite(panels.map((p, i) => ({ input: p, left: (i % cols) * W, top: Math.floor(i / cols) * H })))
    .png({ compressionLevel: 9, palette: true }).toBuffer();
  writePng(join(imgDir, `ring-ellipses-${init}.png`), grid);
}
console.log(`${values.report ? '' : `wrote ${out}; `}figures in ${imgDir}/ring-{nll-hist,sw-hist,ellipses}-<init>.png (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
