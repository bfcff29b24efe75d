/**
 * Ring–square–line study (Kolouri et al. 2018, Fig. 3; Zhang 2023, Fig. 3): K = 10 GMMs fitted to the 850
 * points of ../shared/data/ring-line-square.txt from random initialisations with every method; share of runs
 * within 1% of the best NLL found by any run of any method, histograms of the NLL and of SW_2, and fitted 2σ
 * ellipses for a few seeds per method.
 *
 *   nice -n 15 node_modules/.bin/tsx scripts/studies/ring.ts [--inits 100] [--methods em,nll,sw,sc2,sc2nll,mmd,fixed-basis]
 *        [--inits-sw 100] [--inits-sc2 100] ... [--out docs/results/gmm-ring.json] [--img docs/img/gmm]  [--resume | --report] [--force]
 *
 * Runs go seed by seed (every method at seed 0, then seed 1, ...) and are appended to the JSON after each fit;
 * --resume continues an interrupted study, --report only prints the table and draws the figures from the JSON.
 * An existing results file or figure is only replaced with --force, --resume/--report, or --out/--img naming it.
 *
 * Run r of every method starts from the same initial GMM: init 'random' with seed r (k random data points as
 * means, the data covariance for every component, equal weights). fixed-basis has no initialisation (one
 * deterministic run). SW_2 of each fit is measured with 360 equidistant directions on the half circle.
 */
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCli } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot } from '../../src/util/paths.ts';
import type { FitMethod } from '../../src/gmm/fit.ts';
import type { GMM } from '../../src/gmm/gmm.ts';

const STUDY_METHODS = ['em', 'nll', 'sw', 'sc2', 'sc2nll', 'mmd', 'fixed-basis'] as const;
const initsOf = (m: string) => ({ type: 'int', min: 1, max: 100_000, help: `random initialisations of ${m}; default --inits` }) as const;
const cli = parseCli({
  name: 'study:ring',
  usage: 'npm run study:ring -- [--inits 100] [--methods em,nll,...] [--out FILE] [--img DIR] [--resume | --report | --force]',
  description: 'K = 10 GMM fits to the ring–square–line points from random initialisations, every method; writes the runs (JSON) and figures.',
  flags: {
    inits: { type: 'int', min: 1, max: 100_000, default: 100, help: 'random initialisations per method' },
    'inits-em': initsOf('em'),
    'inits-nll': initsOf('nll'),
    'inits-sw': initsOf('sw'),
    'inits-sc2': initsOf('sc2'),
    'inits-sc2nll': initsOf('sc2nll'),
    'inits-mmd': initsOf('mmd'),
    methods: { type: 'list', choices: STUDY_METHODS, default: [...STUDY_METHODS], help: 'methods to run' },
    out: { type: 'string', meta: 'FILE', default: 'docs/results/gmm-ring.json', help: 'results JSON (relative to the repository)' },
    img: { type: 'string', meta: 'DIR', default: 'docs/img/gmm', help: 'figures folder (relative to the repository)' },
    resume: { type: 'boolean', help: 'continue the runs in --out' },
    report: { type: 'boolean', help: 'only print the table and draw the figures from --out' },
    force: { type: 'boolean', help: 'replace an existing --out / figures' },
  },
});
const args = cli.values;
const inits = args.inits;
const out = resolve(repoRoot, args.out);
const imgDir = resolve(repoRoot, args.img);
const reportOnly = args.report;
// Nothing committed is replaced unless asked: --out/--img named, --force, or --resume/--report (which update them).
claimOutput(out, { explicit: cli.given.has('out'), force: args.force, update: args.resume || reportOnly });
for (const f of ['ring-nll-hist.png', 'ring-sw-hist.png', 'ring-ellipses.png']) {
  claimOutput(join(imgDir, f), { flag: '--img', meta: 'DIR', explicit: cli.given.has('img'), force: args.force, update: args.resume || reportOnly });
}
if (reportOnly && !existsSync(out)) throw new Error(`--report: no results file at ${out}`);

const { sharedPath } = await import('../../src/util/paths.ts');
const { pointsFromRows } = await import('../../src/gmm/points.ts');
const { fitGMM } = await import('../../src/gmm/fit.ts');
const { slicedWasserstein, circleDirections } = await import('../../src/gmm/wasserstein.ts');
const { linePlotSvg, scatterPlotSvg, svgToPng, PALETTE } = await import('../../src/util/plot.ts');
const { writePng } = await import('../../src/util/png.ts');

/** Options per method: the papers' settings where they give them (see docs/RESULTS.md, GMM section). */
const METHOD: Record<string, { method: FitMethod; opts: Record<string, unknown> }> = {
  em: { method: 'em', opts: { maxIter: 500, tol: 1e-6 } },
  nll: { method: 'nll', opts: { maxIter: 1200, lr: 0.01 } },
  sw: { method: 'sw', opts: { L: 8, maxIter: 500 } },
  sc2: { method: 'sc2', opts: {} },
  sc2nll: { method: 'sc2', opts: { nllSteps: 200, nllLr: 0.01 } },
  mmd: { method: 'mmd', opts: {} },
  'fixed-basis': { method: 'fixed-basis', opts: {} },
};

const rows = readFileSync(sharedPath('data/ring-line-square.txt'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
const pts = pointsFromRows(rows, 'ring-line-square');
const dirs = circleDirections(360);
const methods: string[] = args.methods;
interface Run { method: string; seed: number; nll: number; sw: number; sec: number; iterations: number; gmm?: ReturnType<GMM['toJSON']> }
let runs: Run[] = [];
if ((reportOnly || args.resume) && existsSync(out)) runs = JSON.parse(readFileSync(out, 'utf8')).runs;
const t0 = performance.now();
if (!reportOnly) {
  // Seeds outer, methods inner: an interrupted study has balanced counts (resume with --resume).
  const caps = new Map(methods.map((name) => [name, name === 'fixed-basis' ? 1 : ((args as Record<string, unknown>)[`inits-${name}`] as number | undefined) ?? inits]));
  const maxSeeds = Math.max(...caps.values());
  for (let seed = 0; seed < maxSeeds; seed++) {
    for (const name of methods) {
      const spec = METHOD[name];
      if (seed >= caps.get(name)! || runs.some((r) => r.method === name && r.seed === seed)) continue;
      const t = performance.now();
      let r;
      try {
        r = fitGMM(spec.method, pts, { k: 10, seed, init: 'random', ...spec.opts });
      } catch (e) {
        console.log(`  ${name} seed ${seed}: failed (${(e as Error).message})`);
        runs.push({ method: name, seed, nll: NaN, sw: NaN, sec: (performance.now() - t) / 1000, iterations: 0 });
        continue;
      }
      const sec = (performance.now() - t) / 1000;
      const sw = slicedWasserstein(r.gmm.params(), pts, { directions: dirs });
      runs.push({ method: name, seed, nll: r.gmm.nll(pts), sw, sec, iterations: r.history.iterations, gmm: seed < 4 ? r.gmm.toJSON() : undefined });
      console.log(`  ${name} seed ${seed}: NLL ${r.gmm.nll(pts).toFixed(4)} SW_2 ${sw.toFixed(4)} ${sec.toFixed(1)} s`);
      writeFileAtomic(out, JSON.stringify({ date: new Date().toISOString(), inits, runs }, null, 0));
    }
  }
}

const best = Math.min(...runs.filter((r) => Number.isFinite(r.nll)).map((r) => r.nll));
const thr = best + 0.01 * Math.abs(best);
console.log(`\nbest NLL over all runs: ${best.toFixed(4)} (within 1%: NLL ≤ ${thr.toFixed(4)}); total ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log('| method | runs | within 1% of best NLL | median NLL | best NLL | median SW_2 | median time / run | median iterations |');
console.log('|---|---|---|---|---|---|---|---|');
const med = (a: number[]) => { const s = a.filter(Number.isFinite).sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
for (const name of methods) {
  const rs = runs.filter((r) => r.method === name);
  const ok = rs.filter((r) => r.nll <= thr).length;
  console.log(`| ${name} | ${rs.length} | ${ok} (${((100 * ok) / rs.length).toFixed(0)}%) | ${med(rs.map((r) => r.nll)).toFixed(4)} | ${Math.min(...rs.map((r) => r.nll)).toFixed(4)} | ${med(rs.map((r) => r.sw)).toFixed(4)} | ${med(rs.map((r) => r.sec)).toFixed(2)} s | ${med(rs.map((r) => r.iterations))} |`);
}

// Histograms (as step lines), one series per method with more than one run.
mkdirSync(imgDir, { recursive: true });
function histogram(key: 'nll' | 'sw', title: string, xLabel: string): string {
  const multi = methods.filter((m) => runs.filter((r) => r.method === m).length > 1);
  const vals = runs.filter((r) => multi.includes(r.method)).map((r) => r[key]).filter(Number.isFinite);
  const lo = Math.min(...vals), hi = Math.max(...vals);
  const bins = 30, w = (hi - lo) / bins || 1;
  const series = multi.map((m, i) => {
    const counts = new Array(bins).fill(0);
    for (const r of runs) if (r.method === m && Number.isFinite(r[key])) counts[Math.min(bins - 1, Math.floor((r[key] - lo) / w))]++;
    const x: number[] = [], y: number[] = [];
    for (let b = 0; b < bins; b++) { x.push(lo + b * w, lo + (b + 1) * w); y.push(counts[b], counts[b]); }
    return { name: m, x, y, color: PALETTE[i % PALETTE.length] };
  });
  return linePlotSvg({ title, xLabel, yLabel: 'runs', series, width: 720, height: 400 });
}
writePng(join(imgDir, 'ring-nll-hist.png'), await svgToPng(histogram('nll', 'Ring–square–line, K = 10: NLL of the fitted GMM per random init', 'mean NLL')));
writePng(join(imgDir, 'ring-sw-hist.png'), await svgToPng(histogram('sw', 'Ring–square–line, K = 10: SW_2(fit, data) per random init', 'SW_2 (360 directions)')));

// Ellipses: for every method the first (up to) 3 seeds, one panel each, combined into one PNG.
const panelSeeds = [0, 1, 2];
const panels: Buffer[] = [];
const data2: [number, number][] = rows.map((r) => [r[0], r[1]]);
for (const name of methods) {
  for (const seed of panelSeeds) {
    const r = runs.find((x) => x.method === name && x.seed === seed);
    const ellipses = [];
    if (r?.gmm) {
      const g = r.gmm;
      for (let c = 0; c < g.k; c++) {
        const S = g.covariances[c] as number[][];
        if (g.weights[c] < 1e-3) continue;
        ellipses.push({ cx: g.means[c][0], cy: g.means[c][1], cov: [S[0][0], S[0][1], S[1][1]] as [number, number, number], nSigma: 2, color: '#d62728', width: 1.2 });
      }
    }
    const title = r ? `${name}, seed ${seed}: NLL ${r.nll.toFixed(3)}` : `${name}, seed ${seed}: —`;
    panels.push(await svgToPng(scatterPlotSvg({ title, series: [{ name: 'data', points: data2, color: '#1f77b4', radius: 1.5, opacity: 0.5 }], ellipses, equalAspect: true, width: 300, height: 260, legend: false, xRange: [0, 7], yRange: [-0.5, 3.5] })));
  }
}
const sharp = (await import('sharp')).default;
const cols = panelSeeds.length, rowsN = methods.length, W = 300, H = 260;
const grid = await sharp({ create: { width: W * cols, height: H * rowsN, channels: 3, background: '#ffffff' } })
  .composite(panels.map((p, i) => ({ input: p, left: (i % cols) * W, top: Math.floor(i / cols) * H })))
  .png({ compressionLevel: 9, palette: true }).toBuffer();
writePng(join(imgDir, 'ring-ellipses.png'), grid);
console.log(`\nwrote ${out}, ${imgDir}/ring-{nll-hist,sw-hist,ellipses}.png`);
