/**
 * startWorker's workerData check (src/util/worker.ts) for a .ts entry, with its exact message: null, a number, a
 * string and an array are refused; a plain object reaches the worker beside the entry's address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { throwsExactly } from '../_assert.ts';
import { startWorker } from '../../src/util/worker.ts';

test('startWorker: workerData of a .ts entry must be a plain object', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-worker-'));
  try {
    const file = join(dir, 'echo.ts');
    writeFileSync(file, "import { parentPort, workerData } from 'node:worker_threads';\nconst n: number = workerData.x;\nparentPort!.postMessage({ x: n + 1, entry: workerData.__entry });\n");
    const entry = pathToFileURL(file);
    for (const workerData of [null, 5, 'x', [1]]) throwsExactly(() => startWorker(entry, { workerData }), 'TypeError: startWorker: workerData must be a plain object');
    const w = startWorker(entry, { workerData: { x: 41 } });
    const msg = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    await w.terminate();
    assert.deepEqual(msg, { x: 42, entry: entry.href });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
