/**
 * API tests against a real server on loopback (random port), with a models folder built by the test
 * (random decoder + EM class GMMs fitted to labelled blobs): digits, mixing, explore, style assets,
 * uploads, 404s, 400s naming the field, 503 when the models are missing, 500 without a stack.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import sharp from 'sharp';
import { startServer, type RunningServer } from '../../src/server/app.ts';
import { errorHandler } from '../../src/server/http.ts';
import { uploadJsonLimit } from '../../src/server/uploads.ts';
import { GMM } from '../../src/gmm/model/gmm.ts';
import { decodePng, makeModelsDir, readSse, regionVariance, waitFor } from './_fixtures.ts';

let srv: RunningServer;
let models: { dir: string; cleanup: () => void };
let base = '';

before(async () => {
  models = await makeModelsDir();
  srv = await startServer({ port: 0, host: '127.0.0.1', modelsDir: models.dir, log: false, caps: { maxUploadBytes: 300_000, maxUploadSide: 2048 } as never });
  base = srv.url;
});
after(async () => {
  await srv?.close();
  models?.cleanup();
});

async function getJson(path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}
const postJson = (path: string, body: unknown) => getJson(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
async function getPng(path: string, init?: RequestInit): Promise<{ res: Response; png: Buffer }> {
  const res = await fetch(base + path, init);
  const png = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) assert.fail(`${path}: HTTP ${res.status} ${png.toString()}`);
  assert.equal(res.headers.get('content-type'), 'image/png');
  return { res, png };
}

/** Each 28×28 (×2 scale) tile of a grid must have pixel variance: the decoder drew something. */
async function assertGridNonBlank(png: Buffer, n: number, cols: number): Promise<void> {
  const img = await decodePng(png);
  const cell = 28 * 2;
  const pad = 2; // pad 1, scale 2
  const rows = Math.ceil(n / cols);
  assert.equal(img.width, cols * cell + (cols + 1) * pad);
  assert.equal(img.height, rows * cell + (rows + 1) * pad);
  for (let i = 0; i < n; i++) {
    const x = pad + (i % cols) * (cell + pad);
    const y = pad + Math.floor(i / cols) * (cell + pad);
    const v = regionVariance(img, x, y, cell, cell);
    assert.ok(v > 1, `tile ${i} is flat (variance ${v.toFixed(3)})`);
  }
}

describe('status and pages', () => {
  it('reports the models, the shared data and the caps', async () => {
    const { status, body } = await getJson('/api/status');
    assert.equal(status, 200);
    assert.deepEqual(body.digits.missing, []);
    assert.deepEqual(body.digits.methods, ['em']);
    assert.equal(body.explore.ring, true);
    assert.equal(typeof body.caps.maxSamples, 'number');
    assert.deepEqual(body.mixModes, ['mixture', 'blend', 'interpolate']);
  });
  it('serves the page and its script', async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<nav class="tabs"/);
    const js = await fetch(`${base}/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
  });
  it('answers unknown routes with 404: JSON under /api, a page elsewhere', async () => {
    const a = await getJson('/api/no/such/thing');
    assert.equal(a.status, 404);
    assert.match(a.body.error, /no route GET \/api\/no\/such\/thing/);
    const b = await fetch(`${base}/no-such-page`);
    assert.equal(b.status, 404);
    assert.match(b.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await b.text(), /Not found/);
    const c = await getJson('/api/digits', { method: 'PUT' });
    assert.equal(c.status, 404);
  });
});

describe('digits', () => {
  it('generates a grid of digits, reproducible per seed', async () => {
    const t0 = performance.now();
    const { res, png } = await getPng('/api/digits?class=3&count=9&seed=5');
    const took = performance.now() - t0;
    assert.equal(res.headers.get('x-method'), 'em');
    assert.equal(res.headers.get('x-count'), '9');
    // The server's own timing lies within the request's duration as the client saw it.
    const elapsed = Number(res.headers.get('x-elapsed-ms'));
    assert.ok(elapsed >= 0 && elapsed <= took, `X-Elapsed-Ms ${res.headers.get('x-elapsed-ms')} outside [0, ${took.toFixed(1)}]`);
    await assertGridNonBlank(png, 9, 3);
    const again = await getPng('/api/digits?class=3&count=9&seed=5');
    assert.ok(again.png.equals(png), 'same seed, same grid');
    const other = await getPng('/api/digits?class=3&count=9&seed=6');
    assert.ok(!other.png.equals(png), 'another seed, another grid');
    const cls = await getPng('/api/digits?class=7&count=9&seed=5&method=em');
    assert.ok(!cls.png.equals(png), 'another class, another grid');
  });
  it('documented defaults: 16 digits, seed 0, ⌈√16⌉ = 4 columns (sample and mix)', async () => {
    const { res, png } = await getPng('/api/digits?class=3');
    assert.equal(res.headers.get('x-count'), '16');
    assert.equal(res.headers.get('x-cols'), '4');
    assert.ok((await getPng('/api/digits?class=3&count=16&seed=0&cols=4')).png.equals(png), 'defaults = count 16, seed 0');
    assert.ok(!(await getPng('/api/digits?class=3&count=16&seed=1')).png.equals(png));
    const mix = (body: object) => getPng('/api/digits/mix', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const m = await mix({ mode: 'blend', weights: { 3: 1, 8: 1 } });
    assert.equal(m.res.headers.get('x-count'), '16');
    assert.equal(m.res.headers.get('x-cols'), '4');
    assert.ok((await mix({ mode: 'blend', weights: { 3: 1, 8: 1 }, count: 16, seed: 0, cols: 4 })).png.equals(m.png));
    assert.ok(!(await mix({ mode: 'blend', weights: { 3: 1, 8: 1 }, seed: 1 })).png.equals(m.png));
  });
  it('lays out cols as asked', async () => {
    const { png } = await getPng('/api/digits?class=0&count=8&cols=8');
    await assertGridNonBlank(png, 8, 8);
  });
  it('rejects bad input with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/digits?class=abc', 'class'],
      ['/api/digits', 'class'],
      ['/api/digits?class=3&count=0', 'count'],
      ['/api/digits?class=3&count=100000', 'count'],
      ['/api/digits?class=3&count=2.5', 'count'],
      ['/api/digits?class=3&seed=-1', 'seed'],
      ['/api/digits?class=3&colour=red', 'colour'],
      ['/api/digits?class=3&method=nope', 'method'],
      ['/api/digits?class=42', 'class'],
    ];
    for (const [url, field] of cases) {
      const { status, body } = await getJson(url);
      assert.equal(status, 400, `${url} → ${status} ${JSON.stringify(body)}`);
      assert.ok(body.fields.includes(field), `${url}: fields ${JSON.stringify(body.fields)} should name ${field}`);
      assert.match(body.error, new RegExp(field));
    }
  });
});

describe('mixing', () => {
  it('mixes in all three modes; all weight on one class equals that class', async () => {
    const single = await getPng('/api/digits?class=4&count=6&seed=9&cols=3');
    for (const mode of ['mixture', 'blend', 'interpolate']) {
      const { png } = await getPng('/api/digits/mix', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ mode, weights: { 4: 1 }, count: 6, seed: 9, cols: 3 }),
      });
      assert.ok(png.equals(single.png), `${mode} with all weight on 4 = class 4`);
      const mixed = await getPng('/api/digits/mix', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ mode, weights: { 4: 0.5, 9: 0.5 }, count: 6, seed: 9, cols: 3 }),
      });
      assert.ok(!mixed.png.equals(single.png), `${mode} 4+9 differs from 4 alone`);
      await assertGridNonBlank(mixed.png, 6, 3);
    }
  });
  it('reports the classes drawn in mixture mode', async () => {
    const { res } = await getPng('/api/digits/mix', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ mode: 'mixture', weights: { 1: 1, 2: 1 }, count: 20, seed: 3 }),
    });
    const labels = (res.headers.get('x-labels') ?? '').split(',').map(Number);
    assert.equal(labels.length, 20);
    assert.ok(labels.every((l) => l === 1 || l === 2));
    assert.ok(labels.includes(1) && labels.includes(2));
  });
  it('rejects bad bodies with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ mode: 'swirl', weights: { 1: 1 } }, 'mode'],
      [{ weights: { 1: 1 } }, 'mode'],
      [{ mode: 'blend', weights: {} }, 'weights'],
      [{ mode: 'blend', weights: { 3: -1 } }, 'weights.3'],
      [{ mode: 'blend', weights: { 3: 0 } }, 'weights'],
      [{ mode: 'blend', weights: { 42: 1 } }, 'weights'],
      [{ mode: 'blend', weights: { x: 1 } }, 'weights.x'],
      [{ mode: 'blend', weights: { 3: 1 }, count: 0 }, 'count'],
      [{ mode: 'blend', weights: { 3: 1 }, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await postJson('/api/digits/mix', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status}`);
      assert.ok(r.body.fields.includes(field), `${JSON.stringify(body)}: fields ${JSON.stringify(r.body.fields)} should name ${field}`);
    }
    const bad = await getJson('/api/digits/mix', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"mode": ' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /not valid JSON/);
  });
});

describe('explore', () => {
  it('serves the ring–square–line points', async () => {
    const { status, body } = await getJson('/api/explore/ring');
    assert.equal(status, 200);
    assert.equal(body.n, 850);
    assert.equal(body.points.length, 1700);
    assert.ok(body.methods.some((m: any) => m.method === 'sw' && m.available));
  });
  it('streams a fit step by step, then replays it from the cache', async () => {
    const url = `${base}/api/explore/fit?method=em&k=3&steps=15&seed=2`;
    const ev = await readSse(url);
    assert.equal(ev[0].event, 'start');
    const frames = ev.filter((e) => e.event === 'frame').map((e) => e.data);
    assert.ok(frames.length >= 2, `${frames.length} frames`);
    for (const f of frames) {
      assert.equal(f.weights.length, 3);
      assert.equal(f.means.length, 6);
      assert.equal(f.covariances.length, 12);
      assert.ok(Math.abs(f.weights.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-9);
    }
    // EM never increases the NLL: the last frame's loss is ≤ the first's.
    assert.ok(frames.at(-1).loss <= frames[0].loss + 1e-12);
    const done = ev.at(-1)!;
    assert.equal(done.event, 'done');
    // The summary's NLL is the mean NLL of the streamed final model on the served points.
    const ring = (await getJson('/api/explore/ring')).body;
    const last = frames.at(-1);
    const fitted = new GMM({ k: 3, d: 2, covarianceType: 'full', weights: Float64Array.from(last.weights), means: Float64Array.from(last.means), covariances: Float64Array.from(last.covariances) });
    const nll = fitted.nll({ n: ring.n, d: 2, data: Float64Array.from(ring.points) });
    assert.ok(Math.abs(done.data.finalNll - nll) < 1e-9 * Math.max(1, Math.abs(nll)), `finalNll ${done.data.finalNll} vs ${nll}`);
    // One frame a step for a short fit; EM's relative-change test stops it before the 15 steps asked.
    assert.deepEqual([done.data.iterations, done.data.converged], [frames.length, frames.length < 15]);
    const again = await readSse(url);
    assert.deepEqual(again.filter((e) => e.event === 'frame').map((e) => e.data), frames);
  });
  it('streams a sliced-Wasserstein fit', async () => {
    const ev = await readSse(`${base}/api/explore/fit?method=sw&k=4&steps=6&seed=1`, { timeoutMs: 40_000 });
    assert.equal(ev.at(-1)!.event, 'done', JSON.stringify(ev.at(-1)));
    assert.ok(ev.filter((e) => e.event === 'frame').length >= 2);
  });
  it('stops a fit when its viewer leaves; beyond the running limit the server says so (429)', async () => {
    const ring = srv.ctx.ring;
    const cancelled0 = ring.cancelled;
    const open = (seed: number) => {
      const ac = new AbortController();
      const firstFrame = readSse(`${base}/api/explore/fit?method=sw&k=30&steps=2000&seed=${seed}`, { until: (e) => e.event === 'frame', timeoutMs: 60_000 });
      return { ac, firstFrame };
    };
    // A viewer that leaves after the first frame: the 2000-step fit is stopped, not left running.
    await open(101).firstFrame;
    await waitFor(() => ring.active === 0, 'the abandoned fit to stop');
    assert.equal(ring.cancelled, cancelled0 + 1);
    // Three fits run at once; a fourth waits a moment for a slot, then gets the server's own message.
    const streams: AbortController[] = [];
    const holders = [102, 103, 104].map((seed) => {
      const ac = new AbortController();
      streams.push(ac);
      return fetch(`${base}/api/explore/fit?method=sw&k=30&steps=2000&seed=${seed}`, { signal: ac.signal }).then(async (r) => {
        const reader = r.body!.getReader();
        try {
          for (;;) if ((await reader.read()).done) break;
        } catch {
          /* aborted */
        }
      });
    });
    await waitFor(() => ring.active === 3, 'three running fits');
    const t0 = Date.now();
    const fourth = await getJson('/api/explore/fit?method=sw&k=30&steps=2000&seed=105');
    assert.equal(fourth.status, 429, JSON.stringify(fourth.body));
    assert.match(fourth.body.error, /3 fits are already running on this server \(at most 3 at once\); try again when one finishes/);
    assert.ok(Date.now() - t0 >= 1500, 'it waited for a slot first');
    // The page replaces its fits: closing the three streams frees their slots at once.
    for (const ac of streams) ac.abort();
    await Promise.all(holders);
    await waitFor(() => ring.active === 0, 'the three fits to stop');
    assert.equal(ring.cancelled, cancelled0 + 4);
    const ev = await readSse(`${base}/api/explore/fit?method=em&k=2&steps=3&seed=106`);
    assert.equal(ev.at(-1)!.event, 'done');
  });
  it('keeps a fit running while another viewer still watches it; stops it when the last one leaves', async () => {
    const ring = srv.ctx.ring;
    const cancelled0 = ring.cancelled;
    const seen: [unknown[], unknown[]] = [[], []];
    const leave = seen.map((l) => ring.subscribe('sw', 30, 201, 2000, (ev) => void l.push(ev)));
    await waitFor(() => seen[1].length >= 1, 'a first frame', { everyMs: 20 });
    leave[0]();
    const n = seen[1].length;
    await waitFor(() => seen[1].length > n, 'frames for the viewer who stayed', { everyMs: 20 });
    assert.equal(ring.active, 1, 'one viewer left, the fit goes on');
    assert.equal(ring.cancelled, cancelled0);
    leave[1]();
    await waitFor(() => ring.active === 0, 'the fit to stop', { everyMs: 20 });
    assert.equal(ring.cancelled, cancelled0 + 1);
  });
  it('rejects bad fit parameters', async () => {
    for (const [q, field] of [['method=magic', 'method'], ['method=em&k=0', 'k'], ['method=em&steps=999999', 'steps'], ['', 'method']]) {
      const r = await getJson(`/api/explore/fit?${q}`);
      assert.equal(r.status, 400, q);
      assert.ok(r.body.fields.includes(field), `${q}: ${JSON.stringify(r.body)}`);
    }
  });
  it('projects the codes and the class GMMs to 2-D', async () => {
    const { status, body } = await getJson('/api/explore/latent?method=em');
    assert.equal(status, 200);
    assert.equal(body.source, 'codes');
    assert.equal(body.labels.length * 2, body.points.length);
    assert.equal(body.classes.length, 10);
    for (const c of body.classes) {
      assert.equal(c.components.length, 2);
      for (const k of c.components) {
        const [a, b, b2, d] = k.cov;
        assert.equal(b, b2);
        assert.ok(a > 0 && d > 0 && a * d - b * b > 0, 'projected covariance is positive definite');
      }
    }
    assert.ok(body.explained[0] >= body.explained[1] && body.explained[0] <= 1);
    const bad = await getJson('/api/explore/latent?method=zzz');
    assert.equal(bad.status, 400);
    assert.ok(bad.body.fields.includes('method'));
  });
});

describe('style assets and uploads', () => {
  it('lists the paintings and serves thumbnails and content presets', async () => {
    const { body } = await getJson('/api/style/paintings');
    assert.ok(body.paintings.length >= 2, 'the shared paintings are listed');
    const thumb = await fetch(`${base}${body.paintings[0].url}?size=64`);
    assert.equal(thumb.status, 200);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    assert.equal(Math.max(meta.width!, meta.height!), 64);
    assert.equal((await getJson('/api/style/paintings/no-such-painting')).status, 404);
    assert.equal((await getJson(`${body.paintings[0].url}?size=5`)).status, 400);
    const presets = (await getJson('/api/style/contents')).body.presets;
    assert.deepEqual(presets.map((p: { name: string }) => p.name), ['landscape', 'letters', 'portrait']);
    assert.deepEqual(presets.map((p: { url: string }) => p.url), ['/api/style/contents/landscape', '/api/style/contents/letters', '/api/style/contents/portrait']);
    const { png } = await getPng(presets[0].url);
    const img = await decodePng(png);
    assert.ok(regionVariance(img, 0, 0, img.width, img.height) > 10);
    assert.equal((await getJson('/api/style/contents/nope')).status, 404);
  });
  it('accepts an image upload (raw body or base64 JSON) only when it decodes', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366aa' } }).png().toBuffer();
    const up = await getJson('/api/uploads', { method: 'POST', headers: { 'Content-Type': 'image/png', 'X-Filename': 'blue.png' }, body: new Uint8Array(png) });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.width, 40);
    assert.equal(up.body.format, 'png');
    const back = await fetch(base + up.body.url);
    assert.ok(Buffer.from(await back.arrayBuffer()).equals(png));
    const j = await postJson('/api/uploads', { name: 'b64.png', data: `data:image/png;base64,${png.toString('base64')}` });
    assert.equal(j.status, 201);
    // Not an image; a truncated PNG; too big; wrong type; bad base64.
    const junk = await getJson('/api/uploads', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: 'definitely not a png' });
    assert.equal(junk.status, 400);
    assert.match(junk.body.error, /not an image/);
    const big = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const noisy = await sharp(Buffer.from(Array.from({ length: 600 * 600 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 600, height: 600, channels: 3 } }).png().toBuffer();
    const truncated = noisy.subarray(0, Math.floor(noisy.length / 2));
    const tr = await getJson('/api/uploads', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: new Uint8Array(truncated) });
    assert.equal(tr.status, 400, JSON.stringify(tr.body));
    const tooBig = await getJson('/api/uploads', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: new Uint8Array(Buffer.concat([noisy, Buffer.alloc(300_001)])) });
    assert.equal(tooBig.status, 413);
    assert.ok(big.length < 300_000);
    const wide = await sharp({ create: { width: 3000, height: 10, channels: 3, background: '#fff' } }).png().toBuffer();
    const w = await getJson('/api/uploads', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: new Uint8Array(wide) });
    assert.equal(w.status, 413);
    assert.match(w.body.error, /larger than 2048×2048/);
    const txt = await getJson('/api/uploads', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
    assert.equal(txt.status, 415);
    const b64 = await postJson('/api/uploads', { data: '***' });
    assert.equal(b64.status, 400);
    assert.ok(b64.body.fields.includes('data'));
    assert.equal((await getJson('/api/uploads/0123456789abcdef')).status, 404);
  });
  it('JSON uploads: a body of ⌈1.4 · maxUploadBytes⌉ + 1024 bytes (the documented limit) is read, one byte more gets 413 naming the limit; the largest upload with the longest name fits', async () => {
    const L = 421_024; // ⌈1.4 · 300 000⌉ + 1024
    assert.equal(uploadJsonLimit(300_000), L);
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#a33' } }).png().toBuffer();
    const head = `{"name":"edge.png","data":"${png.toString('base64')}"`;
    const body = (n: number) => head + ' '.repeat(n - head.length - 1) + '}';
    const post = (text: string) => getJson('/api/uploads', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text });
    assert.equal(Buffer.byteLength(body(L)), L);
    const atLimit = await post(body(L));
    assert.equal(atLimit.status, 201, JSON.stringify(atLimit.body));
    const over = await post(body(L + 1));
    assert.equal(over.status, 413, JSON.stringify(over.body));
    assert.match(over.body.error, new RegExp(`${L}`));
    // The largest upload (maxUploadBytes bytes) as a data URL with a 200-character name is under the limit: it
    // reaches the image check (400, not an image), and one byte more is refused by the upload cap (413).
    for (const [n, status] of [[300_000, 400], [300_001, 413]]) {
      const text = JSON.stringify({ name: 'n'.repeat(200), data: `data:image/png;base64,${Buffer.alloc(n, 7).toString('base64')}` });
      assert.ok(Buffer.byteLength(text) <= L, `${n} bytes: ${Buffer.byteLength(text)} > ${L}`);
      assert.equal((await post(text)).status, status, `${n} bytes`);
    }
  });
  it('validates style job bodies before queueing (400 naming the field)', async () => {
    const cases: [unknown, string][] = [
      [{ styles: [] }, 'styles'],
      [{ styles: [{ painting: 'starry_night' }], size: 99999 }, 'size'],
      [{ styles: [{ painting: 'starry_night' }], iterations: 0 }, 'iterations'],
      [{ styles: [{ painting: 'starry_night' }], ratio: 2 }, 'ratio'],
      [{ styles: [{ painting: 'no-such-painting' }] }, 'styles.0.painting'],
      [{ styles: [{ upload: '0123456789abcdef' }] }, 'styles.0.upload'],
      [{ styles: [{ painting: 'starry_night' }], content: { preset: 'nope' } }, 'content.preset'],
      [{ styles: [{ painting: 'starry_night' }], colour: 'red' }, 'colour'],
      [{ styles: [{ painting: 'starry_night' }], method: 'em' }, 'method'],
      [{ styles: [{ painting: 'starry_night' }], blend: 'average' }, 'blend'],
      [{ styles: [{ painting: 'starry_night' }], seed: -1 }, 'seed'],
    ];
    for (const [body, field] of cases) {
      const r = await postJson('/api/style/jobs', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.ok(r.body.fields.includes(field), `${JSON.stringify(body)}: fields ${JSON.stringify(r.body.fields)} should name ${field}`);
    }
    assert.equal((await getJson('/api/style/jobs/nope')).status, 404);
    assert.equal((await getJson('/api/style/jobs/nope', { method: 'DELETE' })).status, 404);
  });
});

describe('missing models and internal errors', () => {
  it('answers 503 naming what is missing when there are no models', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'gmmgen-empty-models-'));
    const s = await startServer({ port: 0, modelsDir: empty, log: false, mobilenetDir: join(empty, 'nope'), stylesDir: join(empty, 'nope') });
    try {
      const r = await fetch(`${s.url}/api/digits?class=1`);
      assert.equal(r.status, 503);
      const body = (await r.json()) as any;
      assert.match(body.error, /decoder/);
      assert.match(body.error, /latent GMMs/);
      const st = (await (await fetch(`${s.url}/api/status`)).json()) as any;
      assert.equal(st.digits.ready, false);
      assert.equal(st.style.ready, false);
      assert.ok(st.style.missing.some((m: string) => /MobileNet/.test(m)));
      assert.ok(st.style.missing.some((m: string) => /paintings/.test(m)));
      const job = await fetch(`${s.url}/api/style/jobs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ styles: [{ upload: '0123456789abcdef' }] }) });
      assert.equal(job.status, 503);
      assert.match(((await job.json()) as any).error, /MobileNet/);
    } finally {
      await s.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
  it('turns an unexpected error into a 500 without message or stack', async () => {
    const app = express();
    app.get('/api/boom', () => {
      throw new Error('secret internals at /home/x/y.ts:12');
    });
    app.use(errorHandler(false));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const origError = console.error;
    console.error = () => {};
    try {
      const port = (server.address() as { port: number }).port;
      const r = await fetch(`http://127.0.0.1:${port}/api/boom`);
      assert.equal(r.status, 500);
      const text = await r.text();
      assert.deepEqual(JSON.parse(text), { error: 'internal server error' });
      assert.doesNotMatch(text, /secret|at \//);
    } finally {
      console.error = origError;
      server.close();
    }
  });
});
