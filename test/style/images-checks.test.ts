/**
 * The input checks of src/style/images.ts at their edges with the exact messages: a folder given as an image,
 * maxSide (a positive integer: 0, −1, 1.5, NaN refused; 1 and 2 resize), bytes sharp cannot decode, and the crop
 * arguments (count and size positive integers, a size one pixel over either side refused, a size equal to a side
 * accepted with the only possible offset; cropImage one pixel outside any border refused, flush with the far
 * corner accepted). Greyscale and grey+alpha inputs come out with 3 channels, so the "expected 3 channels" check
 * after sharp's conversion is not reached by them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cropImage, loadImage, randomCropBoxes } from '../../src/style/images.ts';
import { throwsExactly } from '../_assert.ts';

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-imgchk-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const rejectsExactly = (p: Promise<unknown>, message: string) =>
  assert.rejects(p, (e: Error) => {
    assert.equal(`${e.name}: ${e.message}`, message);
    return true;
  });
/** A 4×2 PNG: top row red, bottom row blue. */
const png4x2 = () => {
  const raw = Buffer.alloc(4 * 2 * 3);
  for (let i = 0; i < 4; i++) {
    raw[i * 3] = 255;
    raw[(4 + i) * 3 + 2] = 255;
  }
  return sharp(raw, { raw: { width: 4, height: 2, channels: 3 } }).png().toBuffer();
};

test('loadImage names a folder given as an image, and bytes it cannot decode', async () => {
  await rejectsExactly(loadImage(tmp), `StyleImageError: not an image file (a folder?): ${tmp}`);
  await rejectsExactly(loadImage({ bytes: Buffer.from('not an image at all'), name: 'upload.png' }), 'StyleImageError: cannot read image upload.png: Input buffer contains unsupported image format');
  await rejectsExactly(loadImage(Buffer.from([1, 2, 3])), 'StyleImageError: cannot read image <3-byte buffer>: Input buffer contains unsupported image format');
});

test('loadImage refuses a maxSide that is not a positive integer; 1 and 2 resize a 4×2 image', async () => {
  const png = await png4x2();
  for (const m of [0, -1, 1.5, NaN]) await rejectsExactly(loadImage(png, { maxSide: m }), `StyleImageError: maxSide must be a positive integer, got ${m}`);
  const two = await loadImage(png, { maxSide: 2 });
  assert.deepEqual([two.width, two.height], [2, 1]);
  const one = await loadImage(png, { maxSide: 1 });
  assert.deepEqual([one.width, one.height], [1, 1]);
  const full = await loadImage(png);
  assert.deepEqual([full.width, full.height], [4, 2]);
  assert.deepEqual([...full.data.subarray(0, 3)], [1, 0, 0]);
  assert.deepEqual([...full.data.subarray(12, 15)], [0, 0, 1]);
});

test('greyscale and grey+alpha images come out as 3 equal channels (the 3-channel check is not reached)', async () => {
  const grey = await sharp(Buffer.from([0, 51, 255, 102]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
  const g = await loadImage(grey);
  assert.deepEqual([...g.data].map((v) => Math.round(v * 255)), [0, 0, 0, 51, 51, 51, 255, 255, 255, 102, 102, 102]);
  // Grey 0 at alpha 0 flattens onto the white background; grey 51 at full alpha stays 51.
  const ga = await sharp(Buffer.from([0, 0, 51, 255]), { raw: { width: 2, height: 1, channels: 2 } }).png().toBuffer();
  assert.deepEqual([...(await loadImage(ga)).data].map((v) => Math.round(v * 255)), [255, 255, 255, 51, 51, 51]);
});

test('randomCropBoxes refuses a count or size that is not a positive integer, and a size over either side', () => {
  for (const c of [0, -1, 1.5, NaN]) throwsExactly(() => randomCropBoxes(20, 12, c, 8, 1), `RangeError: crop count must be a positive integer, got ${c}`);
  for (const s of [0, -2, 2.5, NaN]) throwsExactly(() => randomCropBoxes(20, 12, 3, s, 1), `RangeError: crop size must be a positive integer, got ${s}`);
  throwsExactly(() => randomCropBoxes(20, 12, 3, 13, 1), 'RangeError: crop size 13 exceeds the image size 20×12');
  throwsExactly(() => randomCropBoxes(12, 20, 3, 13, 1), 'RangeError: crop size 13 exceeds the image size 12×20');
  assert.deepEqual(randomCropBoxes(20, 12, 1, 8, 1).length, 1);
  // A size equal to a side leaves one offset along it.
  const tall = randomCropBoxes(20, 12, 30, 12, 1);
  assert.ok(tall.every((b) => b.y === 0 && b.x >= 0 && b.x <= 8));
  assert.ok(new Set(tall.map((b) => b.x)).size > 1);
  assert.deepEqual(randomCropBoxes(12, 12, 5, 12, 1), Array.from({ length: 5 }, () => ({ x: 0, y: 0 })));
});

test('cropImage refuses a crop one pixel outside any border, naming it; flush with the far corner is accepted', () => {
  const w = 6, h = 5;
  const img = { width: w, height: h, data: Float32Array.from({ length: w * h * 3 }, (_, i) => i) };
  for (const [x, y] of [[-1, 0], [0, -1], [3, 0], [0, 2]]) throwsExactly(() => cropImage(img, x, y, 4), `RangeError: crop (${x}, ${y}, 4) outside the 6×5 image`);
  const c = cropImage(img, 2, 1, 4);
  assert.deepEqual([c.width, c.height], [4, 4]);
  assert.deepEqual([...c.data.subarray(0, 3)], [(1 * w + 2) * 3, (1 * w + 2) * 3 + 1, (1 * w + 2) * 3 + 2]);
  assert.equal(c.data[c.data.length - 1], (4 * w + 5) * 3 + 2, 'the last pixel is the image corner');
});
