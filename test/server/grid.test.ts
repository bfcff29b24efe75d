/** The server's fast PNG grid has exactly the pixels of the latent library's imagesGridPng. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { imagesGridPng } from '../../src/latent/index.ts';
import { gridPng } from '../../src/server/digits.ts';
import { Rng } from '../../src/util/rng.ts';
import { decodePng } from './_fixtures.ts';

it('gridPng matches imagesGridPng pixel for pixel, and is not larger by more than 10 %', async () => {
  const rng = new Rng(3);
  for (const [n, cols] of [[7, 3], [64, 8], [1, 1]]) {
    const data = Float32Array.from({ length: n * 28 * 28 }, () => Math.max(0, Math.min(1, rng.normal() * 0.3 + 0.3)));
    const images = { n, h: 28, w: 28, c: 1, data };
    const ours = await gridPng(images, cols);
    const ref = await imagesGridPng(images, { cols, pad: 1, scale: 2 });
    const a = await decodePng(ours);
    const b = await decodePng(ref);
    assert.deepEqual([a.width, a.height, a.channels], [b.width, b.height, b.channels]);
    assert.ok(a.data.equals(b.data), `pixels differ for n=${n}, cols=${cols}`);
    assert.ok(ours.length <= ref.length * 1.1, `${ours.length} vs ${ref.length} bytes`);
  }
});
