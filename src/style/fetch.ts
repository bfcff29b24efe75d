/**
 * Downloaders for the pretrained weights and the style paintings (npm run fetch-models / fetch-assets).
 *
 * - MobileNet v1 1.0/224, tfjs layers format, from the tfjs-models bucket: model.json, then every weight
 *   shard its manifest lists (or, with `upTo`, only the shards holding weights of the layers up to that
 *   one: the loader slices the model and never reads the others). Shard sizes are checked against the
 *   manifest.
 * - The four public-domain paintings, from the copies in jcjohnson/neural-style (originally from
 *   Wikimedia Commons); each download is checked against a pinned SHA-256 (the digests of the files
 *   in ../shared/assets/styles).
 *
 * Files are written atomically (temp file + rename); existing files that already verify are skipped.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readModelJson, sliceTopology, topologyLayerNames } from './model-io.ts';

export const MOBILENET_URL = 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/';

export interface AssetSpec {
  name: string;
  url: string;
  sha256: string;
  credit: string;
}

const NEURAL_STYLE = 'https://raw.githubusercontent.com/jcjohnson/neural-style/master/examples/inputs/';

/** The style paintings (byte-identical to ../shared/assets/styles). */
export const STYLE_ASSETS: readonly AssetSpec[] = [
  { name: 'starry_night.jpg', url: NEURAL_STYLE + 'starry_night.jpg', sha256: '0592ab0f7b51b3ce72608a95e53880bd93971e5b48f93a0ce8dfd3cbccf3d098', credit: 'Vincent van Gogh, The Starry Night (1889), public domain' },
  { name: 'the_scream.jpg', url: NEURAL_STYLE + 'the_scream.jpg', sha256: 'f3075cddeb974a9ee1d6418f7f33fd05185a7ac7dcb4288bd2805d499a9dcaee', credit: 'Edvard Munch, The Scream (1893), public domain' },
  { name: 'shipwreck.jpg', url: NEURAL_STYLE + 'shipwreck.jpg', sha256: '4f7cf34e3cd4a5daaf3f421f059ca9a01aaa2a3afd7243d6670c9c8bc001a213', credit: 'J. M. W. Turner, The Shipwreck (1805), public domain' },
  { name: 'woman-with-hat-matisse.jpg', url: NEURAL_STYLE + 'woman-with-hat-matisse.jpg', sha256: '6a8b2383d9c110354a97a42c74bdcc5341be879cbb842ddb7ab5843dbdf56d53', credit: 'Henri Matisse, Woman with a Hat (1905), public domain' },
];

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** GETs a URL (redirects followed) and returns its bytes; HTTP errors and timeouts name the URL. */
export async function fetchBytes(url: string, opts: DownloadOptions = {}): Promise<Buffer> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 120_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    const err = e as Error & { cause?: Error };
    const why = err.name === 'TimeoutError' ? `timed out after ${opts.timeoutMs ?? 120_000} ms` : err.cause?.message ?? err.message;
    throw new DownloadError(`cannot download ${url}: ${why}`);
  }
  if (!res.ok) throw new DownloadError(`cannot download ${url}: HTTP ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Writes a file atomically (temp + rename), creating its folder. */
export function writeAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function joinUrl(base: string, rel: string): string {
  return new URL(rel, base.endsWith('/') ? base : base + '/').toString();
}

export interface FetchModelOptions extends DownloadOptions {
  /** Folder URL holding model.json (default MOBILENET_URL). */
  baseUrl?: string;
  /** Destination folder (model.json and shards go straight into it). */
  dest: string;
  /** Only fetch the shards of the layers up to this one (and their inputs). */
  upTo?: string;
  /** Re-download files that are already there. */
  force?: boolean;
  onFile?: (info: { file: string; bytes: number; skipped: boolean; index: number; total: number }) => void;
}

/** Downloads a tfjs layers-format model (model.json + shards) into `dest`; returns the shard files written or kept. */
export async function fetchModel(opts: FetchModelOptions): Promise<{ files: string[]; bytes: number }> {
  const base = opts.baseUrl ?? MOBILENET_URL;
  const jsonBytes = await fetchBytes(joinUrl(base, 'model.json'), opts);
  mkdirSync(opts.dest, { recursive: true });
  const jsonPath = join(opts.dest, 'model.json');
  writeAtomic(jsonPath, jsonBytes);
  let file;
  try {
    file = readModelJson(opts.dest, 'downloaded model');
  } catch (e) {
    unlinkSync(jsonPath);
    throw new DownloadError(`${joinUrl(base, 'model.json')} is not a usable tfjs layers model: ${(e as Error).message}`);
  }
  let keepLayer: (name: string) => boolean = () => true;
  if (opts.upTo) {
    const { kept } = sliceTopology(file, [opts.upTo]);
    const all = new Set(topologyLayerNames(file));
    keepLayer = (w) => {
      const owner = w.split('/')[0];
      return !all.has(owner) || kept.has(owner);
    };
  }
  const groups = file.manifest.filter((g) => g.weights.some((w) => keepLayer(w.name)));
  const shards = groups.flatMap((g) => g.paths);
  let bytes = jsonBytes.length;
  for (const [i, p] of shards.entries()) {
    const dest = join(opts.dest, p);
    if (!opts.force && existsSync(dest) && statSync(dest).size > 0) {
      opts.onFile?.({ file: p, bytes: statSync(dest).size, skipped: true, index: i, total: shards.length });
      continue;
    }
    const data = await fetchBytes(joinUrl(base, p), opts);
    writeAtomic(dest, data);
    bytes += data.length;
    opts.onFile?.({ file: p, bytes: data.length, skipped: false, index: i, total: shards.length });
  }
  // Check every group's total size against the manifest.
  const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };
  for (const g of groups) {
    const expected = g.weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * (BYTES[w.quantization?.dtype ?? w.dtype] ?? 4), 0);
    const got = g.paths.reduce((s, p) => s + statSync(join(opts.dest, p)).size, 0);
    if (got !== expected) {
      throw new DownloadError(`shard${g.paths.length > 1 ? 's' : ''} ${g.paths.join(', ')} from ${base}: ${got} bytes, but model.json implies ${expected} (re-run with --force)`);
    }
  }
  return { files: shards, bytes };
}

export interface FetchAssetsOptions extends DownloadOptions {
  dest: string;
  /** Replace the folder part of every asset URL (mirrors, tests). */
  baseUrl?: string;
  /** Only these names (default all). */
  names?: string[];
  force?: boolean;
  assets?: readonly AssetSpec[];
  onFile?: (info: { file: string; bytes: number; skipped: boolean }) => void;
}

/** Downloads the style paintings into `dest`, verifying each SHA-256. */
export async function fetchAssets(opts: FetchAssetsOptions): Promise<string[]> {
  const list = opts.assets ?? STYLE_ASSETS;
  const names = opts.names ?? list.map((a) => a.name);
  const out: string[] = [];
  for (const n of names) {
    const a = list.find((x) => x.name === n || x.name.replace(/\.[a-z]+$/, '') === n);
    if (!a) throw new RangeError(`unknown asset "${n}": expected one of ${list.map((x) => x.name).join(', ')}`);
    const dest = join(opts.dest, a.name);
    if (!opts.force && existsSync(dest) && sha256(readFileSync(dest)) === a.sha256) {
      opts.onFile?.({ file: a.name, bytes: statSync(dest).size, skipped: true });
      out.push(dest);
      continue;
    }
    const url = opts.baseUrl ? joinUrl(opts.baseUrl, a.name) : a.url;
    const data = await fetchBytes(url, opts);
    const digest = sha256(data);
    if (digest !== a.sha256) throw new DownloadError(`${url}: SHA-256 ${digest} does not match the expected ${a.sha256} for ${a.name}`);
    writeAtomic(dest, data);
    opts.onFile?.({ file: a.name, bytes: data.length, skipped: false });
    out.push(dest);
  }
  return out;
}
