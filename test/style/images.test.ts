/**
 * Image loading (clear errors for missing/undecodable files), resizing, random crops, PNG round trip.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadImage, encodePng, randomCropBoxes, cropImage, StyleImageError, fitLongSide } from '../../src/style/images.ts';
import { sharedPath } from '../../src/util/paths.ts';

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-img-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('a painting decodes to RGB floats in [0, 1], resized to the long side', async () => {
  const p = sharedPath('assets', 'styles', 'starry_night.jpg');
  const img = await loadImage(p, { maxSide: 64 });
  assert.equal(img.width, 64);
  assert.equal(img.height, 40); // 1024×640
  assert.equal(img.data.length, 64 * 40 * 3);
  assert.ok(img.data.every((v) => v >= 0 && v <= 1));
  const fromBytes = await loadImage(readFileSync(p), { maxSide: 64 });
  assert.deepEqual(fromBytes.data, img.data);
  assert.deepEqual(fitLongSide(1024, 640, 256), { width: 256, height: 160 });
  assert.deepEqual(fitLongSide(600, 800, 256), { width: 192, height: 256 });
});

test('missing, empty and corrupt image files give StyleImageError naming the file', async () => {
  const missing = join(tmp, 'missing.jpg');
  await assert.rejects(loadImage(missing), (e: Error) => e instanceof StyleImageError && e.message.includes(missing) && /not found/.test(e.message));
  const corrupt = join(tmp, 'corrupt.jpg');
  writeFileSync(corrupt, Buffer.from('this is not a jpeg at all, just text'));
  await assert.rejects(loadImage(corrupt), (e: Error) => e instanceof StyleImageError && e.message.includes(corrupt));
  // A truncated JPEG (first 2 KB of a real one).
  const trunc = join(tmp, 'truncated.jpg');
  writeFileSync(trunc, readFileSync(sharedPath('assets', 'styles', 'the_scream.jpg')).subarray(0, 2048));
  await assert.rejects(loadImage(trunc), (e: Error) => e instanceof StyleImageError && e.message.includes(trunc));
  await assert.rejects(loadImage({ bytes: Buffer.from([1, 2, 3]), name: 'upload.png' }), (e: Error) => e instanceof StyleImageError && e.message.includes('upload.png'));
  await assert.rejects(loadImage(tmp), (e: Error) => e instanceof StyleImageError && e.message.includes(tmp));
});

test('random crops: seeded, inside the image, copy the right pixels', () => {
  const w = 20, h = 12;
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = i / data.length;
  const img = { width: w, height: h, data };
  const a = randomCropBoxes(w, h, 50, 8, 7);
  const b = randomCropBoxes(w, h, 50, 8, 7);
  const c = randomCropBoxes(w, h, 50, 8, 8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  for (const { x, y } of a) assert.ok(x >= 0 && y >= 0 && x + 8 <= w && y + 8 <= h);
  assert.ok(new Set(a.map((p) => p.x)).size > 5, 'crop positions vary');
  const crop = cropImage(img, 3, 2, 8);
  assert.equal(crop.data[0], data[(2 * w + 3) * 3]);
  assert.equal(crop.data[(7 * 8 + 7) * 3 + 2], data[((2 + 7) * w + 3 + 7) * 3 + 2]);
  assert.throws(() => randomCropBoxes(w, h, 3, 13, 0), /exceeds/);
  assert.throws(() => randomCropBoxes(w, h, 0, 4, 0), /count/);
});

test('PNG encoding round-trips 8-bit values', async () => {
  const w = 5, h = 3;
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 17 % 256) / 255;
  const png = await encodePng({ width: w, height: h, data });
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, w);
  const back = await loadImage(png);
  for (let i = 0; i < data.length; i++) assert.ok(Math.abs(back.data[i] - data[i]) < 1e-6);
});

test('transparent pixels are flattened onto white (or a chosen background), not their stored RGB', async () => {
  // 8 × 4 RGBA: left half opaque blue, right half fully transparent with pure red stored under it.
  const w = 8, h = 4;
  const px = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      if (x < w / 2) px.set([0, 0, 255, 255], o);
      else px.set([255, 0, 0, 0], o);
    }
  }
  const png = await sharp(px, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer();
  const img = await loadImage(png);
  const at = (x: number, y: number) => Array.from(img.data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
  assert.deepEqual(at(1, 1), [0, 0, 1], 'opaque blue stays blue');
  assert.deepEqual(at(6, 2), [1, 1, 1], 'transparent becomes white, not red');
  const grey = await loadImage(png, { background: '#808080' });
  assert.deepEqual(Array.from(grey.data.subarray((2 * w + 6) * 3, (2 * w + 6) * 3 + 3)).map((v) => Math.round(v * 255)), [128, 128, 128]);
});
