/**
 * Fixed-basis study (Lu et al. 2023, Tables 1–2 protocol): 20 random 8-component 1-D target mixtures, 5000
 * training points each, a 200-component fixed basis, σ ∈ {1, 2, 3}·r, Algorithms 1 and 2; mean loss L (Eq. 9).
 *
 *   node_modules/.bin/tsx scripts/studies/fixed-basis-tables.ts [--runs 20] [--n 5000] [--basis 200] [--seed 0] [--sd 0.5,2]
 *
 * Targets (the paper does not give its generator; ours, seeded, src/studies/fixed-basis-targets.ts): 8 components with weights
 * ∝ U(0.2, 1), locations U(−10, 10), scales s ~ U(--sd) (default 0.5–2; larger = smoother targets relative to the grid);
 *  - Table 1 ("Gaussian"): N(m, s²);
 *  - Table 2 ("mixed"): each component uniformly one of N(m, s²), m + s·t_ν (ν ∈ {2, …, 10}),
 *    U(m − w/2, m + w/2) (w ~ U(1, 4)).
 * L is evaluated against the exact target CDF (column "vs target") and against the 5000 training points
 * (column "vs data"), on the fit's own grid (mu_i ± d, d = σ/4).
 */
import { parseCli } from '../../src/cli/args.ts';
import { Rng } from '../../src/util/rng.ts';
import { fitFixedBasis1D } from '../../src/gmm/fit/fixed-basis.ts';
import { empiricalCdf, lossL, randomTarget, sampleTarget, targetCdf } from '../../src/studies/fixed-basis-targets.ts';

const { values: args } = parseCli({
  name: 'study:fixed-basis',
  usage: 'npm run study:fixed-basis -- [--runs 20] [--n 5000] [--basis 200] [--seed 0] [--sd 0.5,2]',
  description: 'Mean loss L (Eq. 9) of the fixed-basis Algorithms 1 and 2 on random 1-D targets (Lu et al. 2023, Tables 1–2). Prints markdown tables.',
  flags: {
    runs: { type: 'int', min: 1, max: 10_000, default: 20, help: 'random targets per table' },
    n: { type: 'int', min: 10, max: 10_000_000, default: 5000, help: 'training points per target' },
    basis: { type: 'int', min: 2, max: 100_000, default: 200, help: 'basis components' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0 },
    sd: { type: 'list', of: 'number', min: 1e-6, default: [0.5, 2], help: 'range lo,hi of the component scales s (smoother targets: larger)' },
  },
});
const runs = args.runs, N = args.n, nBasis = args.basis, seed0 = args.seed;
if (args.sd.length !== 2 || !(args.sd[0] <= args.sd[1])) {
  console.error('study:fixed-basis: --sd takes two numbers lo,hi with lo ≤ hi');
  process.exit(2);
}
const sdRange: [number, number] = [args.sd[0], args.sd[1]];

const t0 = performance.now();
console.log(`fixed-basis tables: ${runs} targets × ${N} points, n = ${nBasis} basis components, component scales U(${sdRange.join(', ')}), seed ${seed0}`);
for (const mixed of [false, true]) {
  const res: Record<string, { vsTarget: number[]; vsData: number[] }> = {};
  for (let r = 0; r < runs; r++) {
    const rng = new Rng(seed0 * 1000 + r + (mixed ? 500 : 0));
    const T = randomTarget(rng, mixed, sdRange);
    const x = sampleTarget(T, N, rng);
    const Fd = empiricalCdf(x);
    for (const algorithm of [1, 2] as const) for (const t of [1, 2, 3]) {
      const fb = fitFixedBasis1D(x, { n: nBasis, t, algorithm });
      const key = `${algorithm}|${t}`;
      res[key] ??= { vsTarget: [], vsData: [] };
      res[key].vsTarget.push(lossL((v) => targetCdf(T, v), fb.mixture, fb.centers, fb.d));
      res[key].vsData.push(lossL(Fd, fb.mixture, fb.centers, fb.d));
    }
  }
  const paper: Record<string, number> = mixed
    ? { '1|1': 0.08912, '1|2': 0.08738, '1|3': 0.09432, '2|1': 0.08678, '2|2': 0.08749, '2|3': 0.09446 }
    : { '1|1': 0.07099, '1|2': 0.05091, '1|3': 0.044296, '2|1': 0.06866, '2|2': 0.05085, '2|3': 0.04447 };
  console.log(`\n### ${mixed ? 'Table 2 — mixed Gaussian / Student-t / uniform targets' : 'Table 1 — Gaussian targets'} (mean L over ${runs} targets)\n`);
  console.log('| algorithm | σ | L vs target (ours) | L vs data (ours) | paper |');
  console.log('|---|---|---|---|---|');
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  for (const algorithm of [1, 2]) for (const t of [1, 2, 3]) {
    const k = `${algorithm}|${t}`;
    console.log(`| ${algorithm} | ${t}·r | ${mean(res[k].vsTarget).toFixed(4)} | ${mean(res[k].vsData).toFixed(4)} | ${paper[k]} |`);
  }
}
console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
