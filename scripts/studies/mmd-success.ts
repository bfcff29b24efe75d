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
 * 'median' = the median heuristic on the real sample (h = median pairwise distance, sigma^2 = h^2);
 * 'holdout' = the paper's own rule (its footnote 3: "chosen via holdout from range of powers of ten"), made concrete
 * here as one width per experiment and method: on --holdout-reps pilot problems (their own seeds, m = --holdout-m)
 * the real sample is split (1 - --holdout-frac) / --holdout-frac, each sigma^2 of --holdout-grid is fitted on the
 * first part, and the fit is scored by the closed-form squared MMD (the library's mmd2) between the fitted model and
 * the held-out part at the median-heuristic width of the fitting part (one judge for every candidate); the width
 * with the lowest mean score is used for every m. When it is the table's width the 'paper' cells stand for it.
 *
 *   nice -n 10 npx tsx scripts/studies/mmd-success.ts [--exps mean,gmm-mean,cov,gmm-cov,eps] [--m 32,64,128,256]
 *        [--reps 10] [--reps-large 5] [--large-m 128] [--mmd-max-m 512] [--widths paper,median,holdout]
 *        [--mmd-widths paper,holdout] [--d 20] [--out FILE] [--img DIR] [--resume | --report | --force]
 *
 * Cells run cheapest first (a stopped run holds the small-m end of every experiment); the hold-out pilots of the
 * experiments run (resumably) before the cells.
 *
 * Results go to the JSON after every repetition (atomic write); --resume continues, --report only redraws.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli } from '../../src/cli/args.ts';
import { writeFileAtomic } from '../../src/util/output.ts';
import { claimStudyOutputs, studyFileFlags } from '../../src/studies/study-cli.ts';

const EXPS = ['mean', 'gmm-mean', 'cov', 'gmm-cov', 'eps'] as const;
type Exp = (typeof EXPS)[number];
const WIDTHS = ['paper', 'median', 'holdout'] as const;
const cli = parseCli({
  name: 'study:mmd-success',
  usage: 'npx tsx scripts/studies/mmd-success.ts [--exps mean,...] [--m 32,64,...] [--reps 10] [--widths paper,median,holdout] [--out FILE] [--img DIR] [--resume | --report | --force]',
  description: 'Success rate of MMD (Eq. 21), OSMMD (closed form) and MLE against the number of samples m, Alon et al. §4.1–4.2.',
  flags: {
    exps: { type: 'list', choices: EXPS, default: [...EXPS], help: 'experiments to run' },
    m: { type: 'list', of: 'int', min: 4, max: 100_000, help: 'real sample sizes m (n = m generated); default per experiment: 32,...,1024 (means), 4,16,64,256 (covariances)' },
    reps: { type: 'int', min: 1, max: 10_000, default: 10, help: 'repetitions per cell' },
    'reps-large': { type: 'int', min: 1, max: 10_000, default: 5, help: 'repetitions per MMD (Eq. 21) cell with m >= --large-m (O(m^2) per step)' },
    'large-m': { type: 'int', min: 4, max: 100_000, default: 128 },
    'mmd-max-m': { type: 'int', min: 4, max: 100_000, default: 512, help: 'largest m of the MMD (Eq. 21) cells (O(m^2 d) per step)' },
    widths: { type: 'list', choices: WIDTHS, default: [...WIDTHS], help: 'widths of OSMMD' },
    'mmd-widths': { type: 'list', choices: WIDTHS, default: ['paper', 'holdout'], help: 'widths of MMD (Eq. 21)' },
    'holdout-grid': { type: 'list', of: 'number', min: 1e-12, default: [0.1, 1, 10, 100, 1000], help: 'candidate widths sigma^2 of the hold-out choice' },
    'holdout-m': { type: 'int', min: 8, max: 100_000, default: 64, help: 'real sample size of the hold-out pilots' },
    'holdout-reps': { type: 'int', min: 1, max: 1000, default: 3, help: 'pilot problems per experiment and method' },
    'holdout-frac': { type: 'number', min: 0.05, max: 0.95, default: 0.25, help: 'held-out fraction of the real sample' },
    methods: { type: 'list', choices: ['mmd', 'osmmd', 'mle'], default: ['mmd', 'osmmd', 'mle'] },
    d: { type: 'int', min: 1, max: 1000, default: 20, help: 'dimension' },
    'eps-m': { type: 'int', min: 4, max: 100_000, default: 64, help: 'm of the eps comparison' },
    'eps-grid': { type: 'list', of: 'number', min: 0, default: [1e-5, 1e-3, 1e-1, 1], help: 'eps values of the eps comparison' },
    'eps-reps': { type: 'int', min: 1, max: 10_000, default: 5 },
    seed: { type: 'int', min: 0, max: 2 ** 31, default: 0 },
    ...studyFileFlags('docs/results/mmd-success.json', 'docs/img/mmd'),
  },
});
const args = cli.values;
const FIGS = [...EXPS.filter((e) => e !== 'eps').map((e) => `success-${e}.png`), 'success-eps.png'];
const { out, imgDir, update } = claimStudyOutputs(cli, FIGS);

const { Rng } = await import('../../src/util/rng.ts');
type Rng = import('../../src/util/rng.ts').Rng;
const { mmdSample, mmdRealTerm } = await import('../../src/gmm/distances/mmd-sample.ts');
const { mmd2, mmd2GradUnchecked, medianHeuristic } = await import('../../src/gmm/distances/mmd.ts');
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
/** Success thresholds of §4.1–4.2 (the mean models' 0.02 is also in meanModel). */
const THRESHOLD: Record<Exclude<Exp, 'eps'>, number> = { mean: 0.02, 'gmm-mean': 0.02, cov: 0.05, 'gmm-cov': 0.1 };
const MEANS_M = [32, 64, 128, 256, 512, 1024], COV_M = [4, 16, 64, 256];
const DEFAULT_M: Record<Exclude<Exp, 'eps'>, number[]> = { mean: MEANS_M, 'gmm-mean': MEANS_M, cov: COV_M, 'gmm-cov': COV_M };

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
    : covModel(d, exp === 'eps' ? eps : COV_EPS, mu, THRESHOLD[exp === 'eps' ? 'cov' : exp]);
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
interface HoldoutRep { rep: number; width2: number; score: number; err: number }
interface Results { meta: Record<string, unknown>; cells: Record<string, RepResult[]>; holdout?: Record<string, HoldoutRep[]> }
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

// ---------------------------------------------------------------------------------------------------------------
// Hold-out choice of the width (the paper's footnote 3)
// ---------------------------------------------------------------------------------------------------------------

const holdoutKey = (exp: string, method: string) => `${exp}|${method}`;
const HOLDOUT_REP0 = 1_000_000; // pilot problems get repetition indices of their own (never a success-rate problem)

/** Runs the missing pilot fits of (exp, method) and returns the chosen sigma^2 (lowest mean held-out score). */
function holdoutWidth(exp: Exclude<Exp, 'eps'>, method: 'mmd' | 'osmmd', progress: (msg: string) => void): number {
  const list = ((results.holdout ??= {})[holdoutKey(exp, method)] ??= []);
  const s = TABLES[exp][method];
  for (let rep = 0; rep < args['holdout-reps']; rep++) {
    const { model, truth, start, Y, rng } = problem(exp, args['holdout-m'], HOLDOUT_REP0 + rep);
    const nFit = Math.round(Y.n * (1 - args['holdout-frac']));
    const fitPart: Points = { n: nFit, d, data: Y.data.slice(0, nFit * d) };
    const held: Points = { n: Y.n - nFit, d, data: Y.data.slice(nFit * d) };
    const judge = medianHeuristic(fitPart, { maxPoints: 1000, seed: rep });
    for (const width2 of args['holdout-grid']) {
      const fitRng = rng.fork(); // forked for every width, run or not, so a resumed pilot draws what a whole one does
      if (list.some((r) => r.rep === rep && r.width2 === width2)) continue;
      const theta = run(model, fitPart, start, method, s, Math.sqrt(width2), fitRng);
      const score = theta.every(Number.isFinite) ? mmd2(model.gmm(theta), held, { bandwidth: judge }) : Infinity;
      list.push({ rep, width2, score, err: model.error(theta, truth) });
      save();
      progress(`holdout ${exp} ${method} rep ${rep} sigma^2 ${width2}: held-out MMD^2 ${score.toExponential(3)}`);
    }
  }
  return chooseWidth(list);
}

function chooseWidth(list: HoldoutRep[]): number {
  const grid = [...new Set(list.map((r) => r.width2))].sort((a, b) => a - b);
  const mean = (w: number) => { const rs = list.filter((r) => r.width2 === w); return rs.reduce((a, r) => a + r.score, 0) / rs.length; };
  return grid.reduce((best, w) => (mean(w) < mean(best) ? w : best), grid[0]);
}

async function main() {
  if (!args.report) {
    const t0 = Date.now();
    const progress = (msg: string) => process.stdout.write(`\r${msg} (${((Date.now() - t0) / 1000).toFixed(0)} s)`.padEnd(110));
    const jobs: { exp: Exp; method: Method; width: string; width2?: number; m: number; reps: number; eps?: number }[] = [];
    for (const exp of args.exps) {
      if (exp === 'eps') {
        for (const eps of args['eps-grid']) for (const method of ['osmmd', 'mle'] as const) jobs.push({ exp, method, width: method === 'mle' ? '-' : 'paper', m: args['eps-m'], reps: args['eps-reps'], eps });
        continue;
      }
      for (const method of args.methods as Method[]) {
        const widths = method === 'mle' ? ['-'] : method === 'mmd' ? args['mmd-widths'] : args.widths;
        for (const width of widths) {
          let width2: number | undefined;
          if (width === 'holdout') {
            width2 = holdoutWidth(exp, method as 'mmd' | 'osmmd', progress);
            if (width2 === TABLES[exp][method].width2) {
              console.log(`\n${exp} ${method}: the hold-out choice is the table's width sigma^2 = ${width2}; its cells are the 'paper' cells`);
              continue;
            }
            console.log(`\n${exp} ${method}: hold-out chooses sigma^2 = ${width2} (table: ${TABLES[exp][method].width2})`);
          }
          for (const m of args.m ?? DEFAULT_M[exp]) {
            if (method === 'mmd' && m > args['mmd-max-m']) continue;
            jobs.push({ exp, method, width, width2, m, reps: method === 'mmd' && m >= args['large-m'] ? args['reps-large'] : args.reps });
          }
        }
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
    for (const j of jobs) {
      const key = cellKey(j.exp, j.method, j.width, j.m, j.eps);
      const cell = (results.cells[key] ??= []);
      for (let rep = 0; rep < j.reps; rep++) {
        done++;
        if (cell.some((r) => r.rep === rep)) continue;
        const { model, truth, start, Y, rng } = problem(j.exp, j.m, rep, j.eps);
        const s = j.exp === 'eps' ? EPS_SETTING[j.method as 'osmmd' | 'mle'] : TABLES[j.exp][j.method];
        const h = j.width === 'median' ? medianHeuristic(Y, { maxPoints: 1000, seed: rep }) : Math.sqrt(j.width2 ?? s.width2 ?? 1);
        const t = Date.now();
        const theta = run(model, Y, start, j.method, s, h, rng.fork());
        const err = model.error(theta, truth);
        cell.push({ rep, err, ok: err <= model.threshold, seconds: (Date.now() - t) / 1000, width2: j.method === 'mle' ? null : h * h });
        save();
        progress(`[${done}/${total}] ${key} rep ${rep} err ${err.toExponential(2)} ${err <= model.threshold ? 'ok  ' : 'fail'}`);
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
  if (results.holdout) {
    console.log(`\nHold-out widths (mean held-out MMD^2 over pilots, m = ${args['holdout-m']}; * = chosen; table width in brackets)`);
    for (const [key, list] of Object.entries(results.holdout)) {
      const [exp, method] = key.split('|') as [Exclude<Exp, 'eps'>, 'mmd' | 'osmmd'];
      const grid = [...new Set(list.map((r) => r.width2))].sort((a, b) => a - b);
      const chosen = chooseWidth(list);
      const cellsText = grid.map((w) => {
        const rs = list.filter((r) => r.width2 === w);
        const score = rs.reduce((a, r) => a + r.score, 0) / rs.length;
        return `${w === chosen ? '*' : ' '}${w}: ${score.toExponential(2)} (${rs.filter((r) => r.err <= THRESHOLD[exp]).length}/${rs.length} ok)`;
      });
      console.log(`  ${key.padEnd(16)} [${TABLES[exp]?.[method]?.width2}] ${cellsText.join('  ')}`);
    }
  }
  for (const exp of EXPS) {
    const keys = Object.keys(cells).filter((k) => parse(k).exp === exp && cells[k].length > 0);
    if (keys.length === 0) continue;
    const series = new Map<string, { x: number[]; y: number[]; n: number[] }>();
    for (const k of keys) {
      const p = parse(k);
      const w2 = Number(cells[k][0]?.width2?.toPrecision(3));
      const wName = p.width === 'paper' ? `σ²=${w2} table` : p.width === 'median' ? 'median' : `σ²=${w2} h-o`;
      const name = p.method === 'mle' ? 'MLE' : `${p.method === 'mmd' ? 'MMD' : 'OSMMD'} ${wName}`;
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
