/**
 * The failure checks of src/style/fetch.ts with their exact messages, against a loopback HTTP server (never the
 * internet): fetchBytes on an HTTP error status, a refused connection, a host that never answers (timeout), a body
 * cut short, and a caller's abort (its own reason passes through), each with the `offline` flag; fetchModel on a
 * model.json that is not a layers model, a shard name outside the pins, and a weight group whose shards are one
 * byte short (one shard and two); fetchAssets on a digest mismatch. The edges pass: a 200 answer returns its bytes,
 * shards of exactly the implied size are written, an asset with the right digest is kept.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.ts';
import { saveLayersModelToDir } from '../../src/style/model-io.ts';
import { DownloadError, fetchAssets, fetchBytes, fetchModel, sha256 } from '../../src/style/fetch.ts';

let tmp: string;
let server: Server;
let base: string;
/** What the server answers, by path. */
const files = new Map<string, Buffer | string>();
let modelJson: { weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[] };
let shard: Buffer;

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-fetchchk-'));
  const input = tfl.input({ shape: [4, 4, 3], name: 'input_1' });
  const model = tfl.model({ inputs: input, outputs: tfl.layers.conv2d({ filters: 2, kernelSize: 3, name: 'conv_a' }).apply(input) as tfl.SymbolicTensor });
  await saveLayersModelToDir(model, join(tmp, 'src-model'));
  model.dispose();
  modelJson = JSON.parse(readFileSync(join(tmp, 'src-model', 'model.json'), 'utf8'));
  shard = readFileSync(join(tmp, 'src-model', modelJson.weightsManifest[0].paths[0]));
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/hang') return; // never answers
    if (url === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('abc');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    const body = files.get(url);
    if (body === undefined) {
      res.writeHead(url === '/boom' ? 500 : 404);
      res.end('no');
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

/** Asserts a DownloadError with exactly `message` and the given offline flag. */
const rejectsDownload = (p: Promise<unknown>, message: string, offline: boolean) =>
  assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof DownloadError, String(e));
    assert.equal(e.message, message);
    assert.equal(e.offline, offline, `offline flag of: ${message}`);
    return true;
  });

test('fetchBytes: an HTTP error status is named (not offline); a 200 answer returns its bytes', async () => {
  await rejectsDownload(fetchBytes(`${base}/boom`), `cannot download ${base}/boom: HTTP 500 Internal Server Error`, false);
  await rejectsDownload(fetchBytes(`${base}/nothing`), `cannot download ${base}/nothing: HTTP 404 Not Found`, false);
  files.set('/hello', 'hello');
  let seen = 0;
  assert.equal((await fetchBytes(`${base}/hello`, { onBytes: (b) => void (seen += b) })).toString(), 'hello');
  assert.equal(seen, 5);
});

test('fetchBytes: a refused connection, a timeout and a cut body are offline failures naming why; a caller abort passes its reason', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const port = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));
  await rejectsDownload(fetchBytes(`http://127.0.0.1:${port}/x`), `cannot download http://127.0.0.1:${port}/x: connect ECONNREFUSED 127.0.0.1:${port}`, true);
  await rejectsDownload(fetchBytes(`${base}/hang`, { timeoutMs: 150 }), `cannot download ${base}/hang: timed out after 150 ms`, true);
  await rejectsDownload(fetchBytes(`${base}/cut`), `cannot download ${base}/cut: other side closed`, true);
  const ac = new AbortController();
  const stop = new Error('stopped by the caller');
  setTimeout(() => ac.abort(stop), 50);
  await assert.rejects(fetchBytes(`${base}/hang`, { signal: ac.signal, timeoutMs: 10_000 }), (e: unknown) => e === stop);
});

test('fetchModel: a model.json that is not a layers model, and a shard outside the pins, are refused naming the URL', async () => {
  files.set('/bad/model.json', '{"format": "layers-model"}');
  const dest = join(tmp, 'dl-bad');
  await rejectsDownload(fetchModel({ baseUrl: `${base}/bad/`, dest }),
    `${base}/bad/model.json is not a usable tfjs layers model: downloaded model: ${join(dest, 'model.json')} has no "modelTopology" object (is it a tfjs layers-format model.json?)`, false);
  files.set('/m/model.json', JSON.stringify(modelJson));
  const name = modelJson.weightsManifest[0].paths[0];
  const pin = { bytes: shard.length, sha256: sha256(shard) };
  await rejectsDownload(fetchModel({ baseUrl: `${base}/m/`, dest: join(tmp, 'dl-pins'), pins: { 'other.bin': pin } }),
    `${base}/m/model.json lists weight file "${name}", which is not one of the pinned files (is it another model?)`, false);
  assert.equal(existsSync(join(tmp, 'dl-pins')), false);
  files.set(`/m/${name}`, shard);
  const ok = await fetchModel({ baseUrl: `${base}/m/`, dest: join(tmp, 'dl-ok'), pins: { [name]: pin } });
  assert.deepEqual(ok.files, [name]);
  assert.deepEqual(readFileSync(join(tmp, 'dl-ok', name)), shard);
});

test('fetchModel: a weight group one byte short of what model.json implies is refused (one shard, two shards)', async () => {
  const expected = (3 * 3 * 3 * 2 + 2) * 4;
  assert.equal(shard.length, expected);
  files.set('/short/s.bin', shard.subarray(0, expected - 1));
  const one = { ...modelJson, weightsManifest: [{ ...modelJson.weightsManifest[0], paths: ['s.bin'] }] };
  files.set('/short/model.json', JSON.stringify(one));
  const dest = join(tmp, 'dl-short');
  await rejectsDownload(fetchModel({ baseUrl: `${base}/short/`, dest }), `shard s.bin from ${base}/short/: ${expected - 1} bytes, but model.json implies ${expected} (re-run with --force)`, false);
  assert.equal(existsSync(join(dest, 'model.json')), false, 'model.json is written last, so not at all');
  const two = { ...modelJson, weightsManifest: [{ ...modelJson.weightsManifest[0], paths: ['p1', 'p2'] }] };
  files.set('/two/model.json', JSON.stringify(two));
  files.set('/two/p1', shard.subarray(0, 100));
  files.set('/two/p2', shard.subarray(100, expected - 1));
  await rejectsDownload(fetchModel({ baseUrl: `${base}/two/`, dest: join(tmp, 'dl-two') }), `shards p1, p2 from ${base}/two/: ${expected - 1} bytes, but model.json implies ${expected} (re-run with --force)`, false);
  files.set('/two/p2', shard.subarray(100));
  const r = await fetchModel({ baseUrl: `${base}/two/`, dest: join(tmp, 'dl-two'), force: true });
  assert.deepEqual(r.files, ['p1', 'p2']);
  assert.ok(existsSync(join(tmp, 'dl-two', 'model.json')));
});

test('fetchAssets: a digest mismatch names the URL, both digests and the asset, and writes nothing; the right digest is kept', async () => {
  files.set('/assets/a.txt', 'abc');
  const dest = join(tmp, 'assets');
  const want = sha256(Buffer.from('abd'));
  const spec = { name: 'a.txt', url: `${base}/assets/a.txt`, sha256: want, bytes: 3, credit: 'test' };
  await rejectsDownload(fetchAssets({ dest, assets: [spec] }), `${base}/assets/a.txt: SHA-256 ${sha256(Buffer.from('abc'))} does not match the expected ${want} for a.txt`, false);
  assert.equal(existsSync(join(dest, 'a.txt')), false);
  const got = await fetchAssets({ dest, assets: [{ ...spec, sha256: sha256(Buffer.from('abc')) }] });
  assert.deepEqual(got, [join(dest, 'a.txt')]);
  assert.equal(readFileSync(join(dest, 'a.txt'), 'utf8'), 'abc');
});
