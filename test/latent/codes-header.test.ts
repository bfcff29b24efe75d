/**
 * readCodes' header checks (src/latent/codes.ts), each field walked at its edge with the exact message: format,
 * version, n and d (0 and 1.5 refused; the valid file has n = 2, d = 1), dtype/byteOrder, labels (length, range),
 * the data file named by the header, its size (one byte short / over), a non-finite value, and the checksum.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCodes, writeCodes } from '../../src/latent/codes.ts';
import { throwsExactly } from '../_assert.ts';

test('readCodes: every header field and the data file, refused at the edge with the exact message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-codes-header-'));
  try {
    const base = join(dir, 'c');
    writeCodes(`${base}.json`, { n: 2, d: 1, data: Float32Array.of(0.5, -2), labels: [0, 9], sourceModel: 'm' } as never);
    const json = `${base}.json`, bin = `${base}.f32`;
    const header = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    const bytes = readFileSync(bin);
    const withHeader = (edit: Record<string, unknown>) => writeFileSync(json, JSON.stringify({ ...header, ...edit }));
    const refused = (edit: Record<string, unknown>, file: string, problem: string) => {
      withHeader(edit);
      throwsExactly(() => readCodes(base), `CodesFileError: latent codes file ${file}: ${problem}`);
    };
    refused({ format: 'other' }, json, `format is "other", expected "${header.format as string}"`);
    refused({ version: (header.version as number) + 1 }, json, `version ${(header.version as number) + 1} is not supported (expected ${header.version as number})`);
    for (const n of [0, 1.5]) refused({ n }, json, `n must be a positive integer, got ${n}`);
    for (const d of [0, 1.5]) refused({ d }, json, `d must be a positive integer, got ${d}`);
    refused({ dtype: 'float64' }, json, 'dtype/byteOrder must be float32/little-endian, got float64/little-endian');
    refused({ byteOrder: 'big-endian' }, json, 'dtype/byteOrder must be float32/little-endian, got float32/big-endian');
    refused({ labels: [0] }, json, 'labels must be an array of n = 2 entries, got 1');
    refused({ labels: [0, 1, 2] }, json, 'labels must be an array of n = 2 entries, got 3');
    for (const v of [-1, 256]) refused({ labels: [0, v] }, json, `label 1 is ${v}, expected an integer 0..255`);
    refused({ dataFile: 'other.f32' }, join(dir, 'other.f32'), `is missing (named by ${json})`);
    // n = 1 against 8 bytes: trailing; the file one byte short: truncated.
    refused({ n: 1, labels: [0] }, bin, 'is 8 bytes but the header says n·d·4 = 1·1·4 = 4 (trailing bytes)');
    withHeader({});
    writeFileSync(bin, bytes.subarray(0, 7));
    throwsExactly(() => readCodes(base), `CodesFileError: latent codes file ${bin}: is 7 bytes but the header says n·d·4 = 2·1·4 = 8 (truncated)`);
    const nan = Buffer.from(bytes);
    nan.writeFloatLE(NaN, 4);
    writeFileSync(bin, nan);
    assert.throws(() => readCodes(base), (e: Error) => e.name === 'CodesFileError' && / checksum mismatch /.test(e.message));
    throwsExactly(() => readCodes(base, { verifyChecksum: false }), `CodesFileError: latent codes file ${bin}: value 1 (code 1) is not finite`);
    // The edges accepted: labels 0 and 255, the file as written.
    writeFileSync(bin, bytes);
    withHeader({ labels: [0, 255] });
    assert.deepEqual(Array.from(readCodes(base).labels), [0, 255]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
