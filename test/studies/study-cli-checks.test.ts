/**
 * claimStudyOutputs (src/studies/study-cli.ts): --report needs the results file, with the exact message; with the
 * file present (or without --report) the paths are claimed and returned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwsExactly } from '../_assert.ts';
import { claimStudyOutputs } from '../../src/studies/study-cli.ts';

test('claimStudyOutputs: --report without a results file is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-study-'));
  try {
    const out = join(dir, 'r.json'), img = join(dir, 'img');
    const cli = (report: boolean) => ({ values: { out, img, resume: false, report, force: false }, given: new Set(['out', 'img']) });
    throwsExactly(() => claimStudyOutputs(cli(true), ['a.png']), `Error: --report: no results file at ${out}`);
    assert.deepEqual(claimStudyOutputs(cli(false), ['a.png']), { out, imgDir: img, update: false });
    writeFileSync(out, '{}');
    assert.deepEqual(claimStudyOutputs(cli(true), ['a.png']), { out, imgDir: img, update: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
