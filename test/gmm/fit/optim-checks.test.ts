/**
 * createOptimizer's rmsprop-only options (src/gmm/fit/optim.ts) with their exact messages: varianceFloor > 0 and
 * blockSize > 1 are refused for another optimiser; their neutral values (0 and 1) are accepted by every optimiser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { createOptimizer, OPTIMIZER_NAMES } from '../../../src/gmm/fit/optim.ts';

test("createOptimizer: varianceFloor and blockSize apply to 'rmsprop' only", () => {
  for (const name of OPTIMIZER_NAMES) {
    // The neutral values work everywhere: one SGD-like step moves the parameter against the gradient.
    const opt = createOptimizer({ name, lr: 0.1, varianceFloor: 0, blockSize: 1 }, 2);
    const p = Float64Array.of(1, 1);
    opt.step(p, Float64Array.of(1, -1));
    assert.ok(p[0] < 1 && p[1] > 1, `${name}: ${p}`);
    if (name === 'rmsprop') {
      assert.equal(createOptimizer({ name, lr: 0.1, varianceFloor: 1e-9, blockSize: 2 }, 2).name, 'rmsprop');
      continue;
    }
    throwsExactly(() => createOptimizer({ name, lr: 0.1, varianceFloor: 1e-9 }, 2), `GMMOptionError: createOptimizer: option varianceFloor applies to 'rmsprop' only, got optimizer '${name}'`);
    throwsExactly(() => createOptimizer({ name, lr: 0.1, blockSize: 2 }, 2), `GMMOptionError: createOptimizer: option blockSize applies to 'rmsprop' only, got optimizer '${name}'`);
  }
});
