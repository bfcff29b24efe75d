/**
 * readRingData's checks with exact messages: a line that is not two finite numbers (one, three, a word, an
 * infinity, an empty field beside a comma — which was read as 0) is refused naming file and line; blank and
 * '#' lines are skipped; a file with no point is refused; one point (the edge) is accepted, either separator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRingData } from '../../src/server/explore.ts';
import { throwsExactly } from '../_assert.ts';

test('readRingData: two finite numbers per line; one point is enough; no point refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-ring-'));
  const p = join(dir, 'ring.txt');
  const read = (text: string) => {
    writeFileSync(p, text);
    return readRingData(p);
  };
  try {
    const one = read('# x y\n\n  1.5,-2 \n');
    assert.deepEqual([one.n, one.d, Array.from(one.data)], [1, 2, [1.5, -2]]);
    assert.deepEqual(Array.from(read('1 2\r\n3\t4\n').data), [1, 2, 3, 4]);
    for (const [line, shown] of [['3', '3'], ['1 2 3', '1 2 3'], ['1 x', '1 x'], ['1 Infinity', '1 Infinity'], [' 4, ', '4,'], [',1', ',1']]) {
      throwsExactly(() => read(`# ring\n0 0\n${line}\n`), `Error: ${p}:3: expected two numbers, got "${shown}"`);
    }
    for (const text of ['', '# only a comment\n\n', '   \n']) throwsExactly(() => read(text), `Error: ${p}: no points`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
