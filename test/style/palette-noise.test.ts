/**
 * paletteNoise (src/style/synth.ts), the synthesis's start image, rebuilt by hand from its documented recipe: per colour
 * channel four octaves of white noise from the same stream, each blurred by a Gaussian of σ = 1/64, 1/32, 1/16, 1/8 of
 * the long side (at least 0.5 px), centred, scaled to unit variance times its weight 0.25, 0.5, 1, 1, and summed;
 * then recoloured to the palette (transferColours). The octave list is also the exported NOISE_OCTAVES.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianBlur, NOISE_OCTAVES, paletteNoise, transferColours } from '../../src/style/synth.ts';
import { Rng } from '../../src/util/rng.ts';

const OCTAVES = [[1 / 64, 0.25], [1 / 32, 0.5], [1 / 16, 1], [1 / 8, 1]];

test('paletteNoise is the documented octave sum recoloured to the palette, value for value', () => {
  assert.deepEqual(NOISE_OCTAVES.map((o) => [o.sigma, o.weight]), OCTAVES);
  const pal = { mean: [0.45, 0.4, 0.5], cov: [0.004, 0.001, 0, 0.001, 0.003, 0.0005, 0, 0.0005, 0.002] };
  for (const [w, h] of [[48, 32], [20, 70]]) {
    const got = paletteNoise(w, h, pal, new Rng(9));
    const rng = new Rng(9);
    const n = w * h, side = Math.max(w, h);
    const noise = new Float32Array(3 * n);
    for (let c = 0; c < 3; c++) {
      const sum = new Float64Array(n);
      for (const [sigma, weight] of OCTAVES) {
        const z = gaussianBlur(Float64Array.from({ length: n }, () => rng.normal()), w, h, Math.max(0.5, sigma * side));
        const m = z.reduce((a, b) => a + b, 0) / n;
        const sd = Math.sqrt(z.reduce((a, b) => a + (b - m) ** 2, 0) / n);
        for (let i = 0; i < n; i++) sum[i] += (weight / sd) * (z[i] - m);
      }
      for (let i = 0; i < n; i++) noise[3 * i + c] = sum[i];
    }
    const want = transferColours({ width: w, height: h, data: noise }, pal);
    assert.equal(got.width, w);
    assert.equal(got.height, h);
    let worst = 0;
    for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]));
    assert.ok(worst < 1e-6, `${w}×${h}: largest difference ${worst}`);
  }
});
