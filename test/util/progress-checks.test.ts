/** ProgressBar's total check (src/util/progress.ts) with its exact message: finite and ≥ 0; 0 itself accepted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../_assert.ts';
import { ProgressBar } from '../../src/util/progress.ts';

test('ProgressBar: total must be a finite number ≥ 0', () => {
  const stream = { isTTY: false, columns: 200, write: () => true };
  for (const total of [-1, -1e-9, NaN, Infinity]) {
    throwsExactly(() => new ProgressBar({ total, stream, quiet: true }), `Error: ProgressBar: total must be a finite number ≥ 0, got ${total}`);
  }
  const bar = new ProgressBar({ total: 0, stream, quiet: true });
  assert.equal(bar.total, 0);
  bar.done();
});
