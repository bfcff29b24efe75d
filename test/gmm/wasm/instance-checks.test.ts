/**
 * instantiateKernels' static-data check (src/gmm/wasm/instance.ts) with its exact message, on a hand-assembled
 * module whose heapBase() returns a chosen value: up to one page (65536) accepted, one byte more refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { instantiateKernels, PAGE } from '../../../src/gmm/wasm/instance.ts';

const uleb = (v: number): number[] => { const o: number[] = []; do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; o.push(b); } while (v); return o; };
const sleb = (v: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) { o.push(b); return o; }
    o.push(b | 0x80);
  }
};
const str = (s: string) => [s.length, ...Buffer.from(s)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** Base64 of a module importing a shared env.memory and exporting heapBase() = value. */
function moduleReturning(value: number): string {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 1, 0x7f]), // type () -> i32
    ...section(2, [1, ...str('env'), ...str('memory'), 0x02, 0x03, ...uleb(1), ...uleb(32768)]), // shared memory, 1..32768 pages
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('heapBase'), 0x00, 0]),
    ...section(10, [1, ...((b) => [b.length, ...b])([0, 0x41, ...sleb(value), 0x0b])]),
  ];
  return Buffer.from(bytes).toString('base64');
}

test('instantiateKernels: static data must end within the first page', () => {
  for (const v of [0, 1024, PAGE]) assert.equal(instantiateKernels<{ heapBase(): number }>(moduleReturning(v)).heapBase, v);
  for (const v of [PAGE + 1, 70000]) throwsExactly(() => instantiateKernels(moduleReturning(v)), `Error: the module's static data ends at ${v}, above the first page`);
});
