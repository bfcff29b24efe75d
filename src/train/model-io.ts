/**
 * Saving and loading tfjs layers models as `model.json` + `weights.bin` in a folder, without tfjs-node
 * (tf.io.withSaveHandler / tf.io.fromMemory), with atomic writes and validation.
 *
 * model.json is the standard tfjs layers format (modelTopology, format, weightsManifest with one shard
 * `weights.bin`) plus a `gmmgen` block: { sha256 of weights.bin, byteLength, savedAt, meta }. On load the
 * shard length is checked against the manifest and the checksum against the file; any problem throws a
 * ModelFileError naming the file and what is wrong.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import { writeFileAtomic } from '../util/png.ts';

export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFileError';
  }
}

export const WEIGHTS_FILE = 'weights.bin';
export const MODEL_FILE = 'model.json';

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

export function sha256(data: Uint8Array | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface SerializedModel {
  json: Record<string, unknown>;
  weights: Buffer;
}

/** The model's topology and weights in memory (model.json object + weights.bin bytes). */
export async function serializeModel(model: tfl.LayersModel, meta: Record<string, unknown> = {}): Promise<SerializedModel> {
  let out: SerializedModel | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const wd = a.weightData as ArrayBuffer | ArrayBuffer[] | undefined;
      const buf = wd === undefined ? new ArrayBuffer(0) : Array.isArray(wd) ? tf.io.concatenateArrayBuffers(wd) : wd;
      const weights = Buffer.from(buf);
      out = {
        weights,
        json: {
          modelTopology: a.modelTopology,
          format: a.format ?? 'layers-model',
          generatedBy: a.generatedBy,
          convertedBy: a.convertedBy ?? null,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs ?? [] }],
          gmmgen: { sha256: sha256(weights), byteLength: weights.length, savedAt: new Date().toISOString(), meta },
        },
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!out) throw new Error(`serializeModel: the save handler of model "${model.name}" was not called`);
  return out;
}

/** Writes model.json + weights.bin into `dir` (each file atomically; the weights first). */
export async function saveModel(model: tfl.LayersModel, dir: string, meta: Record<string, unknown> = {}): Promise<void> {
  const s = await serializeModel(model, meta);
  writeFileAtomic(join(dir, WEIGHTS_FILE), s.weights);
  writeFileAtomic(join(dir, MODEL_FILE), JSON.stringify(s.json));
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
}

/** Reads and validates model.json + weights.bin in `dir`; returns the tfjs artifacts and the gmmgen block. */
export function readModelArtifacts(dir: string, what = 'model'): { artifacts: tf.io.ModelArtifacts; gmmgen: Record<string, unknown> | null } {
  const jsonPath = join(dir, MODEL_FILE);
  if (!existsSync(dir)) throw new ModelFileError(dir, `${what} folder does not exist`);
  if (!existsSync(jsonPath)) throw new ModelFileError(jsonPath, `${what} file is missing`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ModelFileError(jsonPath, `is not valid JSON (${(e as Error).message})`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology || typeof json.modelTopology !== 'object') {
    throw new ModelFileError(jsonPath, 'has no modelTopology object: not a tfjs layers model');
  }
  const manifest = json.weightsManifest as { paths: string[]; weights: ManifestEntry[] }[] | undefined;
  if (!Array.isArray(manifest) || manifest.length === 0) throw new ModelFileError(jsonPath, 'has no weightsManifest');
  const specs: ManifestEntry[] = [];
  const chunks: Buffer[] = [];
  for (const group of manifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new ModelFileError(jsonPath, 'weightsManifest entry lacks paths/weights arrays');
    let need = 0;
    for (const w of group.weights) {
      if (typeof w.name !== 'string' || !Array.isArray(w.shape) || !(w.dtype in DTYPE_BYTES)) {
        throw new ModelFileError(jsonPath, `malformed weight spec ${JSON.stringify(w).slice(0, 120)}`);
      }
      need += w.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[w.dtype];
      specs.push(w);
    }
    const bufs: Buffer[] = [];
    for (const p of group.paths) {
      const bp = join(dir, p);
      if (!existsSync(bp)) throw new ModelFileError(bp, `weights file of the ${what} is missing`);
      bufs.push(readFileSync(bp));
    }
    const data = Buffer.concat(bufs);
    if (data.length !== need) {
      throw new ModelFileError(join(dir, group.paths.join('+')), `${what} weights are ${data.length} bytes but the manifest in model.json needs ${need} (truncated or foreign file)`);
    }
    chunks.push(data);
  }
  const weights = Buffer.concat(chunks);
  const gm = (json.gmmgen ?? null) as Record<string, unknown> | null;
  if (gm && typeof gm.sha256 === 'string' && manifest.length === 1) {
    const got = sha256(weights);
    if (got !== gm.sha256) throw new ModelFileError(join(dir, manifest[0].paths.join('+')), `${what} weights checksum mismatch (sha256 ${got.slice(0, 12)}…, model.json says ${gm.sha256.slice(0, 12)}…): the file is corrupted`);
  }
  const ab = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return {
    artifacts: {
      modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs: specs as tf.io.WeightsManifestEntry[],
      weightData: ab,
      format: 'layers-model',
    },
    gmmgen: gm,
  };
}

/** Loads a layers model saved by `saveModel` (or any single-folder tfjs layers model). */
export async function loadModel(dir: string, what = 'model'): Promise<tfl.LayersModel> {
  const { artifacts } = readModelArtifacts(dir, what);
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
  } catch (e) {
    throw new ModelFileError(join(dir, MODEL_FILE), `cannot build the ${what}: ${(e as Error).message}`);
  }
}

/** Copies the weights of `src` into `dst` (same architecture); throws naming the first mismatch. */
export function copyWeights(src: tfl.LayersModel, dst: tfl.LayersModel, what = 'model'): void {
  const a = src.getWeights();
  const b = dst.getWeights();
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} weight tensors in the file, ${b.length} in the model`);
  for (let i = 0; i < a.length; i++) {
    if (a[i].shape.join('x') !== b[i].shape.join('x')) throw new Error(`${what}: weight ${i} has shape [${a[i].shape}] in the file but [${b[i].shape}] in the model`);
  }
  dst.setWeights(a);
}
