/**
 * MMD success-rate study (Alon, Globerson & Wiesel, "On the optimization landscape of MMD", §4.1–4.2, Figs. 4–8;
 * set-ups of their supplement's Tables 2–6). For each parametric model the unknown parameter is recovered from m
 * real samples by three losses, all with Adam as in the paper:
 *
 *   mmd    Eq. 21, n = m fresh generated samples per step (reparameterised: x = g(theta, z)), src/gmm/distances/mmd-sample.ts;
 *   osmmd  the closed form with n = infinity (the library's mmd2Grad against the real points, src/gmm/distances/mmd.ts);
 *   mle    gradient descent on the negative log-likelihood.
 *
 * Experiments (d = --d, default 20; theta* and theta_0 drawn afresh for every repetition, shared by all methods):
 *   mean      N(mu, I), unknown mu; mu*, mu_0 ~ N(0, I); success |mu - mu*| / d < 0.02 (Table 2)
 *   gmm-mean  0.5 N(mu, I) + 0.5 N(-mu, I); mu*, mu_0 ~ N(0, I); success min_sign |mu -+ mu*| / d < 0.02 (Table 3)
 *   cov       N(0, a a^T + eps^2 I), eps = 1e-5, unknown a; a*, a_0 ~ N(0, I / d); success |a a^T - a* a*^T|_F / d <= 0.05
 *             (Table 4)
 *   gmm-cov   0.5 sum_{z = +-1} N(z mu, a a^T + eps^2 I), mu ~ N(0, I) and eps = 1e-5 known; success as cov with 0.1
 *             (Table 5)
 *   eps       the cov model at one m (--eps-m) over an eps grid, OSMMD vs MLE with Table 6's settings
 * Widths: 'paper' = the table's bandwidth, read as the paper's width sigma^2 (k = exp(-|x-y|^2 / (2 sigma^2)));
 * 'median' = the median heuristic on the real sample (h = median pairwise distance, sigma^2 = h^2).
 *
 *   nice -n 10 npx tsx scripts/studies/mmd-success.ts [--exps mean,gmm-mean,cov,gmm-cov,eps] [--m 32,64,128,256]
 *        [--reps 10] [--reps-large 5] [--large-m 128] [--widths paper,median] [--mmd-widths paper] [--d 20]
 *        [--out FILE] [--img DIR] [--resume | --report | --force]
 *
 * Cells run cheapest first (a stopped run holds the small-m end of every experiment).
 *
 * Results go to the JSON after every repetition (atomic write); --resume continues, --report only redraws.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCli } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic, claimOutputDir } from '../../src/util/output.ts';
import { repoRoot } from '../../src/util/paths.ts';

const EXPS = ['mean', 'gmm-mean', 'cov', 'gmm-cov', 'eps'] as const;
type Exp = (typeof EXPS)[number];
const cli = parseCli({
  name: 'study:mmd-success',
  usage: 'npx tsx scripts/studies/mmd-success.ts [--exps mean,...] [--m 32,64,...] [--reps 20] [--widths paper,median] [--out FILE] [--img DIR] [--resume | --report | --force]',
  description: 'Success rate of MMD (Eq. 21), OSMMD (closed form) and MLE against the number of samples m, Alon et al. §4.1–4.2.',
  flags: {
    exps: { type: 'list', choices: EXPS, default: [...EXPS], help: 'experiments to run' },
    m: { type: 'list', of: 'int', min: 4, max: 100_000, help: 'real sample sizes m (n = m generated); default per experiment: 32,64,128,256 (means), 4,16,64 (covariances)' },
    reps: { type: 'int', min: 1, max: 10_000, default: 10, help: 'repetitions per cell' },
    'reps-large': { type: 'int', min: 1, max: 10_000, default: 5, help: 'repetitions per MMD (Eq. 21) cell with m >= --large-m (O(m^2) per step)' },
    'large-m': { type: 'int', min: 4, max: 100_000, default: 128 },
    widths: { type: 'list', choices: ['paper', 'median'], default: ['paper', 'median'], help: 'widths of OSMMD' },
    'mmd-widths': { type: 'list', choices: ['paper', 'median'], default: ['paper'], help: 'widths of MMD (Eq. 21)' },
    methods: { type: 'list', choices: ['mmd', 'osmmd', 'mle'], default: ['mmd', 'osmmd', 'mle'] },
    d: { type: 'int', min: 1, max: 1000, default: 20, help: 'dimension' },
    'eps-m': { type: 'int', min: 4, max: 100_000, default: 64, help: 'm of the eps comparison' },
    'eps-grid': { type: 'list', of: 'number', min: 0, default: [1e-5, 1e-3, 1e-1, 1], help: 'eps values of the eps comparison' },
    'eps-reps': { type: 'int', min: 1, max: 10_000, default: 5 },
    seed: { type: 'int', min: 0, max: 2 ** 31, default: 0 },
    out: { type: 'string', meta: 'FILE', default: 'docs/results/mmd-success.json', help: 'results JSON (relative to the repository)' },
    img: { type: 'string', meta: 'DIR', default: 'docs/img/mmd', help: 'figures folder' },
    resume: { type: 'boolean', help: 'continue the runs in --out' },
    report: { type: 'boolean', help: 'only print the tables and draw the figures from --out' },
    force: { type: 'boolean', help: 'replace an existing --out / figures' },
  },
});
const args = cli.values;
const out = resolve(repoRoot, args.out);
const imgDir = resolve(repoRoot, args.img);
const update = args.resume || args.report;
claimOutput(out, { explicit: cli.given.has('out'), force: args.force, update });
const FIGS = [...EXPS.filter((e) => e !== 'eps').map((e) => `success-${e}.png`), 'success-eps.png'];
claimOutputDir(imgDir, FIGS, { flag: '--img', explicit: cli.given.has('img'), force: args.force, update });
if (args.report && !existsSync(out)) throw new Error(`--report: no results file at ${out}`);

const { Rng } = await import('../../src/util/rng.ts');
type Rng = import('../../src/util/rng.ts').Rng;
const { mmdSample, mmdRealTerm } = await import('../../src/gmm/distances/mmd-sample.ts');
const { mmd2GradUnchecked, medianHeuristic } = await import('../../src/gmm/distances/mmd.ts');
const { createOptimizer } = await import('../../src/gmm/fit/optim.ts');
const { linePlotSvg, svgToPng, PALETTE } = await import('../../src/util/plot.ts');
const { meanModel, covModel } = await import('../../src/studies/mmd-models.ts');
type Points = import('../../src/gmm/model/types.ts').Points;
type Model = import('../../src/studies/mmd-models.ts').Model;

// ---------------------------------------------------------------------------------------------------------------
// Settings (supplement Tables 2–6) and one run
// ---------------------------------------------------------------------------------------------------------------

type Method = 'mmd' | 'osmmd' | 'mle';
interface Setting { lr: number; iters: number; width2?: number }
const TABLES: Record<Exclude<Exp, 'eps'>, Record<Method, Setting>> = {
  mean: { mmd: { lr: 0.1, iters: 500, width2: 10 }, osmmd: { lr: 0.1, iters: 500, width2: 10 }, mle: { lr: 0.1, iters: 500 } },
  'gmm-mean': { mmd: { lr: 0.1, iters: 1000, width2: 10 }, osmmd: { lr: 0.1, iters: 1000, width2: 10 }, mle: { lr: 0.1, iters: 1000 } },
  cov: { mmd: { lr: 0.1, iters: 1000, width2: 100 }, osmmd: { lr: 0.1, iters: 1000, width2: 10 }, mle: { lr: 0.1, iters: 1000 } },
  'gmm-cov': { mmd: { lr: 0.01, iters: 1000, width2: 10 }, osmmd: { lr: 0.1, iters: 1000, width2: 10 }, mle: { lr: 0.1, iters: 1000 } },
};
const EPS_SETTING: Record<'osmmd' | 'mle', Setting> = { osmmd: { lr: 10, iters: 5000, width2: 1e4 }, mle: { lr: 0.1, iters: 10000 } };
const COV_EPS = 1e-5;
const DEFAULT_M: Record<Exclude<Exp, 'eps'>, number[]> = { mean: [32, 64, 128, 256], 'gmm-mean': [32, 64, 128, 256], cov: [4, 16, 64], 'gmm-cov': [4, 16, 64] };

const d = args.d;
const expCode = (e: string) => [...e].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);

/** Truth, start, extra known parameter (mu of gmm-cov) and the real sample of repetition `rep`: shared by all methods. */
function problem(exp: Exclude<Exp, 'eps'> | 'eps', m: number, rep: number, eps = COV_EPS) {
  const rng = new Rng(args.seed * 1_000_003 + expCode(exp) * 7919 + rep * 104_729 + m);
  const normals = (s: number) => Float64Array.from({ length: d }, () => s * rng.normal());
  const isCov = exp === 'cov' || exp === 'gmm-cov' || exp === 'eps';
  const truth = normals(isCov ? 1 / Math.sqrt(d) : 1);
  const start = normals(isCov ? 1 / Math.sqrt(d) : 1);
  const mu = exp === 'gmm-cov' ? normals(1) : null;
  const model = exp === 'mean' ? meanModel(d, false) : exp === 'gmm-mean' ? meanModel(d, true)
    : covModel(d, exp === 'eps' ? eps : COV_EPS, mu, exp === 'gmm-cov' ? 0.1 : 0.05);
  const Y = model.sample(truth, m, rng.fork()).X;
  return { model, truth, start, Y, rng };
}

function run(model: Model, Y: Points, start: Float64Array, method: Method, s: Setting, h: number, rng: Rng): Float64Array {
  const theta = Float64Array.from(start);
  const grad = new Float64Array(model.p);
  const opt = createOptimizer({ name: 'adam', lr: s.lr }, model.p);
  const real = method === 'mmd' ? mmdRealTerm(Y, h) : 0;
  for (let it = 0; it < s.iters; it++) {
    if (method === 'mle') model.nllGrad(theta, Y, grad);
    else if (method === 'osmmd') model.chainGMM(theta, mmd2GradUnchecked(model.gmm(theta), Y, h, 0), grad);
    else {
      const { X, c } = model.sample(theta, Y.n, rng);
      const dX = mmdSample(X, Y, h, { grad: true, realTerm: real }).dX!;
      grad.fill(0);
      for (let i = 0; i < X.n; i++) for (let t = 0; t < d; t++) grad[t] += c[i] * dX[i * d + t];
    }
    for (let t = 0; t < model.p; t++) if (!Number.isFinite(grad[t])) return theta.fill(NaN);
    opt.step(theta, grad);
  }
  return theta;
}

// ---------------------------------------------------------------------------------------------------------------
// Results file, loop with progress, report
// ---------------------------------------------------------------------------------------------------------------

interface RepResult { rep: number; err: number; ok: boolean; seconds: number; width2: number | null }
interface Results { meta: Record<string, unknown>; cells: Record<string, RepResult[]> }
const results: Results = update ? JSON.parse(readFileSync(out, 'utf8')) : { meta: {}, cells: {} };
if (!update) {
  results.meta = {
    paper: 'Alon, Globerson & Wiesel, On the optimization landscape of MMD, §4.1–4.2, supplement Tables 2–6',
    started: new Date().toISOString(), d, seed: args.seed, covEps: COV_EPS, tables: TABLES, epsSetting: EPS_SETTING,
    optimizer: 'adam (beta1 0.9, beta2 0.999), constant learning rate, as the paper', n: 'n = m generated samples per step (Eq. 21)',
    widths: "paper: the table's bandwidth read as sigma^2; median: sigma = median pairwise distance of the real sample",
  };
}
const save = () => writeFileAtomic(out, JSON.stringify(results, null, 1) + '\n');
const cellKey = (exp: string, method: string, width: string, m: number, eps?: number) =>
  `${exp}|${method}|${width}|m=${m}${eps === undefined ? '' : `|eps=${eps}`}`;

async function main() {
  if (!args.report) {
    const jobs: { exp: Exp; method: Method; width: string; m: number; reps: number; eps?: number }[] = [];
    for (const exp of args.exps) {
      if (exp === 'eps') {
        for (const eps of args['eps-grid']) for (const method of ['osmmd', 'mle'] as const) jobs.push({ exp, method, width: method === 'mle' ? '-' : 'paper', m: args['eps-m'], reps: args['eps-reps'], eps });
        continue;
      }
      for (const m of args.m ?? DEFAULT_M[exp]) for (const method of args.methods as Method[]) {
        const widths = method === 'mle' ? ['-'] : method === 'mmd' ? args['mmd-widths'] : args.widths;
        for (const width of widths) jobs.push({ exp, method, width, m, reps: method === 'mmd' && m >= args['large-m'] ? args['reps-large'] : args.reps });
      }
    }
    // Cheapest cells first, so that a stopped run has the small-m end of every experiment.
    const cost = (j: (typeof jobs)[number]) => {
      const s = j.exp === 'eps' ? EPS_SETTING[j.method as 'osmmd' | 'mle'] : TABLES[j.exp][j.method];
      return s.iters * (j.method === 'mmd' ? 1.5 * j.m * j.m * d : j.method === 'osmmd' ? 4 * j.m * d * d : 2 * j.m * d);
    };
    jobs.sort((a, b) => cost(a) - cost(b));
    const total = jobs.reduce((s, j) => s + j.reps, 0);
    let done = 0;
    const t0 = Date.now();
    for (const j of jobs) {
      const key = cellKey(j.exp, j.method, j.width, j.m, j.eps);
      const cell = (results.cells[key] ??= []);
      for (let rep = 0; rep < j.reps; rep++) {
        done++;
        if (cell.some((r) => r.rep === rep)) continue;
        const { model, truth, start, Y, rng } = problem(j.exp, j.m, rep, j.eps);
        const s = j.exp === 'eps' ? EPS_SETTING[j.method as 'osmmd' | 'mle'] : TABLES[j.exp][j.method];
        const h = j.width === 'median' ? medianHeuristic(Y, { maxPoints: 1000, seed: rep }) : Math.sqrt(s.width2 ?? 1);
        const t = Date.now();
        const theta = run(model, Y, start, j.method, s, h, rng.fork());
        const err = model.error(theta, truth);
        cell.push({ rep, err, ok: err <= model.threshold, seconds: (Date.now() - t) / 1000, width2: j.method === 'mle' ? null : h * h });
        save();
        const el = (Date.now() - t0) / 1000;
        process.stdout.write(`\r[${done}/${total}] ${key} rep ${rep} err ${err.toExponential(2)} ${err <= model.threshold ? 'ok  ' : 'fail'} (${el.toFixed(0)} s)   `);
      }
    }
    process.stdout.write('\n');
    results.meta.finished = new Date().toISOString();
    save();
  }
  await report();
}

async function report() {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(imgDir, { recursive: true });
  const cells = results.cells;
  const parse = (k: string) => { const [exp, method, width, m, eps] = k.split('|'); return { exp, method, width, m: Number(m.slice(2)), eps: eps ? Number(eps.slice(4)) : undefined }; };
  const rate = (rs: RepResult[]) => rs.filter((r) => r.ok).length / rs.length;
  for (const exp of EXPS) {
    const keys = Object.keys(cells).filter((k) => parse(k).exp === exp && cells[k].length > 0);
    if (keys.length === 0) continue;
    const series = new Map<string, { x: number[]; y: number[]; n: number[] }>();
    for (const k of keys) {
      const p = parse(k);
      const name = p.method === 'mle' ? 'MLE' : `${p.method === 'mmd' ? 'MMD (Eq. 21)' : 'OSMMD'}, ${p.width === 'paper' ? 'paper width' : 'median heuristic'}`;
      const s = series.get(name) ?? { x: [], y: [], n: [] };
      s.x.push(exp === 'eps' ? Math.log10(p.eps!) : Math.log2(p.m)); s.y.push(rate(cells[k])); s.n.push(cells[k].length);
      series.set(name, s);
    }
    console.log(`\n${exp}: success rate (repetitions)`);
    const xs = [...new Set([...series.values()].flatMap((s) => s.x))].sort((a, b) => a - b);
    console.log(['method'.padEnd(34), ...xs.map((x) => (exp === 'eps' ? `eps=1e${x}` : `m=${2 ** x}`).padStart(12))].join(''));
    const lines = [...series.entries()].sort();
    for (const [name, s] of lines) {
      const row = xs.map((x) => { const i = s.x.indexOf(x); return (i < 0 ? '-' : `${(100 * s.y[i]).toFixed(0)}% (${s.n[i]})`).padStart(12); });
      console.log([name.padEnd(34), ...row].join(''));
    }
    const svg = linePlotSvg({
      title: exp === 'eps' ? `cov model, m = ${parse(keys[0]).m}, d = ${results.meta.d}: success vs eps (Table 6 settings)` : `${exp}, d = ${results.meta.d}: success rate vs m`,
      xLabel: exp === 'eps' ? 'log10 eps' : 'log2 m', yLabel: 'success rate', yRange: [0, 1.05],
      series: lines.map(([name, s], i) => {
        const order = s.x.map((_, j) => j).sort((a, b) => s.x[a] - s.x[b]);
        return { name, x: order.map((j) => s.x[j]), y: order.map((j) => s.y[j]), color: PALETTE[i % PALETTE.length], markers: true, dashed: name.includes('median') };
      }),
    });
    writeFileAtomic(join(imgDir, `success-${exp}.png`), await svgToPng(svg));
  }
}

await main();
