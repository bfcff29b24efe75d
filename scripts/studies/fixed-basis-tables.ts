/**
 * Fixed-basis study (Lu et al. 2023, Tables 1–2 protocol): 20 random 8-component 1-D target mixtures, 5000
 * training points each, a 200-component fixed basis, σ ∈ {1, 2, 3}·r, Algorithms 1 and 2; mean loss L (Eq. 9).
 *
 *   node_modules/.bin/tsx scripts/studies/fixed-basis-tables.ts [--runs 20] [--n 5000] [--basis 200] [--seed 0]
 *
 * Targets (the paper does not give its generator; ours, seeded): 8 components with weights ∝ U(0.2, 1),
 * locations U(−10, 10);
 *  - Table 1 ("Gaussian"): N(m, s²), s ~ U(0.5, 2);
 *  - Table 2 ("mixed"): each component uniformly one of N(m, s²), m + s·t_ν (ν ∈ {2, …, 10}, s ~ U(0.5, 2)),
 *    U(m − w/2, m + w/2) (w ~ U(1, 4)).
 * L is evaluated against the exact target CDF (column "vs target") and against the 5000 training points
 * (column "vs data"), on the fit's own grid (mu_i ± d, d = σ/4).
 */
import { parseCli } from '../../src/cli/args.ts';
import { Rng } from '../../src/util/rng.ts';
import { fitFixedBasis1D } from '../../src/gmm/fixed-basis.ts';
import { mixtureCdf, normCdf } from '../../src/gmm/mixture1d.ts';
import type { Mixture1D } from '../../src/gmm/types.ts';

const { values: args } = parseCli({
  name: 'study:fixed-basis',
  usage: 'npm run study:fixed-basis -- [--runs 20] [--n 5000] [--basis 200] [--seed 0]',
  description: 'Mean loss L (Eq. 9) of the fixed-basis Algorithms 1 and 2 on random 1-D targets (Lu et al. 2023, Tables 1–2). Prints markdown tables.',
  flags: {
    runs: { type: 'int', min: 1, max: 10_000, default: 20, help: 'random targets per table' },
    n: { type: 'int', min: 10, max: 10_000_000, default: 5000, help: 'training points per target' },
    basis: { type: 'int', min: 2, max: 100_000, default: 200, help: 'basis components' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0 },
  },
});
const runs = args.runs, N = args.n, nBasis = args.basis, seed0 = args.seed;

type Comp = { kind: 'normal'; m: number; s: number } | { kind: 't'; m: number; s: number; nu: number } | { kind: 'uniform'; a: number; b: number };
interface Target { w: number[]; comps: Comp[] }

// Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes betacf) for the t CDF.
function lgamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x; const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const v of c) ser += v / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}
function betacf(a: number, b: number, x: number): number {
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1, d = 1 - (qab * x) / qap;
  if (Math.abs(d) < 1e-300) d = 1e-300;
  d = 1 / d; let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < 1e-300) d = 1e-300; c = 1 + aa / c; if (Math.abs(c) < 1e-300) c = 1e-300; d = 1 / d; h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d; if (Math.abs(d) < 1e-300) d = 1e-300; c = 1 + aa / c; if (Math.abs(c) < 1e-300) c = 1e-300; d = 1 / d;
    const del = d * c; h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}
function ibeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (bt * betacf(a, b, x)) / a : 1 - (bt * betacf(b, a, 1 - x)) / b;
}
function tCdf(t: number, nu: number): number {
  const x = nu / (nu + t * t);
  const tail = 0.5 * ibeta(x, nu / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}
function compCdf(c: Comp, x: number): number {
  if (c.kind === 'normal') return normCdf((x - c.m) / c.s);
  if (c.kind === 't') return tCdf((x - c.m) / c.s, c.nu);
  return x <= c.a ? 0 : x >= c.b ? 1 : (x - c.a) / (c.b - c.a);
}
const targetCdf = (T: Target, x: number) => T.comps.reduce((s, c, i) => s + T.w[i] * compCdf(c, x), 0);

function randomTarget(rng: Rng, mixed: boolean): Target {
  const w = Array.from({ length: 8 }, () => rng.range(0.2, 1));
  const sw = w.reduce((a, b) => a + b, 0);
  const comps: Comp[] = [];
  for (let i = 0; i < 8; i++) {
    const m = rng.range(-10, 10), s = rng.range(0.5, 2);
    const kind = mixed ? rng.int(3) : 0;
    if (kind === 0) comps.push({ kind: 'normal', m, s });
    else if (kind === 1) comps.push({ kind: 't', m, s, nu: 2 + rng.int(9) });
    else { const width = rng.range(1, 4); comps.push({ kind: 'uniform', a: m - width / 2, b: m + width / 2 }); }
  }
  return { w: w.map((v) => v / sw), comps };
}
function sampleTarget(T: Target, n: number, rng: Rng): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = T.comps[rng.categorical(T.w)];
    if (c.kind === 'normal') x[i] = c.m + c.s * rng.normal();
    else if (c.kind === 'uniform') x[i] = rng.range(c.a, c.b);
    else {
      // t_ν = Z / sqrt(χ²_ν / ν), χ²_ν as a sum of ν squared normals (ν ≤ 10).
      let chi = 0;
      for (let j = 0; j < c.nu; j++) { const z = rng.normal(); chi += z * z; }
      x[i] = c.m + c.s * (rng.normal() / Math.sqrt(chi / c.nu));
    }
  }
  return x;
}

/** Eq. 9 with arbitrary CDFs. */
function lossL(Ft: (x: number) => number, g: Mixture1D, centers: Float64Array, d: number): number {
  const Fg = (x: number) => mixtureCdf(g, x);
  const n = centers.length;
  let L = Math.abs(Ft(centers[0] - d) - Fg(centers[0] - d));
  for (let i = 0; i < n; i++) {
    const lo = centers[i] - d, hi = centers[i] + d;
    L += Math.abs(Ft(hi) - Ft(lo) - (Fg(hi) - Fg(lo)));
  }
  L += Math.abs(1 - Ft(centers[n - 1] + d) - (1 - Fg(centers[n - 1] + d)));
  return L;
}
function empiricalCdf(x: Float64Array): (v: number) => number {
  const s = Float64Array.from(x).sort();
  return (v) => { let lo = 0, hi = s.length; while (lo < hi) { const m = (lo + hi) >>> 1; if (s[m] <= v) lo = m + 1; else hi = m; } return lo / s.length; };
}

const t0 = performance.now();
console.log(`fixed-basis tables: ${runs} targets × ${N} points, n = ${nBasis} basis components, seed ${seed0}`);
for (const mixed of [false, true]) {
  const res: Record<string, { vsTarget: number[]; vsData: number[] }> = {};
  for (let r = 0; r < runs; r++) {
    const rng = new Rng(seed0 * 1000 + r + (mixed ? 500 : 0));
    const T = randomTarget(rng, mixed);
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
