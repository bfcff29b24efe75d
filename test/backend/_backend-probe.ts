/**
 * Child-process probe for test/backend/index-checks.test.ts and wasm-threads-checks.test.ts (a process keeps the first backend it initialises):
 * calls initBackend once per argument ('auto' or a backend name), in order, and prints one JSON line with, for
 * each call, either {choice, skipped, wasmThreads, wasmThreadsNote} or the error message.
 */
import { initBackend } from '../../src/backend/index.ts';

const out: unknown[] = [];
for (const prefer of process.argv.slice(2)) {
  try {
    const i = await initBackend({ prefer, quiet: true });
    out.push({ choice: i.choice, skipped: i.skipped, wasmThreads: i.wasmThreads ?? null, wasmThreadsNote: i.wasmThreadsNote ?? null });
  } catch (e) {
    out.push((e as Error).message);
  }
}
console.log(JSON.stringify(out));
