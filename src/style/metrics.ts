/**
 * Picture measures for style outputs (issue 12): how much high-frequency energy an image has, its
 * colour statistics, and how far apart two images are in those terms. All take RgbImage (RGB floats in
 * [0, 1], HWC) and work in plain JS.
 *
 * - High-frequency energy (`hfEnergy`): mean |∇²c| over the interior pixels of each YCbCr channel c,
 *   with the 5-point discrete Laplacian ∇²c(x, y) = c(x−1, y) + c(x+1, y) + c(x, y−1) + c(x, y+1) − 4 c(x, y).
 *   YCbCr is the full-range JPEG (ITU-R BT.601) transform: Y = 0.299 R + 0.587 G + 0.114 B,
 *   Cb = 0.5 − 0.168736 R − 0.331264 G + 0.5 B, Cr = 0.5 + 0.5 R − 0.418688 G − 0.081312 B.
 *   Luminance noise shows in Y; the coloured speckle of pixel-space optimisation shows in Cb/Cr.
 * - Colour statistics (`colourStats`): per RGB channel mean and standard deviation (population).
 */
import type { RgbImage } from './images.ts';

/** RGB → full-range YCbCr (BT.601, the JPEG convention); values stay in [0, 1]. */
export function rgbToYCbCr(r: number, g: number, b: number): [number, number, number] {
  return [
    0.299 * r + 0.587 * g + 0.114 * b,
    0.5 - 0.168736 * r - 0.331264 * g + 0.5 * b,
    0.5 + 0.5 * r - 0.418688 * g - 0.081312 * b,
  ];
}

export interface HfEnergy {
  /** Mean |Laplacian| of Y (luminance). */
  y: number;
  /** Mean |Laplacian| of Cb and Cr, averaged (chroma). */
  chroma: number;
  cb: number;
  cr: number;
}

/**
 * Mean absolute 5-point Laplacian of the Y, Cb and Cr channels over the (w − 2)(h − 2) interior pixels.
 * Throws RangeError for images smaller than 3 × 3.
 */
export function hfEnergy(img: RgbImage): HfEnergy {
  const { width: w, height: h, data } = img;
  if (w < 3 || h < 3) throw new RangeError(`hfEnergy: image must be at least 3×3, got ${w}×${h}`);
  const n = w * h;
  const ch = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (let i = 0; i < n; i++) {
    const [y, cb, cr] = rgbToYCbCr(data[3 * i], data[3 * i + 1], data[3 * i + 2]);
    ch[0][i] = y;
    ch[1][i] = cb;
    ch[2][i] = cr;
  }
  const sums = [0, 0, 0];
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      for (let c = 0; c < 3; c++) {
        const v = ch[c];
        sums[c] += Math.abs(v[i - 1] + v[i + 1] + v[i - w] + v[i + w] - 4 * v[i]);
      }
    }
  }
  const m = (w - 2) * (h - 2);
  const [y, cb, cr] = sums.map((s) => s / m);
  return { y, cb, cr, chroma: 0.5 * (cb + cr) };
}

export interface ColourStats {
  /** Per-channel mean (R, G, B). */
  mean: [number, number, number];
  /** Per-channel population standard deviation (R, G, B). */
  std: [number, number, number];
}

/** Per-channel mean and standard deviation of an RGB image. */
export function colourStats(img: RgbImage): ColourStats {
  const n = img.width * img.height;
  if (n === 0) throw new RangeError('colourStats: empty image');
  const s = [0, 0, 0];
  const s2 = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = img.data[3 * i + c];
      s[c] += v;
      s2[c] += v * v;
    }
  }
  const mean = s.map((x) => x / n) as [number, number, number];
  const std = s2.map((x, c) => Math.sqrt(Math.max(0, x / n - mean[c] * mean[c]))) as [number, number, number];
  return { mean, std };
}

/**
 * The colour statistics of a mixture of images with weights w (normalised): means mix linearly, second
 * moments too (std² + mean² per channel). The expected statistics of a blend of styles.
 */
export function mixColourStats(stats: ColourStats[], weights: number[]): ColourStats {
  if (stats.length === 0 || stats.length !== weights.length) throw new RangeError('mixColourStats: need one weight per statistic');
  const tot = weights.reduce((a, b) => a + b, 0);
  if (!(tot > 0)) throw new RangeError('mixColourStats: weights must have a positive sum');
  const mean: [number, number, number] = [0, 0, 0];
  const m2 = [0, 0, 0];
  stats.forEach((st, k) => {
    const w = weights[k] / tot;
    for (let c = 0; c < 3; c++) {
      mean[c] += w * st.mean[c];
      m2[c] += w * (st.std[c] ** 2 + st.mean[c] ** 2);
    }
  });
  const std = m2.map((x, c) => Math.sqrt(Math.max(0, x - mean[c] ** 2))) as [number, number, number];
  return { mean, std };
}

/** Largest absolute per-channel difference of the means and of the standard deviations. */
export function colourStatsGap(a: ColourStats, b: ColourStats): { mean: number; std: number } {
  let dm = 0, ds = 0;
  for (let c = 0; c < 3; c++) {
    dm = Math.max(dm, Math.abs(a.mean[c] - b.mean[c]));
    ds = Math.max(ds, Math.abs(a.std[c] - b.std[c]));
  }
  return { mean: dm, std: ds };
}

/**
 * Relative distance of a Gram set to a reference set, averaged over layers: mean_l ||a_l − m_l|| / ||m_l||.
 * Sets are per-layer vectors (upper-triangle "tri" vectors are isometric: Euclidean = Frobenius); 0 for a = m.
 */
export function relDist(a: ArrayLike<number>[], m: ArrayLike<number>[]): number {
  let tot = 0;
  for (let l = 0; l < m.length; l++) {
    let num = 0, den = 0;
    for (let i = 0; i < m[l].length; i++) {
      num += (a[l][i] - m[l][i]) ** 2;
      den += m[l][i] ** 2;
    }
    tot += Math.sqrt(num / den);
  }
  return tot / m.length;
}

/** Symmetric relative distance of two Gram sets: mean_l ||a_l − b_l|| / ((||a_l|| + ||b_l||) / 2). */
export function pairDist(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let tot = 0;
  for (let l = 0; l < a.length; l++) {
    let num = 0, na = 0, nb = 0;
    for (let i = 0; i < a[l].length; i++) {
      num += (a[l][i] - b[l][i]) ** 2;
      na += a[l][i] ** 2;
      nb += b[l][i] ** 2;
    }
    tot += Math.sqrt(num) / (0.5 * (Math.sqrt(na) + Math.sqrt(nb)));
  }
  return tot / a.length;
}

/** Diversity of Gram sets: the mean pairDist over all pairs (0 for fewer than two sets). */
export function meanPairwise(sets: ArrayLike<number>[][]): number {
  let s = 0, k = 0;
  for (let i = 0; i < sets.length; i++) for (let j = i + 1; j < sets.length; j++) { s += pairDist(sets[i], sets[j]); k++; }
  return k ? s / k : 0;
}

/**
 * meanPairwise with its jackknife standard error (Efron & Tibshirani, An Introduction to the Bootstrap, 1993,
 * §11.2, Eq. 11.5): θ_(i) = the mean pairDist over the sets without set i, se = √((n − 1)/n · Σ_i (θ_(i) − θ̄)²),
 * θ̄ the mean of the θ_(i). `se` is NaN for fewer than 3 sets.
 */
export function meanPairwiseJackknife(sets: ArrayLike<number>[][]): { value: number; se: number } {
  const n = sets.length;
  const d = Array.from({ length: n }, () => new Float64Array(n));
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { d[i][j] = d[j][i] = pairDist(sets[i], sets[j]); total += d[i][j]; }
  const pairs = (n * (n - 1)) / 2;
  const value = pairs ? total / pairs : 0;
  if (n < 3) return { value, se: NaN };
  const loo = d.map((row) => (total - row.reduce((a, b) => a + b, 0)) / (((n - 1) * (n - 2)) / 2));
  const mean = loo.reduce((a, b) => a + b, 0) / n;
  return { value, se: Math.sqrt(((n - 1) / n) * loo.reduce((a, t) => a + (t - mean) ** 2, 0)) };
}

/**
 * The mean of Gram sets, layer by layer (the centre of a sample of outputs or draws): c_l = (1/n) Σ_s a_s,l.
 * `sets`: n ≥ 1 sets of per-layer vectors of equal lengths. Throws RangeError for no sets.
 */
export function meanGramSet(sets: ArrayLike<number>[][]): Float64Array[] {
  if (sets.length === 0) throw new RangeError('meanGramSet: no sets');
  return sets[0].map((_, l) => {
    const c = new Float64Array(sets[0][l].length);
    for (const g of sets) for (let e = 0; e < c.length; e++) c[e] += g[l][e] / sets.length;
    return c;
  });
}

/**
 * Energy distance between two samples of Gram sets, measured in units of a reference Gram set's size:
 * E(X, Y) = 2 E d(X, Y) − E d(X, X') − E d(Y, Y'), with d(a, b) = mean_l ||a_l − b_l|| / ||r_l|| (Székely & Rizzo,
 * "Energy statistics: A class of statistics based on distances", J. Stat. Planning and Inference 143, 2013, §2–3;
 * d is a mean over layers of scaled Euclidean distances, so E is the mean of the layers' own energy distances: ≥ 0 for
 * the distributions, and 0 exactly when every layer's distribution is the same in X and Y).
 * The within-sample terms average over pairs i ≠ j (U-statistics), so the estimate is unbiased and can come out
 * slightly below 0 for two samples of one distribution.
 *
 * Where relDist(out, mean) measures how far each set lies from a painting's mean Gram — which grows with the sets'
 * spread — E compares the whole sample with the painting's crops: 0 for outputs distributed like the crops.
 *
 * `x`, `y`: n ≥ 2 and m ≥ 2 sets of per-layer vectors (tri vectors, as relDist); `ref`: the per-layer scale vectors
 * (e.g. the painting's mean Gram set). Throws RangeError for fewer than two sets in either sample, unequal layer
 * counts or lengths, or a reference layer of norm 0.
 */
export function energyDistance(x: ArrayLike<number>[][], y: ArrayLike<number>[][], ref: ArrayLike<number>[]): number {
  if (x.length < 2 || y.length < 2) throw new RangeError(`energyDistance: each sample needs at least 2 sets, got ${x.length} and ${y.length}`);
  const L = ref.length;
  const scale = Array.from({ length: L }, (_, l) => {
    let s = 0;
    for (let i = 0; i < ref[l].length; i++) s += ref[l][i] ** 2;
    if (!(s > 0)) throw new RangeError(`energyDistance: reference layer ${l} has norm 0`);
    return Math.sqrt(s);
  });
  for (const set of [...x, ...y]) {
    if (set.length !== L || set.some((v, l) => v.length !== ref[l].length)) throw new RangeError('energyDistance: every set needs the reference\'s layers and lengths');
  }
  const d = (a: ArrayLike<number>[], b: ArrayLike<number>[]) => {
    let t = 0;
    for (let l = 0; l < L; l++) {
      let s = 0;
      for (let i = 0; i < a[l].length; i++) s += (a[l][i] - b[l][i]) ** 2;
      t += Math.sqrt(s) / scale[l];
    }
    return t / L;
  };
  const within = (s: ArrayLike<number>[][]) => {
    let t = 0;
    for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) t += d(s[i], s[j]);
    return t / ((s.length * (s.length - 1)) / 2);
  };
  let between = 0;
  for (const a of x) for (const b of y) between += d(a, b);
  return (2 * between) / (x.length * y.length) - within(x) - within(y);
}
