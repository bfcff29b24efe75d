/**
 * src/backend/index.ts' checks with their exact messages: unknown backend names (known ones and aliases in any
 * case accepted), asking for another backend once one is up (the same one, or 'auto', accepted), and the
 * optional native packages reported as not installed — forced (the whole error) and in auto mode (the skip
 * reasons, in order). The last runs in a child process (a process keeps the first backend it initialises) and
 * only where @tensorflow/tfjs-node(-gpu) is absent; the branches for an installed native package cannot run here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { initBackend, parseBackendChoice, tf } from '../../src/backend/index.ts';
import { repoRoot } from '../../src/util/paths.ts';
import { throwsExactly } from '../_assert.ts';

test('parseBackendChoice: names and aliases in any case accepted; anything else refused, listing the choices', () => {
  assert.deepEqual(['', 'auto', 'CPU', 'Wasm', 'GPU', 'native', 'tensorflow-gpu'].map(parseBackendChoice), ['auto', 'auto', 'cpu', 'wasm', 'node-gpu', 'node', 'node-gpu']);
  for (const v of ['metal', 'cpu ', 'webgl', 'cpu2']) {
    throwsExactly(() => parseBackendChoice(v), `Error: unknown backend "${v}": expected one of auto, node-gpu, node, wasm, cpu`);
  }
});

test('initBackend: once cpu is up, cpu and auto return it; wasm or node is refused naming both', async () => {
  const info = await initBackend({ prefer: 'cpu', quiet: true });
  assert.deepEqual([info.choice, info.tfName, info.requested, tf.getBackend()], ['cpu', 'cpu', 'cpu', 'cpu']);
  assert.equal(await initBackend({ prefer: 'CPU', quiet: true }), info);
  assert.equal(await initBackend({ prefer: 'auto', quiet: true }), info);
  for (const other of ['wasm', 'node']) {
    await assert.rejects(initBackend({ prefer: other, quiet: true }), (e: Error) => {
      assert.equal(`${e.name}: ${e.message}`, `Error: backend already initialised as cpu; cannot switch to ${other} in the same process`);
      return true;
    });
  }
  await assert.rejects(initBackend({ prefer: 'metal', quiet: true }), /^Error: unknown backend "metal"/);
});

test('native packages absent: forcing either fails saying so; auto skips both with that reason and picks wasm', (t) => {
  const require = createRequire(import.meta.url);
  const installed = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].filter((p) => {
    try {
      require.resolve(p);
      return true;
    } catch {
      return false;
    }
  });
  if (installed.length > 0) {
    t.skip(`${installed.join(', ')} installed here`);
    return;
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/backend/_backend-probe.ts', 'node-gpu', 'node', 'auto'], {
    cwd: repoRoot,
    env: { ...process.env, GMMGEN_BACKEND: '', GMMGEN_WASM_THREADS: '1', GMMGEN_QUIET: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const why = (pkg: string) => `${pkg} is not installed (it is optional; its install step needs internet access to download libtensorflow)`;
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), [
    `cannot use the forced backend "node-gpu": ${why('@tensorflow/tfjs-node-gpu')}`,
    `cannot use the forced backend "node": ${why('@tensorflow/tfjs-node')}`,
    {
      choice: 'wasm',
      skipped: [
        { choice: 'node-gpu', reason: why('@tensorflow/tfjs-node-gpu') },
        { choice: 'node', reason: why('@tensorflow/tfjs-node') },
      ],
      wasmThreads: 1,
      wasmThreadsNote: null,
    },
  ]);
});
