/**
 * claimOutput's refusal to replace an existing file (src/util/output.ts) with its exact message, and each way past
 * it: a path that does not exist yet, an explicit --out, --force, an updating mode. The flag and placeholder of the
 * message follow the options (claimOutputDir passes DIR).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwsExactly } from '../_assert.ts';
import { claimOutput, claimOutputDir } from '../../src/util/output.ts';

test('claimOutput: an existing file is replaced only when named, forced or updated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-claim-'));
  try {
    const f = join(dir, 'r.json');
    assert.equal(claimOutput(f), f); // not there yet
    writeFileSync(f, '{}');
    throwsExactly(() => claimOutput(f), `OutputError: ${f} already exists and may be a committed result: pass --force to replace it, or --out FILE to write elsewhere`);
    throwsExactly(() => claimOutput(f, { flag: '--img', meta: 'DIR' }), `OutputError: ${f} already exists and may be a committed result: pass --force to replace it, or --img DIR to write elsewhere`);
    throwsExactly(() => claimOutput(f, { explicit: false, force: false, update: false }), `OutputError: ${f} already exists and may be a committed result: pass --force to replace it, or --out FILE to write elsewhere`);
    for (const o of [{ explicit: true }, { force: true }, { update: true }]) assert.equal(claimOutput(f, o), f, JSON.stringify(o));
    throwsExactly(() => claimOutputDir(dir, ['a.png', 'r.json'], { flag: '--img' }), `OutputError: ${f} already exists and may be a committed result: pass --force to replace it, or --img DIR to write elsewhere`);
    assert.equal(claimOutputDir(dir, ['a.png', 'b.png'], { flag: '--img' }), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
