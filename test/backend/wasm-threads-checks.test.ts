/**
 * setThreadedWasmBackend's thread-count check with its exact message: 1, 9 and 2.5 refused before anything is
 * touched; the top edge 8 accepted (a child process brings the threaded build up with GMMGEN_WASM_THREADS=8
 * without falling back to one thread). The lower edge 2 is threads.test.ts' 2-thread run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { MAX_WASM_THREADS, setThreadedWasmBackend } from '../../src/backend/wasm-threads.ts';
import { repoRoot } from '../../src/util/paths.ts';

test('setThreadedWasmBackend: 1, 9, 2.5 and NaN refused naming the range', async () => {
  assert.equal(MAX_WASM_THREADS, 8);
  for (const n of [1, 9, 2.5, NaN]) {
    await assert.rejects(setThreadedWasmBackend({} as never, n), (e: Error) => {
      assert.equal(`${e.name}: ${e.message}`, `Error: setThreadedWasmBackend: threads must be an integer from 2 to 8, got ${n}`);
      return true;
    });
  }
});

test('8 threads (the top edge) bring the threaded build up, with no fallback note', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/backend/_backend-probe.ts', 'wasm'], {
    cwd: repoRoot,
    env: { ...process.env, GMMGEN_WASM_THREADS: '8', GMMGEN_QUIET: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const [info] = JSON.parse(r.stdout.trim().split('\n').pop()!) as { choice: string; wasmThreads: number; wasmThreadsNote: string | null }[];
  assert.equal(info.choice, 'wasm');
  assert.equal(info.wasmThreadsNote, null, 'the threaded build came up');
  assert.ok(info.wasmThreads >= 2, `threads in use: ${info.wasmThreads}`);
});
