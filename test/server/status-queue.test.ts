/**
 * /api/status reports the style queue as configured: active jobs, capacity (the queue size) and the per-job
 * timeout in whole seconds, for a timeout that is not a round number of minutes (so that a wrong divisor shows).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/server/app.ts';

test('/api/status: the style queue with its capacity and timeout in seconds', async () => {
  for (const [styleQueueSize, styleTimeoutMs, seconds] of [[3, 1_500_000, 1500], [1, 2_000, 2], [2, 1_499, 1]]) {
    const srv = await startServer({ port: 0, log: false, styleQueueSize, styleTimeoutMs });
    try {
      const body = (await (await fetch(`${srv.url}/api/status`)).json()) as { style: { queue: unknown } };
      assert.deepEqual(body.style.queue, { active: 0, capacity: styleQueueSize, timeoutSeconds: seconds });
    } finally {
      await srv.close();
    }
  }
});
