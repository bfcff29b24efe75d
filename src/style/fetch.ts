/**
 * Downloaders for the pretrained weights and the style paintings: used by `npm run fetch-models` /
 * `npm run fetch-assets` and by the web app, which fetches what is missing on first use
 * (src/server/style-setup.ts).
 *
 * - MobileNet v1 1.0/224, tfjs layers format, from the tfjs-models bucket: model.json, then every weight
 *   shard its manifest lists (or, with `upTo`, only the shards holding weights of the layers up to that
 *   one: the loader slices the model and never reads the others). Shard sizes are checked against the
 *   manifest, and with `pins` every shard against its pinned SHA-256 (MOBILENET_SHARDS: the published
 *   shards up to conv_pw_12_relu).
 * - The four public-domain paintings, from the copies in jcjohnson/neural-style (originally from
 *   Wikimedia Commons); each download is checked against a pinned SHA-256 (the digests of the files
 *   in ../shared/assets/styles).
 *
 * Nothing is ever left half-written: every file goes to a uniquely named temp file first and is renamed
 * into place once complete and verified, and a model's model.json is written last, so a folder holding a
 * model.json holds the whole model. Existing files that already verify are kept.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/output.ts';
import { parseModelJson, sliceTopology, topologyLayerNames } from './model-io.ts';

export const MOBILENET_URL = 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/';

/** The last MobileNet layer the app needs (the style layers end at conv_pw_11_relu; the shared copy is cut here too). */
export const MOBILENET_UP_TO = 'conv_pw_12_relu';

export interface FilePin {
  bytes: number;
  sha256: string;
}

/**
 * The published MobileNet v1 1.0/224 weight shards the app needs (every layer up to conv_pw_12_relu):
 * size and SHA-256 of each, from the copy in ../shared/models/mobilenet_v1_1.0_224 (the public shards,
 * same names and grouping as the bucket's model.json). 50 files, 8.65 MB.
 */
export const MOBILENET_SHARDS: Readonly<Record<string, FilePin>> = Object.fromEntries(
  ([
  ['group1-shard1of1', 3456, 'ac47f5e879eee80e5a3dd34e0c4b603c008c22697bd385a807b552196469cf8d'],
  ['group2-shard1of1', 512, '926336e665f89179ae48d22b321ef040d3d8e3c4934c7c34723dbd1de3586392'],
  ['group3-shard1of1', 1152, 'e8f32b3d128117cc17ff7e6577806a1af8db83045a036fb6c6bf5ee5f28a9235'],
  ['group4-shard1of1', 18432, '825588712ad3472b2c3b38cc44902e527b7a2f445cb597ae40a2cbc51977167c'],
  ['group5-shard1of1', 8192, '974e18c0dc5b9a6019858d30a5565577f0d8ea312026ac085a408f79d536cf20'],
  ['group6-shard1of1', 18432, '9b4d71617f631e117d1b79254977e6dced7388bd611db803cbf6d792054f1294'],
  ['group7-shard1of1', 8192, '9433ee1ea01855ce72da0a1025b708ac55dec728e309c9089c1c7dffa18a86b0'],
  ['group8-shard1of1', 18432, 'cc8b9923e8c1715bc1d49123a62d66972b4189a5683121ee59780ed15f1265c8'],
  ['group9-shard1of1', 8192, 'd5a6eb3aca535d2e29d6abe60e487f2a56fab1397af6b65bcfe23b8e248b456f'],
  ['group12-shard1of1', 512, '2460ac8019d24487c3d4ac62ecd6070c457d5cba907de5c6574adfad899987de'],
  ['group13-shard1of1', 2304, '050245f715febbb7cb23ef89c2785441f5ff1a40189e290e81b7f90f13561ffe'],
  ['group14-shard1of1', 1024, '0f547921c1176411876a109a32f3753fdbd0ed14b4a98b179b31cd3c53752c7e'],
  ['group15-shard1of1', 4608, '47337dadf5b8c0e796cc8b379df6267fc19001436636c068026acdf287d7e9f9'],
  ['group16-shard1of1', 2048, 'a850a0cbcf85ec192302a012c153eae688e4256bae59205fa4b4509855b37d20'],
  ['group17-shard1of1', 4608, '49f5a8ba9bebfbf9b336bd040abc6d4842497a3d47a396e8876cf0c704cf5325'],
  ['group18-shard1of1', 2048, '8cec047146c18f723aaa728aa38ca2f2b04bacd9992eeb2aba3f07aa44ce00fc'],
  ['group19-shard1of1', 9216, '1427f5a54802f9a058909705bb533ac4ecb94b617987e691c74cc3f2beea3f63'],
  ['group20-shard1of1', 4096, 'd24cf40560fc4ad7a7842c9c17c3230c2a30633ac0ed397022bbbbe3f83f053c'],
  ['group21-shard1of1', 9216, '5b8541d7f40659d311f46cf83bc0c1c4429b0b8efeeb98d91a98d56492ecbe36'],
  ['group22-shard1of1', 4096, '8bc3f01dc12e506d8cad386abeef95fda46a79ca0d83798595664fee72283c20'],
  ['group23-shard1of1', 18432, '0468e6901ec155cf9f2d8e4dc7f4b7dbbd8eec6ea857d0a2b7a7eb1b737089d9'],
  ['group24-shard1of1', 8192, '3fef53547ee5e03d641edecdba198262e51e2fa659b43fee258a119bd12cf69e'],
  ['group25-shard1of1', 18432, 'c966a3f767bf9ca947c8a8606d77eb7ab42a294ea273b238dbcdde6a46d6b8d8'],
  ['group26-shard1of1', 8192, '0ca49a466f72a989190a937f8743b251c23a7f5030b777d24c97ae8e259415ab'],
  ['group27-shard1of1', 18432, '96e41ae0bb8880e0c0fdc4c9126fef1c642bfbbd04c2170b05dffd2111493026'],
  ['group28-shard1of1', 8192, 'ef5ad407e32120b20370ba6a54cdf03f339f6ace8fb7415348ac568285e5ec8f'],
  ['group30-shard1of1', 8192, '2399805be0d87c6787065c05bb40dfef2d3f5085d9313091c79c653454212aa2'],
  ['group31-shard1of1', 1048576, '9df450b5a6c9272224ba9114878f2513c3d7a4662a5d7e68562b44d1a21bcebd'],
  ['group32-shard1of1', 8192, 'b6530681265b4869dad58babd4070d59539dd17bd5e1b007a376bf4f8aa8975c'],
  ['group33-shard1of1', 1048576, 'df0f5e2fa512880a1f75002fcd0f953ba2b96222aa869772435701296ade8674'],
  ['group34-shard1of1', 8192, '885bb00463357c8ff83e8405c71e18663b3661886d80fcbfb8c135bafd4a99d9'],
  ['group35-shard1of1', 2097152, 'c1ae02f6cd5759a0550639e91918f2186a8331b9b711a97d73c97ea44cd28f17'],
  ['group36-shard1of1', 16384, 'f6997576dcb181aaed44a6c1eaf221f2a1cc4257fd29816a328c0e5a7230e81e'],
  ['group39-shard1of1', 1024, 'b2fca54b325e305fb0e024910e11d80474d013262d85bac7f1eb64c5f58fe266'],
  ['group40-shard1of1', 32768, 'c3f84328d85fb80b0ce341b2481fb1b9c71ab521f9f98fdd27451c727e00e302'],
  ['group41-shard1of1', 2048, '1ca13d51a3434ff2dcb156c1cc6d44975d0e915d5c178e0b7b37fdc71846f939'],
  ['group42-shard1of1', 65536, 'e74d4ab14b8137393eaf3e1eab8ac4a6ad5508148802a91631b2da23b987ecea'],
  ['group43-shard1of1', 2048, '9adab0633661a9417f8abe693b5e1aa53f33868aa542d0bba9eb06afc1e49ae1'],
  ['group44-shard1of1', 131072, '31a0da2cee66a6fa5b85d087b98f967a1566a05a6871abadb198cfc7094e3dc7'],
  ['group45-shard1of1', 4096, 'b4e9c284d376ab48186ed8629d396c4a02cb76bc3c89837f6c936a1f26234834'],
  ['group46-shard1of1', 262144, '752f6b8009dfc953e2e0e4d66d2c0d81f52efa4a9280c4013e9d928c03e90c24'],
  ['group47-shard1of1', 4096, 'e32ad47dd3800ac264dbb7687ed73e453b09368fe35c7e7ce27c63dd8262e88e'],
  ['group48-shard1of1', 524288, 'b2b63567b6fa40c5231451a3a4a1ec94ee45aa80bb802c166ba93f470c53a3f9'],
  ['group49-shard1of1', 8192, '19212241aa418c35ca5e9d83c4bac8b9be9abd4a48ac5f01e912c14bc6a23b7b'],
  ['group50-shard1of1', 1048576, '1fb6d436f6334c585615d69786a7d5530f0302e23dbdedff27b73097a82a7cf0'],
  ['group51-shard1of1', 8192, '95950eba41daa55425261a1a544bb22f0fa7a52a08d1780b096a4c0d3c749cb4'],
  ['group52-shard1of1', 1048576, 'a072338a6d7b5df47e673e454a6b35d34c6c055a7fbd355a84db78811fdaa1c5'],
  ['group53-shard1of1', 8192, '9fdde22824b7e5cb812fb8479eeba2a2da2fe1abee8bb532ec202909339e03b6'],
  ['group54-shard1of1', 1048576, '887b0cac140eb3004f6f0ec265580c4681ad9277d8d2c88773373c0159e07188'],
  ['group55-shard1of1', 8192, 'e1a37a68fe9411f21df16e0c2c4ddd0099a590f3728c1dfc1f95eb43025659eb'],
  ] as [string, number, string][]).map(([f, bytes, sha]) => [f, { bytes, sha256: sha }]),
);

export interface AssetSpec {
  name: string;
  url: string;
  sha256: string;
  bytes: number;
  credit: string;
}

const NEURAL_STYLE = 'https://raw.githubusercontent.com/jcjohnson/neural-style/master/examples/inputs/';

/** The style paintings (byte-identical to ../shared/assets/styles). */
export const STYLE_ASSETS: readonly AssetSpec[] = [
  { name: 'starry_night.jpg', url: NEURAL_STYLE + 'starry_night.jpg', sha256: '0592ab0f7b51b3ce72608a95e53880bd93971e5b48f93a0ce8dfd3cbccf3d098', bytes: 315236, credit: 'Vincent van Gogh, The Starry Night (1889), public domain' },
  { name: 'the_scream.jpg', url: NEURAL_STYLE + 'the_scream.jpg', sha256: 'f3075cddeb974a9ee1d6418f7f33fd05185a7ac7dcb4288bd2805d499a9dcaee', bytes: 216723, credit: 'Edvard Munch, The Scream (1893), public domain' },
  { name: 'shipwreck.jpg', url: NEURAL_STYLE + 'shipwreck.jpg', sha256: '4f7cf34e3cd4a5daaf3f421f059ca9a01aaa2a3afd7243d6670c9c8bc001a213', bytes: 144730, credit: 'J. M. W. Turner, The Shipwreck (1805), public domain' },
  { name: 'woman-with-hat-matisse.jpg', url: NEURAL_STYLE + 'woman-with-hat-matisse.jpg', sha256: '6a8b2383d9c110354a97a42c74bdcc5341be879cbb842ddb7ab5843dbdf56d53', bytes: 101689, credit: 'Henri Matisse, Woman with a Hat (1905), public domain' },
];

export class DownloadError extends Error {
  /** True when the host could not be reached at all (no network, DNS failure, refused, timed out). */
  readonly offline: boolean;
  constructor(message: string, opts: { offline?: boolean } = {}) {
    super(message);
    this.name = 'DownloadError';
    this.offline = opts.offline ?? false;
  }
}

export interface DownloadOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called as bytes arrive (the count of the new chunk), for progress bars. */
  onBytes?: (bytes: number) => void;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Error codes of a host that cannot be reached (as opposed to one that answered badly). */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** GETs a URL (redirects followed) and returns its bytes; HTTP errors and timeouts name the URL. */
export async function fetchBytes(url: string, opts: DownloadOptions = {}): Promise<Buffer> {
  const ms = opts.timeoutMs ?? 120_000;
  const timeout = AbortSignal.timeout(ms);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const fail = (e: unknown): never => {
    if (opts.signal?.aborted) throw opts.signal.reason ?? e;
    const err = e as Error & { cause?: Error & { code?: string } };
    const timedOut = err.name === 'TimeoutError' || timeout.aborted;
    const code = err.cause?.code ?? (err as { code?: string }).code;
    const why = timedOut ? `timed out after ${ms} ms` : err.cause?.message ?? err.message;
    throw new DownloadError(`cannot download ${url}: ${why}`, { offline: timedOut || (code !== undefined && UNREACHABLE.has(code)) });
  };
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    return fail(e);
  }
  if (!res.ok) throw new DownloadError(`cannot download ${url}: HTTP ${res.status} ${res.statusText}`);
  const chunks: Uint8Array[] = [];
  try {
    if (!res.body) return Buffer.alloc(0);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      opts.onBytes?.(chunk.length);
    }
  } catch (e) {
    return fail(e);
  }
  return Buffer.concat(chunks);
}

/**
 * Writes a file atomically, creating its folder: the data goes to a uniquely named temp file beside it, which
 * is renamed into place (so readers never see a partial file). src/util/output.ts writeFileAtomic.
 */
export const writeAtomic = writeFileAtomic;

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
  /** Pinned size and SHA-256 of every shard (e.g. MOBILENET_SHARDS): a shard not listed, or not matching, is an error. */
  pins?: Readonly<Record<string, FilePin>>;
  /** Re-download files that are already there. */
  force?: boolean;
  onFile?: (info: { file: string; bytes: number; skipped: boolean; index: number; total: number }) => void;
}

/** Downloads a tfjs layers-format model (model.json + shards) into `dest`; returns the shard files written or kept. */
export async function fetchModel(opts: FetchModelOptions): Promise<{ files: string[]; bytes: number }> {
  const base = opts.baseUrl ?? MOBILENET_URL;
  const jsonUrl = joinUrl(base, 'model.json');
  const jsonBytes = await fetchBytes(jsonUrl, opts);
  let file;
  try {
    file = parseModelJson(jsonBytes.toString('utf8'), opts.dest, 'downloaded model');
  } catch (e) {
    throw new DownloadError(`${jsonUrl} is not a usable tfjs layers model: ${(e as Error).message}`);
  }
  let keepLayer: (name: string) => boolean = () => true;
  if (opts.upTo) {
    let kept: Set<string>;
    try {
      kept = sliceTopology(file, [opts.upTo]).kept;
    } catch (e) {
      throw new DownloadError(`${jsonUrl}: ${(e as Error).message}`);
    }
    const all = new Set(topologyLayerNames(file));
    keepLayer = (w) => {
      const owner = w.split('/')[0];
      return !all.has(owner) || kept.has(owner);
    };
  }
  const groups = file.manifest.filter((g) => g.weights.some((w) => keepLayer(w.name)));
  const shards = groups.flatMap((g) => g.paths);
  for (const p of shards) {
    if (p.includes('/') || p.includes('\\') || p.startsWith('.')) throw new DownloadError(`${jsonUrl}: weight file name "${p}" is not a plain file name`);
    if (opts.pins && !opts.pins[p]) throw new DownloadError(`${jsonUrl} lists weight file "${p}", which is not one of the pinned files (is it another model?)`);
  }
  const intact = (dest: string, p: string): boolean => {
    if (!existsSync(dest)) return false;
    const pin = opts.pins?.[p];
    if (!pin) return statSync(dest).size > 0;
    return statSync(dest).size === pin.bytes && sha256(readFileSync(dest)) === pin.sha256;
  };
  mkdirSync(opts.dest, { recursive: true });
  let bytes = jsonBytes.length;
  for (const [i, p] of shards.entries()) {
    const dest = join(opts.dest, p);
    if (!opts.force && intact(dest, p)) {
      opts.onFile?.({ file: p, bytes: statSync(dest).size, skipped: true, index: i, total: shards.length });
      continue;
    }
    const url = joinUrl(base, p);
    const data = await fetchBytes(url, opts);
    const pin = opts.pins?.[p];
    if (pin && sha256(data) !== pin.sha256) {
      throw new DownloadError(`${url}: ${data.length} bytes with SHA-256 ${sha256(data)}, expected ${pin.bytes} bytes with SHA-256 ${pin.sha256}`);
    }
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
  // model.json last: a folder with a model.json holds the whole model.
  writeAtomic(join(opts.dest, 'model.json'), jsonBytes);
  return { files: shards, bytes };
}

/** Bytes of the pinned MobileNet shards (what a first download up to MOBILENET_UP_TO moves, besides model.json). */
export function mobilenetDownloadBytes(): number {
  return Object.values(MOBILENET_SHARDS).reduce((s, p) => s + p.bytes, 0);
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
  const picked = names.map((n) => {
    const a = list.find((x) => x.name === n || x.name.replace(/\.[a-z]+$/, '') === n);
    if (!a) throw new RangeError(`unknown asset "${n}": expected one of ${list.map((x) => x.name).join(', ')}`);
    return a;
  });
  const out: string[] = [];
  for (const a of picked) {
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
