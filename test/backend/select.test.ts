import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { initBackend, parseBackendChoice, tf } from '../../src/backend/index.ts';
import { repoRoot } from '../../src/util/paths.ts';

test('parseBackendChoice accepts known names and aliases, rejects others', () => {
  assert.equal(parseBackendChoice(undefined), 'auto');
  assert.equal(parseBackendChoice('WASM'), 'wasm');
  for (const v of ['', 'auto', 'AUTO', 'Auto']) assert.equal(parseBackendChoice(v), 'auto', v);
  assert.equal(parseBackendChoice('tensorflow'), 'node');
  assert.throws(() => parseBackendChoice('metal'), /unknown backend "metal"/);
});

test('auto selection picks a working backend and computes', async () => {
  const info = await initBackend({ quiet: true });
  assert.ok(['node-gpu', 'node', 'wasm', 'cpu'].includes(info.choice));
  assert.equal(tf.getBackend(), info.tfName);
  const y = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
  assert.deepEqual(y, [4, 6]);
  // Without internet the native packages are absent, and the reason is reported.
  for (const s of info.skipped) assert.match(s.reason, /\S/);
});

test('forcing a backend that cannot load fails with a message saying why', (t) => {
  // Run in a child process: a process keeps the first backend it initialises.
  const require = createRequire(import.meta.url);
  let installed = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    installed = false;
  }
  if (installed) {
    t.skip('@tensorflow/tfjs-node is installed here, so forcing it succeeds');
    return;
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'backend'], {
    cwd: repoRoot,
    env: { ...process.env, GMMGEN_BACKEND: 'node' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot use the forced backend "node": @tensorflow\/tfjs-node is not installed/);
});
