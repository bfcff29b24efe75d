/**
 * The style job queue (src/server/jobs.ts) on its own, with runners the test drives step by step: every field of
 * a job's view is asserted as a value at each stage (queued with its position, running, after a preview, after
 * each result, done / failed / cancelled / timeout / stopped), the events carry those views, and the queue's
 * capacity and pruning hold at their exact bounds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobQueue, QueueFullError, SHUTDOWN_MESSAGE, type JobContext, type JobEvent, type JobView } from '../../src/server/jobs.ts';

/** A runner that waits for the test: `step()` lets it go on, `ctx` is its context once it runs. */
function driven() {
  let ctx: JobContext | null = null;
  let release: (() => void) | null = null;
  let fail: ((e: Error) => void) | null = null;
  let runnerStarted: () => void = () => {};
  const started = new Promise<void>((res) => {
    runnerStarted = res;
  });
  const runner = (_params: unknown, c: JobContext) => new Promise<void>((res, rej) => {
    ctx = c;
    release = res;
    fail = rej;
    runnerStarted();
  });
  return {
    runner,
    started,
    get ctx() { return ctx!; },
    finish: () => release!(),
    fail: (e: Error) => fail!(e),
  };
}
const tick = () => new Promise((r) => setImmediate(r));
const png = (b: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, b]);
const iso = (s: string | null) => s !== null && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;

test('a job view at every stage: queued (position), running, preview, results, done', async () => {
  const q = new JobQueue({ capacity: 3, timeoutMs: 60_000, keepFinished: 10 });
  const a = driven(), b = driven();
  const va = q.submit('style', { n: 1 }, a.runner);
  const vb = q.submit('style', { n: 2 }, b.runner);
  // Submitting starts the first job at once; the second waits behind it.
  assert.deepEqual({ ...va, id: 'x', createdAt: 'x', startedAt: va.startedAt !== null }, {
    id: 'x', kind: 'style', status: 'running', params: { n: 1 }, createdAt: 'x', startedAt: true, finishedAt: null,
    position: 0, progress: { fraction: 0, message: 'starting' }, results: 0, error: null, hasPreview: false,
  });
  assert.match(va.id, /^[0-9a-f]{12}$/);
  assert.ok(iso(va.createdAt) && iso(va.startedAt));
  assert.deepEqual({ status: vb.status, position: vb.position, startedAt: vb.startedAt, progress: vb.progress, hasPreview: vb.hasPreview, results: vb.results },
    { status: 'queued', position: 1, startedAt: null, progress: { fraction: 0, message: 'waiting in the queue' }, hasPreview: false, results: 0 });
  assert.equal(q.active, 2);
  await a.started;
  const events: JobEvent[] = [];
  q.subscribe(va.id, (e) => events.push(e));
  a.ctx.progress({ fraction: 0.25, message: 'sample 1/2' });
  assert.deepEqual(q.get(va.id)!.progress, { fraction: 0.25, message: 'sample 1/2' });
  assert.equal(q.get(va.id)!.hasPreview, false);
  assert.equal(q.preview(va.id), null);
  a.ctx.preview(png(1));
  assert.equal(q.get(va.id)!.hasPreview, true);
  assert.deepEqual(q.preview(va.id), png(1));
  a.ctx.result(png(2));
  a.ctx.result(png(3));
  assert.equal(q.get(va.id)!.results, 2);
  assert.deepEqual(q.result(va.id, 1), png(3));
  assert.equal(q.result(va.id, 2), null);
  assert.deepEqual(events.map((e) => [e.type, e.index ?? null, e.job.results, e.job.hasPreview]), [
    ['progress', null, 0, false], ['preview', null, 0, true], ['result', 0, 1, true], ['result', 1, 2, true],
  ]);
  a.finish();
  await tick();
  await tick();
  const done = q.get(va.id)!;
  assert.deepEqual({ status: done.status, error: done.error, progress: done.progress, position: done.position, results: done.results, hasPreview: done.hasPreview },
    { status: 'done', error: null, progress: { fraction: 1, message: 'done' }, position: 0, results: 2, hasPreview: true });
  assert.ok(iso(done.finishedAt) && Date.parse(done.finishedAt!) >= Date.parse(done.startedAt!));
  assert.deepEqual(events.at(-1)!.type, 'status');
  assert.equal(events.at(-1)!.job.status, 'done');
  // The second job runs now, from position 0.
  await b.started;
  const running = q.get(vb.id)!;
  assert.deepEqual([running.status, running.position, running.hasPreview], ['running', 0, false]);
  b.fail(new Error('out of paint'));
  await tick();
  const failed = q.get(vb.id)!;
  assert.deepEqual([failed.status, failed.error, failed.progress.message, failed.results], ['failed', 'out of paint', 'out of paint', 0]);
  assert.equal(q.active, 0);
});

test('a runner that ends without an image fails with a message; updates after the end are ignored', async () => {
  const q = new JobQueue({ capacity: 1, timeoutMs: 60_000, keepFinished: 10 });
  const a = driven();
  const v = q.submit('style', {}, a.runner);
  await a.started;
  a.finish();
  await tick();
  assert.deepEqual([q.get(v.id)!.status, q.get(v.id)!.error], ['failed', 'the job produced no image']);
  a.ctx.preview(png(1));
  a.ctx.result(png(2));
  a.ctx.progress({ fraction: 0.5, message: 'late' });
  const after = q.get(v.id)!;
  assert.deepEqual([after.hasPreview, after.results, after.progress.message], [false, 0, 'the job produced no image']);
});

test('capacity is exact: the job that fills the queue is accepted, the next one gets QueueFullError', () => {
  const q = new JobQueue({ capacity: 2, timeoutMs: 60_000, keepFinished: 10 });
  q.submit('style', {}, driven().runner);
  q.submit('style', {}, driven().runner);
  assert.throws(() => q.submit('style', {}, driven().runner), (e: unknown) => e instanceof QueueFullError && e.capacity === 2
    && e.message === 'the style queue is full (2 jobs waiting or running); try again when one finishes');
  assert.equal(new QueueFullError(1).message, 'the style queue is full (1 job waiting or running); try again when one finishes');
  q.close();
});

test('cancel: a queued job leaves the queue and the one behind moves up; a running one is aborted', async () => {
  const q = new JobQueue({ capacity: 3, timeoutMs: 60_000, keepFinished: 10 });
  const a = driven();
  const va = q.submit('style', {}, a.runner);
  const vb = q.submit('style', {}, driven().runner);
  const vc = q.submit('style', {}, driven().runner);
  assert.deepEqual([q.get(vb.id)!.position, q.get(vc.id)!.position], [1, 2]);
  const seen: JobView[] = [];
  q.subscribe(vc.id, (e) => seen.push(e.job));
  const cb = q.cancel(vb.id)!;
  assert.deepEqual([cb.status, cb.error, cb.progress.message, cb.position], ['cancelled', null, 'cancelled', 0]);
  assert.equal(q.get(vc.id)!.position, 1);
  assert.equal(seen.at(-1)!.position, 1, 'the job behind was told its new position');
  await a.started;
  const ca = q.cancel(va.id)!;
  assert.equal(ca.status, 'cancelled');
  assert.equal(a.ctx.signal.aborted, true);
  assert.equal(q.cancel('nope'), null);
  assert.equal(q.get('nope'), null);
  q.close();
});

test('timeout ends a running job with its message and aborts it; close stops every job with the shutdown message', async () => {
  const q = new JobQueue({ capacity: 3, timeoutMs: 30, keepFinished: 10 });
  const a = driven();
  const va = q.submit('style', {}, a.runner);
  await a.started;
  await new Promise((r) => setTimeout(r, 80));
  const t = q.get(va.id)!;
  assert.deepEqual([t.status, t.error], ['timeout', 'timed out after 0 s (the limit per style job); try a smaller size or fewer iterations']);
  assert.equal(a.ctx.signal.aborted, true);

  const q2 = new JobQueue({ capacity: 3, timeoutMs: 60_000, keepFinished: 10 });
  const b = driven();
  const vb = q2.submit('style', {}, b.runner);
  const vc = q2.submit('style', {}, driven().runner);
  await b.started;
  const stopped = q2.close();
  assert.deepEqual(stopped.map((v) => [v.id, v.status, v.error]).sort(), [[vb.id, 'stopped', SHUTDOWN_MESSAGE], [vc.id, 'stopped', SHUTDOWN_MESSAGE]].sort());
  assert.equal(b.ctx.signal.aborted, true);
  assert.throws(() => q2.submit('style', {}, driven().runner), /the job queue is shut down/);
});

test('finished jobs are pruned oldest first down to exactly keepFinished', async () => {
  const q = new JobQueue({ capacity: 5, timeoutMs: 60_000, keepFinished: 2 });
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = driven();
    ids.push(q.submit('style', {}, r.runner).id);
    await r.started;
    r.ctx.result(png(i));
    r.finish();
    await tick();
    await tick();
  }
  assert.deepEqual(ids.map((id) => q.get(id)?.status ?? null), [null, null, 'done', 'done']);
  assert.equal(q.list().length, 2);
});
