/**
 * The generator behind every seed of gmmgen (src/util/rng.ts) against an outside reference and against itself:
 * - xoshiro128** from the state {1, 2, 3, 4} gives the reference outputs of Blackman & Vigna's C implementation
 *   (xoshiro128starstar.c, v1.1; the same vector is used by the Rust crate rand_xoshiro's tests);
 * - fork() seeds its child from the parent's next two outputs a, b as a · 4096 + (b >>> 20) (44 bits);
 * - the first values of a few seeds are pinned: committed results and the shipped models were made with these
 *   streams, so a change of generator, seeding, uniform, normal, fork or shuffle must be deliberate (and the results
 *   regenerated), not a side effect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';

test('xoshiro128** from state {1, 2, 3, 4}: the reference outputs', () => {
  const r = new Rng(0) as unknown as { s0: number; s1: number; s2: number; s3: number; nextUint32(): number };
  r.s0 = 1; r.s1 = 2; r.s2 = 3; r.s3 = 4;
  const got = Array.from({ length: 10 }, () => r.nextUint32());
  assert.deepEqual(got, [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
});

test('fork(): the child is seeded by the next two outputs, a · 4096 + (b >>> 20), and is reproducible', () => {
  for (const seed of [0, 1, 7, 20261122]) {
    const a = new Rng(seed), b = new Rng(seed);
    const child = a.fork();
    const x = b.nextUint32(), y = b.nextUint32();
    assert.equal(child.seed, x * 4096 + (y >>> 20), `seed ${seed}`);
    assert.ok(child.seed < 2 ** 44);
    const again = new Rng(child.seed);
    for (let i = 0; i < 5; i++) assert.equal(child.nextUint32(), again.nextUint32());
    // The parent goes on after the two outputs.
    assert.equal(a.nextUint32(), b.nextUint32());
  }
});

test('the first values of seeds 0, 1 and 20261122 are pinned (uniform, normal, fork, permutation)', () => {
  const pinned = [
    { s: 0, u32: [3809008728, 1133695204, 53579671, 2891528803], uni: [0.032522145755498943, 0.024408060085556516], nor: [0.12177618600477014, 0.49342493394909925], fk: [7555549622422, 2660577521, 4091045522], perm: [1, 4, 0, 7, 2, 6, 3, 5] },
    { s: 1, u32: [2442144158, 3238099751, 3819917871, 2104621829], uni: [0.4705824180198359, 0.35296769838967534], nor: [-2.11372639304049, 0.04029909996824959], fk: [10745061365570, 113789699, 445711930], perm: [0, 7, 5, 3, 1, 6, 4, 2] },
    { s: 20261122, u32: [124263093, 1113720568, 897982559, 1070263221], uni: [0.8009638428836526, 0.7332627725822197], nor: [-1.5402955815685553, 1.8790453795667421], fk: [4171357590647, 1776672268, 3595566393], perm: [6, 5, 7, 1, 4, 0, 3, 2] },
  ];
  for (const p of pinned) {
    const r = new Rng(p.s);
    assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()], p.u32, `seed ${p.s}: raw outputs`);
    assert.deepEqual([r.uniform(), r.uniform()], p.uni, `seed ${p.s}: uniforms`);
    assert.deepEqual([r.normal(), r.normal()], p.nor, `seed ${p.s}: normals`);
    const f = r.fork();
    assert.deepEqual([f.seed, f.nextUint32(), f.nextUint32()], p.fk, `seed ${p.s}: fork`);
    assert.deepEqual([...r.permutation(8)], p.perm, `seed ${p.s}: permutation`);
  }
});
