/**
 * Random 1-D target mixtures of the fixed-basis studies (Lu et al. 2023, Tables 1–3; the paper does not give its
 * generator, this one is ours, seeded), their exact CDFs, samplers, and the loss L of the paper's Eq. 9 against any
 * CDF on a fit's grid. Used by fixed-basis-tables.ts (Tables 1–2) and fixed-basis-table3.ts (Table 3).
 *
 * Components: N(m, s²); m + s·t_ν (ν ∈ 2…10); U(m − w/2, m + w/2) (w ~ U(1, 4)). Gaussian targets use only the first.
 */
import type { Rng } from '../util/rng.ts';
import { mixtureCdf, normCdf } from '../gmm/model/mixture1d.ts';
import type { Mixture1D } from '../gmm/model/types.ts';

export type Comp = { kind: 'normal'; m: number; s: number } | { kind: 't'; m: number; s: number; nu: number } | { kind: 'uniform'; a: number; b: number };
export interface Target { w: number[]; comps: Comp[] }

// Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes betacf) for the t CDF.
export function lgamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x; const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const v of c) ser += v / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}
export function betacf(a: number, b: number, x: number): number {
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
export function ibeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (bt * betacf(a, b, x)) / a : 1 - (bt * betacf(b, a, 1 - x)) / b;
}
export function tCdf(t: number, nu: number): number {
  const x = nu / (nu + t * t);
  const tail = 0.5 * ibeta(x, nu / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}
export function compCdf(c: Comp, x: number): number {
  if (c.kind === 'normal') return normCdf((x - c.m) / c.s);
  if (c.kind === 't') return tCdf((x - c.m) / c.s, c.nu);
  return x <= c.a ? 0 : x >= c.b ? 1 : (x - c.a) / (c.b - c.a);
}
export const targetCdf = (T: Target, x: number) => T.comps.reduce((s, c, i) => s + T.w[i] * compCdf(c, x), 0);

/** 8 components, weights ∝ U(0.2, 1), locations U(−10, 10), scales s ~ U(sd[0], sd[1]) (default 0.5–2). */
export function randomTarget(rng: Rng, mixed: boolean, sd: readonly [number, number] = [0.5, 2]): Target {
  const w = Array.from({ length: 8 }, () => rng.range(0.2, 1));
  const sw = w.reduce((a, b) => a + b, 0);
  const comps: Comp[] = [];
  for (let i = 0; i < 8; i++) {
    const m = rng.range(-10, 10), s = rng.range(sd[0], sd[1]);
    const kind = mixed ? rng.int(3) : 0;
    if (kind === 0) comps.push({ kind: 'normal', m, s });
    else if (kind === 1) comps.push({ kind: 't', m, s, nu: 2 + rng.int(9) });
    else { const width = rng.range(1, 4); comps.push({ kind: 'uniform', a: m - width / 2, b: m + width / 2 }); }
  }
  return { w: w.map((v) => v / sw), comps };
}
export function sampleTarget(T: Target, n: number, rng: Rng): Float64Array {
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
export function lossL(Ft: (x: number) => number, g: Mixture1D, centers: Float64Array, d: number): number {
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
export function empiricalCdf(x: Float64Array): (v: number) => number {
  const s = Float64Array.from(x).sort();
  return (v) => { let lo = 0, hi = s.length; while (lo < hi) { const m = (lo + hi) >>> 1; if (s[m] <= v) lo = m + 1; else hi = m; } return lo / s.length; };
}

