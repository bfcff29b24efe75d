/**
 * Gram datasets: random crops of a style image → one Gram matrix per style layer per crop (normalised
 * by the number of positions), stored as isometric upper-triangle vectors (gram.ts).
 *
 * Blending by dataset proportion (the fixed-basis paper's §3.2.2): a dataset with a fraction `ratio`
 * of its rows from style B and the rest from style A; ratio 0 is style A alone, 1 is style B alone.
 */
import { tf } from '../backend/index.ts';
import type { FeatureExtractor } from './extractor.ts';
import { gramMatrices, triLength } from './gram.ts';
import { cropImage, randomCropBoxes, type RgbImage } from './images.ts';

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
  const channels = [...extractor.styleChannels];
  const vectors = channels.map((c) => new Float32Array(count * triLength(c)));
  for (let start = 0; start < count; start += batch) {
    opts.signal?.throwIfAborted();
    const b = Math.min(batch, count - start);
    const pix = new Float32Array(b * size * size * 3);
    for (let k = 0; k < b; k++) pix.set(cropImage(image, boxes[start + k].x, boxes[start + k].y, size).data, k * size * size * 3);
    const grams = tf.tidy(() => {
      const x = tf.tensor4d(pix, [b, size, size, 3]);
      return extractor.features(x).style.map((f) => gramMatrices(f));
    });
    for (const [l, g] of grams.entries()) {
      writeTri((await g.data()) as Float32Array, b, channels[l], vectors[l], start);
      g.dispose();
    }
    opts.onCrops?.(start + b, count);
    await new Promise((r) => setImmediate(r));
  }
  return { layers: [...extractor.styleLayers], channels, n: count, vectors, source: new Int32Array(count).fill(opts.sourceIndex ?? 0) };
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
