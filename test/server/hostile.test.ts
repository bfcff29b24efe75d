/**
 * Hostile input against every route of the web app (a real server on loopback, test models): missing and extra
 * fields, wrong types, non-finite and huge numbers, JavaScript built-in names (as keys, values and path
 * segments), malformed %-escapes, repeated and non-decimal query numbers, wrong content types, oversized and
 * malformed bodies and uploads (pixel bombs, thin and tiny images, truncated files). Every case must get the
 * expected 4xx with a message that names the field (and `fields` listing it), never a 500 or a stack trace, and
 * the server must still answer afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startServer, type RunningServer } from '../../src/server/app.ts';
import { DEFAULT_CAPS } from '../../src/server/options.ts';
import { checkImage } from '../../src/server/uploads.ts';
import { styleJobSchema } from '../../src/server/style-jobs.ts';
import { makeModelsDir, pngClaiming } from './_fixtures.ts';

let srv: RunningServer;
let models: { dir: string; cleanup: () => void };
let base = '';
const BUILTINS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

before(async () => {
  models = await makeModelsDir({ perClass: 12 });
  srv = await startServer({ port: 0, host: '127.0.0.1', modelsDir: models.dir, log: false, caps: { maxUploadBytes: 1_500_000, maxUploadPixels: 1000 * 1000, maxUploadSide: 2048 } as never });
  base = srv.url;
});
after(async () => {
  await srv?.close();
  models?.cleanup();
});

interface Reply {
  status: number;
  body: any;
  text: string;
}
async function call(path: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, text };
}
const post = (path: string, body: string | Uint8Array<ArrayBuffer>, type: string | null = 'application/json') =>
  call(path, { method: 'POST', headers: type ? { 'Content-Type': type } : {}, body });

/** A 4xx (exactly `status` when given) whose JSON error names `field` and lists it; no stack trace. */
function expectRefused(r: Reply, what: string, field: string | null, status?: number): void {
  assert.ok(r.status >= 400 && r.status < 500, `${what} → ${r.status} ${r.text.slice(0, 300)}`);
  if (status !== undefined) assert.equal(r.status, status, `${what} → ${r.status} ${r.text.slice(0, 300)}`);
  assert.ok(r.body && typeof r.body.error === 'string', `${what}: JSON {error} expected, got ${r.text.slice(0, 200)}`);
  assert.doesNotMatch(r.text, /\bat .+:\d+:\d+|node_modules|internal server error/, `${what}: ${r.text.slice(0, 300)}`);
  assert.ok(r.text.length < 4000, `${what}: a ${r.text.length}-byte reply`);
  if (field !== null) {
    assert.ok(r.body.error.includes(field), `${what}: "${r.body.error}" should name ${field}`);
    assert.ok(Array.isArray(r.body.fields) && r.body.fields.includes(field), `${what}: fields ${JSON.stringify(r.body.fields)} should list ${field}`);
  }
}

async function stillAnswers(): Promise<void> {
  const r = await call('/api/status');
  assert.equal(r.status, 200, 'the server still answers');
}

describe('query parameters', () => {
  it('GET /api/digits: every bad value of every field is a 400 naming it', async () => {
    const cases: [string, string][] = [
      ['', 'class'],
      ['class=', 'class'],
      ['class=abc', 'class'],
      ['class=0x3', 'class'],
      ['class=%20%203', 'class'],
      ['class=3%20', 'class'],
      ['class=1e1', 'class'],
      ['class=3.0', 'class'],
      ['class=Infinity', 'class'],
      ['class=NaN', 'class'],
      ['class=1e308', 'class'],
      ['class=99999999999999999999999', 'class'],
      ['class=3&class=4', 'class'],
      ['class=%', 'class'],
      ['class=%E0%A4%A', 'class'],
      ['class=constructor', 'class'],
      ['class=1001', 'class'],
      ['class=42', 'class'],
      ['class=3&count=0', 'count'],
      ['class=3&count=257', 'count'],
      ['class=3&count=-1', 'count'],
      ['class=3&count=1&count=2', 'count'],
      ['class=3&seed=2147483648', 'seed'],
      ['class=3&seed=-1', 'seed'],
      ['class=3&cols=0', 'cols'],
      ['class=3&cols=65', 'cols'],
      ['class=3&method=', 'method'],
      ['class=3&method=x&method=y', 'method'],
      ...BUILTINS.map((b) => [`class=3&method=${b}`, 'method'] as [string, string]),
      ...BUILTINS.map((b) => [`class=3&${b}=1`, b] as [string, string]),
      ['class=3&colour=red', 'colour'],
    ];
    for (const [q, field] of cases) expectRefused(await call(`/api/digits?${q}`), `GET /api/digits?${q}`, field, 400);
    // The exact edges are accepted.
    for (const q of ['class=0&count=1&seed=0&cols=1', 'class=9&count=256&seed=2147483647&cols=64', 'class=%33']) {
      const r = await fetch(`${base}/api/digits?${q}`);
      assert.equal(r.status, 200, `${q} → ${r.status} ${r.status === 200 ? '' : await r.text()}`);
      if (r.status === 200) await r.arrayBuffer();
    }
    await stillAnswers();
  });

  it('GET /api/explore/fit and /api/explore/latent', async () => {
    const cases: [string, string, string][] = [
      ['/api/explore/fit', '', 'method'],
      ['/api/explore/fit', 'method=', 'method'],
      ['/api/explore/fit', 'method=magic', 'method'],
      ...BUILTINS.map((b) => ['/api/explore/fit', `method=${b}`, 'method'] as [string, string, string]),
      ['/api/explore/fit', 'method=em&method=sw', 'method'],
      ['/api/explore/fit', 'method=em&k=0', 'k'],
      ['/api/explore/fit', 'method=em&k=31', 'k'],
      ['/api/explore/fit', 'method=em&k=1e1', 'k'],
      ['/api/explore/fit', 'method=em&steps=0', 'steps'],
      ['/api/explore/fit', 'method=em&steps=2001', 'steps'],
      ['/api/explore/fit', 'method=em&seed=x', 'seed'],
      ['/api/explore/fit', 'method=em&extra=1', 'extra'],
      ['/api/explore/latent', 'method=', 'method'],
      ...BUILTINS.map((b) => ['/api/explore/latent', `method=${b}`, 'method'] as [string, string, string]),
      ['/api/explore/latent', 'x=1', 'x'],
      ['/api/style/paintings/starry_night', 'size=15', 'size'],
      ['/api/style/paintings/starry_night', 'size=1025', 'size'],
      ['/api/style/paintings/starry_night', 'size=0x40', 'size'],
      ['/api/style/paintings/starry_night', 'size=64&size=64', 'size'],
    ];
    for (const [path, q, field] of cases) expectRefused(await call(`${path}?${q}`), `GET ${path}?${q}`, field, 400);
    await stillAnswers();
  });
});

describe('the exact edges of every validated range', () => {
  it('query ranges: the edges are served, one step beyond is a 400 naming the field', async () => {
    const { maxFitK, maxFitIter } = srv.ctx.options.caps;
    // (GET /api/digits's edges are in the first test.) EM with k = 1 converges at once, so steps = max is quick.
    for (const q of ['method=em&k=1&steps=1&seed=0', `method=em&k=${maxFitK}&steps=1&seed=2147483647`, `method=em&k=1&steps=${maxFitIter}`]) {
      const r = await call(`/api/explore/fit?${q}`);
      assert.equal(r.status, 200, `fit ${q} → ${r.status} ${r.text.slice(0, 200)}`);
      assert.match(r.text, /event: done/, `fit ${q} ends with a summary`);
    }
    for (const [q, field] of [[`method=em&k=${maxFitK + 1}`, 'k'], [`method=em&steps=${maxFitIter + 1}`, 'steps'], ['method=em&seed=2147483648', 'seed'], ['method=em&seed=-1', 'seed']]) {
      expectRefused(await call(`/api/explore/fit?${q}`), `fit ${q}`, field, 400);
    }
    for (const size of [16, 1024]) {
      const r = await fetch(`${base}/api/style/paintings/starry_night?size=${size}`);
      assert.equal(r.status, 200, `painting size ${size}`);
      const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
      assert.equal(Math.max(meta.width!, meta.height!), size, `the long side is the size asked (${size})`);
    }
    await stillAnswers();
  });

  it('style job fields: the edges parse, one step beyond names the field', () => {
    const caps = srv.ctx.options.caps;
    const schema = styleJobSchema(caps);
    const base1 = { styles: [{ painting: 'starry_night' }] };
    const edges: [string, unknown, unknown][] = [
      ['ratio', 0, -1e-9], ['ratio', 1, 1 + 1e-9],
      ['size', caps.minStyleSize, caps.minStyleSize - 1], ['size', caps.maxStyleSize, caps.maxStyleSize + 1],
      ['iterations', 1, 0], ['iterations', caps.maxStyleIterations, caps.maxStyleIterations + 1],
      ['samples', 1, 0], ['samples', caps.maxStyleSamples, caps.maxStyleSamples + 1],
      ['seed', 0, -1], ['seed', 2 ** 31 - 1, 2 ** 31],
      ['styles', [{ painting: 'a' }, { painting: 'b' }], [{ painting: 'a' }, { painting: 'b' }, { painting: 'c' }]],
      ['styles', [{ painting: 'p'.repeat(120) }], [{ painting: 'p'.repeat(121) }]],
      ['content', { preset: 'p'.repeat(60) }, { preset: 'p'.repeat(61) }],
    ];
    for (const [field, ok, bad] of edges) {
      const good = schema.safeParse({ ...base1, [field]: ok });
      assert.ok(good.success, `${field} = ${JSON.stringify(ok).slice(0, 40)} is accepted: ${good.success ? '' : good.error.message}`);
      const r = schema.safeParse({ ...base1, [field]: bad });
      assert.ok(!r.success && r.error.issues.some((i) => i.path[0] === field), `${field} = ${JSON.stringify(bad).slice(0, 40)} is refused, naming ${field}`);
    }
  });
});

describe('path segments', () => {
  it('built-in names are unknown names (404), not 500', async () => {
    for (const b of BUILTINS) {
      for (const path of [`/api/style/contents/${b}`, `/api/style/paintings/${b}`, `/api/uploads/${b}`, `/api/style/jobs/${b}`, `/api/style/jobs/${b}/events`, `/api/style/jobs/${b}/preview.png`, `/api/style/jobs/${b}/results/0.png`]) {
        expectRefused(await call(path), `GET ${path}`, null, 404);
      }
      expectRefused(await call(`/api/style/jobs/${b}`, { method: 'DELETE' }), `DELETE /api/style/jobs/${b}`, null, 404);
      expectRefused(await call(`/api/${b}`), `GET /api/${b}`, null, 404);
    }
    // A very long name is not echoed back whole (expectRefused bounds the reply to 4 KB).
    const long = 'x'.repeat(8000);
    for (const path of [`/api/style/contents/${long}`, `/api/style/paintings/${long}`, `/api/uploads/${long}`, `/api/style/jobs/${long}`]) {
      expectRefused(await call(path), `GET ${path.slice(0, 30)}…`, null, 404);
    }
    await stillAnswers();
  });

  it('malformed %-escapes anywhere in the path are a 400', async () => {
    for (const path of ['/api/%', '/api/uploads/%', '/api/style/paintings/%E0%A4%A', '/api/style/contents/%ZZ', '/api/style/jobs/%/events', '/api/digits/%C0']) {
      const r = await call(path);
      expectRefused(r, `GET ${path}`, null, 400);
      assert.match(r.body.error, /malformed %-escape/);
    }
    const page = await fetch(`${base}/%E0%A4%A`);
    assert.ok(page.status === 400 || page.status === 404, `page path → ${page.status}`);
    assert.doesNotMatch(await page.text(), /\bat .+:\d+:\d+/);
    await stillAnswers();
  });
});

describe('JSON bodies', () => {
  it('POST /api/digits/mix: missing, extra, wrongly typed, non-finite and huge fields', async () => {
    const cases: [string, string][] = [
      ['{}', 'mode'],
      ['{"mode":"blend"}', 'weights'],
      ['{"mode":"swirl","weights":{"3":1}}', 'mode'],
      ['{"mode":3,"weights":{"3":1}}', 'mode'],
      ['{"mode":"constructor","weights":{"3":1}}', 'mode'],
      ['{"mode":"blend","weights":[1,2]}', 'weights'],
      ['{"mode":"blend","weights":"3:1"}', 'weights'],
      ['{"mode":"blend","weights":null}', 'weights'],
      ['{"mode":"blend","weights":{}}', 'weights'],
      ['{"mode":"blend","weights":{"3":0}}', 'weights'],
      ['{"mode":"blend","weights":{"3":-1}}', 'weights.3'],
      ['{"mode":"blend","weights":{"3":"1"}}', 'weights.3'],
      ['{"mode":"blend","weights":{"3":1e309}}', 'weights.3'],
      ['{"mode":"blend","weights":{"3":-1e309}}', 'weights.3'],
      ['{"mode":"blend","weights":{"42":1}}', 'weights'],
      ['{"mode":"blend","weights":{"3.5":1}}', 'weights.3.5'],
      ...BUILTINS.filter((b) => b !== '__proto__').map((b) => [`{"mode":"blend","weights":{"${b}":1}}`, `weights.${b}`] as [string, string]),
      ['{"mode":"blend","weights":{"__proto__":1}}', 'weights'],
      ['{"mode":"blend","weights":{"3":1},"count":0}', 'count'],
      ['{"mode":"blend","weights":{"3":1},"count":257}', 'count'],
      ['{"mode":"blend","weights":{"3":1},"count":1e308}', 'count'],
      ['{"mode":"blend","weights":{"3":1},"count":2.5}', 'count'],
      ['{"mode":"blend","weights":{"3":1},"count":"16"}', 'count'],
      ['{"mode":"blend","weights":{"3":1},"seed":-1}', 'seed'],
      ['{"mode":"blend","weights":{"3":1},"seed":2147483648}', 'seed'],
      ['{"mode":"blend","weights":{"3":1},"cols":0}', 'cols'],
      ['{"mode":"blend","weights":{"3":1},"cols":65}', 'cols'],
      ['{"mode":"blend","weights":{"3":1},"method":""}', 'method'],
      ['{"mode":"blend","weights":{"3":1},"method":"__proto__"}', 'method'],
      ['{"mode":"blend","weights":{"3":1},"extra":1}', 'extra'],
      ...BUILTINS.filter((b) => b !== '__proto__').map((b) => [`{"mode":"blend","weights":{"3":1},"${b}":1}`, b] as [string, string]),
      ['[]', 'body'],
      ['null', 'body'],
      ['"blend"', 'body'],
      ['42', 'body'],
    ];
    for (const [body, field] of cases) expectRefused(await post('/api/digits/mix', body), `POST /api/digits/mix ${body}`, field, 400);
    // The exact edges of count, seed and cols are accepted.
    for (const body of ['{"mode":"blend","weights":{"3":1},"count":1,"seed":0,"cols":1}', '{"mode":"blend","weights":{"3":1},"count":256,"seed":2147483647,"cols":64}']) {
      const r = await post('/api/digits/mix', body);
      assert.equal(r.status, 200, `${body} → ${r.status}`);
    }
    // Huge but finite weights are fine (normalised without overflow) and give a picture.
    for (const mode of ['blend', 'mixture', 'interpolate']) {
      const r = await fetch(`${base}/api/digits/mix`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ mode, weights: { 3: 1e308, 8: 1e308 }, count: 4 }) });
      assert.equal(r.status, 200, `${mode} with weights 1e308`);
      const img = await sharp(Buffer.from(await r.arrayBuffer())).stats();
      assert.ok(img.channels[0].stdev > 1, `${mode}: not a flat (black) picture`);
    }
    await stillAnswers();
  });

  it('wrong content types get 415; malformed and oversized bodies get 400 and 413', async () => {
    const ok = '{"mode":"blend","weights":{"3":1}}';
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'image/png', null]) {
      for (const path of ['/api/digits/mix', '/api/style/jobs']) {
        const r = await post(path, ok, type);
        expectRefused(r, `POST ${path} as ${type}`, 'Content-Type', 415);
        assert.match(r.body.error, /Content-Type must be application\/json/);
      }
    }
    const charset = await fetch(`${base}/api/digits/mix`, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: ok });
    assert.equal(charset.status, 200, 'application/json with a charset is JSON');
    await charset.arrayBuffer();
    for (const body of ['{"mode": ', '{mode: "blend"}', '\u0000', "{'a':1}"]) {
      const r = await post('/api/digits/mix', body);
      expectRefused(r, `POST malformed ${JSON.stringify(body)}`, null, 400);
      assert.match(r.body.error, /not valid JSON/);
    }
    const big = await post('/api/digits/mix', JSON.stringify({ mode: 'blend', weights: { 3: 1 }, pad: 'x'.repeat(70_000) }));
    expectRefused(big, 'a 70 KB JSON body', null, 413);
    assert.match(big.body.error, /too large \(limit 65536 bytes\)/);
    await stillAnswers();
  });

  it('a body with very many unknown keys gets a short 400 listing a few of them', async () => {
    for (const n of [100_000, 150_000]) {
      const keys = Array.from({ length: n }, (_, i) => `"k${i}":0`).join(',');
      const r = await post('/api/uploads', `{"data":"AAAA",${keys}}`);
      expectRefused(r, `${n} unknown keys`, 'k0', 400);
      assert.match(r.body.error, new RegExp(`unknown fields "k0", "k1", .* and ${n - 8} more`));
      assert.ok(r.body.fields.length <= 20, `${r.body.fields.length} fields listed`);
    }
    await stillAnswers();
  });

  it('POST /api/style/jobs: fields, built-in names and unknown images', async () => {
    const job = (o: Record<string, unknown>) => JSON.stringify({ styles: [{ painting: 'starry_night' }], ...o });
    const cases: [string, string][] = [
      ['{}', 'styles'],
      ['{"styles":[]}', 'styles'],
      ['{"styles":"starry_night"}', 'styles'],
      [JSON.stringify({ styles: [{ painting: 'starry_night' }, { painting: 'the_scream' }, { painting: 'shipwreck' }] }), 'styles'],
      ['{"styles":[{}]}', 'styles.0'],
      ['{"styles":[{"painting":"starry_night","upload":"0123456789abcdef"}]}', 'styles.0'],
      ['{"styles":[{"painting":""}]}', 'styles.0.painting'],
      ...BUILTINS.map((b) => [JSON.stringify({ styles: [{ painting: b }] }), 'styles.0.painting'] as [string, string]),
      ['{"styles":[{"upload":"constructor"}]}', 'styles.0.upload'],
      ['{"styles":[{"upload":"0123456789abcdef"}]}', 'styles.0.upload'],
      ...BUILTINS.map((b) => [job({ content: { preset: b } }), 'content.preset'] as [string, string]),
      [job({ content: { preset: 'nope' } }), 'content.preset'],
      [job({ content: 'landscape' }), 'content'],
      [job({ ratio: -0.001 }), 'ratio'],
      [job({ ratio: 1.001 }), 'ratio'],
      [job({ ratio: '0.5' }), 'ratio'],
      [job({ size: 31 }), 'size'],
      [job({ size: 513 }), 'size'],
      [job({ size: 1e308 }), 'size'],
      [job({ iterations: 0 }), 'iterations'],
      [job({ iterations: 501 }), 'iterations'],
      [job({ samples: 0 }), 'samples'],
      [job({ samples: 9 }), 'samples'],
      [job({ seed: 2 ** 31 }), 'seed'],
      [job({ mode: 'median' }), 'mode'],
      [job({ colour: 'red' }), 'colour'],
      ...BUILTINS.filter((b) => b !== '__proto__').map((b) => [job({ [b]: 1 }), b] as [string, string]),
    ];
    for (const [body, field] of cases) expectRefused(await post('/api/style/jobs', body), `POST /api/style/jobs ${body}`, field, 400);
    assert.equal(srv.ctx.jobs.list().length, 0, 'nothing was queued');
    for (const id of ['constructor', 'nope']) expectRefused(await call(`/api/style/jobs/${id}/cancel`, { method: 'POST' }), `cancel ${id}`, null, 404);
    // A job that exists but has nothing to show yet (the second in line): its preview and images are 404s,
    // an index outside [0, 10000] or not a number is a 400 naming it.
    const tiny = job({ size: 32, iterations: 1, samples: 1, mode: 'mean' });
    const first = await post('/api/style/jobs', tiny);
    const second = await post('/api/style/jobs', tiny);
    assert.deepEqual([first.status, second.status], [202, 202], `${first.text} ${second.text}`);
    const id = second.body.id;
    try {
      assert.equal(second.body.status, 'queued');
      expectRefused(await call(`/api/style/jobs/${id}/preview.png`), 'preview of a queued job', null, 404);
      assert.match((await call(`/api/style/jobs/${id}/preview.png`)).body.error, /has no preview yet/);
      expectRefused(await call(`/api/style/jobs/${id}/results/0.png`), 'image 0 of a queued job', null, 404);
      assert.match((await call(`/api/style/jobs/${id}/results/0.png`)).body.error, /has no image 0 \(it has 0\)/);
      expectRefused(await call(`/api/style/jobs/${id}/results/10000.png`), 'image 10000', null, 404);
      for (const index of ['10001', '-1', 'abc', '0x1', '1e1']) expectRefused(await call(`/api/style/jobs/${id}/results/${index}.png`), `image ${index}`, 'index', 400);
    } finally {
      for (const j of [second.body.id, first.body.id]) assert.equal((await call(`/api/style/jobs/${j}`, { method: 'DELETE' })).status, 200);
    }
    await stillAnswers();
  });
});

describe('uploads', () => {
  const raw = (bytes: Uint8Array<ArrayBuffer> | string, type: string | null = 'image/png') => post('/api/uploads', bytes, type);

  it('pixel bombs are refused from the header with 413 naming the cap; tiny and thin images with 400', async () => {
    const bomb = await raw(new Uint8Array(pngClaiming(20000, 20000)));
    expectRefused(bomb, '20000×20000 PNG header', 'image', 413);
    assert.match(bomb.body.error, /20000×20000 is 400\.0 megapixels, over the cap of 1\.0 megapixels/);
    const over = await raw(new Uint8Array(pngClaiming(1001, 1000)));
    expectRefused(over, '1001×1000', 'image', 413);
    assert.match(over.body.error, /over the cap of 1\.0 megapixels/);
    // Exactly at the cap: the header passes, so the (short) pixel data is decoded and found truncated.
    const atCap = await raw(new Uint8Array(pngClaiming(1000, 1000)));
    expectRefused(atCap, '1000×1000 header, 2 rows of data', 'image', 400);
    assert.match(atCap.body.error, /corrupt or truncated/);
    const side = await raw(new Uint8Array(pngClaiming(3000, 100)));
    expectRefused(side, '3000×100', 'image', 413);
    assert.match(side.body.error, /larger than 2048×2048/);
    const mk = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#468' } }).png().toBuffer();
    for (const [w, h, re] of [[2000, 2, /2000×2 is too small: both sides must be at least 16 pixels/], [15, 40, /too small/], [161, 16, /161×16 is too thin: the long side may be at most 10 times the short side/]] as const) {
      const r = await raw(new Uint8Array(await mk(w, h)));
      expectRefused(r, `${w}×${h}`, 'image', 400);
      assert.match(r.body.error, re);
    }
    // With the default caps, the issue's 8000×2 upload is refused as too small (not turned into a 64×1 image).
    await assert.rejects(checkImage(await mk(8000, 2), DEFAULT_CAPS), /8000×2 is too small/);
    await assert.rejects(checkImage(pngClaiming(8000, 8000), DEFAULT_CAPS), (e: Error) => /8000×8000 is 64\.0 megapixels, over the cap of 16\.8 megapixels/.test(e.message) && (e as { status?: number }).status === 413);
    // The default pixel cap at its exact edge: 4096 × 4096 passes the header check (the claimed-only PNG then fails to
    // decode: a 400, not the cap's 413), one row more is over it.
    await assert.rejects(checkImage(pngClaiming(4096, 4097), DEFAULT_CAPS), (e: Error) => (e as { status?: number }).status === 413 && /4096×4097 is 16\.8 megapixels, over the cap/.test(e.message));
    await assert.rejects(checkImage(pngClaiming(4096, 4096), DEFAULT_CAPS), (e: Error) => (e as { status?: number }).status === 400);
    for (const [w, h] of [[16, 16], [160, 16], [16, 160]]) {
      const r = await raw(new Uint8Array(await mk(w, h)));
      assert.equal(r.status, 201, `${w}×${h} is at the edge and accepted: ${r.text}`);
    }
    await stillAnswers();
  });

  it('malformed, empty, oversized and mistyped uploads', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#468' } }).png().toBuffer();
    const cases: [string, Promise<Reply>, number, string | null][] = [
      ['empty body', raw(new Uint8Array(0)), 400, 'image'],
      ['text as PNG', raw('definitely not a png'), 400, 'image'],
      ['PNG signature only', raw(new Uint8Array(png.subarray(0, 8))), 400, 'image'],
      ['truncated PNG', raw(new Uint8Array(png.subarray(0, png.length - 20))), 400, 'image'],
      ['SVG', raw('<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50"/>', 'image/svg+xml'), 400, 'image'],
      ['over the byte limit', raw(new Uint8Array(Buffer.concat([png, Buffer.alloc(1_500_001)]))), 413, null],
      ['text/plain', raw(new Uint8Array(png), 'text/plain'), 415, 'Content-Type'],
      ['JSON without data', post('/api/uploads', '{"name":"x"}'), 400, 'data'],
      ['JSON data not a string', post('/api/uploads', '{"data":42}'), 400, 'data'],
      ['JSON empty data', post('/api/uploads', '{"data":""}'), 400, 'data'],
      ['JSON bad base64', post('/api/uploads', '{"data":"***"}'), 400, 'data'],
      ['JSON extra field', post('/api/uploads', `{"data":"${png.toString('base64')}","x":1}`), 400, 'x'],
      ['JSON name too long', post('/api/uploads', JSON.stringify({ name: 'n'.repeat(201), data: png.toString('base64') })), 400, 'name'],
      ['JSON __proto__ key', post('/api/uploads', `{"__proto__":{"data":"x"}}`), 400, null],
      ['JSON array', post('/api/uploads', '[1]'), 400, 'body'],
    ];
    for (const [what, pending, status, field] of cases) expectRefused(await pending, what, field, status);
    const good = await raw(new Uint8Array(png));
    assert.equal(good.status, 201);
    await stillAnswers();
  });

  it('many concurrent uploads are decoded a few at a time and all answered', async () => {
    // 900×900 of noise (JPEG, ~300 KB): each decode is real work.
    const noise = Buffer.from(Array.from({ length: 900 * 900 * 3 }, (_, i) => (i * 2654435761) >>> 24));
    const jpg = new Uint8Array(await sharp(noise, { raw: { width: 900, height: 900, channels: 3 } }).jpeg({ quality: 80 }).toBuffer());
    assert.ok(jpg.length < 1_500_000, `${jpg.length} bytes`);
    const statuses = await Promise.all(Array.from({ length: 12 }, () => raw(jpg, 'image/jpeg').then((r) => r.status)));
    assert.deepEqual(statuses, Array(12).fill(201));
    await stillAnswers();
  });
});
