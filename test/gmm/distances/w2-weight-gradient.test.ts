/**
 * The weight gradient of the 1-D W₂² (src/gmm/distances/wasserstein.ts) is the documented
 * dW/dw_k = −2 Σ_i ∫ (x − y_i)(Φ_k − F) dx, not that plus a constant: since Σ_k w_k (Φ_k − F) = F − F = 0,
 * Σ_k w_k dW/dw_k = 0 exactly, and a single component has dW/dw = 0. (A constant added to every dW/dw_k is invisible
 * to the fitters, whose softmax chain rule removes it, and to finite differences along the simplex.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasserstein1DGrad } from '../../../src/gmm/distances/wasserstein.ts';
import { mixture1D } from '../../../src/gmm/model/mixture1d.ts';

test('W₂², exact and midpoint: Σ_k w_k dW/dw_k = 0 and a single component has dW/dw = 0, odd and even sample sizes', () => {
  const samples = [[0.3, -1, 2], [0.3, -1, 2, 4], [-2, -1.5, 0, 0.2, 1, 3, 5]];
  for (const method of ['exact', 'midpoint'] as const) for (const y of samples) {
    const one = wasserstein1DGrad(mixture1D([0.5], [1.2], [1]), y, { method });
    assert.ok(Math.abs(one.dWeights[0]) < 1e-14, `${method}, n = ${y.length}: one component, ${one.dWeights[0]}`);
    const m = mixture1D([-1, 0.5, 3], [0.7, 1, 0.4], [0.2, 0.5, 0.3]);
    const g = wasserstein1DGrad(m, y, { method });
    const s = g.dWeights.reduce((a, v, k) => a + m.weights[k] * v, 0);
    const scale = Math.max(...g.dWeights.map(Math.abs));
    assert.ok(scale > 0.1, `n = ${y.length}: a real gradient (${[...g.dWeights]})`);
    assert.ok(Math.abs(s) < 1e-12 * scale, `n = ${y.length}: Σ w dW = ${s}`);
  }
});
