import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { imageGridPixels, imageGridPng, writePng } from '../../src/util/png.ts';

async function decode(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

test('imageGridPng: layout, size, pixel values and scaling of a grey grid', async () => {
  // 3 images 2×3: image k has value (k+1)/4 everywhere, except pixel (1, 2) which is 1.
  const n = 3, h = 2, w = 3;
  const imgs = new Float32Array(n * h * w);
  for (let k = 0; k < n; k++) for (let i = 0; i < h * w; i++) imgs[k * h * w + i] = (k + 1) / 4;
  for (let k = 0; k < n; k++) imgs[k * h * w + 1 * w + 2] = 1;
  const png = await imageGridPng(imgs, { n, h, w, c: 1, cols: 2, pad: 1, scale: 2, padValue: 0 });
  assert.equal((await sharp(png).metadata()).channels, 1, 'a grey grid is stored as a 1-channel PNG');
  const { data, info } = await decode(png);
  // 2 columns, 2 rows: width (2·3 + 3·1)·2 = 18, height (2·2 + 3·1)·2 = 14.
  assert.equal(info.width, 18);
  assert.equal(info.height, 14);
  const at = (x: number, y: number) => data[(y * info.width + x) * info.channels];
  assert.equal(at(0, 0), 0); // padding
  // image 0 starts at (1, 1) before scaling → (2, 2) after.
  assert.equal(at(2, 2), Math.round(255 / 4));
  assert.equal(at(3, 3), Math.round(255 / 4));
  // its pixel (row 1, col 2) is white: unscaled (1+2, 1+1) → scaled x 6..7, y 4..5.
  assert.equal(at(6, 4), 255);
  assert.equal(at(7, 5), 255);
  // image 1 (second column): x0 = 1 + 3 + 1 = 5 → 10 after scaling.
  assert.equal(at(10, 2), Math.round(255 / 2));
  // image 2 (second row, first column): y0 = 1 + 2 + 1 = 4 → 8.
  assert.equal(at(2, 8), Math.round((255 * 3) / 4));
  // the empty 4th cell stays padding.
  assert.equal(at(10, 8), 0);
});

test('imageGridPixels: every pixel of a scaled, padded grid, padding included', () => {
  // 5 images 2×3 on 3 columns (2 rows, one empty cell), pad 2, scale 3: each output pixel is checked against the
  // cell it falls in, computed from its own coordinates (so a tile writing one row or column too far shows up).
  const n = 5, h = 2, w = 3, cols = 3, pad = 2, scale = 3;
  const imgs = new Float32Array(n * h * w);
  for (let k = 0; k < n; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) imgs[(k * h + y) * w + x] = (1 + k * h * w + y * w + x) / 40;
  const px = imageGridPixels(imgs, { n, h, w, c: 1, cols, pad, scale, padValue: 0 });
  assert.equal(px.width, (cols * w + (cols + 1) * pad) * scale);
  assert.equal(px.height, (2 * h + 3 * pad) * scale);
  for (let Y = 0; Y < px.height; Y++) {
    for (let X = 0; X < px.width; X++) {
      const u = Math.floor(X / scale), v = Math.floor(Y / scale);
      const cx = Math.floor((u - pad) / (w + pad)), ix = u - pad - cx * (w + pad);
      const cy = Math.floor((v - pad) / (h + pad)), iy = v - pad - cy * (h + pad);
      const k = cy * cols + cx;
      const inside = u >= pad && v >= pad && ix < w && iy < h && k < n;
      const want = inside ? Math.round(255 * imgs[(k * h + iy) * w + ix]) : 0;
      assert.equal(px.data[Y * px.width + X], want, `pixel (${X}, ${Y})`);
    }
  }
});

test('imageGridPixels defaults: ⌈√n⌉ columns, padding 1 of grey 0.5 (128), scale 1', () => {
  // 5 one-pixel images of values k/4 → 3 columns, 2 rows: 7 × 5 pixels.
  const px = imageGridPixels(Float32Array.from([0, 0.25, 0.5, 0.75, 1]), { n: 5, h: 1, w: 1, c: 1 });
  assert.deepEqual([px.width, px.height, px.channels], [7, 5, 1]);
  const P = 128;
  assert.deepEqual([...px.data], [
    P, P, P, P, P, P, P,
    P, 0, P, 64, P, 128, P,
    P, P, P, P, P, P, P,
    P, 191, P, 255, P, P, P,
    P, P, P, P, P, P, P,
  ]);
  // Nine images: exactly 3 columns; ten: 4.
  assert.equal(imageGridPixels(new Float32Array(9), { n: 9, h: 1, w: 1, c: 1 }).width, 7);
  assert.equal(imageGridPixels(new Float32Array(10), { n: 10, h: 1, w: 1, c: 1 }).width, 9);
  // padValue is clamped to [0, 1].
  assert.equal(imageGridPixels(new Float32Array(1), { n: 1, h: 1, w: 1, c: 1, padValue: 2 }).data[0], 255);
  assert.equal(imageGridPixels(new Float32Array(1), { n: 1, h: 1, w: 1, c: 1, padValue: -1 }).data[0], 0);
  assert.throws(() => imageGridPixels(new Float32Array(1), { n: 1, h: 1, w: 1, c: 1, pad: -1 }), /pad must be an integer ≥ 0, got -1/);
  assert.throws(() => imageGridPixels(new Float32Array(1), { n: 1, h: 1, w: 1, c: 1, cols: 0 }), /cols must be an integer ≥ 1, got 0/);
  assert.throws(() => imageGridPixels(new Float32Array(0), { n: 0, h: 1, w: 1, c: 1 }), /n must be an integer ≥ 1, got 0/);
  assert.doesNotThrow(() => imageGridPixels(new Float32Array(1), { n: 1, h: 1, w: 1, c: 1, pad: 0, cols: 1, scale: 1 }));
});

test('imageGridPng: RGB, clamping and NaN', async () => {
  const imgs = Float32Array.from([1.5, 0, -2, NaN, 0.5, 1]); // 2 pixels, 3 channels
  const { data, info } = await decode(await imageGridPng(imgs, { n: 1, h: 1, w: 2, c: 3, pad: 0 }));
  assert.equal(info.channels, 3);
  assert.deepEqual([...data], [255, 0, 0, 0, 128, 255]);
});

test('imageGridPng: bad arguments are rejected with clear errors', async () => {
  await assert.rejects(imageGridPng(new Float32Array(10), { n: 2, h: 2, w: 2, c: 1 }), /expected n·h·w·c = 2·2·2·1 = 8 values, got 10/);
  await assert.rejects(imageGridPng(new Float32Array(8), { n: 2, h: 2, w: 2, c: 2 }), /channels\) must be 1 or 3/);
  await assert.rejects(imageGridPng(new Float32Array(8), { n: 2, h: 2, w: 2, c: 1, scale: 0 }), /scale must be an integer ≥ 1/);
});

test('writePng: atomic write, folder creation, refuses non-PNG data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-png-'));
  try {
    const png = await imageGridPng(new Float32Array(4).fill(1), { n: 1, h: 2, w: 2, c: 1 });
    const p = join(dir, 'sub', 'a.png');
    writePng(p, png);
    assert.deepEqual(readFileSync(p), png);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['a.png']); // no temp file left behind
    assert.throws(() => writePng(join(dir, 'b.png'), Buffer.from('not a png')), /not a PNG/);
    // The check is the 8-byte signature, at its edge: 7 of its bytes are refused, exactly the 8 pass it.
    const sig = png.subarray(0, 8);
    assert.throws(() => writePng(join(dir, 'c.png'), sig.subarray(0, 7)), /^Error: writePng\(.*c\.png\): the buffer is not a PNG \(bad signature\)$/);
    writePng(join(dir, 'd.png'), sig);
    assert.deepEqual(readFileSync(join(dir, 'd.png')), sig);
    assert.ok(!readdirSync(dir).includes('c.png'), 'nothing written for a refused buffer');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
