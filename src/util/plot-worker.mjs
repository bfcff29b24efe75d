// The Vega renderer behind src/util/plot.ts renderSpec(): a worker thread (plain JS, loaded once) that compiles
// a Vega-Lite spec to Vega, runs the Vega view headless and answers with the SVG. The caller blocks on a
// shared Int32Array until the answer is posted (Vega renders asynchronously; the plot helpers are synchronous).
import { workerData } from 'node:worker_threads';
import * as vega from 'vega';
import { compile } from 'vega-lite';

const { port, lock } = workerData;
const flag = new Int32Array(lock);

port.on('message', async (msg) => {
  let answer;
  let stage = 'the Vega-Lite spec does not compile';
  try {
    const spec = msg.spec;
    const vg = spec.$schema && String(spec.$schema).includes('/vega/') ? spec : compile(spec).spec;
    stage = 'Vega cannot render the spec';
    const view = new vega.View(vega.parse(vg), { renderer: 'none', logLevel: vega.Error });
    answer = { svg: await view.toSVG() };
    view.finalize();
  } catch (e) {
    answer = { error: `${stage}: ${e instanceof Error ? e.message : String(e)}` };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
