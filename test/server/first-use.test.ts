/**
 * The app sets itself up: a fresh clone (GMMGEN_SHARED pointing at an empty folder, an empty download
 * cache) against a local stand-in for the download host (a loopback HTTP server serving the public
 * MobileNet shards and paintings, as the shared folder holds them byte for byte).
 *
 * - Before first use the status says what will be downloaded and nothing is "missing".
 * - First use: two setup requests, the page's event stream and a style job, all at once, share one
 *   download (every file is fetched exactly once); progress events climb to 1; the job waits for the
 *   weights and then paints; no temp or half-written file is left; the Styles tab's API (paintings,
 *   thumbnails, status ready) works afterwards.
 * - Offline (nothing listening at the download host): state 'failed', the message says there is no
 *   connection and gives the manual commands; a job submitted then fails with the same message; nothing
 *   is written. A tampered shard fails its pinned SHA-256 and leaves no model.json.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startServer, type RunningServer } from '../../src/server/app.ts';
import { MOBILENET_SHARDS, STYLE_ASSETS } from '../../src/style/fetch.ts';
import { sharedPath } from '../../src/util/paths.ts';
import { decodePng, freshCloneOptions, readSse, startDownloadHost, type DownloadHost } from './_fixtures.ts';

let tmp: string;
let host: DownloadHost;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-first-use-'));
  host = await startDownloadHost({ latencyMs: 5 }); // a little latency, so that the concurrent first requests really overlap
  });
after(async () => {
  await host.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A server as a fresh clone starts it: empty shared folder, its own empty cache, the given download host. */
async function freshServer(name: string, mobilenetUrl: string, paintingsUrl: string): Promise<{ srv: RunningServer; cache: string }> {
  const options = freshCloneOptions(join(tmp, name), mobilenetUrl, paintingsUrl);
  const srv = await startServer({ ...options, port: 0, log: false, styleCrops: 4, styleTimeoutMs: 90_000 });
  return { srv, cache: options.download.cacheDir };
}

/** Every file under `dir`, relative. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const json = async (url: string, init?: RequestInit) => {
  const r = await fetch(url, init);
  return { status: r.status, body: (await r.json()) as any };
};
const isFinal = (ev: { event: string; data: any }) => ev.event === 'status' && ['done', 'failed', 'cancelled', 'timeout', 'stopped'].includes(ev.data.status);
const tinyJob = { styles: [{ painting: 'starry_night' }], size: 32, iterations: 2, samples: 1, seed: 3 };
const postJob = (base: string, body: unknown) => json(`${base}/api/style/jobs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('first use on a fresh clone', () => {
  it('downloads the weights and paintings once, shows progress, runs the waiting job, then serves the Styles tab', async () => {
    host.hits.clear();
    const { srv, cache } = await freshServer('fresh', `${host.url}/tfjs/mobilenet/`, `${host.url}/paintings/`);
    const base = srv.url;
    try {
      const st0 = (await json(`${base}/api/status`)).body;
      assert.equal(st0.style.ready, false);
      assert.equal(st0.style.setup.state, 'needed');
      assert.deepEqual(st0.style.setup.items.map((i: any) => i.name), ['paintings', 'mobilenet']);
      assert.deepEqual(st0.style.missing, [], 'what will be downloaded is not reported as missing');
      assert.match(st0.style.setup.message, /will be downloaded on first use/);
      assert.deepEqual((await json(`${base}/api/style/paintings`)).body.paintings, []);
      assert.deepEqual(tree(cache), [], 'nothing is downloaded before first use');

      // First use, all at once: the page's POST and event stream, a second tab's POST, and a style job.
      const events = readSse(`${base}/api/style/setup/events`, { until: (e) => e.data.state === 'ready' || e.data.state === 'failed', timeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 200)); // the page's stream is open before the download starts
      const [p1, p2, job] = await Promise.all([
        json(`${base}/api/style/setup`, { method: 'POST' }),
        json(`${base}/api/style/setup`, { method: 'POST' }),
        postJob(base, tinyJob),
      ]);
      assert.equal(p1.status, 202);
      assert.ok(['downloading', 'ready'].includes(p2.body.state), p2.body.state);
      assert.equal(job.status, 202, JSON.stringify(job.body));
      const evs = await events;
      const states = evs.map((e) => e.data.state);
      assert.equal(states.at(-1), 'ready', JSON.stringify(evs.at(-1)!.data));
      assert.ok(states.includes('downloading'), `states ${[...new Set(states)].join(', ')}`);
      const fr = evs.filter((e) => e.data.state === 'downloading').map((e) => e.data.fraction);
      for (let i = 1; i < fr.length; i++) assert.ok(fr[i] >= fr[i - 1], `progress never goes back (${fr[i - 1]} → ${fr[i]})`);
      assert.ok(evs.some((e) => /downloading the MobileNet weights \(2 of 2\) · [\d.]+ MB of 9\.4 MB/.test(e.data.message)), `progress names what is downloaded and how much: ${evs.map((e) => e.data.message).join(' | ')}`);
      assert.equal(evs.at(-1)!.data.fraction, 1);

      // One download: every file was fetched exactly once.
      const shardUrls = Object.keys(MOBILENET_SHARDS).map((f) => `/tfjs/mobilenet/${f}`);
      const paintingUrls = STYLE_ASSETS.map((a) => `/paintings/${a.name}`);
      for (const u of ['/tfjs/mobilenet/model.json', ...shardUrls, ...paintingUrls]) assert.equal(host.hits.get(u), 1, `${u} fetched ${host.hits.get(u) ?? 0} times`);
      assert.equal(host.hits.size, 1 + shardUrls.length + paintingUrls.length, 'nothing else was fetched');

      // Whole files only, in the cache folder.
      const files = tree(cache);
      assert.ok(!files.some((f) => /\.(part|tmp)-/.test(f)), `temp files left: ${files.filter((f) => /\.(part|tmp)-/.test(f))}`);
      assert.equal(files.length, 1 + shardUrls.length + paintingUrls.length);
      assert.ok(files.includes(join('mobilenet_v1_1.0_224', 'model.json')));
      for (const a of STYLE_ASSETS) assert.ok(files.includes(join('styles', a.name)));

      // The job that was submitted before the weights were there waited for them, then painted.
      const jobEvents = await readSse(`${base}${job.body.events}`, { until: isFinal, timeoutMs: 60_000 });
      const last = jobEvents.at(-1)!;
      assert.equal(last.data.status, 'done', JSON.stringify(last.data));
      const img = await decodePng(Buffer.from(await (await fetch(`${base}/api/style/jobs/${job.body.id}/results/0.png`)).arrayBuffer()));
      assert.equal(Math.max(img.width, img.height), 32);

      // The Styles tab after first use.
      const st1 = (await json(`${base}/api/status`)).body;
      assert.equal(st1.style.ready, true);
      assert.equal(st1.style.setup.state, 'ready');
      assert.equal(st1.style.paintings, 4);
      const list = (await json(`${base}/api/style/paintings`)).body;
      assert.deepEqual(list.paintings.map((p: any) => p.name).sort(), ['shipwreck', 'starry_night', 'the_scream', 'woman-with-hat-matisse']);
      assert.deepEqual(list.missing, []);
      const thumb = await fetch(`${base}/api/style/paintings/the_scream?size=64`);
      assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
      const presets = (await json(`${base}/api/style/contents`)).body.presets;
      assert.deepEqual(presets.map((p: any) => p.name), ['landscape', 'letters', 'portrait'], 'the presets come from assets/presets');
      assert.equal((await fetch(`${base}/api/style/contents/letters`)).headers.get('content-type'), 'image/png');
      const page = await (await fetch(`${base}/`)).text();
      assert.match(page, /id="styles-setup"/, 'the page has the first-use progress box');
      assert.equal((await fetch(`${base}/icons/gmmgen.svg`)).status, 200);
      // A second POST now has nothing to do.
      assert.equal((await json(`${base}/api/style/setup`, { method: 'POST' })).status, 200);
    } finally {
      await srv.close();
    }
  });

  it('offline: a clear failure with the manual commands, a failed job, nothing written; retry works once the host answers', async () => {
    // A port nobody listens on: connection refused, as with no network.
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const deadUrl = `http://127.0.0.1:${(dead.address() as { port: number }).port}`;
    await new Promise((r) => dead.close(r));
    const { srv, cache } = await freshServer('offline', `${deadUrl}/tfjs/mobilenet/`, `${deadUrl}/paintings/`);
    const base = srv.url;
    try {
      // A job with an uploaded painting is accepted and waits for the weights.
      const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#c04020' } }).png().toBuffer();
      const up = await json(`${base}/api/uploads`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: new Uint8Array(png) });
      assert.equal(up.status, 201);
      const job = await postJob(base, { ...tinyJob, styles: [{ upload: up.body.id }] });
      assert.equal(job.status, 202, JSON.stringify(job.body));
      const evs = await readSse(`${base}/api/style/setup/events`, { until: (e) => e.data.state === 'failed' || e.data.state === 'ready', timeoutMs: 30_000 });
      const s = evs.at(-1)!.data;
      assert.equal(s.state, 'failed');
      assert.equal(s.offline, true);
      assert.match(s.error, /no connection/);
      assert.match(s.error, /npm run fetch-assets/);
      assert.match(s.error, /npm run fetch-models/);
      assert.ok(s.error.includes(deadUrl), 'the message names the host');
      const jobEnd = (await readSse(`${base}${job.body.events}`, { until: isFinal, timeoutMs: 30_000 })).at(-1)!.data;
      assert.equal(jobEnd.status, 'failed');
      assert.match(jobEnd.error, /npm run fetch-models/);
      // A job naming a painting is answered at once with the reason.
      const withPainting = await postJob(base, tinyJob);
      assert.equal(withPainting.status, 503);
      assert.match(withPainting.body.error, /no connection/);
      assert.deepEqual(tree(cache).filter((f) => !f.endsWith('/')), [], 'nothing (not even a temp file) was written');
      const st = (await json(`${base}/api/status`)).body.style;
      assert.equal(st.ready, false);
      assert.equal(st.setup.state, 'failed');
    } finally {
      await srv.close();
    }
  });

  it('a shard that fails its pinned SHA-256 stops the download and leaves no model.json', async () => {
    const shard = Object.keys(MOBILENET_SHARDS)[3];
    const good = readFileSync(sharedPath('models', 'mobilenet_v1_1.0_224', shard));
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0xff;
    host.tampered.set(`/tfjs/mobilenet/${shard}`, bad);
    const { srv, cache } = await freshServer('tampered', `${host.url}/tfjs/mobilenet/`, `${host.url}/paintings/`);
    try {
      const evs = readSse(`${srv.url}/api/style/setup/events`, { until: (e) => e.data.state === 'failed' || e.data.state === 'ready', timeoutMs: 30_000 });
      await json(`${srv.url}/api/style/setup`, { method: 'POST' });
      const s = (await evs).at(-1)!.data;
      assert.equal(s.state, 'failed');
      assert.equal(s.offline, false);
      assert.match(s.error, new RegExp(`${shard}: .*SHA-256`));
      const files = tree(cache);
      assert.ok(!files.includes(join('mobilenet_v1_1.0_224', 'model.json')), 'no model.json, so the folder is not taken for a model');
      assert.ok(!files.includes(join('mobilenet_v1_1.0_224', shard)), 'the bad shard was not kept');
      assert.ok(!files.some((f) => /\.(part|tmp)-/.test(f)));
      assert.equal(files.filter((f) => f.startsWith('styles')).length, 4, 'the paintings (fetched first) are kept');
      // Once the host serves the right bytes, a retry finishes the download, keeping what is already there.
      host.tampered.clear();
      host.hits.clear();
      assert.equal((await json(`${srv.url}/api/style/setup`, { method: 'POST' })).body.state, 'downloading');
      const again = readSse(`${srv.url}/api/style/setup/events`, { until: (e) => e.data.state === 'failed' || e.data.state === 'ready', timeoutMs: 30_000 });
      const end = (await again).at(-1)!.data;
      assert.equal(end.state, 'ready', end.error);
      assert.ok(![...host.hits.keys()].some((u) => u.startsWith('/paintings/')), 'the paintings were not fetched again');
      assert.ok(!host.hits.has(`/tfjs/mobilenet/${Object.keys(MOBILENET_SHARDS)[0]}`), 'shards already there were kept');
    } finally {
      host.tampered.clear();
      await srv.close();
    }
  });
});
