/**
 * Compute backend selection for every tfjs model in gmmgen.
 *
 * Order of preference: tfjs-node-gpu ('tensorflow' with CUDA) → tfjs-node ('tensorflow') → wasm → cpu.
 * The two native packages are optionalDependencies: their install step downloads libtensorflow and
 * fails on machines without internet, in which case we fall back to wasm. Force a backend with
 * GMMGEN_BACKEND=node-gpu|node|wasm|cpu (or the CLI flag --backend); forcing one that cannot load
 * throws an error that says why. On wasm, XNNPACK runs on GMMGEN_WASM_THREADS threads (default: the number of
 * processors, at most 4, in the main thread; 1 in worker threads) through the threaded build (wasm-threads.ts),
 * falling back to the single-thread build if tf.setBackend fails with it (a pthread worker that crashes while
 * starting ends the process with its error instead; GMMGEN_WASM_THREADS=1 never starts the threaded build).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setThreadedWasmBackend, wasmThreadsWanted } from './wasm-threads.ts';

export type BackendChoice = 'node-gpu' | 'node' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];

export interface BackendInfo {
  /** What was asked for ('auto' when nothing was forced). */
  requested: BackendChoice | 'auto';
  /** The choice that loaded. */
  choice: BackendChoice;
  /** tfjs backend name now active ('tensorflow', 'wasm', 'cpu'). */
  tfName: string;
  /** Why earlier choices were skipped (auto mode). */
  skipped: { choice: BackendChoice; reason: string }[];
  /** wasm only: XNNPACK threads in use (see wasm-threads.ts; GMMGEN_WASM_THREADS sets it). */
  wasmThreads?: number;
  /** wasm only: why more threads were asked for but not used. */
  wasmThreadsNote?: string;
}

const require = createRequire(import.meta.url);
let wasmThreads: number | undefined;
let wasmThreadsNote: string | undefined;
let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

/** Parses a backend name from a flag or env var; throws on anything unknown. */
export function parseBackendChoice(value: string | undefined): BackendChoice | 'auto' {
  const v = (value ?? '').toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  const alias: Record<string, BackendChoice> = {
    'node-gpu': 'node-gpu',
    'tensorflow-gpu': 'node-gpu',
    gpu: 'node-gpu',
    node: 'node',
    tensorflow: 'node',
    native: 'node',
    wasm: 'wasm',
    cpu: 'cpu',
  };
  const c = alias[v];
  if (!c) throw new Error(`unknown backend "${value}": expected one of auto, ${BACKEND_CHOICES.join(', ')}`);
  return c;
}

async function tryLoad(choice: BackendChoice, threadsWanted: number): Promise<string> {
  switch (choice) {
    case 'node-gpu':
    case 'node': {
      const pkg = choice === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      try {
        require.resolve(pkg);
      } catch {
        throw new Error(`${pkg} is not installed (it is optional; its install step needs internet access to download libtensorflow)`);
      }
      try {
        await import(pkg);
      } catch (e) {
        throw new Error(`${pkg} is installed but failed to load: ${(e as Error).message.split('\n')[0]}`);
      }
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the 'tensorflow' backend did not initialise`);
      return 'tensorflow';
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(join(dist, 'dist') + '/');
      const { registerWasmGradientKernels } = await import('./wasm-kernels.ts');
      registerWasmGradientKernels();
      if (threadsWanted > 1) {
        try {
          wasmThreads = await setThreadedWasmBackend(wasm, threadsWanted);
          return 'wasm';
        } catch (e) {
          wasmThreadsNote = `threaded wasm unavailable (${(e as Error).message.split('\n')[0]}); single-thread`;
        }
      }
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      wasmThreads = 1;
      return 'wasm';
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      return 'cpu';
    }
  }
}

/**
 * Initialises tfjs with the best available backend (or the forced one) and returns what was chosen.
 * Idempotent: later calls return the first result (a different forced choice throws).
 * `prefer` overrides GMMGEN_BACKEND. Logs the choice once unless `quiet` or GMMGEN_QUIET=1.
 */
export async function initBackend(opts: { prefer?: string; quiet?: boolean } = {}): Promise<BackendInfo> {
  const requested = parseBackendChoice(opts.prefer ?? process.env.GMMGEN_BACKEND);
  const threadsWanted = wasmThreadsWanted(); // validates GMMGEN_WASM_THREADS up front (a bad value throws)
  if (current) {
    if (requested !== 'auto' && requested !== current.choice) {
      throw new Error(`backend already initialised as ${current.choice}; cannot switch to ${requested} in the same process`);
    }
    return current;
  }
  if (!pending) {
    pending = (async () => {
      const skipped: BackendInfo['skipped'] = [];
      const order = requested === 'auto' ? BACKEND_CHOICES : [requested];
      for (const choice of order) {
        try {
          const tfName = await tryLoad(choice, threadsWanted);
          await tf.ready();
          const info: BackendInfo = { requested, choice, tfName, skipped };
          if (tfName === 'wasm') {
            info.wasmThreads = wasmThreads;
            if (wasmThreadsNote) info.wasmThreadsNote = wasmThreadsNote;
          }
          const quiet = opts.quiet ?? process.env.GMMGEN_QUIET === '1';
          if (!quiet) {
            const why = skipped.length ? ` (skipped: ${skipped.map((s) => `${s.choice}: ${s.reason}`).join('; ')})` : '';
            const thr = info.wasmThreads !== undefined ? ` (${info.wasmThreads} thread${info.wasmThreads > 1 ? 's' : ''})` : '';
            console.error(`[gmmgen] tfjs backend: ${choice}${thr}${why}`);
            if (info.wasmThreadsNote) console.error(`[gmmgen] ${info.wasmThreadsNote}`);
          }
          return info;
        } catch (e) {
          if (requested !== 'auto') {
            throw new Error(`cannot use the forced backend "${choice}": ${(e as Error).message}`);
          }
          skipped.push({ choice, reason: (e as Error).message });
        }
      }
      throw new Error(`no tfjs backend could be initialised: ${skipped.map((s) => `${s.choice}: ${s.reason}`).join('; ')}`);
    })();
  }
  try {
    current = await pending;
  } finally {
    pending = null;
  }
  return current;
}

/** The active backend info, or null before initBackend(). */
export function backendInfo(): BackendInfo | null {
  return current;
}

export { tf };
