/**
 * loadCodesFile's missing-file check with its exact message (with or without an extension in the path), and a
 * present file loaded with the header summary minus its labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCodes } from '../../src/latent/codes.ts';
import { loadCodesFile } from '../../src/latent/load-codes.ts';
import { throwsExactly } from '../_assert.ts';

test('loadCodesFile: a missing header is refused naming it; a present one loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-load-codes-'));
  const base = join(dir, 'train');
  try {
    for (const p of [base, `${base}.json`, `${base}.f32`]) {
      throwsExactly(() => loadCodesFile(p), `LatentSetError: no latent codes at ${p}: ${base}.json is missing (write them with: npm run encode)`);
    }
    writeCodes(base, { n: 2, d: 1, data: Float32Array.of(0.25, -1), labels: [4, 7], sourceModel: 'hand' });
    const c = loadCodesFile(`${base}.f32`);
    assert.deepEqual([c.n, c.d, Array.from(c.data), Array.from(c.labels)], [2, 1, [0.25, -1], [4, 7]]);
    assert.equal(c.summary.sourceModel, 'hand');
    assert.ok(!('labels' in c.summary));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
