/** The content presets' listing (src/server/style-assets.ts listPresets): which files, in what order, with what titles. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPresets } from '../../src/server/style-assets.ts';

test('listPresets: a missing folder has no presets (the tab still works); images and SVGs by file name, titled by <title> or the name', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-presets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(listPresets(join(dir, 'no-such-folder')), []);
  writeFileSync(join(dir, 'b_road-at_night.PNG'), 'x');
  writeFileSync(join(dir, 'a.svg'), '<svg><title>  Cats &amp; &lt;dogs&gt; </title></svg>');
  writeFileSync(join(dir, 'c.svg'), '<svg></svg>');
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  assert.deepEqual(listPresets(dir), [
    { name: 'a', title: 'Cats & <dogs>', file: join(dir, 'a.svg') },
    { name: 'b_road-at_night', title: 'b road at night', file: join(dir, 'b_road-at_night.PNG') },
    { name: 'c', title: 'c', file: join(dir, 'c.svg') },
  ]);
});
