/**
 * The pins the downloaders check real downloads against, checked against the real files: every pinned MobileNet
 * shard (MOBILENET_SHARDS) has exactly the size and SHA-256 of the public shard in the shared copy, the pinned
 * names are exactly the shards that the shared model.json lists for the layers up to MOBILENET_UP_TO, and every
 * painting's pin (STYLE_ASSETS) matches the shared painting. A pin off by one byte would make every real download
 * fail its check (the download test serves a small model of its own, so only this file reads the real shards).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchModel, MOBILENET_SHARDS, MOBILENET_UP_TO, STYLE_ASSETS, mobilenetDownloadBytes, sha256 } from '../../src/style/fetch.ts';
import { sharedPath } from '../../src/util/paths.ts';

const dir = sharedPath('models', 'mobilenet_v1_1.0_224');

test('every pinned MobileNet shard has the size and SHA-256 of the shared copy of the public shard', () => {
  const names = Object.keys(MOBILENET_SHARDS);
  assert.equal(names.length, 50);
  let total = 0;
  for (const name of names) {
    const bytes = readFileSync(`${dir}/${name}`);
    assert.equal(bytes.length, MOBILENET_SHARDS[name].bytes, `${name}: size`);
    assert.equal(statSync(`${dir}/${name}`).size, MOBILENET_SHARDS[name].bytes);
    assert.equal(sha256(bytes), MOBILENET_SHARDS[name].sha256, `${name}: SHA-256`);
    total += bytes.length;
  }
  assert.equal(mobilenetDownloadBytes() >= total, true, 'the download estimate covers the shards');
});

test('fetchModel with the pins and upTo, served the shared copy, downloads exactly the pinned shards and verifies each', async () => {
  const served: string[] = [];
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').replace(/^\/mobilenet\//, ''));
    served.push(name);
    if (name.includes('/') || !existsSync(join(dir, name))) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(readFileSync(join(dir, name)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dest = mkdtempSync(join(tmpdir(), 'gmmgen-pins-'));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mobilenet/`;
    await fetchModel({ baseUrl: url, dest, pins: MOBILENET_SHARDS, upTo: MOBILENET_UP_TO });
    assert.deepEqual(served.filter((n) => n !== 'model.json').sort(), Object.keys(MOBILENET_SHARDS).sort());
    assert.deepEqual(readdirSync(dest).filter((n) => n !== 'model.json').sort(), Object.keys(MOBILENET_SHARDS).sort());
  } finally {
    server.close();
    rmSync(dest, { recursive: true, force: true });
  }
});

test("every painting's pin matches the shared painting", () => {
  assert.equal(STYLE_ASSETS.length, 4);
  for (const a of STYLE_ASSETS) assert.equal(sha256(readFileSync(sharedPath('assets', 'styles', a.name))), a.sha256, a.name);
});
