// Worker-thread bootstrap: Node 20 does not pass tsx's loader on to worker threads, so each worker
// starts here, registers tsx, then imports the TypeScript entry named in workerData.__entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);
