import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCodes, writeCodes } from '../../src/latent/codes.ts';
import { Rng } from '../../src/util/rng.ts';

function sample(n: number, d: number) {
  const rng = new Rng(3);
  const data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * 10;
  const labels = Uint8Array.from({ length: n }, () => rng.int(10));
  return { data, labels };
}

test('codes round-trip: header, values bit-exact, labels; any of the three path spellings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-codes-'));
  try {
    const { data, labels } = sample(37, 5);
    const { json, bin } = writeCodes(join(dir, 'train'), { data, n: 37, d: 5, labels, sourceModel: 'test-encoder', meta: { split: 'train' } });
    assert.equal(json, join(dir, 'train.json'));
    assert.equal(readFileSync(bin).length, 37 * 5 * 4);
    // little-endian float32 on disk
    assert.equal(readFileSync(bin).readFloatLE(4 * 7), data[7]);
    for (const p of [join(dir, 'train'), json, bin]) {
      const c = readCodes(p);
      assert.equal(c.n, 37);
      assert.equal(c.d, 5);
      assert.deepEqual(c.data, data);
      assert.deepEqual(c.labels, labels);
      assert.equal(c.header.format, 'gmmgen-codes');
      assert.equal(c.header.version, 1);
      assert.equal(c.header.sourceModel, 'test-encoder');
      assert.deepEqual(c.header.meta, { split: 'train' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('codes: truncated, corrupted, foreign or inconsistent files are rejected with clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-codes-'));
  try {
    const { data, labels } = sample(20, 4);
    const base = join(dir, 'c');
    writeCodes(base, { data, n: 20, d: 4, labels, sourceModel: 'm' });
    const header = readFileSync(`${base}.json`, 'utf8');
    truncateSync(`${base}.f32`, 20 * 4 * 4 - 8);
    assert.throws(() => readCodes(base), (e: Error) => e.message.includes(`${base}.f32`) && /is 312 bytes but the header says n·d·4 = 20·4·4 = 320 \(truncated\)/.test(e.message));
    writeCodes(base, { data, n: 20, d: 4, labels, sourceModel: 'm' });
    const b = readFileSync(`${base}.f32`);
    b[17] ^= 0xff;
    writeFileSync(`${base}.f32`, b);
    assert.throws(() => readCodes(base), /checksum mismatch/);
    writeFileSync(`${base}.json`, header.replace('"gmmgen-codes"', '"something-else"'));
    assert.throws(() => readCodes(base), /c\.json: format is "something-else", expected "gmmgen-codes"/);
    writeFileSync(`${base}.json`, '{ not json');
    assert.throws(() => readCodes(base), /c\.json: is not valid JSON/);
    writeFileSync(`${base}.json`, header.replace('"n":20', '"n":21'));
    assert.throws(() => readCodes(base), /labels must be an array of n = 21 entries, got 20/);
    assert.throws(() => readCodes(join(dir, 'missing')), /missing\.json: does not exist/);
    assert.throws(() => writeCodes(base, { data, n: 20, d: 5, labels, sourceModel: 'm' }), /data holds 80 values, n·d = 20·5 = 100/);
    assert.throws(() => writeCodes(base, { data: Float32Array.from([NaN]), n: 1, d: 1, labels: [0], sourceModel: 'm' }), /not finite/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
