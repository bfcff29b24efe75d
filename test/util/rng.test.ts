import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';

test('same seed gives the same stream; different seeds differ', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 20 }, () => a.uniform());
  const xb = Array.from({ length: 20 }, () => b.uniform());
  const xc = Array.from({ length: 20 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test('uniform and normal moments match their distributions', () => {
  const r = new Rng(7);
  const n = 200000;
  let su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u; su2 += u * u;
    const z = r.normal();
    sn += z; sn2 += z * z; sn4 += z ** 4;
  }
  assert.ok(Math.abs(su / n - 0.5) < 0.005);
  assert.ok(Math.abs(su2 / n - 1 / 3) < 0.005);
  assert.ok(Math.abs(sn / n) < 0.01);
  assert.ok(Math.abs(sn2 / n - 1) < 0.015);
  assert.ok(Math.abs(sn4 / n - 3) < 0.1);
});

test('categorical follows the weights and rejects a zero total', () => {
  const r = new Rng(1);
  const counts = [0, 0, 0];
  for (let i = 0; i < 30000; i++) counts[r.categorical([0.2, 0, 0.8])]++;
  assert.equal(counts[1], 0);
  assert.ok(Math.abs(counts[0] / 30000 - 0.2) < 0.01);
  assert.throws(() => r.categorical([0, 0]), /positive sum/);
});

test('permutation is a permutation', () => {
  const p = new Rng(3).permutation(100);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
});
