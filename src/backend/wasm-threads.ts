/**
 * Multi-threaded tfjs wasm in Node: loads the threaded-SIMD build of @tensorflow/tfjs-backend-wasm 4.22.0, whose
 * XNNPACK kernels (Conv2D, MatMul, …) then split their work over a pthreadpool of Node worker threads.
 *
 * tfjs 4.22 turns threads off in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag answers false there, tfjs issue
 * #3830), and its threaded loader assumes a browser in three places, each bridged here for the duration of
 * `tf.setBackend('wasm')` only:
 *  1. The pthread worker script and the main script are handed to the workers as Blob URLs, which Node's
 *     `Worker` and emscripten's `importScripts` (a `readFileSync`) cannot open. `Blob` is wrapped to remember the
 *     text of the blobs made meanwhile; `URL.createObjectURL` writes such a blob to a temporary .cjs file and
 *     returns its path; worker_threads' `postMessage` swaps a remembered Blob sent in the 'load' message for the
 *     path of its file.
 *  2. The main script is the emscripten factory's source text, evaluated in the worker where the bundle's
 *     module-scope names (`require$$0` = fs, …) do not exist; each file gets a prelude that defines them.
 *  3. The C++ side caps the thread count at emscripten_num_logical_cores() / 2 (= os.cpus().length / 2, meant
 *     for hyper-threads), i.e. at 1 on a 2-core machine; `os.cpus` reports each processor twice meanwhile.
 * The build pre-starts 8 workers (its PTHREAD_POOL_SIZE), so threads ≤ 8 never need a worker after start-up.
 * Started pthreads keep a reference on their worker, which would keep Node from exiting: every worker is
 * unref'd once the backend is up. The temporary files are removed then too. Everything is keyed to
 * tfjs-backend-wasm 4.22.0 (pinned in package.json). If `tf.setBackend` fails, the caller falls back to the
 * single-thread build; an error inside a starting pthread worker is thrown by emscripten as an uncaught exception
 * and ends the process (GMMGEN_WASM_THREADS=1 never starts the threaded build). The pool costs ~140 MiB of memory.
 *
 * XNNPACK splits the convolutions and matrix products by output tiles, not along a reduction, so training gives
 * the same bits on 1 and 2 threads (test/backend/threads.test.ts checks a short adversarial-AE run).
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** The module-scope names that the threaded factory's source refers to in the 4.22.0 node bundle. */
const PRELUDE =
  "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), " +
  "require$$4 = require('os'), commonjsGlobal = globalThis;\n";

/** Largest thread count the build's pre-started worker pool serves. */
export const MAX_WASM_THREADS = 8;

/**
 * The wasm thread count to use: GMMGEN_WASM_THREADS when set (1 = the single-thread SIMD build), otherwise the
 * number of processors, at most 4, in the main thread; 1 inside worker threads (the server's style workers run
 * beside each other). Throws on a malformed GMMGEN_WASM_THREADS.
 */
export function wasmThreadsWanted(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.GMMGEN_WASM_THREADS;
  if (v !== undefined && v !== '') {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
      throw new Error(`GMMGEN_WASM_THREADS must be an integer from 1 to ${MAX_WASM_THREADS}, got "${v}"`);
    }
    return n;
  }
  if (!isMainThread) return 1;
  return Math.max(1, Math.min(4, require('node:os').cpus().length));
}

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

/**
 * Brings up the 'wasm' backend with `threads` XNNPACK threads (threads > 1) and returns the count it reports.
 * `wasm` is the imported @tensorflow/tfjs-backend-wasm with its paths already set. Throws if the backend does
 * not come up; every global it touches is restored before it returns or throws.
 */
export async function setThreadedWasmBackend(wasm: WasmModule, threads: number): Promise<number> {
  if (!Number.isInteger(threads) || threads < 2 || threads > MAX_WASM_THREADS) {
    throw new Error(`setThreadedWasmBackend: threads must be an integer from 2 to ${MAX_WASM_THREADS}, got ${threads}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-wasm-'));
  const texts = new WeakMap<Blob, string>();
  const files = new Map<string, string>();
  const toFile = (text: string): string => {
    let f = files.get(text);
    if (!f) {
      f = join(dir, `script${files.size}.cjs`);
      writeFileSync(f, PRELUDE + text);
      files.set(text, f);
    }
    return f;
  };

  const os = require('os') as { cpus: () => unknown[] };
  const saved = {
    Blob: globalThis.Blob,
    createObjectURL: URL.createObjectURL,
    postMessage: Worker.prototype.postMessage,
    cpus: os.cpus,
  };
  const OrigBlob = saved.Blob;
  class RecordingBlob extends OrigBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts && parts.every((p) => typeof p === 'string')) texts.set(this, (parts as string[]).join(''));
    }
  }
  globalThis.Blob = RecordingBlob as typeof Blob;
  URL.createObjectURL = (obj: Blob) => {
    const text = texts.get(obj);
    return text === undefined ? saved.createObjectURL.call(URL, obj) : toFile(text);
  };
  Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: readonly never[]) {
    const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
    if (m && m.cmd === 'load' && m.urlOrBlob instanceof OrigBlob && texts.has(m.urlOrBlob)) {
      message = { ...m, urlOrBlob: toFile(texts.get(m.urlOrBlob)!) };
    }
    return saved.postMessage.call(this, message, transfer);
  };
  os.cpus = () => {
    const c = saved.cpus.call(os);
    return [...c, ...c];
  };
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('the threaded wasm backend did not initialise');
    await tf.ready();
    // A started pthread holds a reference on its worker, which would keep the process alive forever (the pool's
    // threads wait for work): release every worker, as emscripten does for idle ones.
    const pthreads = (tf.backend() as unknown as { wasm?: { PThread?: { runningWorkers: Worker[]; unusedWorkers: Worker[] } } }).wasm?.PThread;
    if (!pthreads) throw new Error('the wasm module has no pthread pool (not the threaded build?)');
    for (const w of [...pthreads.runningWorkers, ...pthreads.unusedWorkers]) w.unref();
    return wasm.getThreadsCount();
  } catch (e) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    throw e;
  } finally {
    globalThis.Blob = saved.Blob;
    URL.createObjectURL = saved.createObjectURL;
    Worker.prototype.postMessage = saved.postMessage;
    os.cpus = saved.cpus;
    rmSync(dir, { recursive: true, force: true });
  }
}
