/**
 * A training run stopped by a signal (src/train/loop.ts: SIGINT/SIGTERM finish the current step, save a checkpoint
 * and return): both runners (src/train/run.ts) report `interrupted: true`, write a summary.json that says so and how
 * to resume, skip the final evaluation, and a rerun with resume continues from the saved step. The signal is emitted
 * once, as soon as the loop listens for it (a second one more than a second later would exit the process).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { initBackend } from '../../src/backend/index.ts';
import { runAutoencoder, runClassifier } from '../../src/train/run.ts';

const quiet = () => {};
before(async () => {
  await initBackend({ quiet: true });
});

/** Runs `start` and emits `sig` once when a new listener for it appears. */
async function interrupted<T>(sig: 'SIGINT' | 'SIGTERM', start: () => Promise<T>): Promise<T> {
  const base = process.listenerCount(sig);
  let sent = false;
  const poll = setInterval(() => {
    if (!sent && process.listenerCount(sig) > base) {
      sent = true;
      process.emit(sig as 'SIGINT');
    }
  }, 1);
  try {
    return await start();
  } finally {
    clearInterval(poll);
    assert.ok(sent, `${sig} was sent`);
    assert.equal(process.listenerCount(sig), base, 'the loop removed its listener');
  }
}

test('runAutoencoder stopped by SIGINT: interrupted, checkpoint and summary saved, no final evaluation; resume finishes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-interrupt-'));
  try {
    const common = { out: dir, batch: 20, seed: 4, limit: 60, testLimit: 40, classifierDir: null, checkpointEvery: 0, log: quiet };
    const res = await interrupted('SIGINT', () => runAutoencoder({ ...common, epochs: 2 }));
    assert.equal(res.interrupted, true);
    assert.ok(res.state.step >= 1 && res.state.step < 6, `stopped at step ${res.state.step} of 6`);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    assert.equal(summary.interrupted, true);
    assert.equal(summary.steps, res.state.step);
    assert.match(summary.resume, /--resume/);
    assert.ok(!existsSync(join(dir, 'reconstructions.png')), 'the final evaluation was skipped');
    const resumed = await runAutoencoder({ ...common, epochs: 2, resume: true });
    assert.equal(resumed.interrupted, false);
    assert.equal(resumed.state.step, 6);
    assert.equal(resumed.summary.resumedFromStep, res.state.step);
    assert.ok(existsSync(join(dir, 'reconstructions.png')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runClassifier stopped by SIGTERM: interrupted, summary says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-interrupt-'));
  try {
    const res = await interrupted('SIGTERM', () => runClassifier({ out: dir, epochs: 2, batch: 20, seed: 1, limit: 40, testLimit: 50, checkpointEvery: 0, log: quiet }));
    assert.equal(res.interrupted, true);
    assert.ok(res.state.step >= 1 && res.state.step < 4, `stopped at step ${res.state.step} of 4`);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    assert.equal(summary.interrupted, true);
    assert.equal(summary.model, 'classifier');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
