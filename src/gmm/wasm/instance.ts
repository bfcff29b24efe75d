/**
 * Instantiates one of gmmgen's shipped WebAssembly modules (em-module.ts, sliced-module.ts: base64 of the
 * AssemblyScript build) on a fresh shared linear memory. Both modules keep their static data in the first 64 KiB
 * page and leave the memory above it to their callers (engine.ts lays out a fit there, sliced.ts a scratch arena).
 *
 * Throws when WebAssembly (with SIMD and shared memory) is unavailable or the module's static data does not fit
 * the first page; callers turn that into their "unavailable" reason and fall back to the JavaScript loops.
 */

/** Bytes per WebAssembly page. */
export const PAGE = 65536;
/** Pages of a 2 GiB memory, the most a wasm32 memory can grow to. */
export const MAX_PAGES = 32768;

export interface KernelInstance<E> {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  exports: E;
  /** Where the module's static data ends (bytes; ≤ PAGE). */
  heapBase: number;
}

/** The module of `base64` instantiated on a new shared memory of 2 pages (growable to MAX_PAGES). */
export function instantiateKernels<E extends { heapBase(): number }>(base64: string): KernelInstance<E> {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const module = new WebAssembly.Module(bytes);
  const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as E;
  const heapBase = exports.heapBase();
  if (heapBase > PAGE) throw new Error(`the module's static data ends at ${heapBase}, above the first page`);
  return { module, memory, exports, heapBase };
}
