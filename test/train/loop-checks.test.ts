/**
 * trainLoop's checks with exact messages: an empty training set is refused (one digit is enough: one step), and
 * --resume refuses a checkpoint of another kind, batch or seed, naming the folder and both values, while the
 * same kind/batch/seed resumes at the saved step. Tiny hand-made sets and a 1-unit model keep it fast.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import type { MnistSet } from '../../src/data/mnist.ts';
import { trainLoop, type LoopOptions } from '../../src/train/loop.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

/** n digits, digit i with every pixel i/10 and label i. */
const digits = (n: number): MnistSet => {
  const images = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) images.fill(i / 10, i * 784, (i + 1) * 784);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i), n, rows: 28, cols: 28 };
};

function options(dir: string, o: Partial<LoopOptions>): LoopOptions {
  return {
    kind: 'probe',
    checkpointDir: dir,
    train: digits(4),
    epochs: 1,
    batch: 2,
    seed: 1,
    resume: false,
    checkpointEvery: 0,
    models: { m: tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [1], units: 1 })] }) },
    optimizers: {},
    config: {},
    // The step's "losses" are the batch size and its smallest label, so the history shows what each step saw.
    step: (x: tf.Tensor4D, labels: Int32Array) => ({ first: Math.min(...labels), n: x.shape[0] }),
    log: () => {},
    ...o,
  };
}

test('trainLoop: an empty set is refused; a single digit trains one step of batch 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-loop-'));
  try {
    await assert.rejects(trainLoop(options(join(dir, 'a'), { train: digits(0) })), (e: Error) => {
      assert.equal(`${e.name}: ${e.message}`, 'Error: trainLoop: the training set is empty');
      return true;
    });
    const r = await trainLoop(options(join(dir, 'b'), { train: digits(1) }));
    assert.deepEqual([r.state.step, r.state.batch, r.state.history.n, r.state.history.first], [1, 1, [1], [0]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trainLoop --resume: another kind, batch or seed is refused naming the checkpoint; the same one resumes', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gmmgen-loop-'));
  const dir = join(root, 'ck');
  try {
    const first = await trainLoop(options(dir, {}));
    assert.equal(first.state.step, 2);
    const refuse = async (o: Partial<LoopOptions>, message: string) =>
      assert.rejects(trainLoop(options(dir, { ...o, resume: true, epochs: 2 })), (e: Error) => {
        assert.equal(`${e.name}: ${e.message}`, `Error: --resume: the checkpoint in ${dir} ${message}`);
        return true;
      });
    await refuse({ kind: 'other' }, 'is of a probe run, not other');
    await refuse({ batch: 3 }, 'used batch 2, this run asks for 3');
    await refuse({ batch: 1 }, 'used batch 2, this run asks for 1');
    await refuse({ seed: 2 }, 'used seed 1, this run asks for 2');
    await refuse({ seed: 0 }, 'used seed 1, this run asks for 0');
    // A batch above the set size is clamped to it (4): still another batch than 2.
    await refuse({ batch: 9 }, 'used batch 2, this run asks for 4');
    const resumed = await trainLoop(options(dir, { resume: true, epochs: 2 }));
    assert.deepEqual([resumed.resumedFrom, resumed.state.step, resumed.state.history.n], [2, 4, [2, 2, 2, 2]]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
