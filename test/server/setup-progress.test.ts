/**
 * StyleSetup's progress events (src/server/style-setup.ts) when part of a download is already there: files found
 * in the cache (checksums matching their pins) are counted as done without being fetched, and both their events and
 * the byte events of the files fetched are throttled (at most one per 100 ms), so neither the cached shards nor the
 * chunks of the fetched ones send an event each.
 * The clock (Date) is frozen, so every unforced event is within 100 ms of the last one: only the forced events
 * (each step's start and the end) reach the listener, whatever the machine's speed.
 */
import { after, before, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StyleSetup, type SetupStatus } from '../../src/server/style-setup.ts';
import { StyleAssets } from '../../src/server/style-assets.ts';
import { STYLE_ASSETS } from '../../src/style/fetch.ts';
import { sharedPath } from '../../src/util/paths.ts';
import { freshCloneOptions, startDownloadHost, type DownloadHost } from './_fixtures.ts';

let tmp: string;
let host: DownloadHost;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-setup-progress-'));
  host = await startDownloadHost();
});
after(async () => {
  await host.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('cached files count as done without a request; their events and the fetched files\' byte events are throttled', async () => {
  const o = freshCloneOptions(join(tmp, 'a'), `${host.url}/tfjs/mobilenet/`, `${host.url}/paintings/`);
  mkdirSync(o.stylesDir!, { recursive: true });
  for (const a of STYLE_ASSETS) copyFileSync(sharedPath('assets', 'styles', a.name), join(o.stylesDir!, a.name));
  // Every other weight shard in the cache, model.json not: MobileNet is still to be downloaded.
  const shared = sharedPath('models', 'mobilenet_v1_1.0_224');
  mkdirSync(o.mobilenetDir!, { recursive: true });
  const all = readdirSync(shared).filter((f) => f !== 'model.json').sort();
  const shards = all.filter((_, i) => i % 2 === 0), missing = all.filter((_, i) => i % 2 === 1);
  for (const f of shards) copyFileSync(join(shared, f), join(o.mobilenetDir!, f));
  assert.ok(all.length >= 40, `${all.length} shards`);
  const setup = new StyleSetup(new StyleAssets(o.stylesDir, o.mobilenetDir), o.download);
  assert.deepEqual(setup.items().map((i) => i.name), ['mobilenet']);
  const seen: SetupStatus[] = [];
  setup.subscribe((s) => seen.push(s));
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  try {
    await setup.start();
  } finally {
    mock.timers.reset();
  }
  assert.equal(setup.status().state, 'ready');
  assert.ok(seen.length <= 4, `${seen.length} events for ${shards.length} cached and ${missing.length} fetched shards: ${seen.map((s) => `${s.state} ${s.bytesDone}`).join(', ')}`);
  assert.equal(seen.at(-1)!.state, 'ready');
  assert.equal(host.hits.get('/tfjs/mobilenet/model.json'), 1);
  for (const f of shards) assert.equal(host.hits.get(`/tfjs/mobilenet/${f}`), undefined, `${f} was fetched again`);
  for (const f of missing) assert.equal(host.hits.get(`/tfjs/mobilenet/${f}`), 1, `${f} fetched once`);
});
