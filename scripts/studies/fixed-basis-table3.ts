/**
 * Fixed-basis Table 3 (Lu et al. 2023, §3.1): mean loss L (Eq. 9) of Algorithm 2 with σ = 3r against the number of
 * basis components (10 … 1000) for data sizes 20 000 and 50 000, over --runs random targets per cell (the paper: 30
 * in the text, 25 in the caption), with the published cells beside. Targets from src/studies/fixed-basis-targets.ts (ours; the
 * paper's generator is not published): --kinds gaussian (Table 1's kind) and/or mixed (Table 2's), component scales
 * s ~ U(--sd). L against the exact target CDF ("vs target") and against the training points ("vs data"), on the
 * fit's grid.
 *
 *   nice -n 10 npx tsx scripts/studies/fixed-basis-table3.ts [--runs 30] [--kinds gaussian,mixed] [--sd 0.5,2]
 *        [--out docs/results/fixed-basis-table3.json] [--img docs/img/fixed-basis] [--force]
 */
import { join, resolve } from 'node:path';
import { parseCli } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot } from '../../src/util/paths.ts';

const cli = parseCli({
  name: 'study:fixed-basis-table3',
  usage: 'npx tsx scripts/studies/fixed-basis-table3.ts [--runs 30] [--kinds gaussian,mixed] [--sd 0.5,2] [--out FILE] [--img DIR] [--force]',
  description: 'Lu et al. Table 3: loss L of Algorithm 2 (σ = 3r) vs basis size and data size, with the published cells.',
  flags: {
    runs: { type: 'int', min: 1, max: 10_000, default: 30, help: 'random targets per cell' },
    kinds: { type: 'list', choices: ['gaussian', 'mixed'], default: ['gaussian', 'mixed'] },
    sd: { type: 'list', of: 'number', min: 1e-6, default: [0.5, 2], help: 'component scale range lo,hi' },
    basis: { type: 'list', of: 'int', min: 2, max: 100_000, default: [10, 30, 50, 100, 200, 500, 1000] },
    sizes: { type: 'list', of: 'int', min: 10, max: 10_000_000, default: [20000, 50000] },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0 },
    out: { type: 'string', meta: 'FILE', default: 'docs/results/fixed-basis-table3.json' },
    img: { type: 'string', meta: 'DIR', default: 'docs/img/fixed-basis' },
    force: { type: 'boolean' },
  },
});
const args = cli.values;
if (args.sd.length !== 2 || !(args.sd[0] <= args.sd[1])) {
  console.error('study:fixed-basis-table3: --sd takes two numbers lo,hi with lo ≤ hi');
  process.exit(2);
}
const out = claimOutput(resolve(repoRoot, args.out), { explicit: cli.given.has('out'), force: args.force });
const imgDir = resolve(repoRoot, args.img);
const FIG = 'table3.png';
claimOutput(join(imgDir, FIG), { flag: '--img', meta: 'DIR', explicit: cli.given.has('img'), force: args.force });

const { Rng } = await import('../../src/util/rng.ts');
const { fitFixedBasis1D } = await import('../../src/gmm/fit/fixed-basis.ts');
const { empiricalCdf, lossL, randomTarget, sampleTarget, targetCdf } = await import('../../src/studies/fixed-basis-targets.ts');
const { linePlotSvg, svgToPng, PALETTE } = await import('../../src/util/plot.ts');

/** Published Table 3 (Algorithm 2, σ = 3r), by data size then basis size. */
const PAPER: Record<number, Record<number, number>> = {
  20000: { 10: 0.71, 30: 0.336, 50: 0.2, 100: 0.0778, 200: 0.0295, 500: 0.0326, 1000: 0.0378 },
  50000: { 10: 0.715, 30: 0.364, 50: 0.21, 100: 0.065, 200: 0.025, 500: 0.0203, 1000: 0.0289 },
};
const sd: [number, number] = [args.sd[0], args.sd[1]];
const cells: Record<string, { vsTarget: number[]; vsData: number[] }> = {};
const t0 = performance.now();
const total = args.kinds.length * args.sizes.length * args.runs;
let done = 0;
for (const kind of args.kinds) {
  for (const N of args.sizes) {
    for (let r = 0; r < args.runs; r++) {
      const rng = new Rng(args.seed * 1000 + r + (kind === 'mixed' ? 500 : 0) + N);
      const T = randomTarget(rng, kind === 'mixed', sd);
      const x = sampleTarget(T, N, rng);
      const Fd = empiricalCdf(x);
      for (const n of args.basis) {
        const fb = fitFixedBasis1D(x, { n, t: 3, algorithm: 2 });
        const key = `${kind}|${N}|${n}`;
        cells[key] ??= { vsTarget: [], vsData: [] };
        cells[key].vsTarget.push(lossL((v) => targetCdf(T, v), fb.mixture, fb.centers, fb.d));
        cells[key].vsData.push(lossL(Fd, fb.mixture, fb.centers, fb.d));
      }
      done++;
      process.stdout.write(`\r[${done}/${total}] ${kind} N = ${N} target ${r + 1}/${args.runs} (${((performance.now() - t0) / 1000).toFixed(0)} s)   `);
    }
  }
}
process.stdout.write('\n');
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const table: Record<string, unknown>[] = [];
console.log(`\nTable 3 — Algorithm 2, σ = 3r, mean L over ${args.runs} targets per cell (component scales U(${sd.join(', ')}))\n`);
console.log(`| targets | data size | ${args.basis.join(' | ')} |`);
console.log(`|---|---|${args.basis.map(() => '---').join('|')}|`);
for (const kind of args.kinds) for (const N of args.sizes) {
  const vt = args.basis.map((n) => mean(cells[`${kind}|${N}|${n}`].vsTarget));
  const vd = args.basis.map((n) => mean(cells[`${kind}|${N}|${n}`].vsData));
  console.log(`| ${kind}, vs target | ${N} | ${vt.map((v) => v.toFixed(4)).join(' | ')} |`);
  console.log(`| ${kind}, vs data | ${N} | ${vd.map((v) => v.toFixed(4)).join(' | ')} |`);
  table.push({ kind, N, basis: args.basis, vsTarget: vt, vsData: vd });
}
for (const N of args.sizes) if (PAPER[N]) console.log(`| paper | ${N} | ${args.basis.map((n) => PAPER[N][n] ?? '–').join(' | ')} |`);

const series = [];
let ci = 0;
for (const N of args.sizes) {
  if (PAPER[N]) series.push({ name: `paper, N = ${N}`, x: args.basis.map((n) => Math.log10(n)), y: args.basis.map((n) => PAPER[N][n]), color: '#000000', dashed: N === 50000, markers: true });
  for (const kind of args.kinds) {
    series.push({ name: `ours ${kind}, N = ${N} (vs target)`, x: args.basis.map((n) => Math.log10(n)), y: args.basis.map((n) => mean(cells[`${kind}|${N}|${n}`].vsTarget)), color: PALETTE[ci % PALETTE.length], dashed: N === 50000, markers: true });
    ci++;
  }
}
const svg = linePlotSvg({ title: `Lu et al. Table 3: L (Eq. 9), Algorithm 2, σ = 3r, ${args.runs} targets per cell`, xLabel: 'log10 basis components', yLabel: 'mean L', logY: true, width: 760, height: 440, series });
const { mkdirSync } = await import('node:fs');
mkdirSync(imgDir, { recursive: true });
writeFileAtomic(join(imgDir, FIG), await svgToPng(svg));
writeFileAtomic(out, JSON.stringify({
  paper: 'Lu et al. 2023, Table 3 (Algorithm 2, sigma = 3r)', date: new Date().toISOString(), runs: args.runs, sd, seed: args.seed,
  published: PAPER, table, seconds: (performance.now() - t0) / 1000,
}, null, 1) + '\n');
console.log(`wrote ${out} and ${join(args.img, FIG)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
