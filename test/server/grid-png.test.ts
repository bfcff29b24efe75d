/**
 * gridPng (src/server/digits.ts), the digits tabs' picture: a grid of grey digits is written as an 8-bit greyscale
 * PNG (IHDR colour type 0), a colour grid as RGB (type 2) — the grey one is about a third of the bytes — and the
 * pixels are the grid's (pad 1, scale 2, values × 255).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { gridPng } from '../../src/server/digits.ts';

test('gridPng: grey digits as a greyscale PNG, colour ones as RGB, pixels as drawn', async () => {
  const n = 4, h = 3, w = 3;
  for (const c of [1, 3]) {
    const data = new Float32Array(n * h * w * c).map((_, i) => (i % 7) / 6);
    const png = await gridPng({ n, h, w, c, data }, 2);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(png[24], 8, 'bit depth 8');
    assert.equal(png[25], c === 1 ? 0 : 2, `colour type for ${c} channel(s)`);
    const { data: px, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    // 2 columns × 2 rows of 3×3 digits, pad 1, scale 2: (1 + 2·(3 + 1)) · 2 = 18 pixels a side.
    assert.deepEqual([info.width, info.height], [18, 18]);
    // Digit 0's top-left value sits at (pad, pad) · scale = (2, 2) (sharp decodes grey as three equal channels).
    for (let ch = 0; ch < info.channels; ch++) assert.equal(px[(2 * 18 + 2) * info.channels + ch], Math.round(255 * data[c === 1 ? 0 : ch]), `channel ${ch}`);
  }
});
