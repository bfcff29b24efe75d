/**
 * Ring–line–square: the SW fit's likelihood finish re-run from the stored SW-phase fits of a study:ring results
 * file (every 'sw-phase' run keeps its GMM), with several EM tolerances — how far the finish's stopping rule
 * leaves it from the optimum it is heading for (docs/RESULTS.md, issue 11). Prints one line per stored fit.
 *
 *   npm run study:ring-finish -- [--results docs/results/gmm-ring.json] [--tols 1e-3,1e-4,1e-5,1e-6] [--max-iter 500]
 */
import { parseCli } from '../../src/cli/args.ts';

const cli = parseCli({
  name: 'study:ring-finish',
  usage: 'npm run study:ring-finish -- [--results FILE] [--tols 1e-3,1e-4,1e-5,1e-6] [--max-iter 500]',
  description: "Re-runs SW's EM finish from the stored SW-phase ring fits with several tolerances; prints NLL / iterations per tolerance.",
  flags: {
    results: { type: 'string', meta: 'FILE', default: 'docs/results/gmm-ring.json', help: 'study:ring results (relative to the repository)' },
    tols: { type: 'list', of: 'number', gt: 0, max: 1, default: [1e-3, 1e-4, 1e-5, 1e-6], help: 'EM tolerances (absolute change of the mean log-likelihood)' },
    'max-iter': { type: 'int', min: 1, max: 100_000, default: 500, help: 'EM iterations at most' },
  },
});
const { results, tols } = cli.values;
const maxIter = cli.values['max-iter'];

const { readFileSync } = await import('node:fs');
const { resolve } = await import('node:path');
const { repoRoot, sharedPath } = await import('../../src/util/paths.ts');
const { fitEM, GMM, pointsFromRows } = await import('../../src/gmm/index.ts');

const rows = readFileSync(sharedPath('data/ring-line-square.txt'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
const pts = pointsFromRows(rows, 'ring-line-square');
const res = JSON.parse(readFileSync(resolve(repoRoot, results), 'utf8')) as { runs: { method: string; init: string; seed: number; nll: number; gmm?: unknown }[] };
console.log(`init seed sw-phase-NLL ${tols.map((t) => `tol=${t}:NLL/iterations`).join(' ')}`);
for (const r of res.runs.filter((x) => x.method === 'sw-phase' && x.gmm)) {
  const g = GMM.fromJSON(r.gmm);
  const cols = tols.map((tol) => {
    const f = fitEM(pts, { k: g.k, init: g, maxIter, tol });
    return `${f.gmm.nll(pts).toFixed(4)}/${f.history.iterations}`;
  });
  console.log(`${r.init} ${r.seed} ${r.nll.toFixed(4)} ${cols.join(' ')}`);
}
