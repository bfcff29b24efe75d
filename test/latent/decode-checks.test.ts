/**
 * decodeCodes' checks with exact messages, on tiny hand-made decoders: the code dimension must be the decoder's
 * input (2 accepted, 3 refused), codes.data must hold n·d values (one short or one extra refused), and the
 * decoder must output images [n, h, w, c] (a rank-2 output refused). The accepted case is checked by hand.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { decodeCodes } from '../../src/latent/decode.ts';
import { throwsExactly } from '../_assert.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

/** A linear decoder of 2-d codes: pixel p of the 2×2 image = z0·(p+1) − z1, reshaped or flat. */
function decoder(images: boolean): tfl.LayersModel {
  const layers: tfl.layers.Layer[] = [tfl.layers.dense({ inputShape: [2], units: 4, useBias: false })];
  if (images) layers.push(tfl.layers.reshape({ targetShape: [2, 2, 1] }));
  const m = tfl.sequential({ layers });
  m.layers[0].setWeights([tf.tensor2d([1, 2, 3, 4, -1, -1, -1, -1], [2, 4])]);
  return m;
}

test('decodeCodes: dimension, value count and output rank, each refused just past its edge', () => {
  const dec = decoder(true);
  const codes = { n: 2, d: 2, data: Float32Array.of(1, 0, 2, 1) };
  const out = decodeCodes(dec, codes, 1);
  assert.deepEqual([out.n, out.h, out.w, out.c], [2, 2, 2, 1]);
  assert.deepEqual(Array.from(out.data), [1, 2, 3, 4, 1, 3, 5, 7]);
  throwsExactly(() => decodeCodes(dec, { n: 1, d: 3, data: new Float32Array(3) }), 'Error: decodeCodes: the decoder takes 2-d codes, got 3-d codes');
  throwsExactly(() => decodeCodes(dec, { n: 2, d: 2, data: new Float32Array(3) }), 'Error: decodeCodes: codes.data has 3 values, expected n·d = 4');
  throwsExactly(() => decodeCodes(dec, { n: 2, d: 2, data: new Float32Array(5) }), 'Error: decodeCodes: codes.data has 5 values, expected n·d = 4');
  const flat = decoder(false);
  throwsExactly(() => decodeCodes(flat, codes), 'Error: decodeCodes: the decoder must output images [n, h, w, c], its output shape is [null,4]');
  dec.dispose();
  flat.dispose();
});
