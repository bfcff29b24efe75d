/**
 * fetchBytes's documented default timeout of 120 s (src/style/fetch.ts DownloadOptions.timeoutMs), observed without
 * waiting two minutes: AbortSignal.timeout is wrapped to record the period asked for and to fire after 1 ms, and the
 * error message of a loopback host that never answers names the period ("timed out after 120000 ms").
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { DownloadError, fetchBytes } from '../../src/style/fetch.ts';

let server: Server;
let base: string;
before(async () => {
  server = createServer(() => {}); // never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** The message of a download from the silent host, and the timeout period fetchBytes asked for. */
async function timeoutOf(opts: { timeoutMs?: number }): Promise<{ asked: number[]; message: string }> {
  const original = AbortSignal.timeout;
  const asked: number[] = [];
  AbortSignal.timeout = (ms: number) => {
    asked.push(ms);
    return original.call(AbortSignal, 1);
  };
  try {
    await fetchBytes(`${base}/hang`, opts);
    throw new Error('expected a timeout');
  } catch (e) {
    assert.ok(e instanceof DownloadError, String(e));
    return { asked, message: e.message };
  } finally {
    AbortSignal.timeout = original;
  }
}

test('fetchBytes times out after 120 000 ms by default', async () => {
  const dflt = await timeoutOf({});
  assert.deepEqual(dflt, { asked: [120_000], message: `cannot download ${base}/hang: timed out after 120000 ms` });
  assert.deepEqual(await timeoutOf({ timeoutMs: 120_000 }), dflt);
  assert.deepEqual((await timeoutOf({ timeoutMs: 120_001 })).asked, [120_001]);
});
