/**
 * Speed of the PSD projection of a sampled Gram matrix (issue 12): every eigenpair (projectPSDRows) against only
 * the eigenpairs below the floor (projectPSDSelected), on Gram-like matrices of the size of MobileNet's deep
 * style layers.
 *
 *   npm run bench:psd -- [--n 512] [--rank 24] [--reps 5] [--seed 1]
 *
 * Test matrix (seeded): G = FᵀF / N + Σ_k s_k u_k u_kᵀ, with F an N × n matrix of ReLU'd Gaussian features
 * (N = 176 positions: conv_pw_7 of a 256 × 177 image; G has rank N < n, so n − N eigenvalues sit at zero)
 * and `rank` random symmetric rank-one perturbations of both signs (the PCA directions a sampled Gram set is
 * moved along), which push some of the zero eigenvalues below 0, as in a sampled Gram. Prints the number of
 * negative eigenvalues, the median seconds of each projection over `reps` runs, their ratio, and the largest
 * difference between the two projected matrices relative to the largest entry.
 */
import { parseCli } from '../../src/cli/args.ts';
import { projectPSDRows, projectPSDSelected } from '../../src/style/psd.ts';
import { Rng } from '../../src/util/rng.ts';

const { values: a } = parseCli({
  name: 'bench:psd',
  usage: 'npm run bench:psd -- [--n 512] [--rank 24] [--reps 5] [--seed 1]',
  description: 'Times the PSD projection of Gram-like matrices: every eigenpair vs the negative eigenpairs only.',
  flags: {
    n: { type: 'int', min: 8, max: 2048, default: 512, help: 'matrix side (channels)' },
    positions: { type: 'int', min: 1, max: 100_000, default: 176, help: 'feature positions N (rank of FᵀF)' },
    rank: { type: 'int', min: 0, max: 512, default: 24, help: 'signed rank-one perturbations' },
    reps: { type: 'int', min: 1, max: 100, default: 5, help: 'matrices timed' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 1 },
  },
});

/** A seeded Gram-like test matrix (see the file comment). */
function testMatrix(n: number, positions: number, rank: number, rng: Rng): Float64Array {
  const F = Float64Array.from({ length: positions * n }, () => Math.max(0, rng.normal()));
  const g = new Float64Array(n * n);
  for (let p = 0; p < positions; p++) {
    const row = F.subarray(p * n, (p + 1) * n);
    for (let i = 0; i < n; i++) {
      const fi = row[i] / positions;
      if (fi === 0) continue;
      for (let j = 0; j < n; j++) g[i * n + j] += fi * row[j];
    }
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += g[i * n + i];
  for (let k = 0; k < rank; k++) {
    const u = Float64Array.from({ length: n }, () => rng.normal() / Math.sqrt(n));
    const s = (rng.uniform() < 0.5 ? -1 : 1) * 0.02 * (trace / n) * n * rng.uniform();
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] += s * u[i] * u[j];
  }
  return g;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const rng = new Rng(a.seed);
const tFull: number[] = [], tSel: number[] = [], negatives: number[] = [];
let worst = 0;
for (let r = 0; r < a.reps; r++) {
  const g = testMatrix(a.n, a.positions, a.rank, rng);
  let t = performance.now();
  const full = projectPSDRows(g, a.n, 0);
  tFull.push((performance.now() - t) / 1000);
  t = performance.now();
  const sel = projectPSDSelected(g, a.n, 0);
  tSel.push((performance.now() - t) / 1000);
  negatives.push(sel.selected);
  let maxAbs = 0, maxDiff = 0;
  for (let i = 0; i < g.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(full.matrix[i]));
    maxDiff = Math.max(maxDiff, Math.abs(full.matrix[i] - sel.matrix[i]));
  }
  worst = Math.max(worst, maxDiff / maxAbs);
}
console.log(
  `n = ${a.n}, N = ${a.positions}, rank-one terms ${a.rank}, ${a.reps} matrices; negative eigenvalues ${Math.min(...negatives)}–${Math.max(...negatives)}\n` +
    `every eigenpair (projectPSDRows):      median ${median(tFull).toFixed(3)} s\n` +
    `negative eigenpairs (projectPSDSelected): median ${median(tSel).toFixed(3)} s  (${(median(tFull) / median(tSel)).toFixed(2)}× faster)\n` +
    `largest difference of the projections / largest entry: ${worst.toExponential(2)}`,
);
