/**
 * Style jobs through the API on a real loopback server, with the real style library, MobileNet weights and
 * paintings from the shared folder, at tiny settings (32–64 px, 2 iterations, 4 crops): a job runs to the end
 * with progress, previews and a non-blank image; the queue answers 429 when full; cancel stops a running job
 * and a queued one; a job over its time limit ends as 'timeout'; the server answers while a job runs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../../src/server/app.ts';
import { decodePng, readSse, regionVariance } from './_fixtures.ts';

let srv: RunningServer;
let base = '';

before(async () => {
  srv = await startServer({ port: 0, log: false, styleQueueSize: 2, styleCrops: 4, styleTimeoutMs: 60_000 });
  base = srv.url;
});
after(async () => {
  await srv?.close();
});

const post = async (path: string, body: unknown) => {
  const r = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};
const tiny = { styles: [{ painting: 'starry_night' }, { painting: 'the_scream' }], ratio: 0.3, size: 48, iterations: 2, samples: 1, seed: 1 };
const long = { styles: [{ painting: 'shipwreck' }], size: 256, iterations: 500, samples: 8 };
const isFinal = (ev: { event: string; data: any }) => ev.event === 'status' && ['done', 'failed', 'cancelled', 'timeout', 'stopped'].includes(ev.data.status);

describe('style jobs', () => {
  it('runs a tiny job to the end with progress, a preview and a non-blank image', async () => {
    const sub = await post('/api/style/jobs', { ...tiny, content: { preset: 'landscape' } });
    assert.equal(sub.status, 202, JSON.stringify(sub.body));
    assert.match(sub.body.id, /^[0-9a-f]{12}$/);
    // Read until the server ends the stream: it must end it itself, right after the final status.
    const events = await readSse(base + sub.body.events, { timeoutMs: 50_000 });
    const last = events.at(-1)!;
    assert.equal(last.data.status, 'done', JSON.stringify(last.data));
    assert.deepEqual(events.filter(isFinal).length, 1, 'one final status, the last event');
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress.fraction);
    assert.ok(progress.length >= 3, `${progress.length} progress events`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1] - 1e-9, 'progress never goes back');
    assert.ok(events.some((e) => e.event === 'preview' && e.data.image.startsWith('data:image/png;base64,')), 'a preview image was streamed');
    const result = events.find((e) => e.event === 'result')!;
    const res = await fetch(base + result.data.url);
    assert.equal(res.status, 200);
    const img = await decodePng(Buffer.from(await res.arrayBuffer()));
    assert.equal(Math.max(img.width, img.height), 48);
    assert.ok(regionVariance(img, 0, 0, img.width, img.height) > 5, 'the painted image is not flat');
    const view = (await (await fetch(`${base}/api/style/jobs/${sub.body.id}`)).json()) as any;
    assert.equal(view.status, 'done');
    assert.equal(view.images.length, 1);
    assert.equal((await fetch(`${base}/api/style/jobs/${sub.body.id}/results/5.png`)).status, 404);
  });

  it('answers 429 when the queue is full, cancels running and queued jobs, and stays responsive', async () => {
    const a = await post('/api/style/jobs', long);
    const b = await post('/api/style/jobs', long);
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.equal(b.body.status, 'queued');
    assert.equal(b.body.position, 1);
    const c = await post('/api/style/jobs', tiny);
    assert.equal(c.status, 429);
    assert.match(c.body.error, /queue is full/);
    // The server answers other requests while job a computes (it runs in a worker thread).
    const t0 = performance.now();
    const st = await fetch(`${base}/api/status`);
    assert.equal(st.status, 200);
    assert.ok(performance.now() - t0 < 2000, 'status answered quickly during a style job');
    // Cancel the queued one, then the running one.
    const cb = (await (await fetch(`${base}/api/style/jobs/${b.body.id}`, { method: 'DELETE' })).json()) as any;
    assert.equal(cb.status, 'cancelled');
    const evA = readSse(base + a.body.events, { until: isFinal, timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    const ca = (await (await fetch(`${base}/api/style/jobs/${a.body.id}/cancel`, { method: 'POST' })).json()) as any;
    assert.equal(ca.status, 'cancelled');
    assert.equal((await evA).at(-1)!.data.status, 'cancelled');
    // The queue is free again: a tiny job runs.
    const d = await post('/api/style/jobs', { ...tiny, mode: 'mean' });
    assert.equal(d.status, 202, JSON.stringify(d.body));
    const evD = await readSse(base + d.body.events, { until: isFinal, timeoutMs: 50_000 });
    assert.equal(evD.at(-1)!.data.status, 'done', JSON.stringify(evD.at(-1)!.data));
  });

  it('runs the chosen Gram model, blend mode and seed: the same seed gives the same image; the second job reuses the fitted model', async () => {
    const body = { ...tiny, method: 'pca-em', blend: 'weights', seed: 7 };
    const png: Buffer[] = [];
    const messages: string[][] = [];
    for (let k = 0; k < 2; k++) {
      const sub = await post('/api/style/jobs', body);
      assert.equal(sub.status, 202, JSON.stringify(sub.body));
      assert.deepEqual([sub.body.params.method, sub.body.params.blend, sub.body.params.seed], ['pca-em', 'weights', 7]);
      const ev = await readSse(base + sub.body.events, { until: isFinal, timeoutMs: 50_000 });
      assert.equal(ev.at(-1)!.data.status, 'done', JSON.stringify(ev.at(-1)!.data));
      const prog = ev.filter((e) => e.event === 'progress').map((e) => e.data.progress.values ?? {});
      assert.ok(prog.some((v) => typeof v.elapsed === 'number' && typeof v.eta === 'number'), 'progress carries elapsed time and an ETA');
      messages.push(ev.filter((e) => e.event === 'progress').map((e) => String(e.data.progress.message)));
      png.push(Buffer.from(await (await fetch(`${base}/api/style/jobs/${sub.body.id}/results/0.png`)).arrayBuffer()));
    }
    assert.ok(png[0].equals(png[1]), 'same seed, same image');
    assert.ok(!messages[0].some((m) => /Gram model kept from an earlier job/.test(m)) && messages[1].some((m) => /Gram model kept from an earlier job/.test(m)), messages[1].join('; '));
  });

  it('a shutdown stops running and queued jobs as "stopped" and tells their event streams', async () => {
    const s = await startServer({ port: 0, log: false, styleQueueSize: 2 });
    const sub = async (b: unknown) => (await fetch(`${s.url}/api/style/jobs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) })).json() as Promise<any>;
    const a = await sub(long);
    const b = await sub(long);
    const evA = readSse(s.url + a.events, { until: isFinal, timeoutMs: 20_000 });
    const evB = readSse(s.url + b.events, { until: isFinal, timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    const stopped = await s.close();
    assert.deepEqual(stopped.map((j) => [j.id, j.status]).sort(), [[a.id, 'stopped'], [b.id, 'stopped']].sort());
    for (const ev of [await evA, await evB]) {
      const last = ev.at(-1)!.data;
      assert.equal(last.status, 'stopped');
      assert.match(last.error, /the server was shut down/);
    }
  });

  it('ends a job that runs over its time limit as timeout', async () => {
    const s = await startServer({ port: 0, log: false, styleQueueSize: 1, styleTimeoutMs: 700 });
    try {
      const r = await fetch(`${s.url}/api/style/jobs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(long) });
      const job = (await r.json()) as any;
      assert.equal(r.status, 202);
      const ev = await readSse(s.url + job.events, { until: isFinal, timeoutMs: 10_000 });
      const last = ev.at(-1)!.data;
      assert.equal(last.status, 'timeout');
      assert.match(last.error, /timed out after 1 s/);
      // The slot is free again.
      const again = await fetch(`${s.url}/api/style/jobs/${job.id}`);
      assert.equal(((await again.json()) as any).status, 'timeout');
    } finally {
      await s.close();
    }
  });
});
