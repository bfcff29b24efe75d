/**
 * How far the colours of a job's crops are from the painting's (issue 12, eighth pass): no network, pixels only.
 *
 *   nice -n 10 node_modules/.bin/tsx scripts/studies/style-crop-colours.ts [--size 256] [--crops 24] [--model-seeds 0]
 *
 * For The Starry Night and The Scream, the crops a job fits its Gram model to (`crops` crops of the output size from the
 * painting resized to twice that, crop seed s · 7919 + 101 (i + 1) for model seed s, as runStyleJob) and, per crop, the
 * largest per-channel gap of its colour mean and standard deviation to the painting's at the output size — the quality
 * study's colour measure (colourStatsGap) with the crop in place of an output. A synthesis whose colours followed each
 * sample's own crop-like colours would have gaps like these; the colour aim is ≤ 0.04 for both.
 */
import { parseCli } from '../../src/cli/args.ts';
import { STYLE_DEFAULTS } from '../../src/style/defaults.ts';
import { cropImage, loadImage, randomCropBoxes } from '../../src/style/images.ts';
import { colourStats, colourStatsGap } from '../../src/style/metrics.ts';
import { sharedPath } from '../../src/util/paths.ts';

const cli = parseCli({
  name: 'style-crop-colours',
  usage: 'tsx scripts/studies/style-crop-colours.ts [--size 256] [--crops 24] [--model-seeds 0]',
  description: "Colour mean / std gaps of a style job's crops to the painting's (pixels only).",
  flags: {
    size: { type: 'int', min: 32, max: 1024, default: 256, help: 'crop side (the output size of a job)' },
    crops: { type: 'int', min: 2, max: 512, default: STYLE_DEFAULTS.crops, help: `crops per painting (default the library's, ${STYLE_DEFAULTS.crops})` },
    'model-seeds': { type: 'list', of: 'int', min: 0, max: 100000, default: [0], help: "the jobs' model seeds (crop seed s · 7919 + 101 (i + 1))" },
  },
});
const args = cli.values;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const out: Record<string, unknown>[] = [];
for (const [i, f] of ['starry_night.jpg', 'the_scream.jpg'].entries()) {
  const path = sharedPath('assets', 'styles', f);
  const big = await loadImage(path, { maxSide: 2 * args.size, enlarge: true });
  const ref = colourStats(await loadImage(path, { maxSide: args.size, enlarge: true }));
  for (const s of args['model-seeds']) {
    const boxes = randomCropBoxes(big.width, big.height, args.crops, args.size, s * 7919 + 101 * (i + 1));
    const gaps = boxes.map((b) => colourStatsGap(colourStats(cropImage(big, b.x, b.y, args.size)), ref));
    const std = gaps.map((g) => g.std), mean = gaps.map((g) => g.mean);
    const row = {
      painting: f, modelSeed: s, crops: args.crops, size: args.size,
      stdGap: { median: quantile(std, 0.5), max: Math.max(...std), over004: std.filter((x) => x > 0.04).length },
      meanGap: { median: quantile(mean, 0.5), max: Math.max(...mean), over004: mean.filter((x) => x > 0.04).length },
    };
    out.push(row);
    console.log(JSON.stringify(row));
  }
}
