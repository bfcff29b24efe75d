/**
 * Input checks of src/util/plot.ts with their exact messages, on both sides of each edge: the series of a line
 * chart, the covariance ellipses (finite, positive semi-definite up to a 1e-12 relative tolerance), the scatter
 * series, the heat map's rectangular matrix, renderSpec's spec object, svgToPng's input and scale. Only the spec
 * builders and svgToPng run (no Vega rendering), so the file is fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { throwsExactly } from '../_assert.ts';
import { heatmapSpec, lineSpec, renderSpec, scatterSpec, svgToPng, type Ellipse } from '../../src/util/plot.ts';

/** The data rows of a spec (line and heat map specs keep them in data.values). */
const rows = (spec: unknown) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

test('lineSpec: at least one series, and as many x values as y values', () => {
  throwsExactly(() => lineSpec({ series: [] }), 'Error: linePlotSvg: at least one series is needed');
  throwsExactly(() => lineSpec({ series: undefined as never }), 'Error: linePlotSvg: at least one series is needed');
  throwsExactly(() => lineSpec({ series: [{ name: 'loss', x: [0, 1], y: [3, 2, 1] }] }), 'Error: linePlotSvg: series "loss" has 2 x values but 3 y values');
  throwsExactly(() => lineSpec({ series: [{ name: 'a', y: [1] }, { name: 'b', x: [0, 1, 2, 3], y: [3, 2, 1] }] }), 'Error: linePlotSvg: series "b" has 4 x values but 3 y values');
  // One series, with x given or implied (0, 1, 2).
  const r1 = rows(lineSpec({ series: [{ name: 'a', y: [5, 6] }] }));
  assert.deepEqual(r1.map((r) => [r.x, r.y]), [[0, 5], [1, 6]]);
  const r2 = rows(lineSpec({ series: [{ name: 'a', x: [10, 20], y: [5, 6] }] }));
  assert.deepEqual(r2.map((r) => [r.x, r.y]), [[10, 5], [20, 6]]);
});

test('scatterSpec: series must be an array; ellipses finite and positive semi-definite', () => {
  throwsExactly(() => scatterSpec({ series: null as never }), 'Error: scatterPlotSvg: series must be an array');
  throwsExactly(() => scatterSpec({ series: {} as never }), 'Error: scatterPlotSvg: series must be an array');
  const ell = (e: Ellipse) => () => scatterSpec({ series: [], ellipses: [e] });
  for (const e of [{ cx: 0, cy: 0, cov: [NaN, 0, 1] }, { cx: 0, cy: 0, cov: [1, Infinity, 1] }, { cx: 0, cy: 0, cov: [1, 0, -Infinity] },
    { cx: Infinity, cy: 0, cov: [1, 0, 1] }, { cx: 0, cy: NaN, cov: [1, 0, 1] }] as Ellipse[]) {
    throwsExactly(ell(e), 'Error: scatterPlotSvg: ellipse with non-finite centre or covariance');
  }
  throwsExactly(ell({ cx: 0, cy: 0, cov: [-1e-300, 0, 1] }), 'Error: scatterPlotSvg: ellipse covariance [-1e-300, 0, 1] is not positive semi-definite');
  throwsExactly(ell({ cx: 0, cy: 0, cov: [1, 0, -1e-300] }), 'Error: scatterPlotSvg: ellipse covariance [1, 0, -1e-300] is not positive semi-definite');
  // det = ac − b² = −1e-11 (relative to max(1, ac) = 1): refused; −1e-13 is inside the tolerance.
  const bOut = Math.sqrt(1 + 1e-11), bIn = Math.sqrt(1 + 1e-13);
  throwsExactly(ell({ cx: 0, cy: 0, cov: [1, bOut, 1] }), `Error: scatterPlotSvg: ellipse covariance [1, ${bOut}, 1] is not positive semi-definite`);
  // The tolerance scales with ac: [100, b, 100] with det −1e-9 = −1e-13 · ac is accepted, −1e-7 is not.
  const bOut2 = Math.sqrt(1e4 + 1e-7);
  throwsExactly(ell({ cx: 0, cy: 0, cov: [100, bOut2, 100] }), `Error: scatterPlotSvg: ellipse covariance [100, ${bOut2}, 100] is not positive semi-definite`);
  // Degenerate but valid ellipses: zero variances, a singular matrix, a tiny negative determinant.
  for (const cov of [[0, 0, 0], [0, 0, 1], [1, 1, 1], [1, bIn, 1], [100, Math.sqrt(1e4 + 1e-9), 100]] as [number, number, number][]) {
    const spec = JSON.stringify(scatterSpec({ series: [], ellipses: [{ cx: 3, cy: 4, cov }] }));
    assert.equal(spec.match(/"e":0,"i":\d+,/g)?.length, 65, `cov ${cov}`);
    // cov [0, 0, 0] collapses the ellipse onto its centre: every point is (3, 4).
    if (cov[0] === 0 && cov[2] === 0) assert.match(spec, /"x":3,"y":4/);
  }
  // A true 2σ circle of variance 1 around (3, 4) starts at (5, 4).
  assert.match(JSON.stringify(scatterSpec({ series: [], ellipses: [{ cx: 3, cy: 4, cov: [1, 0, 1] }] })), /"e":0,"i":0,"x":5,"y":4/);
});

test('heatmapSpec: a non-empty rectangular matrix', () => {
  const msg = 'Error: heatmapSvg: cells must be a non-empty rectangular matrix';
  for (const cells of [[], [[]], [[1, 2], [3]], [[1], [2, 3]]]) throwsExactly(() => heatmapSpec({ cells }), msg);
  const v = rows(heatmapSpec({ cells: [[0.25]] }));
  assert.deepEqual(v.map((r) => [r.r, r.c, r.v]), [['0', '0', 0.25]]);
  assert.equal(rows(heatmapSpec({ cells: [[0, 1], [1, 0]] })).length, 4);
});

test('renderSpec: the spec must be an object (checked before any rendering)', () => {
  const msg = 'Error: renderSpec: the spec must be a Vega-Lite (or Vega) spec object';
  for (const spec of [null, [], 'spec', 3, undefined]) throwsExactly(() => renderSpec(spec as never), msg);
});

test('svgToPng: an SVG document and a scale > 0; scale 0.5 halves the size', async () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#ff0000"/></svg>';
  const rejects = (p: Promise<unknown>, m: string) => assert.rejects(p, (e: Error) => { assert.equal(`${e.name}: ${e.message}`, m); return true; });
  await rejects(svgToPng('<html></html>'), 'Error: svgToPng: the input is not an SVG document');
  await rejects(svgToPng(42 as never), 'Error: svgToPng: the input is not an SVG document');
  for (const s of [0, -1, NaN]) await rejects(svgToPng(svg, s), `Error: svgToPng: scale must be > 0, got ${s}`);
  const meta = await sharp(await svgToPng(svg, 0.5)).metadata();
  assert.deepEqual([meta.width, meta.height], [10, 5]);
  const full = await sharp(await svgToPng(svg)).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([full.info.width, full.info.height], [20, 10]);
  assert.deepEqual([...full.data.subarray(0, 3)], [255, 0, 0]);
});
