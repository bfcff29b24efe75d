/**
 * Latent-code files: the codes of a data set under the encoder, for the GMM stage.
 *
 *   <path>.json   header { format: 'gmmgen-codes', version: 1, n, d, dtype: 'float32', byteOrder: 'little-endian',
 *                          labels: number[n], sourceModel, date, dataFile, sha256 }
 *   <path>.f32    n·d float32 little-endian values, row-major (code i = values[i·d .. i·d + d))
 *
 * `writeCodes(path, { data, n, d, labels, sourceModel })` writes both files atomically (the binary first);
 * `readCodes(path)` accepts the path without extension, the .json or the .f32 path, validates the header and
 * the binary's length and checksum, and throws a CodesFileError naming the file and the problem.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/png.ts';

export const CODES_FORMAT = 'gmmgen-codes';
export const CODES_VERSION = 1;

export class CodesFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`latent codes file ${file}: ${problem}`);
    this.name = 'CodesFileError';
  }
}

export interface CodesHeader {
  format: typeof CODES_FORMAT;
  version: number;
  n: number;
  d: number;
  dtype: 'float32';
  byteOrder: 'little-endian';
  labels: number[];
  sourceModel: string;
  date: string;
  /** File name of the binary, relative to the header. */
  dataFile: string;
  sha256: string;
  /** Free-form extra information (split, test MAE...). */
  meta?: Record<string, unknown>;
}

export interface Codes {
  n: number;
  d: number;
  /** n·d values, row-major. */
  data: Float32Array;
  labels: Uint8Array;
  header: CodesHeader;
}

export interface WriteCodesInput {
  data: Float32Array;
  n: number;
  d: number;
  labels: ArrayLike<number>;
  sourceModel: string;
  date?: string;
  meta?: Record<string, unknown>;
}

/** `<path>` without a .json/.f32 extension. */
export function codesBase(path: string): string {
  return path.replace(/\.(json|f32)$/, '');
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function toLittleEndianBytes(data: Float32Array): Buffer {
  const buf = Buffer.alloc(data.length * 4);
  if (LITTLE_ENDIAN) Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(buf);
  else for (let i = 0; i < data.length; i++) buf.writeFloatLE(data[i], i * 4);
  return buf;
}

/** Writes `<path>.f32` and `<path>.json`; returns the two paths. */
export function writeCodes(path: string, c: WriteCodesInput): { json: string; bin: string } {
  const base = codesBase(path);
  if (!Number.isInteger(c.n) || c.n < 1) throw new Error(`writeCodes(${base}): n must be a positive integer, got ${c.n}`);
  if (!Number.isInteger(c.d) || c.d < 1) throw new Error(`writeCodes(${base}): d must be a positive integer, got ${c.d}`);
  if (!(c.data instanceof Float32Array)) throw new Error(`writeCodes(${base}): data must be a Float32Array`);
  if (c.data.length !== c.n * c.d) throw new Error(`writeCodes(${base}): data holds ${c.data.length} values, n·d = ${c.n}·${c.d} = ${c.n * c.d}`);
  if (c.labels.length !== c.n) throw new Error(`writeCodes(${base}): ${c.labels.length} labels for ${c.n} codes`);
  for (let i = 0; i < c.data.length; i++) {
    if (!Number.isFinite(c.data[i])) throw new Error(`writeCodes(${base}): value ${i} (code ${Math.floor(i / c.d)}) is not finite (${c.data[i]})`);
  }
  const labels = Array.from(c.labels, (v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new Error(`writeCodes(${base}): label ${i} is ${v}, expected an integer 0..255`);
    return v;
  });
  const bytes = toLittleEndianBytes(c.data);
  const bin = `${base}.f32`;
  const json = `${base}.json`;
  const header: CodesHeader = {
    format: CODES_FORMAT,
    version: CODES_VERSION,
    n: c.n,
    d: c.d,
    dtype: 'float32',
    byteOrder: 'little-endian',
    labels,
    sourceModel: c.sourceModel,
    date: c.date ?? new Date().toISOString(),
    dataFile: basename(bin),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...(c.meta ? { meta: c.meta } : {}),
  };
  writeFileAtomic(bin, bytes);
  writeFileAtomic(json, JSON.stringify(header));
  return { json, bin };
}

/** Reads and validates a codes file pair (path with or without the .json/.f32 extension). */
export function readCodes(path: string, opts: { verifyChecksum?: boolean } = {}): Codes {
  const base = codesBase(path);
  const json = `${base}.json`;
  if (!existsSync(json)) throw new CodesFileError(json, 'does not exist (write codes with `npm run encode`)');
  let h: CodesHeader;
  try {
    h = JSON.parse(readFileSync(json, 'utf8')) as CodesHeader;
  } catch (e) {
    throw new CodesFileError(json, `is not valid JSON (${(e as Error).message})`);
  }
  if (!h || typeof h !== 'object' || h.format !== CODES_FORMAT) throw new CodesFileError(json, `format is ${JSON.stringify(h?.format)}, expected "${CODES_FORMAT}"`);
  if (h.version !== CODES_VERSION) throw new CodesFileError(json, `version ${h.version} is not supported (expected ${CODES_VERSION})`);
  if (!Number.isInteger(h.n) || h.n < 1) throw new CodesFileError(json, `n must be a positive integer, got ${JSON.stringify(h.n)}`);
  if (!Number.isInteger(h.d) || h.d < 1) throw new CodesFileError(json, `d must be a positive integer, got ${JSON.stringify(h.d)}`);
  if (h.dtype !== 'float32' || h.byteOrder !== 'little-endian') throw new CodesFileError(json, `dtype/byteOrder must be float32/little-endian, got ${h.dtype}/${h.byteOrder}`);
  if (!Array.isArray(h.labels) || h.labels.length !== h.n) {
    throw new CodesFileError(json, `labels must be an array of n = ${h.n} entries, got ${Array.isArray(h.labels) ? h.labels.length : typeof h.labels}`);
  }
  const labels = new Uint8Array(h.n);
  for (let i = 0; i < h.n; i++) {
    const v = h.labels[i];
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new CodesFileError(json, `label ${i} is ${JSON.stringify(v)}, expected an integer 0..255`);
    labels[i] = v;
  }
  const bin = join(dirname(json), typeof h.dataFile === 'string' && h.dataFile ? h.dataFile : `${basename(base)}.f32`);
  if (!existsSync(bin)) throw new CodesFileError(bin, `is missing (named by ${json})`);
  const bytes = readFileSync(bin);
  const need = h.n * h.d * 4;
  if (bytes.length !== need) {
    throw new CodesFileError(bin, `is ${bytes.length} bytes but the header says n·d·4 = ${h.n}·${h.d}·4 = ${need} (${bytes.length < need ? 'truncated' : 'trailing bytes'})`);
  }
  if (opts.verifyChecksum !== false && typeof h.sha256 === 'string') {
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== h.sha256) throw new CodesFileError(bin, `checksum mismatch (sha256 ${got.slice(0, 12)}…, header says ${h.sha256.slice(0, 12)}…): the file is corrupted or does not belong to ${json}`);
  }
  const data = new Float32Array(h.n * h.d);
  if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(bytes);
  else for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(i * 4);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new CodesFileError(bin, `value ${i} (code ${Math.floor(i / h.d)}) is not finite`);
  }
  return { n: h.n, d: h.d, data, labels, header: h };
}
