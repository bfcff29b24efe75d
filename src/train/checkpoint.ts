/**
 * Training checkpoints: model weights + optimizer state + a JSON state (step/epoch counters, loss history, seed,
 * config), each file checksummed, written atomically as a whole folder.
 *
 * Layout of `<dir>` (e.g. runs/ae/checkpoint):
 *   state.json                 { format: 'gmmgen-checkpoint', version: 1, files: { relPath: sha256 }, optimizers, state }
 *   <model>/model.json+weights.bin    one folder per model (saveModel format)
 *   optim-<name>.bin           optimizer variables (float32, concatenated; names and shapes in state.json)
 *
 * Atomicity: everything is written to `<dir>.new`, then `<dir>` is renamed to `<dir>.old`, `<dir>.new` to
 * `<dir>`, and `<dir>.old` removed. A reader that finds no `<dir>` but a complete `<dir>.old` (crash between
 * the renames) uses that. Loading verifies the format and every file's sha256 and size; a mismatch throws a
 * CheckpointError naming the file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import { writeFileAtomic } from '../util/png.ts';
import { concatBytes } from '../util/bytes.ts';
import { copyWeights, MODEL_FILE, sha256, serializeModel, WEIGHTS_FILE } from './model-io.ts';

export const CHECKPOINT_FORMAT = 'gmmgen-checkpoint';
export const CHECKPOINT_VERSION = 1;

export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`checkpoint ${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

interface OptimVarSpec {
  name: string;
  shape: number[];
}

interface StateFile<S> {
  format: string;
  version: number;
  savedAt: string;
  files: Record<string, { sha256: string; bytes: number }>;
  models: string[];
  optimizers: Record<string, OptimVarSpec[]>;
  state: S;
}

/** Saves models, optimizer states and a JSON-serialisable state into `dir` atomically. */
export async function saveCheckpoint<S>(
  dir: string,
  parts: { models: Record<string, tfl.LayersModel>; optimizers?: Record<string, tf.Optimizer>; state: S },
): Promise<void> {
  const tmp = `${dir}.new`;
  const old = `${dir}.old`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const files: StateFile<S>['files'] = {};
  const put = (rel: string, data: Buffer | string) => {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    writeFileAtomic(join(tmp, rel), buf);
    files[rel] = { sha256: sha256(buf), bytes: buf.length };
  };
  for (const [name, model] of Object.entries(parts.models)) {
    const s = await serializeModel(model);
    put(`${name}/${WEIGHTS_FILE}`, s.weights);
    put(`${name}/${MODEL_FILE}`, JSON.stringify(s.json));
  }
  const optimizers: StateFile<S>['optimizers'] = {};
  for (const [name, opt] of Object.entries(parts.optimizers ?? {})) {
    const named = await opt.getWeights();
    const specs: OptimVarSpec[] = [];
    const arrays: Float32Array[] = [];
    for (const { name: vn, tensor } of named) {
      specs.push({ name: vn, shape: tensor.shape });
      arrays.push((await tensor.data()) as Float32Array);
    }
    // getWeights() returns fresh copies of the iteration counter (and only that): free what is not a variable.
    for (const { tensor } of named) if (!(tensor instanceof tf.Variable)) tensor.dispose();
    const flat = concatBytes(arrays);
    put(`optim-${name}.bin`, Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength));
    optimizers[name] = specs;
  }
  const stateFile: StateFile<S> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    savedAt: new Date().toISOString(),
    files,
    models: Object.keys(parts.models),
    optimizers,
    state: parts.state,
  };
  writeFileAtomic(join(tmp, 'state.json'), JSON.stringify(stateFile));
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

/** The folder a checkpoint would be read from (`dir`, or `dir.old` after an interrupted swap), or null. */
export function findCheckpoint(dir: string): string | null {
  if (existsSync(join(dir, 'state.json'))) return dir;
  if (existsSync(join(`${dir}.old`, 'state.json'))) return `${dir}.old`;
  return null;
}

export interface LoadedCheckpoint<S> {
  dir: string;
  state: S;
  savedAt: string;
  /** Restores the saved weights into live models of the same architecture (by name). */
  restoreModels(models: Record<string, tfl.LayersModel>): Promise<void>;
  /** Restores optimizer states (call before the optimizers' first step). */
  restoreOptimizers(optimizers: Record<string, tf.Optimizer>): Promise<void>;
}

/** Reads and fully validates a checkpoint (format, versions, every file's size and sha256). */
export function readCheckpoint<S>(dirIn: string): LoadedCheckpoint<S> {
  const dir = findCheckpoint(dirIn);
  if (!dir) throw new CheckpointError(join(dirIn, 'state.json'), 'not found (nothing to resume from)');
  const statePath = join(dir, 'state.json');
  let sf: StateFile<S>;
  try {
    sf = JSON.parse(readFileSync(statePath, 'utf8')) as StateFile<S>;
  } catch (e) {
    throw new CheckpointError(statePath, `is not valid JSON (${(e as Error).message}): the checkpoint is corrupted`);
  }
  if (!sf || sf.format !== CHECKPOINT_FORMAT) throw new CheckpointError(statePath, `format is ${JSON.stringify(sf?.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (sf.version !== CHECKPOINT_VERSION) throw new CheckpointError(statePath, `version ${sf.version} is not supported (expected ${CHECKPOINT_VERSION})`);
  if (!sf.files || typeof sf.files !== 'object' || !Array.isArray(sf.models)) throw new CheckpointError(statePath, 'lacks the files/models lists');
  const data = new Map<string, Buffer>();
  for (const [rel, info] of Object.entries(sf.files)) {
    const p = join(dir, rel);
    if (!existsSync(p)) throw new CheckpointError(p, 'is missing');
    const buf = readFileSync(p);
    if (buf.length !== info.bytes) throw new CheckpointError(p, `is ${buf.length} bytes, state.json records ${info.bytes} (truncated or overwritten)`);
    const h = sha256(buf);
    if (h !== info.sha256) throw new CheckpointError(p, `checksum mismatch (sha256 ${h.slice(0, 12)}…, state.json records ${info.sha256.slice(0, 12)}…): the file is corrupted`);
    data.set(rel, buf);
  }
  return {
    dir,
    state: sf.state,
    savedAt: sf.savedAt,
    async restoreModels(models) {
      for (const [name, live] of Object.entries(models)) {
        const jp = `${name}/${MODEL_FILE}`;
        const wp = `${name}/${WEIGHTS_FILE}`;
        if (!data.has(jp) || !data.has(wp)) throw new CheckpointError(join(dir, name), `holds no model "${name}" (it has ${sf.models.join(', ') || 'none'})`);
        const json = JSON.parse(data.get(jp)!.toString('utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
        const w = data.get(wp)!;
        const loaded = await tfl.loadLayersModel(
          tf.io.fromMemory({
            modelTopology: json.modelTopology,
            weightSpecs: json.weightsManifest[0].weights,
            weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer,
            format: 'layers-model',
          }),
        );
        try {
          copyWeights(loaded, live, `checkpoint ${join(dir, name)}`);
        } finally {
          loaded.dispose();
        }
      }
    },
    async restoreOptimizers(optimizers) {
      for (const [name, opt] of Object.entries(optimizers)) {
        const specs = sf.optimizers?.[name];
        const rel = `optim-${name}.bin`;
        if (!specs || !data.has(rel)) throw new CheckpointError(join(dir, rel), `holds no state for optimizer "${name}"`);
        const buf = data.get(rel)!;
        const flat = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
        const need = specs.reduce((s, v) => s + v.shape.reduce((a, b) => a * b, 1), 0);
        if (flat.length !== need) throw new CheckpointError(join(dir, rel), `holds ${flat.length} floats, the specs need ${need}`);
        let off = 0;
        const named: { name: string; tensor: tf.Tensor }[] = specs.map((v) => {
          const size = v.shape.reduce((a, b) => a * b, 1);
          const t = tf.tensor(flat.subarray(off, off + size), v.shape, 'float32');
          off += size;
          return { name: v.name, tensor: t };
        });
        await opt.setWeights(named);
        for (const n of named) n.tensor.dispose();
      }
    },
  };
}
