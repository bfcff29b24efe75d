import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { initBackend } from '../../src/backend/index.ts';
import { buildDecoder, LATENT_DIM } from '../../src/models/autoencoder.ts';
import { codesGridPng, componentGridPng, decodeCodes, imagesGridPng, mixClasses } from '../../src/latent/index.ts';
import { imageGridPixels } from '../../src/util/png.ts';
import { handSet } from './_synthetic.ts';

test('decode → PNG grid: shapes, determinism per seed, per-component rows', async () => {
  await initBackend({ quiet: true });
  const decoder = buildDecoder({ seed: 1 });
  const set = handSet([2, 5], LATENT_DIM);
  const codes = set.sampleClass(5, 6, 3);
  const imgs = decodeCodes(decoder, codes, 4); // batch 4 → two batches
  assert.deepEqual([imgs.n, imgs.h, imgs.w, imgs.c], [6, 28, 28, 1]);
  assert.ok(imgs.data.every((v) => v >= 0 && v <= 1));
  // Batched decoding equals one-shot decoding of each code.
  const one = decodeCodes(decoder, { n: 1, d: LATENT_DIM, data: codes.data.subarray(5 * LATENT_DIM) });
  for (let i = 0; i < 784; i++) assert.ok(Math.abs(one.data[i] - imgs.data[5 * 784 + i]) < 1e-5);
  const png1 = await codesGridPng(decoder, set.sampleClass(5, 6, 3), { cols: 3, pad: 1, scale: 2 });
  const png2 = await codesGridPng(decoder, set.sampleClass(5, 6, 3), { cols: 3, pad: 1, scale: 2 });
  assert.ok(png1.equals(png2), 'same seed → same PNG');
  const png3 = await codesGridPng(decoder, set.sampleClass(5, 6, 4), { cols: 3, pad: 1, scale: 2 });
  assert.ok(!png1.equals(png3), 'other seed → other PNG');
  const meta = await sharp(png1).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, (3 * 28 + 4) * 2);
  assert.equal(meta.height, (2 * 28 + 3) * 2);
  // Per-component view: k = 2 rows of 5.
  const rows = await componentGridPng(decoder, set.sampleComponents(2, 5, 1), { pad: 1, scale: 1 });
  const rm = await sharp(rows).metadata();
  assert.equal(rm.width, 5 * 28 + 6);
  assert.equal(rm.height, 2 * 28 + 3);
  // Mixed codes decode too.
  const mixed = mixClasses(set, 'blend', { 2: 1, 5: 1 }, 4, 0);
  assert.equal(decodeCodes(decoder, mixed).n, 4);
  assert.throws(() => decodeCodes(decoder, { n: 1, d: 8, data: new Float32Array(8) }), /decoder takes 128-d codes, got 8-d/);
  decoder.dispose();
});

test('imagesGridPng defaults: ⌈√n⌉ columns, 1-pixel padding, scale 2 (size and every pixel)', async () => {
  const n = 5, data = new Float32Array(n * 28 * 28);
  for (let i = 0; i < data.length; i++) data[i] = (i % 251) / 250;
  const png = await imagesGridPng({ n, h: 28, w: 28, c: 1, data });
  const { data: got, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  // 3 columns, 2 rows: (3·28 + 4)·2 = 176 by (2·28 + 3)·2 = 118.
  assert.deepEqual([info.width, info.height], [176, 118]);
  const want = imageGridPixels(data, { n, h: 28, w: 28, c: 1, cols: 3, pad: 1, scale: 2 });
  for (let p = 0; p < want.data.length; p++) if (got[p * info.channels] !== want.data[p]) assert.fail(`pixel ${p}: ${got[p * info.channels]} vs ${want.data[p]}`);
});
