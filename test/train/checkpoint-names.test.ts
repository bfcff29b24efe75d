/**
 * A checkpoint asked for a model or an optimizer it does not hold (src/train/checkpoint.ts restoreModels /
 * restoreOptimizers) says so with a CheckpointError naming the folder, the missing name and what it does hold —
 * not a TypeError from reading a file that is not there — and a name it holds restores its weights exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { readCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { throwsExactly } from '../_assert.ts';

const tiny = (seed: number) => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed }) })] });

test('restoring a model or optimizer the checkpoint does not hold names it and what the checkpoint holds', async () => {
  await initBackend({ quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-ckpt-names-'));
  try {
    const saved = tiny(1);
    const opt = tf.train.rmsprop(0.01);
    await saveCheckpoint(join(dir, 'ck'), { models: { encoder: saved }, optimizers: { ae: opt }, state: { step: 3 } });
    const ck = readCheckpoint<{ step: number }>(join(dir, 'ck'));
    assert.equal(ck.state.step, 3);
    const other = tiny(2);
    await assert.rejects(ck.restoreModels({ decoder: other }), (e: Error) => {
      assert.equal(`${e.name}: ${e.message}`, `CheckpointError: checkpoint ${join(dir, 'ck', 'decoder')}: holds no model "decoder" (it has encoder)`);
      return true;
    });
    await assert.rejects(ck.restoreOptimizers({ disc: tf.train.rmsprop(0.01) }), /^CheckpointError: checkpoint .*: holds no state for optimizer "disc"$/);
    await ck.restoreModels({ encoder: other });
    assert.deepEqual(other.getWeights().map((w) => Array.from(w.dataSync())), saved.getWeights().map((w) => Array.from(w.dataSync())));
    saved.dispose();
    other.dispose();
    opt.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
