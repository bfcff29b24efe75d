/**
 * readModelArtifacts (src/train/model-io.ts) on model folders a user may hand it, each refused with the exact
 * message naming the file: no folder, a folder without model.json, model.json that is not JSON, and a manifest
 * whose weights file is absent. Nothing is read past the first problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelArtifacts } from '../../src/train/model-io.ts';
import { throwsExactly } from '../_assert.ts';

test('readModelArtifacts: a missing folder, a missing model.json, bad JSON and a missing weights file, each named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-modelfiles-'));
  try {
    const m = join(dir, 'enc');
    throwsExactly(() => readModelArtifacts(m, 'encoder'), `ModelFileError: ${m}: encoder folder does not exist`);
    mkdirSync(m);
    throwsExactly(() => readModelArtifacts(m, 'encoder'), `ModelFileError: ${join(m, 'model.json')}: encoder file is missing`);
    throwsExactly(() => readModelArtifacts(m), `ModelFileError: ${join(m, 'model.json')}: model file is missing`);
    writeFileSync(join(m, 'model.json'), '{"modelTopology":');
    assert.throws(() => readModelArtifacts(m, 'encoder'), (e: Error) => e.name === 'ModelFileError' && e.message.startsWith(`${join(m, 'model.json')}: is not valid JSON (`));
    writeFileSync(join(m, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] }));
    throwsExactly(() => readModelArtifacts(m, 'encoder'), `ModelFileError: ${join(m, 'weights.bin')}: weights file of the encoder is missing`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
