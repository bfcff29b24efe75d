// Bootstrap for worker threads that run TypeScript modules: Node 20 does not apply `--import tsx` from a
// Worker's execArgv to the worker's entry module, so the worker starts here (plain JS), registers tsx's ESM
// loader for its own thread, then imports the TypeScript entry named in workerData.__entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.__entry);
