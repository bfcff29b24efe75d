/**
 * The threaded wasm build in Node (src/backend/wasm-threads.ts): it comes up with the asked thread count, the
 * process still exits by itself, and a short adversarial-autoencoder training run gives bit-identical losses and
 * weights on 1 and 2 threads (the kernels' agreement with the cpu backend is kernels.test.ts' job).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { wasmThreadsWanted } from '../../src/backend/wasm-threads.ts';
import { repoRoot } from '../../src/util/paths.ts';

interface Probe {
  backend: string;
  wasmThreads: number | null;
  losses: number[][];
  checksum: number;
}

function probe(env: Record<string, string>): Probe {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/backend/_train-probe.ts', '4', '16'], {
    cwd: repoRoot,
    env: { ...process.env, GMMGEN_QUIET: '1', ...env },
    encoding: 'utf8',
    timeout: 180_000, // a timeout here also catches a process that would not exit (workers kept alive)
  });
  assert.equal(r.status, 0, `probe ${JSON.stringify(env)} failed (signal ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Probe;
}

test('GMMGEN_WASM_THREADS is validated', () => {
  assert.equal(wasmThreadsWanted({ GMMGEN_WASM_THREADS: '3' }), 3);
  assert.equal(wasmThreadsWanted({ GMMGEN_WASM_THREADS: '1' }), 1);
  assert.ok(wasmThreadsWanted({}) >= 1);
  for (const bad of ['0', '9', '1.5', 'two']) {
    assert.throws(() => wasmThreadsWanted({ GMMGEN_WASM_THREADS: bad }), /GMMGEN_WASM_THREADS must be an integer from 1 to 8/);
  }
});

test('training on 2 wasm threads equals 1 thread bit for bit', () => {
  const one = probe({ GMMGEN_BACKEND: 'wasm', GMMGEN_WASM_THREADS: '1' });
  const two = probe({ GMMGEN_BACKEND: 'wasm', GMMGEN_WASM_THREADS: '2' });
  assert.equal(one.wasmThreads, 1);
  assert.equal(two.wasmThreads, 2, 'the threaded build did not come up with 2 threads');
  assert.deepEqual(two.losses, one.losses);
  assert.equal(two.checksum, one.checksum);
});
