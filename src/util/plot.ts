/**
 * Figures from declarative specs: Vega-Lite specs rendered headless by Vega to SVG, and SVG to PNG through
 * sharp (librsvg). Studies get axes, "nice" ticks, log scales and legends from Vega-Lite; the same specs can
 * be shown interactively in a browser (vega-embed) since they are plain JSON.
 *
 *   const svg = linePlotSvg({ title: 'loss', xLabel: 'step', yLabel: 'MAE', series: [{ name: 'train', y: losses }] });
 *   writePng('loss.png', await svgToPng(svg));
 *
 *   scatterPlotSvg({ series: [{ name: 'class 0', points: [[x, y], ...] }],
 *                    ellipses: [{ cx, cy, cov: [sxx, sxy, syy], nSigma: 2, color: '#d62728' }] })
 *
 *   renderSpec({ data: { values }, mark: 'bar', encoding: { ... } })   // any Vega-Lite (or Vega) spec → SVG
 *
 *   heatmapSvg({ cells: shares, labels, title, xLabel: 'predicted', yLabel: 'true' })   // matrix of values in [0, 1]
 *
 * lineSpec / scatterSpec / heatmapSpec return the Vega-Lite specs behind the helpers. `logY` draws the y axis in log10
 * (non-positive values are dropped). Non-finite values break a line (a gap) and are skipped in scatter plots.
 *
 * Rendering is synchronous: Vega renders asynchronously, so it runs in a worker thread (plot-worker.mjs,
 * started on first use and unref'd) and the caller waits on a shared flag for the SVG.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** A Vega-Lite spec (or a Vega spec, recognised by its $schema). */
export type PlotSpec = TopLevelSpec | Record<string, unknown>;

export interface LineSeries {
  name: string;
  y: ArrayLike<number>;
  /** x values (default 0, 1, 2, ...). */
  x?: ArrayLike<number>;
  color?: string;
  /** Stroke width (default 1.5). */
  width?: number;
  dashed?: boolean;
  /** Draw a dot at every point (useful for series with few points). */
  markers?: boolean;
}

export interface PlotFrame {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixel size of the whole picture (default 640×400). */
  width?: number;
  height?: number;
  /** Axis ranges (default: the data range, padded). */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Show the legend (default true when there is more than one named series). */
  legend?: boolean;
}

export interface LinePlotOptions extends PlotFrame {
  series: LineSeries[];
  logY?: boolean;
}

export interface ScatterSeries {
  name: string;
  points: ArrayLike<readonly [number, number]> | [number, number][];
  color?: string;
  /** Dot radius in pixels (default 2). */
  radius?: number;
  opacity?: number;
}

export interface Ellipse {
  cx: number;
  cy: number;
  /** Covariance [sxx, sxy, syy]; the ellipse is the nSigma contour. */
  cov: [number, number, number];
  nSigma?: number;
  color?: string;
  /** Stroke width (default 1.5). */
  width?: number;
}

export interface ScatterPlotOptions extends PlotFrame {
  series: ScatterSeries[];
  ellipses?: Ellipse[];
  /** Same scale on both axes (default false). */
  equalAspect?: boolean;
}

const FONT = 'DejaVu Sans, Arial, sans-serif';
const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Size, title, fonts and the look shared by the figures (a framed plot area with a light grid). */
function frameSpec(o: PlotFrame): Record<string, unknown> {
  return {
    $schema: VL_SCHEMA,
    width: o.width ?? 640,
    height: o.height ?? 400,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 6,
    background: 'white',
    ...(o.title ? { title: { text: o.title, fontSize: 15, color: '#111' } } : {}),
    config: {
      font: FONT,
      view: { stroke: '#333' },
      axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e5e5e5', domainColor: '#333', tickColor: '#333', labelColor: '#333', titleColor: '#111' },
      legend: { orient: 'top-right', labelFontSize: 11, title: null, fillColor: 'rgba(255,255,255,0.85)', strokeColor: '#999', padding: 6, symbolStrokeWidth: 2.5 },
    },
  };
}

function axisScale(range: [number, number] | undefined, log = false): Record<string, unknown> {
  return { ...(log ? { type: 'log' } : { zero: false }), ...(range ? { domain: range, nice: false } : {}) };
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The Vega-Lite spec of a line chart (see linePlotSvg). */
export function lineSpec(o: LinePlotOptions): PlotSpec {
  if (!Array.isArray(o.series) || o.series.length === 0) throw new Error('linePlotSvg: at least one series is needed');
  const rows: Record<string, unknown>[] = [];
  o.series.forEach((s, k) => {
    if (s.x && s.x.length !== s.y.length) throw new Error(`linePlotSvg: series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values`);
    for (let i = 0; i < s.y.length; i++) {
      const y = s.y[i];
      const w = s.width ?? 1.5;
      rows.push({ s: k, i, x: finite(s.x ? s.x[i] : i), y: o.logY && !(y > 0) ? null : finite(y), w, m: Boolean(s.markers), ms: Math.PI * (w + 1.5) ** 2 });
    }
  });
  const names = o.series.map((s, k) => s.name || `series ${k + 1}`);
  const legend = o.legend ?? o.series.length > 1;
  // One nominal field (the series index, labelled by name) drives colour and dash, so the legend shows both.
  const label = { labelExpr: `${JSON.stringify(names)}[datum.value]`, symbolType: 'stroke' };
  const series = { field: 's', type: 'ordinal' as const };
  const encoding = {
    x: { field: 'x', type: 'quantitative', title: o.xLabel ?? null, scale: axisScale(o.xRange) },
    y: { field: 'y', type: 'quantitative', title: o.yLabel ?? null, scale: axisScale(o.yRange, o.logY) },
    color: { ...series, scale: { domain: o.series.map((_, k) => k), range: o.series.map((s, k) => s.color ?? PALETTE[k % PALETTE.length]) }, legend: legend ? label : null },
    strokeDash: { ...series, scale: { domain: o.series.map((_, k) => k), range: o.series.map((s) => (s.dashed ? [5, 3] : [1, 0])) }, legend: legend ? label : null },
  };
  return {
    ...frameSpec(o),
    data: { values: rows },
    encoding,
    layer: [
      {
        mark: { type: 'line', clip: true, strokeJoin: 'round', invalid: 'break-paths-filter-domains' },
        encoding: { order: { field: 'i', type: 'quantitative' }, strokeWidth: { field: 'w', type: 'quantitative', scale: null } },
      },
      {
        transform: [{ filter: 'datum.m && isValid(datum.x) && isValid(datum.y)' }],
        mark: { type: 'circle', clip: true, opacity: 1 },
        encoding: { size: { field: 'ms', type: 'quantitative', scale: null, legend: null } },
      },
    ],
  } as PlotSpec;
}

/** A line chart of one or more series, as SVG. */
export function linePlotSvg(o: LinePlotOptions): string {
  return renderSpec(lineSpec(o));
}

/** Points of the nSigma ellipse of a 2×2 covariance (65 points, closed). */
function ellipsePoints(e: Ellipse): [number, number][] {
  const [a, b, c] = e.cov;
  if (![a, b, c, e.cx, e.cy].every(Number.isFinite)) throw new Error('scatterPlotSvg: ellipse with non-finite centre or covariance');
  if (a < 0 || c < 0 || a * c - b * b < -1e-12 * Math.max(1, a * c)) throw new Error(`scatterPlotSvg: ellipse covariance [${a}, ${b}, ${c}] is not positive semi-definite`);
  const tr = (a + c) / 2;
  const det = Math.sqrt(Math.max(0, ((a - c) / 2) ** 2 + b * b));
  const th = 0.5 * Math.atan2(2 * b, a - c);
  const k = e.nSigma ?? 2;
  const r1 = k * Math.sqrt(Math.max(0, tr + det));
  const r2 = k * Math.sqrt(Math.max(0, tr - det));
  return Array.from({ length: 65 }, (_, i) => {
    const t = (2 * Math.PI * i) / 64;
    const u = r1 * Math.cos(t);
    const v = r2 * Math.sin(t);
    return [e.cx + u * Math.cos(th) - v * Math.sin(th), e.cy + u * Math.sin(th) + v * Math.cos(th)];
  });
}

function extent(values: number[]): [number, number] | null {
  const f = values.filter(Number.isFinite);
  if (!f.length) return null;
  let lo = Math.min(...f);
  let hi = Math.max(...f);
  if (lo === hi) [lo, hi] = [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
  const p = (hi - lo) * 0.04;
  return [lo - p, hi + p];
}

/** The Vega-Lite spec of a scatter plot with covariance ellipses (see scatterPlotSvg). */
export function scatterSpec(o: ScatterPlotOptions): PlotSpec {
  if (!Array.isArray(o.series)) throw new Error('scatterPlotSvg: series must be an array');
  const points: Record<string, unknown>[] = [];
  o.series.forEach((s, k) => {
    for (let i = 0; i < s.points.length; i++) {
      const [x, y] = s.points[i];
      if (Number.isFinite(x) && Number.isFinite(y)) points.push({ s: k, x, y, size: Math.PI * (s.radius ?? 2) ** 2, op: s.opacity ?? 0.7 });
    }
  });
  const curves: Record<string, unknown>[] = [];
  (o.ellipses ?? []).forEach((e, k) => {
    ellipsePoints(e).forEach(([x, y], i) => curves.push({ e: k, i, x, y, c: e.color ?? PALETTE[k % PALETTE.length], w: e.width ?? 1.5 }));
  });
  let xr = o.xRange;
  let yr = o.yRange;
  if (o.equalAspect && !xr && !yr) {
    // Same data units per pixel on both axes, over the plot area the frame leaves (axes, title, padding).
    const all = [...points, ...curves] as { x: number; y: number }[];
    const ex = extent(all.map((p) => p.x)) ?? [0, 1];
    const ey = extent(all.map((p) => p.y)) ?? [0, 1];
    const pw = (o.width ?? 640) - 70;
    const ph = (o.height ?? 400) - (o.title ? 34 : 12) - (o.xLabel ? 48 : 30);
    const upp = Math.max((ex[1] - ex[0]) / pw, (ey[1] - ey[0]) / ph);
    const cx = (ex[0] + ex[1]) / 2;
    const cy = (ey[0] + ey[1]) / 2;
    xr = [cx - (upp * pw) / 2, cx + (upp * pw) / 2];
    yr = [cy - (upp * ph) / 2, cy + (upp * ph) / 2];
  }
  const names = o.series.map((s, k) => s.name || `series ${k + 1}`);
  const legend = o.legend ?? o.series.length > 1;
  const x = { field: 'x', type: 'quantitative', title: o.xLabel ?? null, scale: axisScale(xr) };
  const y = { field: 'y', type: 'quantitative', title: o.yLabel ?? null, scale: axisScale(yr) };
  const layer: Record<string, unknown>[] = [];
  if (points.length || o.series.length) {
    layer.push({
      data: { values: points },
      mark: { type: 'circle', clip: true },
      encoding: {
        x, y,
        color: {
          field: 's', type: 'ordinal',
          scale: { domain: o.series.map((_, k) => k), range: o.series.map((s, k) => s.color ?? PALETTE[k % PALETTE.length]) },
          legend: legend ? { labelExpr: `${JSON.stringify(names)}[datum.value]`, symbolOpacity: 1 } : null,
        },
        size: { field: 'size', type: 'quantitative', scale: null },
        opacity: { field: 'op', type: 'quantitative', scale: null },
      },
    });
  }
  if (curves.length) {
    layer.push({
      data: { values: curves },
      mark: { type: 'line', clip: true, strokeJoin: 'round' },
      encoding: {
        x, y,
        order: { field: 'i', type: 'quantitative' },
        detail: { field: 'e', type: 'nominal' },
        stroke: { field: 'c', type: 'nominal', scale: null },
        strokeWidth: { field: 'w', type: 'quantitative', scale: null },
      },
    });
  }
  if (!layer.length) layer.push({ data: { values: [] }, mark: 'point', encoding: { x, y } });
  return { ...frameSpec(o), layer } as PlotSpec;
}

/** A scatter plot of point sets, with optional covariance ellipses (e.g. GMM components), as SVG. */
export function scatterPlotSvg(o: ScatterPlotOptions): string {
  return renderSpec(scatterSpec(o));
}

export interface HeatmapOptions extends Omit<PlotFrame, 'xRange' | 'yRange' | 'legend'> {
  /** Row-major values in [0, 1] (row i is drawn i-th from the top); NaN leaves a cell blank. */
  cells: number[][];
  /** Row and column labels (default 0..n-1 for rows, 0..m-1 for columns). */
  rowLabels?: string[];
  colLabels?: string[];
  /** Text printed in cell (i, j) (default none). */
  cellText?: (value: number, i: number, j: number) => string;
  /** Side of a cell in pixels (default 34; sets width and height unless given). */
  cell?: number;
  /** Colour of the value 1 (0 is white; default dark blue). */
  color?: string;
}

/** The Vega-Lite spec of a heat map (see heatmapSvg). */
export function heatmapSpec(o: HeatmapOptions): PlotSpec {
  const n = o.cells.length;
  const m = n ? o.cells[0].length : 0;
  if (n === 0 || m === 0 || o.cells.some((r) => r.length !== m)) throw new Error('heatmapSvg: cells must be a non-empty rectangular matrix');
  const rows = o.rowLabels ?? o.cells.map((_, i) => String(i));
  const cols = o.colLabels ?? o.cells[0].map((_, j) => String(j));
  if (rows.length !== n || cols.length !== m) throw new Error(`heatmapSvg: ${rows.length} row and ${cols.length} column labels for a ${n}×${m} matrix`);
  const values: Record<string, unknown>[] = [];
  o.cells.forEach((r, i) => r.forEach((v, j) => {
    if (Number.isFinite(v)) values.push({ r: rows[i], c: cols[j], v, t: o.cellText ? o.cellText(v, i, j) : '' });
  }));
  const cell = o.cell ?? 34;
  const x = { field: 'c', type: 'ordinal', sort: cols, title: o.xLabel ?? null, axis: { labelAngle: 0, domain: false, ticks: false } };
  const y = { field: 'r', type: 'ordinal', sort: rows, title: o.yLabel ?? null, axis: { domain: false, ticks: false } };
  return {
    ...frameSpec({ ...o, width: o.width ?? m * cell, height: o.height ?? n * cell }),
    autosize: { type: 'pad' },
    data: { values },
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect', stroke: '#dddddd', strokeWidth: 1, opacity: 1 },
        encoding: { color: { field: 'v', type: 'quantitative', scale: { domain: [0, 1], range: ['#ffffff', o.color ?? '#08306b'], interpolate: 'rgb' }, legend: null } },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 't', type: 'nominal' },
          color: { condition: { test: 'datum.v > 0.5', value: '#ffffff' }, value: '#222222' },
        },
      },
    ],
  } as PlotSpec;
}

/** A heat map of a matrix of values in [0, 1] (white to `color`), optionally with text in each cell, as SVG. */
export function heatmapSvg(o: HeatmapOptions): string {
  return renderSpec(heatmapSpec(o));
}

// ------------------------------------------------------------------ rendering
let renderer: { worker: Worker; port: MessagePort; flag: Int32Array } | null = null;

/** Milliseconds renderSpec waits for the worker (the first call includes loading Vega). */
const RENDER_TIMEOUT_MS = 60_000;

/**
 * Renders a Vega-Lite spec (or a Vega spec, with a Vega $schema) to an SVG string, synchronously. Throws an
 * Error naming the problem when the spec does not compile or render.
 */
export function renderSpec(spec: PlotSpec): string {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new Error('renderSpec: the spec must be a Vega-Lite (or Vega) spec object');
  if (!renderer) {
    const { port1, port2 } = new MessageChannel();
    const lock = new SharedArrayBuffer(4);
    const worker = new Worker(new URL('./plot-worker.mjs', import.meta.url), { workerData: { port: port2, lock }, transferList: [port2] });
    worker.unref();
    port1.unref();
    renderer = { worker, port: port1, flag: new Int32Array(lock) };
    worker.on('error', () => {
      renderer = null;
    });
  }
  const r = renderer;
  Atomics.store(r.flag, 0, 0);
  r.port.postMessage({ spec });
  const waited = Atomics.wait(r.flag, 0, 0, RENDER_TIMEOUT_MS);
  const msg = receiveMessageOnPort(r.port)?.message as { svg?: string; error?: string } | undefined;
  if (!msg) {
    renderer = null;
    void r.worker.terminate();
    throw new Error(waited === 'timed-out' ? `renderSpec: no SVG within ${RENDER_TIMEOUT_MS / 1000} s` : 'renderSpec: the plot worker stopped');
  }
  if (msg.error !== undefined) throw new Error(`renderSpec: ${msg.error}`);
  return msg.svg!;
}

/** Renders an SVG string to a PNG buffer (sharp/librsvg). `scale` multiplies the resolution (default 1). */
export async function svgToPng(svg: string, scale = 1): Promise<Buffer> {
  if (typeof svg !== 'string' || !svg.includes('<svg')) throw new Error('svgToPng: the input is not an SVG document');
  if (!(scale > 0)) throw new Error(`svgToPng: scale must be > 0, got ${scale}`);
  return sharp(Buffer.from(svg), { density: 72 * scale }).flatten({ background: '#ffffff' }).png({ compressionLevel: 9 }).toBuffer();
}
