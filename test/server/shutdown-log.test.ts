/**
 * The server's shutdown line (src/server/app.ts close()): "stopped N style job(s)" only when jobs were stopped and
 * logging is on — nothing when no job ran, nothing when the server was started with log: false.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/server/app.ts';

async function closeCapturing(log: boolean): Promise<string[]> {
  const srv = await startServer({ port: 0, log });
  const lines: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
  try {
    await srv.close();
  } finally {
    console.error = orig;
  }
  return lines;
}

test('closing a server with no style job says nothing about stopped jobs, logging on or off', async () => {
  for (const log of [true, false]) {
    const lines = await closeCapturing(log);
    assert.deepEqual(lines.filter((l) => /stopped \d+ style job/.test(l)), [], `log ${log}: ${lines.join(' | ')}`);
  }
});
