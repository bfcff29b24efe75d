/**
 * Request defaults of the web API (src/server/app.ts) observed through the answers: a painting thumbnail without
 * `size` is the 256-px one (long side 256, the same bytes as ?size=256); an Explore fit without `k` and `seed` is
 * the fit with k = 10 and seed 0 (its start event says so, its frames have 10 weights and are those of the explicit
 * request, unlike seed 1's) and runs 100 steps for EM, 80 for the other methods. A server with no digit models, one painting in a temporary folder and the shared
 * ring–square–line data (GMMGEN_SHARED); the fits are 2 EM steps.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startServer, type RunningServer } from '../../src/server/app.ts';
import { defaultServerOptions } from '../../src/server/options.ts';
import { readSse } from './_fixtures.ts';

let srv: RunningServer;
let tmp: string;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-app-defaults-'));
  mkdirSync(join(tmp, 'models'));
  mkdirSync(join(tmp, 'styles'));
  // 600 × 300 stripes: a thumbnail of long side s is s × s/2.
  const w = 600, h = 300;
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) px[3 * i] = (i % w) % 50 < 25 ? 250 : 10;
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toFile(join(tmp, 'styles', 'stripes.png'));
  const d = defaultServerOptions();
  assert.ok(d.ringDataPath, 'the ring data needs GMMGEN_SHARED');
  srv = await startServer({
    port: 0, host: '127.0.0.1', log: false, modelsDir: join(tmp, 'models'), stylesDir: join(tmp, 'styles'), mobilenetDir: null,
    download: { ...d.download, enabled: false },
  });
});
after(async () => {
  await srv?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function jpeg(path: string): Promise<{ bytes: Buffer; width: number; height: number }> {
  const res = await fetch(srv.url + path);
  assert.equal(res.status, 200, path);
  const bytes = Buffer.from(await res.arrayBuffer());
  const m = await sharp(bytes).metadata();
  return { bytes, width: m.width!, height: m.height! };
}

test('GET /api/style/paintings/:name: a 256-px thumbnail by default', async () => {
  const dflt = await jpeg('/api/style/paintings/stripes');
  assert.deepEqual([dflt.width, dflt.height], [256, 128]);
  assert.ok(dflt.bytes.equals((await jpeg('/api/style/paintings/stripes?size=256')).bytes));
  const next = await jpeg('/api/style/paintings/stripes?size=258');
  assert.deepEqual([next.width, next.height], [258, 129]);
});

test('GET /api/explore/fit: k = 10 and seed 0 by default', async () => {
  const fit = async (q: string) => {
    const ev = await readSse(`${srv.url}/api/explore/fit?method=em&steps=2${q}`, { timeoutMs: 60_000 });
    assert.equal(ev[ev.length - 1].event, 'done', JSON.stringify(ev[ev.length - 1]));
    return { start: ev[0], frames: ev.filter((e) => e.event === 'frame').map((e) => e.data) };
  };
  const dflt = await fit('');
  assert.deepEqual(dflt.start, { event: 'start', data: { method: 'em', k: 10, seed: 0, steps: 2 } });
  assert.ok(dflt.frames.length > 0);
  for (const f of dflt.frames) assert.equal(f.weights.length, 10);
  const explicit = await fit('&k=10&seed=0');
  assert.deepEqual(explicit.frames, dflt.frames);
  const seed1 = await fit('&k=10&seed=1');
  assert.notDeepEqual(seed1.frames, dflt.frames);
});

test('GET /api/explore/fit: 100 steps for EM and 80 for SW by default (the start event says so)', async () => {
  const start = async (q: string) => (await readSse(`${srv.url}/api/explore/fit?${q}`, { until: (e) => e.event === 'start', timeoutMs: 60_000 }))[0];
  assert.deepEqual((await start('method=em&k=2&seed=3')).data, { method: 'em', k: 2, seed: 3, steps: 100 });
  assert.deepEqual((await start('method=sw&k=2&seed=3')).data, { method: 'sw', k: 2, seed: 3, steps: 80 });
});
