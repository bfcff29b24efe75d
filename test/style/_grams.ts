/** Constructed Gram datasets shared by the style tests. */
import type { GramDataset } from '../../src/style/dataset.ts';
import { triLength } from '../../src/style/gram.ts';
import { Rng } from '../../src/util/rng.ts';

/**
 * n rows of isometric upper triangles for layers of 3 and 4 channels ('a', 'b'), from three tight clusters far apart:
 * crop i is in cluster i % 3. The SW fit on them does not reach its plateau stop before step 200.
 */
export function clusteredGramDataset(n: number, seed: number): GramDataset {
  const rng = new Rng(seed);
  const channels = [3, 4];
  const vectors = channels.map((c) => {
    const D = triLength(c);
    const v = new Float32Array(n * D);
    for (let i = 0; i < n; i++) for (let e = 0; e < D; e++) v[i * D + e] = (i % 3) * 5 * Math.sin(e + 1) + 0.1 * rng.normal();
    return v;
  });
  return { layers: ['a', 'b'], channels, n, vectors, source: new Int32Array(n) };
}
