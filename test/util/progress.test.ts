import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, ProgressBar } from '../../src/util/progress.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 200, write: (s: string) => chunks.push(s) } };
}

test('formatDuration', () => {
  assert.equal(formatDuration(0), '00:00');
  assert.equal(formatDuration(65), '01:05');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(NaN), '--:--');
});

test('non-TTY: plain lines with counts, running values and ETA; throttled by intervalMs', async () => {
  const s = sink(false);
  const bar = new ProgressBar({ total: 10, label: 'train', stream: s.stream, intervalMs: 0, quiet: false });
  await new Promise((r) => setTimeout(r, 20));
  bar.update(5, { loss: 0.12345 });
  assert.equal(s.chunks.length, 1);
  const line = s.chunks[0];
  assert.match(line, /^train 5\/10 50\.0% /);
  assert.match(line, /loss 0\.1235/);
  assert.match(line, /ETA 00:00/);
  assert.ok(!line.includes('\r'), 'no carriage returns in plain mode');
  assert.ok(line.endsWith('\n'));
  // ETA is (total - done) · elapsed / done: half done → equal to the elapsed time.
  assert.ok(Math.abs(bar.eta() - bar.elapsed()) < 0.05, `eta ${bar.eta()} vs elapsed ${bar.elapsed()}`);
  bar.done();
  assert.match(s.chunks.at(-1)!, /10\/10|5\/10/);
  assert.match(s.chunks.at(-1)!, / in \d\d:\d\d/);

  const s2 = sink(false);
  const slow = new ProgressBar({ total: 100, stream: s2.stream, intervalMs: 60_000, quiet: false });
  for (let i = 1; i <= 50; i++) slow.update(i);
  assert.equal(s2.chunks.length, 0, 'nothing printed before the interval has passed');
  slow.done();
  assert.equal(s2.chunks.length, 1);
});

test('TTY: redraws in place with a bar; resumed start value counts for the ETA', () => {
  const s = sink(true);
  const bar = new ProgressBar({ total: 20, start: 10, stream: s.stream, quiet: false });
  assert.ok(Number.isNaN(bar.eta()), 'no ETA before progress');
  bar.update(15, { acc: 0.5 });
  assert.equal(s.chunks.length, 1);
  assert.ok(s.chunks[0].startsWith('\r\x1b[2K'));
  assert.match(s.chunks[0], /█+░+ 15\/20 75\.0%/);
  bar.log('epoch done');
  assert.ok(s.chunks.some((c) => c.includes('epoch done\n')));
});

test('quiet (GMMGEN_QUIET=1 or quiet: true) prints nothing', () => {
  const s = sink(false);
  const prev = process.env.GMMGEN_QUIET;
  process.env.GMMGEN_QUIET = '1';
  try {
    const bar = new ProgressBar({ total: 3, stream: s.stream, intervalMs: 0 });
    bar.update(1);
    bar.log('x');
    bar.done();
  } finally {
    if (prev === undefined) delete process.env.GMMGEN_QUIET;
    else process.env.GMMGEN_QUIET = prev;
  }
  assert.equal(s.chunks.length, 0);
  assert.throws(() => new ProgressBar({ total: -1 }), /total must be a finite number ≥ 0/);
});

test('a bar leaves no timer running (a script that never calls done() still exits)', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  const s = sink(true);
  const bar = new ProgressBar({ total: 5, stream: s.stream, quiet: false });
  bar.update(2, { loss: 1 });
  assert.equal(timers(), before);
  assert.ok(s.chunks.length >= 1);
});
