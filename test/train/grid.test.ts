/**
 * The training run's picture helper reconstructionGrid (src/train/run.ts) with its defaults: 16 columns, 4 pairs
 * of rows (test digits above their reconstructions), 1-pixel padding, scale 2 — the PNG's size and the value of
 * every tile, by hand; fewer digits than a full grid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { reconstructionGrid } from '../../src/train/run.ts';

/** n digits, digit i all of value a + b·i/255 (distinct grey levels). */
function digits(n: number, a: number, b: number): Float32Array {
  const out = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) out.fill((a + b * i) / 255, i * 784, (i + 1) * 784);
  return out;
}

async function decode(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { at: (x: number, y: number) => data[(y * info.width + x) * info.channels], width: info.width, height: info.height };
}

/** Asserts every pixel: tile (R, j) of 28×28 at (1 + 29j, 1 + 29R) before scaling holds `value(R, j)`, the rest padding 128. */
function checkGrid(g: Awaited<ReturnType<typeof decode>>, cols: number, tileRows: number, scale: number, value: (R: number, j: number) => number) {
  assert.equal(g.width, (cols * 29 + 1) * scale);
  assert.equal(g.height, (tileRows * 29 + 1) * scale);
  for (let Y = 0; Y < g.height; Y++) {
    for (let X = 0; X < g.width; X++) {
      const u = Math.floor(X / scale), v = Math.floor(Y / scale);
      const inside = u % 29 !== 0 && v % 29 !== 0;
      const want = inside ? value(Math.floor(v / 29), Math.floor(u / 29)) : 128;
      if (g.at(X, Y) !== want) assert.fail(`pixel (${X}, ${Y}): ${g.at(X, Y)} vs ${want}`);
    }
  }
}

test('reconstructionGrid defaults: 16 columns × 4 pairs, scale 2 — 930 × 466 px, originals above their reconstructions', async () => {
  // 70 digits: the first 64 are shown; original i has grey level i, its reconstruction 100 + i.
  const g = await decode(await reconstructionGrid(digits(70, 0, 1), digits(70, 100, 1)));
  assert.equal(g.width, 930);
  assert.equal(g.height, 466);
  checkGrid(g, 16, 8, 2, (R, j) => (R % 2 ? 100 : 0) + Math.floor(R / 2) * 16 + j);
});

test('reconstructionGrid: whole rows only; fewer digits than one row give one short row; cols, pairs and scale apply', async () => {
  // 40 digits, 16 columns: 2 full rows (32 digits), the rest left out.
  checkGrid(await decode(await reconstructionGrid(digits(40, 0, 2), digits(40, 128, 2))), 16, 4, 2, (R, j) => (R % 2 ? 128 : 0) + 2 * (Math.floor(R / 2) * 16 + j));
  // 5 digits: one pair of rows of 5 columns.
  checkGrid(await decode(await reconstructionGrid(digits(5, 10, 1), digits(5, 200, 1))), 5, 2, 2, (R, j) => (R % 2 ? 200 : 10) + j);
  // cols 3, pairs 2, scale 1: 6 of 9 digits.
  checkGrid(await decode(await reconstructionGrid(digits(9, 0, 3), digits(9, 50, 3), 3, 2, 1)), 3, 4, 1, (R, j) => (R % 2 ? 50 : 0) + 3 * (Math.floor(R / 2) * 3 + j));
});
