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

/** The count shown in a plain line ("label k/total …"). */
const shown = (line: string) => Number(/ (\d+)\/\d+ /.exec(` ${line}`)![1]);

test('tick() without an argument advances by exactly 1, tick(values, by) by `by`; start defaults to 0', () => {
  const s = sink(false);
  const bar = new ProgressBar({ total: 10, stream: s.stream, intervalMs: 0, quiet: false });
  bar.tick();
  assert.equal(shown(s.chunks.at(-1)!), 1);
  bar.tick({ loss: 2 });
  assert.equal(shown(s.chunks.at(-1)!), 2);
  assert.match(s.chunks.at(-1)!, /^2\/10 20\.0% .*loss 2\.0000$/m);
  bar.tick(undefined, 3);
  assert.equal(shown(s.chunks.at(-1)!), 5);
  const resumed = new ProgressBar({ total: 10, start: 4, stream: s.stream, intervalMs: 0, quiet: false });
  resumed.tick();
  assert.equal(shown(s.chunks.at(-1)!), 5);
});

/** Updates after ms − 1 more milliseconds (nothing drawn) and after 1 more (one more chunk drawn). */
function drawsAfter(t: { mock: { timers: { tick(ms: number): void } } }, bar: ProgressBar, chunks: string[], ms: number, value: number): void {
  const n = chunks.length;
  t.mock.timers.tick(ms - 1);
  bar.update(value);
  assert.equal(chunks.length, n, `nothing drawn before ${ms} ms`);
  t.mock.timers.tick(1);
  bar.update(value);
  assert.equal(chunks.length, n + 1, `drawn at ${ms} ms`);
}

test('documented throttles: a plain line every 5000 ms by default, a TTY redraw at most every 100 ms; ETA from start 0', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const s = sink(false);
  const bar = new ProgressBar({ total: 10, stream: s.stream, quiet: false });
  drawsAfter(t, bar, s.chunks, 5000, 5);
  // Half done after 5 s from the default start 0: 5 s left exactly.
  assert.equal(bar.elapsed(), 5);
  assert.equal(bar.eta(), 5);
  drawsAfter(t, bar, s.chunks, 5000, 6);

  const tty = sink(true);
  const tb = new ProgressBar({ total: 4, stream: tty.stream, quiet: false });
  tb.update(1);
  assert.equal(tty.chunks.length, 1, 'the first update draws');
  drawsAfter(t, tb, tty.chunks, 100, 2);
  // Default width 28: 2/4 done is 14 full and 14 empty cells.
  assert.match(tty.chunks[1], /(?<!█)█{14}░{14}(?!░) 2\/4 50\.0%/);
  tb.log('note');
  assert.equal(tty.chunks.length, 4, 'log() forces a redraw below the message at once');
});

test('line text: running values to 4 decimals (1 from 100, exponent below 1e-3 and from 1e5), clamped percentage, terminal width', () => {
  const s = sink(false);
  const bar = new ProgressBar({ total: 4, label: 'fit', stream: s.stream, intervalMs: 0, quiet: false });
  bar.update(6, { a: 0, b: 99.99994, c: 100, d: 0.001, e: 0.000999, f: 99999, g: 100000, h: -2.5, i: 'x', j: Infinity });
  const line = s.chunks.at(-1)!;
  assert.match(line, /^fit 6\/4 100\.0% /);
  assert.match(line, / {2}a 0\.0000 {2}b 99\.9999 {2}c 100\.0 {2}d 0\.0010 {2}e 9\.99e-4 {2}f 99999\.0 {2}g 1\.00e\+5 {2}h -2\.5000 {2}i x {2}j Infinity\n$/);
  bar.update(-1);
  assert.match(s.chunks.at(-1)!, /^fit -1\/4 0\.0% /);
  const empty = new ProgressBar({ total: 0, stream: s.stream, intervalMs: 0, quiet: false });
  empty.update(0);
  assert.match(s.chunks.at(-1)!, /^0\/0 100\.0% /);
  // A TTY line is cut to the terminal width − 1.
  const narrow = { chunks: [] as string[], stream: { isTTY: true, columns: 20, write(x: string) { narrow.chunks.push(x); } } };
  new ProgressBar({ total: 4, label: 'abc', stream: narrow.stream, quiet: false }).update(1);
  assert.equal(narrow.chunks[0], `\r\x1b[2K${'abc ' + '█'.repeat(7) + '░'.repeat(8)}`);
});

test('formatDuration at its edges', () => {
  assert.equal(formatDuration(59.4), '00:59');
  assert.equal(formatDuration(59.5), '01:00');
  assert.equal(formatDuration(3599), '59:59');
  assert.equal(formatDuration(3600), '1:00:00');
  assert.equal(formatDuration(-1), '--:--');
  assert.equal(formatDuration(Infinity), '--:--');
});

test('render(): the exact text of the state; eta() NaN until progress; done() ends the line once', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const s = sink(true);
  const bar = new ProgressBar({ total: 4, label: 'fit', stream: s.stream, width: 8, quiet: false });
  t.mock.timers.tick(2000);
  assert.ok(Number.isNaN(bar.eta()), 'no ETA before any progress, even after time has passed');
  assert.equal(bar.render(), 'fit ░░░░░░░░ 0/4 0.0% 00:02 ETA --:--');
  bar.update(1, { loss: 0.5 });
  assert.equal(bar.eta(), 6);
  assert.equal(bar.render(), 'fit ██░░░░░░ 1/4 25.0% 00:02 ETA 00:06  loss 0.5000');
  bar.update(6);
  assert.equal(bar.render(), 'fit ████████ 6/4 100.0% 00:02 ETA --:--  loss 0.5000');
  bar.update(-2);
  assert.equal(bar.render(), 'fit ░░░░░░░░ -2/4 0.0% 00:02 ETA --:--  loss 0.5000');
  bar.update(3);
  const n = s.chunks.length;
  bar.done({ loss: 0.25 });
  assert.equal(s.chunks.length, n + 1);
  assert.equal(s.chunks.at(-1), '\r\x1b[2Kfit ██████░░ 3/4 75.0% 00:02 in 00:02  loss 0.2500\n');
  bar.done();
  bar.update(4);
  assert.equal(s.chunks.length, n + 1, 'nothing drawn after done()');
  // One step of a one-step bar: 0 % at 0, 100 % at 1; an empty bar (total 0) is drawn full.
  const one = new ProgressBar({ total: 1, stream: s.stream, width: 4, quiet: false });
  assert.equal(one.render(), '░░░░ 0/1 0.0% 00:00 ETA --:--');
  const zero = new ProgressBar({ total: 0, stream: sink(true).stream, width: 4, quiet: false });
  assert.equal(zero.render(), '████ 0/0 100.0% 00:00 ETA --:--');
  const zs = sink(true);
  new ProgressBar({ total: 0, stream: zs.stream, width: 4, quiet: false }).update(0);
  assert.equal(zs.chunks[0], '\r\x1b[2K████ 0/0 100.0% 00:00 ETA --:--');
});

test('a TTY line is cut to the terminal width − 1 exactly when longer', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const line = (columns: number) => {
    const chunks: string[] = [];
    new ProgressBar({ total: 4, label: 'abc', width: 4, quiet: false, stream: { isTTY: true, columns, write: (x: string) => chunks.push(x) } }).update(1);
    return chunks[0].slice('\r\x1b[2K'.length);
  };
  const full = 'abc █░░░ 1/4 25.0% 00:00 ETA 00:00';
  assert.equal(line(200), full);
  assert.equal(line(full.length + 1), full);
  assert.equal(line(full.length), full.slice(0, -1));
  assert.equal(line(full.length - 1), full.slice(0, -2));
});
