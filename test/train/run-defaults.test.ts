/**
 * reconstructionGrid's default of 4 pairs of rows (src/train/run.ts): with more digits than 16 × 4 it shows
 * exactly the first 64 originals and their reconstructions — 8 tile rows — as with pairs 4 written out, and not 5.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { reconstructionGrid } from '../../src/train/run.ts';

/** n digits, digit i all of value (a + i)/255. */
function digits(n: number, a: number): Float32Array {
  const out = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) out.fill((a + i) / 255, i * 784, (i + 1) * 784);
  return out;
}

test('reconstructionGrid: 4 pairs by default — 100 digits give the first 64 in 8 tile rows (16 × 4 pairs, scale 2)', async () => {
  const orig = digits(100, 0), rec = digits(100, 120);
  const png = await reconstructionGrid(orig, rec);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [(16 * 29 + 1) * 2, (8 * 29 + 1) * 2]);
  // Tile (R, j) of the unscaled grid starts at (1 + 29j, 1 + 29R); even rows originals, odd rows reconstructions.
  const at = (u: number, v: number) => data[(2 * v * info.width + 2 * u) * info.channels];
  for (let R = 0; R < 8; R++) for (let j = 0; j < 16; j++) {
    const i = Math.floor(R / 2) * 16 + j;
    assert.equal(at(1 + 29 * j + 14, 1 + 29 * R + 14), (R % 2 ? 120 : 0) + i, `tile row ${R}, column ${j}`);
  }
  assert.deepEqual(png, await reconstructionGrid(orig, rec, 16, 4, 2), 'the defaults written out');
  assert.notDeepEqual(png, await reconstructionGrid(orig, rec, 16, 5, 2), '5 pairs show 80 digits');
});
