/**
 * The kernels' worker pool (src/gmm/wasm/pool.ts) on its own: every task of a phase runs exactly once (calling thread
 * plus workers), a task that fails in a worker makes run() throw and leaves the workers serving the next phases,
 * an empty phase runs nothing, and close() stops the workers without reporting a failure. The failing task is the
 * shipped EM module's runTask with a phase number it does not know (it traps: `unreachable`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EM_WASM_BASE64 } from '../../../src/gmm/wasm/em-module.ts';
import { instantiateKernels } from '../../../src/gmm/wasm/instance.ts';
import { TaskPool } from '../../../src/gmm/wasm/pool.ts';

const UNKNOWN_PHASE = 99;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

test('a failed worker task: run() throws, every task still ran once, and the workers serve the next phases', async () => {
  const { module, memory } = instantiateKernels<{ heapBase(): number }>(EM_WASM_BASE64);
  let local = 0;
  let workerTasksAtStart = 0;
  let pool: TaskPool | null = null;
  // The calling thread's first task of a phase waits (at most 20 s) until a worker has taken one of the phase's
  // tasks, so that the worker path is exercised on a loaded machine too.
  const runLocal = (): void => {
    if (local++ > 0) return;
    for (let waited = 0; pool!.workerTasks === workerTasksAtStart && waited < 20000; waited += 5) Atomics.wait(sleeper, 0, 0, 5);
  };
  pool = new TaskPool(module, memory, runLocal, 1);
  try {
    assert.equal(pool.threads, 2);
    assert.equal(await pool.whenReady(20000), true);
    assert.equal(pool.readyWorkers, 1);
    for (let phase = 0; phase < 3; phase++) {
      local = 0;
      workerTasksAtStart = pool.workerTasks;
      assert.throws(() => pool!.run(0, UNKNOWN_PHASE, 40), /^Error: a WebAssembly kernel task failed in a worker thread$/, `phase ${phase}`);
      const byWorkers: number = pool.workerTasks - workerTasksAtStart;
      assert.ok(byWorkers >= 1, `phase ${phase}: the worker ran ${byWorkers} tasks`);
      assert.equal(local + byWorkers, 40, `phase ${phase}: every task once (${local} here, ${byWorkers} in the worker)`);
      assert.equal(pool.failure, null, 'a failed task is not a broken pool');
    }
    // An empty phase runs nothing anywhere.
    local = 0;
    workerTasksAtStart = pool.workerTasks;
    pool.run(0, UNKNOWN_PHASE, 0);
    assert.equal(local, 0);
    assert.equal(pool.workerTasks, workerTasksAtStart);
  } finally {
    await pool.close();
  }
  assert.equal(pool.failure, null, 'stopping the workers is not a failure');
});
