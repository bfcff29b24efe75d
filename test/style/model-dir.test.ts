/**
 * defaultModelDir (src/style/extractor.ts): the repo's models/<name> when it holds a model.json, else the download
 * cache's <name>, else the shared folder's models/<name>, else the repo path (so the error names where the model was
 * expected) — each step checked with the folders of GMMGEN_MODELS, GMMGEN_CACHE and GMMGEN_SHARED.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultModelDir, MOBILENET_DIR_NAME } from '../../src/style/extractor.ts';
import { withEnv } from '../_env.ts';

test('defaultModelDir: repo models, then the download cache, then the shared folder, then the repo path', () => {
  const root = mkdtempSync(join(tmpdir(), 'gmmgen-model-dir-'));
  try {
    const models = join(root, 'models'), cache = join(root, 'cache'), shared = join(root, 'shared');
    const local = join(models, MOBILENET_DIR_NAME), cached = join(cache, MOBILENET_DIR_NAME), inShared = join(shared, 'models', MOBILENET_DIR_NAME);
    for (const d of [local, cached, inShared]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'model.json'), '{}');
    }
    const drop = (d: string) => rmSync(join(d, 'model.json'));
    const found = () => resolve(withEnv({ GMMGEN_MODELS: models, GMMGEN_CACHE: cache, GMMGEN_SHARED: shared }, () => defaultModelDir('mobilenet')));
    assert.equal(found(), resolve(local), 'all three: the repo models folder');
    drop(local);
    assert.equal(found(), resolve(cached), 'not in the repo: the cache');
    drop(cached);
    assert.equal(found(), resolve(inShared), 'only in the shared folder');
    drop(inShared);
    assert.equal(found(), resolve(local), 'nowhere: the repo path, for the error');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
