/**
 * secondsSince (src/util/clock.ts): milliseconds of one clock to seconds, with performance.now() as the default end;
 * and the fitters' history (HistoryRecorder) reporting its step times and wall time through it, on a stubbed clock.
 */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { secondsSince } from '../../src/util/clock.ts';
import { HistoryRecorder } from '../../src/gmm/fit/history.ts';

test('secondsSince: (t1 − t0) / 1000, t1 = performance.now() by default', () => {
  assert.equal(secondsSince(250, 4250), 4);
  assert.equal(secondsSince(4250, 250), -4);
  assert.equal(secondsSince(0, 1), 0.001);
  const now = mock.method(performance, 'now', () => 12_500);
  try {
    assert.equal(secondsSince(2_500), 10);
  } finally {
    now.mock.restore();
  }
});

test('HistoryRecorder: step times and wall time in seconds of the stubbed clock', () => {
  let t = 1_000;
  const now = mock.method(performance, 'now', () => t);
  try {
    const rec = new HistoryRecorder('nll');
    t = 1_500; rec.record(3, () => { throw new Error('no snapshot'); });
    t = 4_000; rec.record(2, () => { throw new Error('no snapshot'); });
    t = 4_250;
    const h = rec.finish({ iterations: 2, converged: false });
    assert.deepEqual(h.time, [0.5, 3]);
    assert.equal(h.wallTime, 3.25);
  } finally {
    now.mock.restore();
  }
});
