// Bootstrap of worker threads that run gmmgen's TypeScript sources (src/util/worker.ts, startWorker): Node 20 does
// not apply `--import tsx` to a worker's entry module, so the worker starts here (plain JavaScript), registers tsx's
// loader for its own thread, then imports the TypeScript entry named in workerData.__entry. The compiled package
// starts its .js workers directly and never loads this file.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.__entry);
