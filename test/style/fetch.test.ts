/**
 * The model and painting downloaders against a local HTTP server (never the internet): a small model
 * written by the test, the shared paintings with their pinned SHA-256, partial (--up-to) model
 * downloads, redirects, and clear errors for 404s, corrupt data and digest mismatches.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.ts';
import { saveLayersModelToDir, loadLayersModelFromDir } from '../../src/style/model-io.ts';
import { fetchModel, fetchAssets, MOBILENET_SHARDS, STYLE_ASSETS, DownloadError, sha256 } from '../../src/style/fetch.ts';
import { sharedPath } from '../../src/util/paths.ts';

let tmp: string;
let server: Server;
let base: string;
const served = new Map<string, string>(); // url prefix → folder
const hits: string[] = [];

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-fetch-'));
  // A two-group model: conv layers a and b, saved as two shards by splitting the manifest.
  const input = tfl.input({ shape: [8, 8, 3], name: 'input_1' });
  const a = tfl.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv_a' }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.conv2d({ filters: 2, kernelSize: 3, name: 'conv_b' }).apply(a) as tfl.SymbolicTensor;
  const modelDir = join(tmp, 'served-model');
  await saveLayersModelToDir(tfl.model({ inputs: input, outputs: b }), modelDir);
  const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
  const all = readFileSync(join(modelDir, 'group1-shard1of1.bin'));
  const ws = json.weightsManifest[0].weights as { name: string; shape: number[] }[];
  const size = (w: { shape: number[] }) => 4 * w.shape.reduce((x, y) => x * y, 1);
  const ga = ws.filter((w) => w.name.startsWith('conv_a'));
  const gb = ws.filter((w) => w.name.startsWith('conv_b'));
  const na = ga.reduce((s, w) => s + size(w), 0);
  writeFileSync(join(modelDir, 'group1-shard1of1'), all.subarray(0, na));
  writeFileSync(join(modelDir, 'group2-shard1of1'), all.subarray(na));
  json.weightsManifest = [{ paths: ['group1-shard1of1'], weights: ga }, { paths: ['group2-shard1of1'], weights: gb }];
  writeFileSync(join(modelDir, 'model.json'), JSON.stringify(json));
  rmSync(join(modelDir, 'group1-shard1of1.bin'));
  served.set('/models/mobilenet/', modelDir);
  served.set('/paintings/', sharedPath('assets', 'styles'));
  const bad = join(tmp, 'bad');
  served.set('/bad/', bad);
  mkdirSync(bad);
  writeFileSync(join(bad, 'model.json'), '{"format": "layers-model"}');
  writeFileSync(join(bad, 'starry_night.jpg'), 'not the painting');
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    hits.push(url);
    if (url.startsWith('/moved/')) {
      res.writeHead(302, { location: url.replace('/moved/', '/paintings/') });
      res.end();
      return;
    }
    for (const [prefix, dir] of served) {
      if (url.startsWith(prefix)) {
        const f = normalize(join(dir, decodeURIComponent(url.slice(prefix.length))));
        if (f.startsWith(dir) && existsSync(f) && statSync(f).isFile()) {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.end(readFileSync(f));
          return;
        }
      }
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

test('fetchModel downloads model.json and every shard; the result loads; existing files are kept', async () => {
  const dest = join(tmp, 'dl-model');
  const res = await fetchModel({ baseUrl: `${base}/models/mobilenet/`, dest });
  assert.deepEqual(res.files, ['group1-shard1of1', 'group2-shard1of1']);
  const model = await loadLayersModelFromDir(dest);
  assert.deepEqual(model.outputs[0].shape, [null, 4, 4, 2]);
  model.dispose();
  hits.length = 0;
  const again = await fetchModel({ baseUrl: `${base}/models/mobilenet`, dest });
  assert.equal(again.bytes, readFileSync(join(dest, 'model.json')).length, 'only model.json fetched again');
  assert.deepEqual(hits, ['/models/mobilenet/model.json']);
});

test('fetchModel --up-to fetches only the shards of the needed layers', async () => {
  const dest = join(tmp, 'dl-partial');
  const res = await fetchModel({ baseUrl: `${base}/models/mobilenet/`, dest, upTo: 'conv_a' });
  assert.deepEqual(res.files, ['group1-shard1of1']);
  assert.ok(!existsSync(join(dest, 'group2-shard1of1')));
  const model = await loadLayersModelFromDir(dest, { outputs: ['conv_a'] });
  assert.deepEqual(model.outputs[0].shape, [null, 6, 6, 4]);
  model.dispose();
});

test('fetchModel errors name the URL: 404, not a model, truncated shard', async () => {
  await assert.rejects(fetchModel({ baseUrl: `${base}/nothing/`, dest: join(tmp, 'x1') }), (e: Error) => e instanceof DownloadError && e.message.includes(`${base}/nothing/model.json`) && /404/.test(e.message));
  await assert.rejects(fetchModel({ baseUrl: `${base}/bad/`, dest: join(tmp, 'x2') }), (e: Error) => e instanceof DownloadError && e.message.includes(`${base}/bad/model.json`));
  assert.ok(!existsSync(join(tmp, 'x2', 'model.json')), 'an unusable model.json is not left behind');
  const dest = join(tmp, 'x3');
  await fetchModel({ baseUrl: `${base}/models/mobilenet/`, dest });
  writeFileSync(join(dest, 'group2-shard1of1'), Buffer.alloc(3));
  await assert.rejects(fetchModel({ baseUrl: `${base}/models/mobilenet/`, dest }), (e: Error) => e instanceof DownloadError && /group2-shard1of1/.test(e.message) && /--force/.test(e.message));
  await fetchModel({ baseUrl: `${base}/models/mobilenet/`, dest, force: true });
});

test('fetchAssets: the paintings verify against their pinned SHA-256 (through a redirect too)', async () => {
  const dest = join(tmp, 'paintings');
  const files = await fetchAssets({ dest, baseUrl: `${base}/paintings/` });
  assert.equal(files.length, 4);
  for (const a of STYLE_ASSETS) assert.equal(sha256(readFileSync(join(dest, a.name))), a.sha256);
  const moved = join(tmp, 'moved');
  const one = await fetchAssets({ dest: moved, baseUrl: `${base}/moved/`, names: ['the_scream'] });
  assert.deepEqual(one, [join(moved, 'the_scream.jpg')]);
  await assert.rejects(fetchAssets({ dest: join(tmp, 'p2'), baseUrl: `${base}/bad/`, names: ['starry_night.jpg'] }),
    (e: Error) => e instanceof DownloadError && /SHA-256/.test(e.message) && e.message.includes(`${base}/bad/starry_night.jpg`));
  assert.ok(!existsSync(join(tmp, 'p2', 'starry_night.jpg')));
  await assert.rejects(fetchAssets({ dest, names: ['mona_lisa'] }), /unknown asset "mona_lisa"/);
});

test('fetchModel with pins: a file that is not pinned, or does not match its pin, is refused and not kept', async () => {
  const dest = join(tmp, 'pinned');
  // The app's pins (the published MobileNet shards): this small model's shards have the same names, other bytes.
  await assert.rejects(fetchModel({ baseUrl: `${base}/models/mobilenet/`, dest, pins: MOBILENET_SHARDS }),
    (e: Error) => e instanceof DownloadError && /group1-shard1of1: \d+ bytes with SHA-256 [0-9a-f]{64}, expected 3456 bytes with SHA-256 ac47f5e8/.test(e.message));
  assert.ok(!existsSync(join(dest, 'model.json')));
  assert.ok(!existsSync(join(dest, 'group1-shard1of1')));
  // A model.json listing a file that is not pinned: refused before anything is downloaded.
  const before = hits.length;
  const onlyGroup2 = { 'group2-shard1of1': MOBILENET_SHARDS['group2-shard1of1'] };
  await assert.rejects(fetchModel({ baseUrl: `${base}/models/mobilenet/`, dest, pins: onlyGroup2 }),
    (e: Error) => e instanceof DownloadError && /"group1-shard1of1", which is not one of the pinned files/.test(e.message));
  assert.deepEqual(hits.slice(before), ['/models/mobilenet/model.json'], 'only model.json was requested');
  assert.ok(!existsSync(join(dest, 'group1-shard1of1')) && !existsSync(join(dest, 'model.json')));
});

test('fetchModel refuses a model.json whose weight paths are not plain file names, before fetching any of them', async () => {
  const json = JSON.parse(readFileSync(join(tmp, 'served-model', 'model.json'), 'utf8'));
  for (const [i, p] of ['sub/group1-shard1of1', 'sub\\group1-shard1of1', '.hidden', '../group1-shard1of1'].entries()) {
    const dir = join(tmp, `evil-${i}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: [p] }, json.weightsManifest[1]] }));
    served.set(`/evil-${i}/`, dir);
    hits.length = 0;
    const dest = join(tmp, `dl-evil-${i}`);
    await assert.rejects(fetchModel({ baseUrl: `${base}/evil-${i}/`, dest }), (e: Error) => {
      assert.ok(e instanceof DownloadError, String(e));
      assert.equal(e.message, `${base}/evil-${i}/model.json: weight file name "${p}" is not a plain file name`);
      return true;
    });
    assert.deepEqual(hits, [`/evil-${i}/model.json`], 'no weight file was requested');
    assert.ok(!existsSync(join(dest, 'model.json')), 'nothing written');
  }
});
