/**
 * Digits and Mixing tabs: the shipped latent model sets (models/gmm/<method>/, one GMM per digit class,
 * src/latent) and the trained decoder (models/autoencoder/decoder/), loaded once and kept in memory.
 *
 * When the models are not there, every digits route answers 503 with a message saying which files are
 * missing and how to make them; the server retries loading on the next request, so models that land while it
 * runs are picked up without a restart.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';
import { decodeCodes, loadAllLatentSets, mixClasses, type DecodedImages, type LatentModelSet, type MixMode } from '../latent/index.ts';
import { imageGridPixels } from '../util/png.ts';
import { loadModel } from '../train/model-io.ts';
import { HttpError } from './http.ts';

export interface DigitModels {
  sets: Map<string, LatentModelSet>;
  decoder: tfl.LayersModel;
  decoderDir: string;
}

/** Where the decoder may be (first existing wins). */
export function decoderCandidates(modelsDir: string): string[] {
  return [join(modelsDir, 'autoencoder', 'decoder'), join(modelsDir, 'autoencoder')];
}

export interface GridImage {
  png: Buffer;
  n: number;
  cols: number;
  /** Per image: its class ('mixture'), or null. */
  labels: number[] | null;
}

export class DigitService {
  private models: DigitModels | null = null;
  private loading: Promise<DigitModels> | null = null;
  private lastError: string | null = null;
  private lastTry = 0;

  constructor(readonly modelsDir: string) {}

  /** What is missing for the digits tabs (empty when nothing is). */
  missing(): string[] {
    const out: string[] = [];
    const dec = decoderCandidates(this.modelsDir).find((d) => existsSync(join(d, 'model.json')));
    if (!dec) out.push(`decoder: no model.json in ${decoderCandidates(this.modelsDir)[0]} (train it: npm run train -- --model autoencoder, then copy runs/<name>/final/* to models/autoencoder/; or set GMMGEN_MODELS / --models)`);
    const gmmRoot = join(this.modelsDir, 'gmm');
    const hasSet = existsSync(gmmRoot) && statSync(gmmRoot).isDirectory() && loadableSetNames(gmmRoot).length > 0;
    if (!hasSet) out.push(`latent GMMs: no models/gmm/<method>/index.json under ${gmmRoot} (fit them: npm run encode, then npm run fit-latent)`);
    return out;
  }

  /** The loaded models, loading them on first use; 503 naming what is missing. */
  async get(): Promise<DigitModels> {
    if (this.models) return this.models;
    const miss = this.missing();
    if (miss.length) throw new HttpError(503, `digit models are not available: ${miss.join('; ')}`, { missing: miss });
    // A set that failed to load is retried at most every 2 s (not on every request).
    if (this.lastError && Date.now() - this.lastTry < 2000) throw new HttpError(503, this.lastError);
    if (!this.loading) {
      this.lastTry = Date.now();
      this.loading = (async () => {
        const decoderDir = decoderCandidates(this.modelsDir).find((d) => existsSync(join(d, 'model.json')))!;
        const decoder = await loadModel(decoderDir, 'decoder');
        const sets = loadAllLatentSets(join(this.modelsDir, 'gmm'));
        if (sets.size === 0) throw new Error(`no latent GMM set could be loaded from ${join(this.modelsDir, 'gmm')}`);
        const inShape = decoder.inputs[0].shape;
        for (const [name, s] of sets) {
          if (inShape[inShape.length - 1] !== s.d) throw new Error(`latent set '${name}' has ${s.d}-d codes but the decoder in ${decoderDir} takes ${inShape[inShape.length - 1]}-d codes`);
        }
        return { sets, decoder, decoderDir };
      })();
    }
    try {
      this.models = await this.loading;
      this.lastError = null;
      return this.models;
    } catch (e) {
      this.lastError = `digit models failed to load: ${(e as Error).message}`;
      throw new HttpError(503, this.lastError);
    } finally {
      this.loading = null;
    }
  }

  /** Status for /api/status (does not load anything). */
  status(): { ready: boolean; missing: string[]; methods: string[]; classes: number[]; error: string | null } {
    if (this.models) {
      const first = [...this.models.sets.values()][0];
      return { ready: true, missing: [], methods: [...this.models.sets.keys()], classes: first.classes, error: null };
    }
    const miss = this.missing();
    const gmmRoot = join(this.modelsDir, 'gmm');
    return { ready: false, missing: miss, methods: existsSync(gmmRoot) ? loadableSetNames(gmmRoot) : [], classes: [], error: this.lastError };
  }

  private set(m: DigitModels, method: string): LatentModelSet {
    const s = m.sets.get(method);
    if (!s) throw new HttpError(400, `method: unknown method '${method}' (available: ${[...m.sets.keys()].join(', ')})`, { fields: ['method'] });
    return s;
  }

  /** A grid of `count` digits of one class. */
  async sample(method: string, label: number, count: number, seed: number, cols?: number): Promise<GridImage> {
    const m = await this.get();
    const s = this.set(m, method);
    if (!s.has(label)) throw new HttpError(400, `class: the '${method}' set has no class ${label} (classes: ${s.classes.join(', ')})`, { fields: ['class'] });
    const codes = s.sampleClass(label, count, seed);
    const c = cols ?? Math.ceil(Math.sqrt(count));
    const png = await gridPng(decodeCodes(m.decoder, codes), c);
    return { png, n: count, cols: c, labels: null };
  }

  /** A grid of `count` mixed digits (see src/latent/mixing.ts for the modes). */
  async mix(method: string, mode: MixMode, weights: Record<string, number>, count: number, seed: number, cols?: number): Promise<GridImage> {
    const m = await this.get();
    const s = this.set(m, method);
    let r;
    try {
      r = mixClasses(s, mode, weights, count, seed);
    } catch (e) {
      if ((e as Error).name === 'MixWeightsError') throw new HttpError(400, `weights: ${(e as Error).message}`, { fields: ['weights'] });
      throw e;
    }
    const c = cols ?? Math.ceil(Math.sqrt(count));
    const png = await gridPng(decodeCodes(m.decoder, r), c);
    return { png, n: count, cols: c, labels: mode === 'mixture' ? Array.from(r.source) : null };
  }
}

/**
 * A PNG grid of decoded digits (the layout of src/latent imagesGridPng: pad 1, scale 2), encoded with zlib
 * level 6: as small within ~2 % as level 9 and over ten times faster to encode, which matters for latency.
 */
export async function gridPng(images: DecodedImages, cols: number): Promise<Buffer> {
  const { data, width, height, channels } = imageGridPixels(images.data, { n: images.n, h: images.h, w: images.w, c: images.c, cols, pad: 1, scale: 2 });
  let img = sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels } });
  if (channels === 1) img = img.toColourspace('b-w');
  return img.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
}

function loadableSetNames(root: string): string[] {
  try {
    return readdirSync(root)
      .sort()
      .filter((n) => existsSync(join(root, n, 'index.json')));
  } catch {
    return [];
  }
}
