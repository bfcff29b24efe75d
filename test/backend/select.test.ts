import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, parseBackendChoice, tf } from '../../src/backend/index.ts';

test('parseBackendChoice accepts known names and aliases, rejects others', () => {
  assert.equal(parseBackendChoice(undefined), 'auto');
  assert.equal(parseBackendChoice('WASM'), 'wasm');
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
