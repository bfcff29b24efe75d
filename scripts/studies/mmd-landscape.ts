/**
 * MMD landscapes of Alon, Globerson & Wiesel (Figs. 1–3), from the library's closed-form MMD² (src/gmm/distances/mmd.ts),
 * for several widths sigma^2 (k = exp(-|x-y|^2 / (2 sigma^2))) and the median heuristic:
 *
 *   Fig. 1  N(mu, 1) against N(0, 1), over mu                         (Eq. 3)
 *   Fig. 2  N(0, a^2 + eps^2) against N(0, 1 + eps^2), over a, eps = 0.01  (Eq. 7; the paper's eps is not stated)
 *   Fig. 3  0.5 N(mu, 1) + 0.5 N(-mu, 1) against the same with mu* = 25, over mu  (Eq. 14)
 *
 * Each curve is checked against the paper's closed form (Eqs. 3, 7, 14) and the largest difference printed; for
 * Fig. 3 the points in (0, mu*) where |dMMD/dmu| has a local minimum (the paper's "inflection points" near +-8.5 for
 * sigma^2 = 10) are listed. The median heuristic is taken on 2000 samples of the target.
 *
 *   npx tsx scripts/studies/mmd-landscape.ts [--out docs/results/mmd-landscape.json] [--img docs/img/mmd] [--force]
 */
import { join, resolve } from 'node:path';
import { parseCli } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic, claimOutputDir } from '../../src/util/output.ts';
import { repoRoot } from '../../src/util/paths.ts';

const cli = parseCli({
  name: 'study:mmd-landscape',
  usage: 'npx tsx scripts/studies/mmd-landscape.ts [--out FILE] [--img DIR] [--force]',
  description: 'Closed-form MMD landscapes of Alon et al. Figs. 1–3 for several widths.',
  flags: {
    widths: { type: 'list', of: 'number', min: 1e-6, default: [0.1, 1, 10, 100, 1000], help: 'widths sigma^2' },
    out: { type: 'string', meta: 'FILE', default: 'docs/results/mmd-landscape.json' },
    img: { type: 'string', meta: 'DIR', default: 'docs/img/mmd' },
    force: { type: 'boolean', help: 'replace existing results' },
  },
});
const args = cli.values;
const out = claimOutput(resolve(repoRoot, args.out), { explicit: cli.given.has('out'), force: args.force });
const imgDir = resolve(repoRoot, args.img);
const FIGS = ['landscape-mean.png', 'landscape-cov.png', 'landscape-gmm.png'];
claimOutputDir(imgDir, FIGS, { flag: '--img', explicit: cli.given.has('img'), force: args.force });

const { mmd2, medianHeuristic } = await import('../../src/gmm/distances/mmd.ts');
const { GMM } = await import('../../src/gmm/model/gmm.ts');
const { linePlotSvg, svgToPng, PALETTE } = await import('../../src/util/plot.ts');
type GMMParams = import('../../src/gmm/model/types.ts').GMMParams;

const gauss1 = (means: number[], vars: number[]): GMMParams => ({
  k: means.length, d: 1, covarianceType: 'full', weights: new Float64Array(means.length).fill(1 / means.length),
  means: Float64Array.from(means), covariances: Float64Array.from(vars),
});
const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
const EPS = 0.01, MU_STAR = 25;

interface Panel {
  name: string; title: string; xLabel: string; xs: number[];
  model: (x: number) => GMMParams; target: GMMParams;
  /** The paper's closed form at width s2. */
  paper: (x: number, s2: number) => number;
}
const panels: Panel[] = [
  {
    name: 'mean', title: 'Fig. 1: N(mu, 1) vs N(0, 1)', xLabel: 'mu', xs: grid(-10, 10, 401),
    model: (mu) => gauss1([mu], [1]), target: gauss1([0], [1]),
    paper: (mu, s2) => (2 / Math.sqrt(2 / s2 + 1)) * (1 - Math.exp(-(0.5 / s2) * (mu * mu) / (2 / s2 + 1))),
  },
  {
    name: 'cov', title: `Fig. 2: N(0, a^2 + eps^2) vs N(0, 1 + eps^2), eps = ${EPS}`, xLabel: 'a', xs: grid(-5, 5, 401),
    model: (a) => gauss1([0], [a * a + EPS * EPS]), target: gauss1([0], [1 + EPS * EPS]),
    paper: (a, s2) => 1 / Math.sqrt((2 * a * a + 2 * EPS * EPS) / s2 + 1) + 1 / Math.sqrt((2 + 2 * EPS * EPS) / s2 + 1)
      - 2 / Math.sqrt((a * a + 1 + 2 * EPS * EPS) / s2 + 1),
  },
  {
    name: 'gmm', title: `Fig. 3: symmetric 2-GMM, mu* = ${MU_STAR}`, xLabel: 'mu', xs: grid(-60, 60, 1201),
    model: (mu) => gauss1([mu, -mu], [1, 1]), target: gauss1([MU_STAR, -MU_STAR], [1, 1]),
    paper: (mu, s2) => {
      const c = 2 + s2, e = (v: number) => Math.exp(-0.5 * v * v / c);
      return 0.5 * Math.sqrt(s2 / c) * (e(2 * mu) + 1 + e(2 * MU_STAR) + 1 - 2 * e(mu - MU_STAR) - 2 * e(mu + MU_STAR));
    },
  },
];

const results: Record<string, unknown> = { paper: 'Alon, Globerson & Wiesel, Figs. 1–3', date: new Date().toISOString(), eps: EPS, muStar: MU_STAR, panels: {} };
for (const p of panels) {
  const sample = new GMM(p.target).sample(2000, 1).points;
  const hMed = medianHeuristic(sample, { maxPoints: 2000, seed: 1 });
  const widths = [...args.widths.map((s2) => ({ name: `sigma^2 = ${s2}`, s2 })), { name: `median heuristic (sigma^2 = ${(hMed * hMed).toFixed(2)})`, s2: hMed * hMed }];
  const curves: Record<string, number[]> = {};
  let maxDiff = 0;
  const flats: Record<string, number[]> = {};
  for (const w of widths) {
    const ys = p.xs.map((x) => mmd2(p.model(x), p.target, { bandwidth: Math.sqrt(w.s2) }));
    for (let i = 0; i < ys.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ys[i] - p.paper(p.xs[i], w.s2)));
    curves[w.name] = ys;
    if (p.name === 'gmm') {
      // local minima of |dMMD/dmu| strictly inside (0, mu*): flat stretches on the way to the minimum
      const g = ys.map((_, i) => (i === 0 || i === ys.length - 1 ? NaN : Math.abs(ys[i + 1] - ys[i - 1])));
      flats[w.name] = p.xs.filter((x, i) => x > 0.5 && x < MU_STAR - 0.5 && g[i] < g[i - 1] && g[i] < g[i + 1]);
    }
  }
  console.log(`${p.name}: library closed form vs the paper's equation: max |difference| = ${maxDiff.toExponential(2)}`);
  if (p.name === 'gmm') for (const [k, v] of Object.entries(flats)) console.log(`  ${k}: local minima of |gradient| in (0, ${MU_STAR}) at mu = ${v.join(', ') || 'none'}`);
  (results.panels as Record<string, unknown>)[p.name] = { title: p.title, xs: p.xs, curves, maxDiffToPaper: maxDiff, medianHeuristicSigma2: hMed * hMed, flatPoints: p.name === 'gmm' ? flats : undefined };
  const svg = linePlotSvg({
    title: p.title, xLabel: p.xLabel, yLabel: 'MMD² (closed form)', width: 720, height: 420,
    series: widths.map((w, i) => ({ name: w.name, x: p.xs, y: curves[w.name], color: PALETTE[i % PALETTE.length], dashed: w.name.startsWith('median') })),
  });
  writeFileAtomic(join(imgDir, `landscape-${p.name}.png`), await svgToPng(svg));
}
writeFileAtomic(out, JSON.stringify(results) + '\n');
console.log(`wrote ${out} and ${FIGS.map((f) => join(args.img, f)).join(', ')}`);
