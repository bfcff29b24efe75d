import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { linePlotSvg, niceTicks, scatterPlotSvg, svgToPng } from '../../src/util/plot.ts';

async function pixels(png: Buffer) {
  return sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
}

test('niceTicks gives round steps covering the range', () => {
  const t = niceTicks(0, 1, 5);
  assert.equal(t[0], 0);
  assert.ok(Math.abs(t[t.length - 1] - 1) < 1e-12);
  assert.ok(Math.abs(t[1] - 0.2) < 1e-12);
  const u = niceTicks(-37, 912, 6);
  const step = u[1] - u[0];
  assert.ok([100, 200].includes(Math.round(step)), `step ${step}`);
  assert.ok(u[0] >= -37 && u[u.length - 1] <= 912);
  assert.throws(() => niceTicks(0, Infinity), /finite/);
});

test('linePlotSvg renders to a PNG of the requested size with the series colour and text drawn', async () => {
  const y = Array.from({ length: 50 }, (_, i) => Math.exp(-i / 10));
  const svg = linePlotSvg({ title: 'loss', xLabel: 'step', yLabel: 'MAE', series: [{ name: 'train', y, color: '#ff0000', width: 4 }], width: 400, height: 300, logY: true });
  assert.match(svg, /<svg[^>]+width="400"/);
  assert.match(svg, />loss</);
  const png = await svgToPng(svg);
  const { data, info } = await pixels(png);
  assert.equal(info.width, 400);
  assert.equal(info.height, 300);
  let red = 0;
  let dark = 0;
  for (let i = 0; i < data.length; i += 3) {
    if (data[i] > 200 && data[i + 1] < 80 && data[i + 2] < 80) red++;
    if (data[i] < 60 && data[i + 1] < 60 && data[i + 2] < 60) dark++;
  }
  assert.ok(red > 200, `the red line should cover pixels, got ${red}`);
  assert.ok(dark > 100, `axes and text should draw dark pixels, got ${dark}`);
});

test('linePlotSvg: mismatched x/y and empty input are rejected', () => {
  assert.throws(() => linePlotSvg({ series: [] }), /at least one series/);
  assert.throws(() => linePlotSvg({ series: [{ name: 'a', y: [1, 2], x: [1] }] }), /series "a" has 1 x values but 2 y values/);
});

test('scatterPlotSvg draws points and a covariance ellipse where they belong', async () => {
  const svg = scatterPlotSvg({
    series: [{ name: 'pts', points: [[0, 0], [1, 1]], color: '#0000ff', radius: 5, opacity: 1 }],
    ellipses: [{ cx: 0.25, cy: 0.25, cov: [0.01, 0, 0.01], nSigma: 2, color: '#00ff00', width: 3 }],
    width: 300,
    height: 300,
    xRange: [-1, 2],
    yRange: [-1, 2],
  });
  const { data, info } = await pixels(await svgToPng(svg));
  const at = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
  // Plot area: left 70, right 20, top 16, bottom 32 → x ∈ [70, 280], y ∈ [16, 268].
  const sx = (x: number) => Math.round(70 + ((x + 1) / 3) * 210);
  const sy = (y: number) => Math.round(16 + 252 - ((y + 1) / 3) * 252);
  const [r, g, b] = at(sx(1), sy(1));
  assert.ok(b > 200 && r < 80 && g < 80, `point at (1,1) should be blue, got ${[r, g, b]}`);
  // Ellipse radius 2·0.1 = 0.2 data units → the top of the circle at (0.25, 0.45) is green, the centre is white.
  const top = at(sx(0.25), sy(0.45));
  assert.ok(top[1] > 150 && top[0] < 120, `ellipse edge should be green, got ${top}`);
  const centre = at(sx(0.25), sy(0.25));
  assert.ok(centre.every((v) => v > 240), `ellipse centre should be white, got ${centre}`);
  assert.throws(() => scatterPlotSvg({ series: [], ellipses: [{ cx: 0, cy: 0, cov: [1, 2, 1] }] }), /not positive semi-definite/);
});
