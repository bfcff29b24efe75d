/**
 * trainLoop's documented checkpointEvery default (src/train/loop.ts: "every this many steps as well as at each epoch
 * end (default 200)"): one epoch of 401 one-digit steps saves at steps 200 and 400 and at the epoch end (401), as
 * with 200 written out; 201 saves elsewhere. A trivial step function keeps it fast.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.ts';
import { trainLoop } from '../../src/train/loop.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

async function savedAt(dir: string, checkpointEvery?: number): Promise<number[]> {
  const n = 401;
  const saved: number[] = [];
  await trainLoop({
    kind: 'probe', checkpointDir: dir, train: { images: new Float32Array(n * 784), labels: new Uint8Array(n), n, rows: 28, cols: 28 },
    epochs: 1, batch: 1, seed: 1, resume: false, ...(checkpointEvery === undefined ? {} : { checkpointEvery }),
    models: { m: tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [1], units: 1 })] }) }, optimizers: {}, config: {},
    step: () => ({ loss: 1 }), onCheckpoint: (s) => { saved.push(s.step); }, log: () => {},
  });
  return saved;
}

test('trainLoop checkpoints every 200 steps by default (and at the epoch end)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-loop-defaults-'));
  try {
    assert.deepEqual(await savedAt(join(dir, 'a')), [200, 400, 401]);
    assert.deepEqual(await savedAt(join(dir, 'b'), 200), [200, 400, 401]);
    assert.deepEqual(await savedAt(join(dir, 'c'), 201), [201, 401]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trainLoop counts each second of wall time once: wallSeconds at every checkpoint is at most the time since the loop began and covers the steps', async () => {
  // Six steps of 30 ms each, a checkpoint after every step: a clock not restarted at each save would count the first
  // steps again at every later checkpoint (about 3.5× the elapsed time by the last one).
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-loop-wall-'));
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const n = 6;
  const seen: { wall: number; elapsed: number }[] = [];
  const t0 = performance.now();
  try {
    await trainLoop({
      kind: 'probe', checkpointDir: dir, train: { images: new Float32Array(n * 784), labels: new Uint8Array(n), n, rows: 28, cols: 28 },
      epochs: 1, batch: 1, seed: 1, resume: false, checkpointEvery: 1,
      models: { m: tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [1], units: 1 })] }) }, optimizers: {}, config: {},
      step: () => { Atomics.wait(sleeper, 0, 0, 30); return { loss: 1 }; },
      onCheckpoint: (s) => { seen.push({ wall: s.wallSeconds, elapsed: (performance.now() - t0) / 1000 }); },
      log: () => {},
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(seen.length >= n, `${seen.length} checkpoints`);
  seen.forEach(({ wall, elapsed }, i) => {
    assert.ok(wall <= elapsed + 1e-3, `checkpoint ${i + 1}: wallSeconds ${wall} > ${elapsed} s since the loop began`);
    if (i > 0) assert.ok(wall >= seen[i - 1].wall, `checkpoint ${i + 1}: wallSeconds went back`);
  });
  assert.ok(seen[seen.length - 1].wall >= n * 0.03 - 1e-3, `final wallSeconds ${seen[seen.length - 1].wall} < the ${n} steps' ${n * 0.03} s`);
});
