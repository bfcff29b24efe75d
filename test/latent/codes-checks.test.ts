/**
 * writeCodes' input checks at their edges, with the exact messages: n and d (1 accepted, 0 and 1.5 refused),
 * data that is not a Float32Array, non-finite values (naming value and code index), and labels (0 and 255
 * accepted and read back, −1, 256 and 2.5 refused). A refused write leaves no file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCodes, writeCodes } from '../../src/latent/codes.ts';
import { throwsExactly } from '../_assert.ts';

test('writeCodes: n, d, data type, finite values and label range, each at its edge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-codes-checks-'));
  const base = join(dir, 'c');
  const write = (o: Record<string, unknown>) => writeCodes(`${base}.json`, { n: 2, d: 1, data: Float32Array.of(0.5, -2), labels: [0, 255], sourceModel: 'm', ...o } as never);
  try {
    for (const n of [0, 1.5]) throwsExactly(() => write({ n }), `Error: writeCodes(${base}): n must be a positive integer, got ${n}`);
    for (const d of [0, 1.5]) throwsExactly(() => write({ d }), `Error: writeCodes(${base}): d must be a positive integer, got ${d}`);
    throwsExactly(() => write({ data: [0.5, -2] }), `Error: writeCodes(${base}): data must be a Float32Array`);
    throwsExactly(() => write({ d: 2, n: 2, data: Float32Array.of(0, 1, 2, Infinity), labels: [1, 2] }), `Error: writeCodes(${base}): value 3 (code 1) is not finite (Infinity)`);
    throwsExactly(() => write({ data: Float32Array.of(NaN, 0) }), `Error: writeCodes(${base}): value 0 (code 0) is not finite (NaN)`);
    for (const v of [-1, 256, 2.5]) throwsExactly(() => write({ labels: [0, v] }), `Error: writeCodes(${base}): label 1 is ${v}, expected an integer 0..255`);
    assert.ok(!existsSync(`${base}.json`) && !existsSync(`${base}.f32`), 'nothing written by a refused call');
    // The edges themselves: n = d = 1, and labels 0 and 255.
    write({ n: 1, data: Float32Array.of(3.25), labels: [255] });
    assert.deepEqual([readCodes(base).n, readCodes(base).d, Array.from(readCodes(base).data), Array.from(readCodes(base).labels)], [1, 1, [3.25], [255]]);
    write({});
    const c = readCodes(base);
    assert.deepEqual([Array.from(c.data), Array.from(c.labels)], [[0.5, -2], [0, 255]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
