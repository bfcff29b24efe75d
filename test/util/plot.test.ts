import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { heatmapSpec, heatmapSvg, linePlotSvg, lineSpec, renderSpec, scatterPlotSvg, scatterSpec, svgToPng } from '../../src/util/plot.ts';
import { confusionMatrixSvg } from '../../src/eval/confusion-svg.ts';

async function pixels(png: Buffer) {
  return sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
}

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

test('heatmapSvg: a cell of value 1 is filled dark and one of 0 white, in matrix order; cell text is drawn; bad shapes are rejected', async () => {
  // 2×2: top-left 1, top-right 0, bottom-left 0, bottom-right 1 → dark on the diagonal.
  const svg = heatmapSvg({ cells: [[1, 0], [0, 1]], rowLabels: ['a', 'b'], colLabels: ['a', 'b'], cell: 60, color: '#000080', cellText: (v) => (v ? 'one' : '') });
  assert.match(svg, />one</);
  const { data, info } = await pixels(await svgToPng(svg));
  const navy: [number, number][] = [];
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const o = (y * info.width + x) * 3;
      if (data[o] < 10 && data[o + 1] < 10 && data[o + 2] > 110 && data[o + 2] < 150) navy.push([x, y]);
    }
  }
  assert.ok(navy.length > 2 * 50 * 50, `two dark 60 px cells, got ${navy.length} dark pixels`);
  const xs = navy.map((p) => p[0]);
  const ys = navy.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  assert.ok(Math.abs(x1 - x0 - 119) <= 2 && Math.abs(y1 - y0 - 119) <= 2, `the dark cells span ${x1 - x0}×${y1 - y0} px`);
  // The off-diagonal cells are white: the centre of the top-right cell.
  const tr = ((y0 + 30) * info.width + (x0 + 90)) * 3;
  assert.deepEqual([...data.subarray(tr, tr + 3)], [255, 255, 255]);
  // The top-left one is dark.
  const tl = ((y0 + 10) * info.width + (x0 + 10)) * 3;
  assert.ok(data[tl + 2] > 110 && data[tl] < 10);
  assert.throws(() => heatmapSvg({ cells: [[1, 0], [0]] }), /rectangular/);
  assert.throws(() => heatmapSvg({ cells: [[1]], rowLabels: ['a', 'b'] }), /2 row and 1 column labels for a 1×1 matrix/);
});

test('confusionMatrixSvg: row shares as text, the labels, both axis titles', () => {
  const svg = confusionMatrixSvg([[3, 1], [0, 4]], { title: 'cm', labels: ['zero', 'one'] });
  for (const t of ['.75', '.25', '>1<', 'zero', 'one', 'predicted class', 'class sampled', '>cm<']) assert.ok(svg.includes(t), `the SVG shows ${t}`);
  assert.throws(() => confusionMatrixSvg([[1, 2]]), /square/);
});

test('confusionMatrixSvg: each cell\'s text exactly — a share as ".75" (no leading 0), "1" from 0.995, "·" below 0.01, none for a zero count', () => {
  const svg = confusionMatrixSvg([[3, 1, 0], [0, 4, 0], [1, 0, 199]], { labels: ['a', 'b', 'c'] });
  const texts = (svgText: string) => [...svgText.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  // cells row by row (empty cells have no text), then the column labels, the x title, the row labels, the y title
  assert.deepEqual(texts(svg), ['.75', '.25', '1', '·', '1', 'a', 'b', 'c', 'predicted class', 'a', 'b', 'c', 'class sampled']);
  const near = texts(confusionMatrixSvg([[994, 6], [1, 99]])).slice(0, 4);
  assert.deepEqual(near, ['.99', '·', '.01', '.99'], '0.994 is not yet "1", 0.006 is "·", 0.01 is a share');
});

test('plot defaults as values: 640 × 400 figures, line width 1.5, points of radius 2 at opacity 0.7, ellipses at 2σ, 34-px heatmap cells, PNG at scale 1', async () => {
  const spec = lineSpec({ series: [{ name: 'a', y: [1, 2] }] }) as any;
  assert.equal(spec.width, 640);
  assert.equal(spec.height, 400);
  const rows = spec.layer?.[0]?.data?.values ?? spec.data?.values;
  assert.deepEqual(rows.map((r: any) => [r.w, r.ms, r.m]), [[1.5, Math.PI * 9, false], [1.5, Math.PI * 9, false]]);
  const sc = scatterSpec({ series: [{ name: 'p', points: [[0, 0]] }], ellipses: [{ cx: 1, cy: 2, cov: [4, 0, 1] }] }) as any;
  assert.equal(sc.width, 640);
  assert.equal(sc.height, 400);
  const layers = JSON.stringify(sc);
  assert.ok(layers.includes(JSON.stringify({ s: 0, x: 0, y: 0, size: Math.PI * 4, op: 0.7 })), 'point of radius 2, opacity 0.7');
  // 2σ ellipse of cov diag(4, 1) centred at (1, 2): first point (1 + 2·2, 2), quarter turn (1, 2 + 2·1).
  const curve = sc.layer.find((l: any) => l.data.values.some((v: any) => 'e' in v)).data.values;
  assert.equal(curve.length, 65);
  assert.deepEqual([curve[0].x, curve[0].y, curve[0].w], [5, 2, 1.5]);
  assert.ok(Math.abs(curve[16].x - 1) < 1e-12 && Math.abs(curve[16].y - 4) < 1e-12, `${curve[16].x}, ${curve[16].y}`);
  const hm = heatmapSpec({ cells: [[0, 1, 0.5], [1, 0, 0]] }) as any;
  assert.deepEqual([hm.width, hm.height], [3 * 34, 2 * 34]);
  const svg = linePlotSvg({ series: [{ name: 'a', y: [1, 2, 3] }] });
  assert.match(svg, /<svg[^>]+width="640"[^>]+height="400"/);
  const meta = await sharp(await svgToPng(svg)).metadata();
  assert.deepEqual([meta.width, meta.height], [640, 400]);
  const meta2 = await sharp(await svgToPng(svg, 2)).metadata();
  assert.deepEqual([meta2.width, meta2.height], [1280, 800]);
  await assert.rejects(svgToPng(svg, 0), /scale must be > 0, got 0/);
});

test('scatterSpec with equalAspect: both axes centred on the data (4 % padding), at the same data units per pixel', () => {
  // Data off the origin on both axes: x in [10, 14], y in [-3, -2]; 640 × 400 frame, no title, no x label.
  const spec = scatterSpec({ series: [{ name: 'data', points: [[10, -3], [14, -2], [12, -2.5]] }], equalAspect: true }) as any;
  const enc = spec.layer[0].encoding;
  const xr = enc.x.scale.domain as [number, number], yr = enc.y.scale.domain as [number, number];
  const ex = [10 - 0.16, 14 + 0.16], ey = [-3 - 0.04, -2 + 0.04]; // extents with 4 % padding
  const pw = 640 - 70, ph = 400 - 12 - 30;
  const upp = Math.max((ex[1] - ex[0]) / pw, (ey[1] - ey[0]) / ph);
  const want = (c: number, px: number) => [c - (upp * px) / 2, c + (upp * px) / 2];
  const near = (a: number[], b: number[], what: string) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9, `${what}: ${a} vs ${b}`));
  near(xr, want(12, pw), 'x range');
  near(yr, want(-2.5, ph), 'y range');
  assert.ok(Math.abs((xr[1] - xr[0]) / pw - (yr[1] - yr[0]) / ph) < 1e-12, 'same units per pixel');
  // Given ranges win over equalAspect.
  const fixed = scatterSpec({ series: [{ name: 'one', points: [[0, 0]] }], equalAspect: true, xRange: [0, 1], yRange: [5, 6] }) as any;
  assert.deepEqual([fixed.layer[0].encoding.x.scale.domain, fixed.layer[0].encoding.y.scale.domain], [[0, 1], [5, 6]]);
});


test('legends: shown by default only for two or more series (line and scatter), and `legend` overrides it either way', () => {
  const one = [{ name: 'only', y: [1, 2] }];
  const two = [{ name: 'a', y: [1, 2] }, { name: 'b', y: [2, 1] }];
  const lineLegend = (o: Parameters<typeof lineSpec>[0]) => {
    const e = (lineSpec(o) as any).encoding;
    assert.deepEqual(e.color.legend, e.strokeDash.legend, 'colour and dash share one legend');
    return e.color.legend;
  };
  assert.equal(lineLegend({ series: one }), null);
  assert.deepEqual(lineLegend({ series: two }), { labelExpr: '["a","b"][datum.value]', symbolType: 'stroke' });
  assert.deepEqual(lineLegend({ series: one, legend: true }), { labelExpr: '["only"][datum.value]', symbolType: 'stroke' });
  assert.equal(lineLegend({ series: two, legend: false }), null);
  const scatterLegend = (o: Parameters<typeof scatterSpec>[0]) => (scatterSpec(o) as any).layer[0].encoding.color.legend;
  const pts = (name: string) => ({ name, points: [[0, 0], [1, 1]] as [number, number][] });
  assert.equal(scatterLegend({ series: [pts('p')] }), null);
  assert.deepEqual(scatterLegend({ series: [pts('p'), pts('q')] }), { labelExpr: '["p","q"][datum.value]', symbolOpacity: 1 });
  assert.deepEqual(scatterLegend({ series: [pts('p')], legend: true }), { labelExpr: '["p"][datum.value]', symbolOpacity: 1 });
  assert.equal(scatterLegend({ series: [pts('p'), pts('q')], legend: false }), null);
});
