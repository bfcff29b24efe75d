/**
 * Gram datasets: random crops of a style image → one Gram matrix per style layer per crop (normalised
 * by the number of positions), stored as isometric upper-triangle vectors (gram.ts).
 *
 * By default the first "layer" is the pixels themselves (`PIXEL_LAYER`): the 4 × 4 second-moment matrix
 * E[p pᵀ] of p = (r, g, b, 1) over the crop, i.e. its colour means and second moments. Modelled and
 * sampled together with the CNN layers, it gives every sampled Gram set a palette of its own
 * (`paletteOfMoments`), which synthesis uses for its start image and its colour loss.
 *
 * Blending by dataset proportion (the fixed-basis paper's §3.2.2): a dataset with a fraction `ratio`
 * of its rows from style B and the rest from style A; ratio 0 is style A alone, 1 is style B alone.
 */
import { tf } from '../backend/index.ts';
import type { FeatureExtractor } from './extractor.ts';
import { gramMatrices, gramToTri, triLength } from './gram.ts';
import { projectPSDRows } from './psd.ts';
import { cropImage, randomCropBoxes, type RgbImage } from './images.ts';
import type { Palette } from './synth.ts';

/** Name of the pseudo style layer holding the colour moments of the pixels (4 × 4, see pixelMoments). */
export const PIXEL_LAYER = '#pixels';

export interface GramDataset {
  layers: string[];
  channels: number[];
  /** Number of rows (crops). */
  n: number;
  /** Per layer: n × c(c+1)/2 isometric upper-triangle vectors, row-major. */
  vectors: Float32Array[];
  /** Style index of each row (0 = A, 1 = B, ...). */
  source: Int32Array;
}

export interface CropOptions {
  /** Number of crops (default 32). */
  crops?: number;
  /** Crop side in pixels (default 256). */
  cropSize?: number;
  /** Seed of the crop positions (default 0). */
  seed?: number;
  /** Crops per forward pass (default 4). */
  batch?: number;
  /** Style index written to `source` (default 0). */
  sourceIndex?: number;
  signal?: AbortSignal;
  /** Called after each batch with the number of crops done. */
  onCrops?: (done: number, total: number) => void;
  /** Prepend the pixel-moment layer PIXEL_LAYER (default true). */
  pixelMoments?: boolean;
}

/** E[p pᵀ] over the pixels of an image, p = (r, g, b, 1): a 4 × 4 row-major symmetric PSD matrix. */
export function pixelMoments(img: RgbImage): Float64Array {
  const n = img.width * img.height;
  if (n === 0) throw new RangeError('pixelMoments: empty image');
  const m = new Float64Array(16);
  const d = img.data;
  for (let i = 0; i < n; i++) {
    const r = d[3 * i], g = d[3 * i + 1], b = d[3 * i + 2];
    m[0] += r * r; m[1] += r * g; m[2] += r * b; m[3] += r;
    m[5] += g * g; m[6] += g * b; m[7] += g;
    m[10] += b * b; m[11] += b;
  }
  for (const k of [0, 1, 2, 3, 5, 6, 7, 10, 11]) m[k] /= n;
  m[15] = 1;
  // Mirror the upper triangle.
  m[4] = m[1]; m[8] = m[2]; m[12] = m[3]; m[9] = m[6]; m[13] = m[7]; m[14] = m[11];
  return m;
}

/**
 * The palette (colour mean μ and covariance Σ) of a pixel-moment matrix M (4 × 4, e.g. a sampled one):
 * M is first divided by its constant entry M₃₃ (1 for real images); μ = M[0..2, 3], Σ = M[0..2, 0..2] − μμᵀ,
 * with μ clipped to [0, 1] and Σ's eigenvalues clipped at 0 (a sample may stray a little).
 */
export function paletteOfMoments(M: ArrayLike<number>): Palette {
  if (M.length !== 16) throw new RangeError(`paletteOfMoments: expected a 4×4 matrix (16 entries), got ${M.length}`);
  const k = M[15] > 1e-12 ? M[15] : 1;
  const mean = [0, 1, 2].map((i) => Math.min(1, Math.max(0, M[i * 4 + 3] / k)));
  const cov: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cov.push(0.5 * (M[i * 4 + j] + M[j * 4 + i]) / k - mean[i] * mean[j]);
  const { matrix } = projectPSDRows(cov, 3, 0);
  return { mean, cov: Array.from(matrix) };
}

/** Upper-triangle vectors of [b, c, c] Grams written into rows `row..row+b-1` of `out` (width D). */
function writeTri(grams: Float32Array, b: number, c: number, out: Float32Array, row: number): void {
  const D = triLength(c);
  const s = Math.SQRT2;
  for (let k = 0; k < b; k++) {
    const g = k * c * c;
    let o = (row + k) * D;
    for (let i = 0; i < c; i++) {
      out[o++] = grams[g + i * c + i];
      for (let j = i + 1; j < c; j++) out[o++] = s * 0.5 * (grams[g + i * c + j] + grams[g + j * c + i]);
    }
  }
}

/** Gram dataset of `crops` random crops of one image. */
export async function gramDataset(extractor: FeatureExtractor, image: RgbImage, opts: CropOptions = {}): Promise<GramDataset> {
  const count = opts.crops ?? 32;
  const size = opts.cropSize ?? 256;
  const batch = opts.batch ?? 4;
  const boxes = randomCropBoxes(image.width, image.height, count, size, opts.seed ?? 0);
  const withPixels = opts.pixelMoments ?? true;
  const off = withPixels ? 1 : 0;
  const layers = [...(withPixels ? [PIXEL_LAYER] : []), ...extractor.styleLayers];
  const channels = [...(withPixels ? [4] : []), ...extractor.styleChannels];
  const vectors = channels.map((c) => new Float32Array(count * triLength(c)));
  for (let start = 0; start < count; start += batch) {
    opts.signal?.throwIfAborted();
    const b = Math.min(batch, count - start);
    const pix = new Float32Array(b * size * size * 3);
    for (let k = 0; k < b; k++) {
      const crop = cropImage(image, boxes[start + k].x, boxes[start + k].y, size);
      pix.set(crop.data, k * size * size * 3);
      if (withPixels) gramToTri(pixelMoments(crop), 4, vectors[0], (start + k) * triLength(4));
    }
    const grams = tf.tidy(() => {
      const x = tf.tensor4d(pix, [b, size, size, 3]);
      return extractor.features(x).style.map((f) => gramMatrices(f));
    });
    for (const [l, g] of grams.entries()) {
      writeTri((await g.data()) as Float32Array, b, channels[l + off], vectors[l + off], start);
      g.dispose();
    }
    opts.onCrops?.(start + b, count);
    await new Promise((r) => setImmediate(r));
  }
  return { layers, channels, n: count, vectors, source: new Int32Array(count).fill(opts.sourceIndex ?? 0) };
}

function checkCompatible(a: GramDataset, b: GramDataset): void {
  if (a.layers.length !== b.layers.length || a.layers.some((l, i) => l !== b.layers[i] || a.channels[i] !== b.channels[i])) {
    throw new RangeError(`Gram datasets have different layers: [${a.layers.join(', ')}] vs [${b.layers.join(', ')}]`);
  }
}

/** Rows `rows` of a dataset. */
export function selectDatasetRows(ds: GramDataset, rows: ArrayLike<number>): GramDataset {
  const vectors = ds.channels.map((c, l) => {
    const D = triLength(c);
    const out = new Float32Array(rows.length * D);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!(Number.isInteger(r) && r >= 0 && r < ds.n)) throw new RangeError(`row ${r} outside the dataset (n = ${ds.n})`);
      out.set(ds.vectors[l].subarray(r * D, (r + 1) * D), i * D);
    }
    return out;
  });
  return { layers: [...ds.layers], channels: [...ds.channels], n: rows.length, vectors, source: Int32Array.from(rows, (r) => ds.source[r]) };
}

/** Rows of several datasets stacked. */
export function concatDatasets(list: GramDataset[]): GramDataset {
  if (list.length === 0) throw new RangeError('concatDatasets: no datasets');
  for (const d of list.slice(1)) checkCompatible(list[0], d);
  const n = list.reduce((s, d) => s + d.n, 0);
  const vectors = list[0].channels.map((c, l) => {
    const out = new Float32Array(n * triLength(c));
    let o = 0;
    for (const d of list) {
      out.set(d.vectors[l], o);
      o += d.vectors[l].length;
    }
    return out;
  });
  const source = new Int32Array(n);
  let o = 0;
  for (const d of list) {
    source.set(d.source, o);
    o += d.n;
  }
  return { layers: [...list[0].layers], channels: [...list[0].channels], n, vectors, source };
}

/**
 * Blend by dataset proportion: `total` rows (default min(a.n, b.n)), round(ratio · total) of them the
 * first rows of B and the rest the first rows of A (crops are already in random order).
 */
export function blendDatasets(a: GramDataset, b: GramDataset, ratio: number, total = Math.min(a.n, b.n)): GramDataset {
  if (!(Number.isFinite(ratio) && ratio >= 0 && ratio <= 1)) throw new RangeError(`blend ratio must be in [0, 1], got ${ratio}`);
  checkCompatible(a, b);
  const nB = Math.round(ratio * total);
  const nA = total - nB;
  if (nA > a.n || nB > b.n) throw new RangeError(`blend needs ${nA} rows of style A (has ${a.n}) and ${nB} of style B (has ${b.n})`);
  const parts: GramDataset[] = [];
  if (nA > 0) parts.push(selectDatasetRows(a, Array.from({ length: nA }, (_, i) => i)));
  if (nB > 0) parts.push(selectDatasetRows(b, Array.from({ length: nB }, (_, i) => i)));
  return concatDatasets(parts);
}

/** Per-layer mean upper-triangle vectors of a dataset (float64). */
export function datasetMean(ds: GramDataset): Float64Array[] {
  return ds.channels.map((c, l) => {
    const D = triLength(c);
    const m = new Float64Array(D);
    const v = ds.vectors[l];
    for (let r = 0; r < ds.n; r++) for (let e = 0; e < D; e++) m[e] += v[r * D + e];
    for (let e = 0; e < D; e++) m[e] /= ds.n;
    return m;
  });
}
