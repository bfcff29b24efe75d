/**
 * hfEnergy (src/style/metrics.ts) on an image whose interior is more than one row and one column: the mean is over
 * all (w − 2)(h − 2) interior pixels (3×3 and 4×3 images cannot tell a product from a quotient of those sides).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hfEnergy } from '../../src/style/metrics.ts';

test('hfEnergy of a 5×4 image with one white interior pixel: (4 + 3·1) / 6, chroma 0', () => {
  const w = 5, h = 4, data = new Float32Array(w * h * 3);
  data.fill(1, 3 * (1 * w + 2), 3 * (1 * w + 2) + 3); // (x, y) = (2, 1)
  const e = hfEnergy({ width: w, height: h, data });
  // Interior: x 1..3, y 1..2 (6 pixels). |Laplacian| of Y: 4 at the pixel, 1 at its 3 interior neighbours.
  assert.ok(Math.abs(e.y - 7 / 6) < 1e-12, `Y ${e.y}`);
  assert.deepEqual([e.cb, e.cr, e.chroma].map((v) => Math.abs(v) < 1e-12), [true, true, true]);
  // Transposed (4×5): the same energy.
  const t = new Float32Array(w * h * 3);
  t.fill(1, 3 * (2 * h + 1), 3 * (2 * h + 1) + 3);
  assert.ok(Math.abs(hfEnergy({ width: h, height: w, data: t }).y - 7 / 6) < 1e-12);
});
