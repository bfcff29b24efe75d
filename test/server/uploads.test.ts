/**
 * The upload decoder's admission (src/server/uploads.ts Slots) at its exact bounds, with tasks the test releases:
 * `size` tasks run at once, exactly `maxWaiting` more wait in line, the next one is refused with 503 and the count
 * in its message; a finished task hands its slot to the first waiter (first in, first out); a failing task frees
 * its slot too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Slots } from '../../src/server/uploads.ts';
import { HttpError } from '../../src/server/http.ts';

function gate() {
  let open: () => void = () => {};
  const p = new Promise<void>((r) => { open = r; });
  return { p, open };
}
const tick = () => new Promise((r) => setImmediate(r));

test('Slots: size running, exactly maxWaiting waiting, the next refused with 503; waiters start in order', async () => {
  const slots = new Slots(2, 3);
  const started: number[] = [];
  const gates = Array.from({ length: 5 }, () => gate());
  const runs = gates.map((g, i) => slots.run(async () => { started.push(i); await g.p; return i; }));
  await tick();
  assert.deepEqual(started, [0, 1], 'two run at once');
  assert.equal(slots.active, 2);
  // Five admitted (2 running + 3 waiting): the sixth is refused at once.
  await assert.rejects(slots.run(async () => 6), (e: unknown) => e instanceof HttpError && e.status === 503
    && e.message === 'the server is decoding 5 uploads already; try again in a moment');
  gates[1].open();
  assert.equal(await runs[1], 1);
  await tick();
  assert.deepEqual(started, [0, 1, 2], 'the first waiter took the freed slot');
  assert.equal(slots.active, 2);
  // One waiting place is free again: a new task is admitted (and waits), the one after it is refused.
  const late = slots.run(async () => 'late');
  await assert.rejects(slots.run(async () => 7), (e: unknown) => e instanceof HttpError && e.status === 503);
  for (const g of gates) g.open();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4]);
  assert.equal(await late, 'late');
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(slots.active, 0, 'every slot is free at the end');
});

test('Slots: a failing task frees its slot; with no waiting room the first extra task is refused', async () => {
  const slots = new Slots(1, 0);
  const g = gate();
  const first = slots.run(async () => { await g.p; throw new Error('corrupt'); });
  await tick();
  await assert.rejects(slots.run(async () => 1), (e: unknown) => e instanceof HttpError && e.status === 503 && /decoding 1 uploads already/.test(e.message));
  g.open();
  await assert.rejects(first, /corrupt/);
  assert.equal(slots.active, 0);
  assert.equal(await slots.run(async () => 'next'), 'next');
});
