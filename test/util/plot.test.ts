import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { linePlotSvg, lineSpec, niceTicks, renderSpec, scatterPlotSvg, svgToPng } from '../../src/util/plot.ts';

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
  // Where the blue dots and the green ring landed (pixel centroids and extents), whatever the axes' layout.
  const blue: [number, number][] = [];
  const green: [number, number][] = [];
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const [r, g, b] = data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3);
      if (b > 200 && r < 80 && g < 80) blue.push([x, y]);
      if (g > 200 && r < 80 && b < 80) green.push([x, y]);
    }
  }
  assert.ok(blue.length > 20 && green.length > 20, `${blue.length} blue, ${green.length} green pixels`);
  // The two blue dots: (0, 0) bottom left of (1, 1).
  const bx = blue.map((p) => p[0]);
  const by = blue.map((p) => p[1]);
  const [bx0, bx1, by0, by1] = [Math.min(...bx), Math.max(...bx), Math.min(...by), Math.max(...by)];
  const dotX = bx1 - bx0 - 10; // distance between the dot centres, x (dots are 10 px wide)
  const dotY = by1 - by0 - 10;
  // The ring: centre (0.25, 0.25), radius 2·0.1 = 0.2; the dots are 1 apart on each axis → ring radius = 0.2 × that.
  const gx = green.map((p) => p[0]);
  const gy = green.map((p) => p[1]);
  const rx = (Math.max(...gx) - Math.min(...gx) - 3) / 2;
  const ry = (Math.max(...gy) - Math.min(...gy) - 3) / 2;
  assert.ok(Math.abs(rx / dotX - 0.2) < 0.02, `ring x radius ${rx} px vs dot spacing ${dotX} px`);
  assert.ok(Math.abs(ry / dotY - 0.2) < 0.02, `ring y radius ${ry} px vs dot spacing ${dotY} px`);
  const cx = (Math.max(...gx) + Math.min(...gx)) / 2;
  const cy = (Math.max(...gy) + Math.min(...gy)) / 2;
  assert.ok(Math.abs(cx - (bx0 + 5 + 0.25 * dotX)) < 2, `ring centre x ${cx}`);
  assert.ok(Math.abs(cy - (by1 - 5 - 0.25 * dotY)) < 2, `ring centre y ${cy} (y grows upwards)`);
  const centre = Array.from(data.subarray((Math.round(cy) * info.width + Math.round(cx)) * 3, (Math.round(cy) * info.width + Math.round(cx)) * 3 + 3));
  assert.ok(centre.every((v) => v > 200), `the ellipse is not filled: centre ${centre}`);
  assert.throws(() => scatterPlotSvg({ series: [], ellipses: [{ cx: 0, cy: 0, cov: [1, 2, 1] }] }), /not positive semi-definite/);
});

test('line specs: a log axis, legend entries named by series, gaps at non-finite values; renderSpec draws any Vega-Lite spec', async () => {
  const spec = lineSpec({ series: [{ name: 'train', y: [1, 0.1, NaN, 0.01] }, { name: 'test', y: [2, 0.2, 0.05, -1], dashed: true }], logY: true }) as any;
  assert.equal(spec.encoding.y.scale.type, 'log');
  assert.deepEqual(spec.data.values.filter((r: any) => r.y === null).length, 2, 'NaN and the non-positive value (log axis) are gaps');
  const svg = renderSpec(spec);
  assert.match(svg, />train</);
  assert.match(svg, />test</);
  assert.match(svg, />0\.01</, 'log ticks at powers of ten');
  const bars = renderSpec({ data: { values: [{ k: 'a', v: 3 }, { k: 'b', v: 5 }] }, mark: 'bar', encoding: { x: { field: 'k', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } }, width: 200, height: 100 });
  assert.equal((bars.match(/role-mark[^"]*"/g) ?? []).length > 0, true);
  assert.match(bars, /<path[^>]+aria-label="k: a; v: 3"/);
  assert.throws(() => renderSpec({ mark: 'nonsense' } as any), /renderSpec: the Vega-Lite spec does not compile: /);
  assert.throws(() => renderSpec([] as any), /must be a Vega-Lite/);
});
