/**
 * Linear unmixing study (Alon, Globerson & Wiesel, "On the optimization landscape of MMD", §4.3, Table 1; set-ups of
 * the supplement's §3.2, Tables 7–8). Model Eq. 22: x_i = A b_i + w_i, b_i ~ Dirichlet(1_r), w_i ~ N(0, sigma_w^2 I),
 * d = 10, r = 3, n = 100 observed points; A* ~ U(0, 1)^{d × r} (the paper does not state how A* is drawn; non-negative
 * "reflectances" as in hyperspectral unmixing). Every method starts from VCA (Nascimento & Dias 2005) on X and runs
 * --steps Adam steps (the paper: 5000 epochs); accuracy d(A, A*) of Eq. 23 (min over column permutations of the
 * summed squared column errors), mean (standard deviation) over --trials trials per noise variance:
 *
 *   random   a random A ~ U(0, 1)^{d × r} (the paper's "Random" column; its distribution is not stated)
 *   vca      the VCA estimate itself
 *   mmd1…6   MMD (Eq. 21, src/gmm/distances/mmd-sample.ts) with --fakes fresh generated points x = A b + sigma_w w per step
 *            (sigma_w known), the supplement's Table 7 set-ups (learning rate, bandwidth read as the width sigma^2):
 *            1: 1e-2, 1e-2   2: 1e-2, 1e-1   3: 1e-2, 1   4: 1e-1, 1e-2   5: 1e-1, 1e-1   6: 1e-1, 1
 *   mle      not in the paper (it says MLE needs a high-dimensional integral): the Monte-Carlo likelihood,
 *            log (1/J) sum_j N(x_i; A b_j, sigma_w^2 I) with J = --fakes fresh Dirichlet draws per step, Adam lr --mle-lr
 * The WGAN rows of the paper are out of scope.
 *
 *   nice -n 10 npx tsx scripts/studies/unmixing.ts [--noise 0.001,0.01,0.1] [--trials 5] [--methods mmd1,mmd2,mle]
 *        [--steps 5000] [--fakes 256] [--out FILE] [--img DIR] [--resume | --report | --force]
 *
 * Trials run in order (trial 0 for every noise variance, then trial 1, …), so a stopped run holds whole trials;
 * results are written after every fit (atomically); --resume continues, --report only prints and draws.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli } from '../../src/cli/args.ts';
import { writeFileAtomic } from '../../src/util/output.ts';
import { claimStudyOutputs, studyFileFlags } from '../../src/studies/study-cli.ts';

const SETUPS = { mmd1: [1e-2, 1e-2], mmd2: [1e-2, 1e-1], mmd3: [1e-2, 1], mmd4: [1e-1, 1e-2], mmd5: [1e-1, 1e-1], mmd6: [1e-1, 1] } as const;
const METHODS = [...Object.keys(SETUPS), 'mle'] as const;
const cli = parseCli({
  name: 'study:unmixing',
  usage: 'npx tsx scripts/studies/unmixing.ts [--noise 0.001,0.01,0.1] [--trials 5] [--methods mmd1,mmd2,mle] [--steps 5000] [--out FILE] [--img DIR] [--resume | --report | --force]',
  description: 'Linear unmixing (Alon et al. §4.3, Table 1): accuracy of MMD (Eq. 21) and a Monte-Carlo MLE from a VCA start, against VCA and random.',
  flags: {
    noise: { type: 'list', of: 'number', min: 0, max: 100, default: [0.001, 0.01, 0.1], help: 'noise variances sigma_w^2' },
    trials: { type: 'int', min: 1, max: 10_000, default: 5 },
    methods: { type: 'list', choices: METHODS, default: ['mmd1', 'mmd2', 'mle'], help: 'fitted methods (random and VCA are always reported)' },
    steps: { type: 'int', min: 1, max: 1_000_000, default: 5000 },
    fakes: { type: 'int', min: 2, max: 100_000, default: 256, help: 'generated points (MMD) / Dirichlet draws (MLE) per step' },
    'mle-lr': { type: 'number', min: 1e-9, max: 10, default: 1e-2 },
    d: { type: 'int', min: 2, max: 1000, default: 10 },
    r: { type: 'int', min: 2, max: 8, default: 3 },
    n: { type: 'int', min: 4, max: 1_000_000, default: 100 },
    seed: { type: 'int', min: 0, max: 2 ** 31, default: 0 },
    ...studyFileFlags('docs/results/unmixing.json', 'docs/img/papers'),
  },
});
const args = cli.values;
const FIG = 'unmixing.png';
const { out, imgDir, update } = claimStudyOutputs(cli, [FIG]);

const { Rng } = await import('../../src/util/rng.ts');
const { mmdSample, mmdRealTerm } = await import('../../src/gmm/distances/mmd-sample.ts');
const { createOptimizer } = await import('../../src/gmm/fit/optim.ts');
const { linePlotSvg, svgToPng, PALETTE } = await import('../../src/util/plot.ts');
const { dirichletOnes, endmemberDistance, mcNllGrad, unmixingSample, vca } = await import('../../src/studies/unmixing.ts');
type Points = import('../../src/gmm/model/types.ts').Points;
type Rng = import('../../src/util/rng.ts').Rng;

interface Fit { err: number; seconds: number; trace: number[] }
interface Results { meta: Record<string, unknown>; trials: Record<string, Record<string, Fit>> }
const results: Results = update ? JSON.parse(readFileSync(out, 'utf8')) : {
  meta: {
    paper: 'Alon, Globerson & Wiesel, On the optimization landscape of MMD, §4.3 Table 1, supplement Tables 7-8',
    started: new Date().toISOString(), d: args.d, r: args.r, n: args.n, steps: args.steps, fakes: args.fakes, seed: args.seed,
    setups: SETUPS, mleLr: args['mle-lr'], Astar: 'U(0,1) entries', optimizer: 'adam (beta1 0.9, beta2 0.999), constant rate',
    trace: 'd(A, A*) every steps/20 steps',
  },
  trials: {},
};
if (args.resume) for (const [k, v] of Object.entries({ d: args.d, r: args.r, n: args.n, steps: args.steps, fakes: args.fakes, seed: args.seed })) {
  if (results.meta[k] !== v) throw new Error(`--resume: ${out} was run with ${k} = ${results.meta[k]}, not ${v}`);
}
const save = () => writeFileAtomic(out, JSON.stringify(results, null, 1) + '\n');
const { d, r, n } = args;

/** Adam on A from the VCA start; `gradFn` writes dLoss/dA. Returns the final A and its error trace. */
function descend(A0: Float64Array, Astar: Float64Array, lr: number, gradFn: (A: Float64Array, g: Float64Array) => void): Fit {
  const A = Float64Array.from(A0), g = new Float64Array(d * r);
  const opt = createOptimizer({ name: 'adam', lr }, d * r);
  const every = Math.max(1, Math.floor(args.steps / 20));
  const trace: number[] = [];
  const t = Date.now();
  for (let s = 0; s < args.steps; s++) {
    if (s % every === 0) trace.push(endmemberDistance(A, Astar, d, r).value);
    gradFn(A, g);
    if (!g.every(Number.isFinite)) return { err: NaN, seconds: (Date.now() - t) / 1000, trace };
    opt.step(A, g);
  }
  const err = endmemberDistance(A, Astar, d, r).value;
  trace.push(err);
  return { err, seconds: (Date.now() - t) / 1000, trace };
}

function mmdGrad(X: Points, sigmaW: number, h: number, rng: Rng) {
  const real = mmdRealTerm(X, h);
  const B = new Float64Array(args.fakes * r);
  return (A: Float64Array, g: Float64Array) => {
    // x_i = A b_i + sigma_w w_i, dMMD/dA = sum_i dMMD/dx_i b_i^T
    const Y = new Float64Array(args.fakes * d);
    for (let i = 0; i < args.fakes; i++) {
      dirichletOnes(r, rng, B, i * r);
      for (let t = 0; t < d; t++) {
        let v = 0;
        for (let k = 0; k < r; k++) v += A[t * r + k] * B[i * r + k];
        Y[i * d + t] = v + sigmaW * rng.normal();
      }
    }
    const dX = mmdSample({ n: args.fakes, d, data: Y }, X, h, { grad: true, realTerm: real }).dX!;
    g.fill(0);
    for (let i = 0; i < args.fakes; i++) for (let t = 0; t < d; t++) for (let k = 0; k < r; k++) g[t * r + k] += dX[i * d + t] * B[i * r + k];
  };
}

function mleGrad(X: Points, sigmaW: number, rng: Rng) {
  const draws = new Float64Array(args.fakes * r);
  return (A: Float64Array, g: Float64Array) => {
    for (let j = 0; j < args.fakes; j++) dirichletOnes(r, rng, draws, j * r);
    mcNllGrad(A, X, draws, r, sigmaW, g);
  };
}

async function main() {
  if (!args.report) {
    const total = args.trials * args.noise.length * args.methods.length;
    let done = 0;
    const t0 = Date.now();
    for (let trial = 0; trial < args.trials; trial++) {
      for (const [ni, noise] of args.noise.entries()) {
        const key = `noise=${noise}|trial=${trial}`;
        const rng = new Rng(args.seed * 1_000_003 + trial * 7919 + Math.round(noise * 1e6));
        const Astar = Float64Array.from({ length: d * r }, () => rng.uniform());
        const { X } = unmixingSample(Astar, d, r, n, Math.sqrt(noise), rng);
        const start = vca(X, r, rng.fork()).A;
        const random = Float64Array.from({ length: d * r }, () => rng.uniform());
        const row = (results.trials[key] ??= {});
        row.random ??= { err: endmemberDistance(random, Astar, d, r).value, seconds: 0, trace: [] };
        row.vca ??= { err: endmemberDistance(start, Astar, d, r).value, seconds: 0, trace: [] };
        for (const method of args.methods) {
          done++;
          if (row[method]) continue;
          const mrng = new Rng(args.seed * 1_000_003 + trial * 7919 + ni * 31 + METHODS.indexOf(method) + 17);
          row[method] = method === 'mle'
            ? descend(start, Astar, args['mle-lr'], mleGrad(X, Math.sqrt(noise), mrng))
            : descend(start, Astar, SETUPS[method as keyof typeof SETUPS][0], mmdGrad(X, Math.sqrt(noise), Math.sqrt(SETUPS[method as keyof typeof SETUPS][1]), mrng));
          save();
          process.stdout.write(`\r[${done}/${total}] ${key} ${method}: d(A, A*) ${row[method].err.toFixed(3)} (VCA ${row.vca.err.toFixed(3)}) (${((Date.now() - t0) / 1000).toFixed(0)} s)`.padEnd(100));
        }
      }
    }
    process.stdout.write('\n');
    results.meta.finished = new Date().toISOString();
    save();
  }
  await report();
}

/** The paper's Table 1, MMD row: mean d(A, A*) over 50 trials by noise variance. */
const PAPER_MMD: Record<string, number> = { 0.001: 0.46, 0.01: 0.46, 0.1: 0.5 };

async function report() {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(imgDir, { recursive: true });
  const noises = [...new Set(Object.keys(results.trials).map((k) => Number(k.split('|')[0].slice(6))))].sort((a, b) => a - b);
  const methods = ['random', 'vca', ...METHODS.filter((m) => Object.values(results.trials).some((row) => row[m]))];
  const stats = (m: string, noise: number) => {
    const v = Object.entries(results.trials).filter(([k, row]) => k.startsWith(`noise=${noise}|`) && row[m]).map(([, row]) => row[m].err);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
    return { mean, sd, n: v.length };
  };
  console.log('d(A, A*) (Eq. 23): mean (sd) [trials]');
  console.log(['method'.padEnd(8), ...noises.map((s) => `sigma_w^2 = ${s}`.padStart(24))].join(''));
  for (const m of methods) {
    console.log([m.padEnd(8), ...noises.map((s) => { const st = stats(m, s); return (st.n ? `${st.mean.toFixed(3)} (${st.sd.toFixed(3)}) [${st.n}]` : '-').padStart(24); })].join(''));
  }
  const svg = linePlotSvg({
    title: `Linear unmixing (Alon et al. Table 1), d = ${results.meta.d}, r = ${results.meta.r}, n = ${results.meta.n}: mean d(A, A*)`,
    xLabel: 'log10 noise variance', yLabel: 'd(A, A*) (Eq. 23)', logY: true, width: 760, height: 440,
    series: [
      ...methods.map((m, i) => ({ name: m, x: noises.map((s) => Math.log10(s)), y: noises.map((s) => stats(m, s).mean), color: PALETTE[i % PALETTE.length], markers: true, dashed: m === 'random' || m === 'vca' })),
      { name: 'paper MMD', x: Object.keys(PAPER_MMD).map((s) => Math.log10(Number(s))), y: Object.values(PAPER_MMD), color: '#000000', markers: true, dashed: true },
    ],
  });
  writeFileAtomic(join(imgDir, FIG), await svgToPng(svg));
}

await main();
