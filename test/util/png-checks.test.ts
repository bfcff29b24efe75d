/**
 * imageGridPixels' channel and length checks (src/util/png.ts) with their exact messages, on both sides: c is 1 or
 * 3, and the pixel array has exactly n·h·w·c values. (writePng's signature check is tested exactly in png.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../_assert.ts';
import { imageGridPixels } from '../../src/util/png.ts';

test('imageGridPixels: c (channels) is 1 or 3', () => {
  for (const c of [0, 2, 4, 1.5]) {
    throwsExactly(() => imageGridPixels(new Float32Array(4 * c), { n: 1, h: 2, w: 2, c: c as never }), `Error: imageGridPng: c (channels) must be 1 or 3, got ${c}`);
  }
  // One 1×1 image, no padding: the pixel itself, scaled to 0..255.
  assert.deepEqual(imageGridPixels([0.5], { n: 1, h: 1, w: 1, c: 1, pad: 0 }), { data: Uint8Array.of(128), width: 1, height: 1, channels: 1 });
  assert.deepEqual(imageGridPixels([1, 0, 0.2], { n: 1, h: 1, w: 1, c: 3, pad: 0 }), { data: Uint8Array.of(255, 0, 51), width: 1, height: 1, channels: 3 });
});

test('imageGridPixels: exactly n·h·w·c values', () => {
  const o = { n: 2, h: 2, w: 3, c: 3 as const };
  throwsExactly(() => imageGridPixels(new Float32Array(35), o), 'Error: imageGridPng: expected n·h·w·c = 2·2·3·3 = 36 values, got 35');
  throwsExactly(() => imageGridPixels(new Float32Array(37), o), 'Error: imageGridPng: expected n·h·w·c = 2·2·3·3 = 36 values, got 37');
  // 36 values: two 2×3 images side by side (cols = ⌈√2⌉ = 2) with 1-pixel padding: 2·3 + 3 = 9 wide, 2 + 2 = 4 high.
  const g = imageGridPixels(new Float32Array(36), o);
  assert.deepEqual([g.width, g.height, g.data.length], [9, 4, 9 * 4 * 3]);
});
