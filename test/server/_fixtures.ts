/**
 * A models folder built for the server tests, in the layout the shipped models use:
 *   <dir>/autoencoder/decoder/   a randomly initialised decoder (src/models/autoencoder.ts buildDecoder), saved
 *   <dir>/codes/train.{json,f32}  labelled 128-d codes (10 Gaussian blobs)
 *   <dir>/gmm/em/                 per-class GMMs fitted by EM to those codes (src/latent fitLatentSet)
 * and helpers to read PNGs back; a local stand-in for the download host and the options of a fresh clone
 * (for the first-use download tests).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { initBackend } from '../../src/backend/index.ts';
import { writeCodes } from '../../src/latent/codes.ts';
import { fitLatentSet } from '../../src/latent/index.ts';
import { buildDecoder, LATENT_DIM } from '../../src/models/autoencoder.ts';
import { saveModel } from '../../src/train/model-io.ts';
import { defaultServerOptions, type ServerOptions } from '../../src/server/options.ts';
import { sharedPath } from '../../src/util/paths.ts';
import { Rng } from '../../src/util/rng.ts';

export async function makeModelsDir(opts: { perClass?: number; k?: number } = {}): Promise<{ dir: string; cleanup: () => void }> {
  await initBackend({ quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-server-models-'));
  const decoder = buildDecoder({ seed: 11 });
  await saveModel(decoder, join(dir, 'autoencoder', 'decoder'), { note: 'random decoder for the server tests' });
  decoder.dispose();
  const perClass = opts.perClass ?? 24;
  const d = LATENT_DIM;
  const n = 10 * perClass;
  const rng = new Rng(5);
  const data = new Float32Array(n * d);
  const labels = new Uint8Array(n);
  // Class c: a blob around a random centre of norm ~3, unit noise.
  const centres = Array.from({ length: 10 }, () => Float64Array.from({ length: d }, () => rng.normal() * 0.3));
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let j = 0; j < d; j++) data[i * d + j] = centres[c][j] + 0.5 * rng.normal();
  }
  const codesPath = join(dir, 'codes', 'train');
  writeCodes(codesPath, { data, n, d, labels, sourceModel: 'test: random blobs' });
  await fitLatentSet({ codes: { n, d, data, labels }, method: 'em', k: opts.k ?? 2, outDir: join(dir, 'gmm', 'em'), workers: 0, seed: 1, codesPath });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  data: Buffer;
}

export async function decodePng(buf: Buffer): Promise<DecodedPng> {
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data };
}

/** Variance of the first channel over a rectangle. */
export function regionVariance(img: DecodedPng, x0: number, y0: number, w: number, h: number): number {
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const v = img.data[(y * img.width + x) * img.channels];
      s += v;
      s2 += v * v;
      n++;
    }
  }
  const m = s / n;
  return s2 / n - m * m;
}

/** Polls `cond` every `everyMs` until it holds; fails the test naming `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, opts: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const { timeoutMs = 20_000, everyMs = 50 } = opts;
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Reads a server-sent-events stream until it ends (or `until` returns true); returns the events. */
export async function readSse(url: string, opts: { until?: (ev: { event: string; data: any }) => boolean; timeoutMs?: number } = {}): Promise<{ event: string; data: any }[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`SSE ${url}: no end within ${opts.timeoutMs ?? 30000} ms`)), opts.timeoutMs ?? 30000);
  const events: { event: string; data: any }[] = [];
  try {
    const res = await fetch(url, { signal: ac.signal });
    if (!res.ok) throw new Error(`SSE ${url}: HTTP ${res.status} ${await res.text()}`);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let event = 'message';
        const lines: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) lines.push(line.slice(6));
        }
        if (!lines.length) continue;
        const ev = { event, data: JSON.parse(lines.join('\n')) };
        events.push(ev);
        if (opts.until?.(ev)) {
          ac.abort();
          return events;
        }
      }
    }
    return events;
  } catch (e) {
    if (ac.signal.aborted && events.length && opts.until?.(events[events.length - 1])) return events;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/**
 * A small PNG whose header claims `width × height` grey pixels (a decompression bomb's header): only `rows`
 * rows of data follow, so decoding it fails, while reading its header gives the claimed size.
 */
export function pngClaiming(width: number, height: number, rows = 2): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey), no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(rows * (width + 1)))), pngChunk('IEND', Buffer.alloc(0))]);
}

export interface DownloadHost {
  url: string;
  /** Requests per URL path. */
  hits: Map<string, number>;
  /** URL paths served with other bytes (to fail a checksum). */
  tampered: Map<string, Buffer>;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server standing in for the public download hosts: /tfjs/mobilenet/* serves the shared
 * MobileNet folder (the public shards, byte for byte) and /paintings/* the shared paintings, each response
 * after `latencyMs`.
 */
export async function startDownloadHost(opts: { latencyMs?: number } = {}): Promise<DownloadHost> {
  const served: [string, string][] = [
    ['/tfjs/mobilenet/', sharedPath('models', 'mobilenet_v1_1.0_224')],
    ['/paintings/', sharedPath('assets', 'styles')],
  ];
  const hits = new Map<string, number>();
  const tampered = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    for (const [prefix, dir] of served) {
      if (!url.startsWith(prefix)) continue;
      const f = normalize(join(dir, decodeURIComponent(url.slice(prefix.length))));
      if (!f.startsWith(dir) || !existsSync(f) || !statSync(f).isFile()) break;
      const body = tampered.get(url) ?? readFileSync(f);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      setTimeout(() => res.end(body), opts.latencyMs ?? 0);
      return;
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    hits,
    tampered,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * The server options of a fresh clone, as `npm start` computes them: GMMGEN_SHARED at an empty folder
 * (`<dir>/shared`), an empty download cache (`<dir>/cache`), and the given download URLs.
 */
export function freshCloneOptions(dir: string, mobilenetUrl: string, paintingsUrl: string): ServerOptions {
  const shared = join(dir, 'shared');
  mkdirSync(shared, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, GMMGEN_SHARED: shared, GMMGEN_CACHE: join(dir, 'cache'), GMMGEN_MOBILENET_URL: mobilenetUrl, GMMGEN_PAINTINGS_URL: paintingsUrl };
  delete env.GMMGEN_MOBILENET;
  delete env.GMMGEN_STYLES;
  delete env.GMMGEN_OFFLINE;
  return defaultServerOptions(env);
}
