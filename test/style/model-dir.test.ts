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

test('defaultModelDir: repo models, then the download cache, then the shared folder, then the repo path', () => {
  const root = mkdtempSync(join(tmpdir(), 'gmmgen-model-dir-'));
  const saved = { m: process.env.GMMGEN_MODELS, c: process.env.GMMGEN_CACHE, s: process.env.GMMGEN_SHARED };
  const restore = (k: string, v: string | undefined) => { if (v === undefined) delete process.env[k]; else process.env[k] = v; };
  try {
    const models = join(root, 'models'), cache = join(root, 'cache'), shared = join(root, 'shared');
    const local = join(models, MOBILENET_DIR_NAME), cached = join(cache, MOBILENET_DIR_NAME), inShared = join(shared, 'models', MOBILENET_DIR_NAME);
    for (const d of [local, cached, inShared]) mkdirSync(d, { recursive: true });
    Object.assign(process.env, { GMMGEN_MODELS: models, GMMGEN_CACHE: cache, GMMGEN_SHARED: shared });
    const put = (d: string) => writeFileSync(join(d, 'model.json'), '{}');
    const drop = (d: string) => rmSync(join(d, 'model.json'), { force: true });
    put(local); put(cached); put(inShared);
    assert.equal(resolve(defaultModelDir('mobilenet')), resolve(local), 'all three: the repo models folder');
    drop(local);
    assert.equal(resolve(defaultModelDir('mobilenet')), resolve(cached), 'not in the repo: the cache');
    drop(cached);
    assert.equal(resolve(defaultModelDir('mobilenet')), resolve(inShared), 'only in the shared folder');
    drop(inShared);
    assert.equal(resolve(defaultModelDir('mobilenet')), resolve(local), 'nowhere: the repo path, for the error');
  } finally {
    restore('GMMGEN_MODELS', saved.m);
    restore('GMMGEN_CACHE', saved.c);
    restore('GMMGEN_SHARED', saved.s);
    rmSync(root, { recursive: true, force: true });
  }
});
