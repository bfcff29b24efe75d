/**
 * Small SVG charts (no dependencies) and their PNG rendering through sharp (librsvg, which draws SVG text here).
 *
 *   const svg = linePlotSvg({ title: 'loss', xLabel: 'step', yLabel: 'MAE', series: [{ name: 'train', y: losses }] });
 *   writePng('loss.png', await svgToPng(svg));
 *
 *   scatterPlotSvg({ series: [{ name: 'class 0', points: [[x, y], ...] }],
 *                    ellipses: [{ cx, cy, cov: [sxx, sxy, syy], nSigma: 2, color: '#d62728' }] })
 *
 * Axes get "nice" ticks (1, 2, 5 × 10^k); `logY` draws the y axis in log10 (non-positive values are dropped).
 * Non-finite values break a line (a gap) and are skipped in scatter plots.
 */
import sharp from 'sharp';

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

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

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** "Nice" tick positions covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`niceTicks: range must be finite, got [${lo}, ${hi}]`);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

interface Frame {
  W: number;
  H: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  sx: (x: number) => number;
  sy: (y: number) => number;
  parts: string[];
}

function range(values: number[], fallback: [number, number]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return fallback;
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
  const p = (hi - lo) * 0.04;
  return [lo - p, hi + p];
}

function frame(o: PlotFrame, xr: [number, number], yr: [number, number], yTickLabel: (v: number) => string, yTicks: number[], xTicks: number[]): Frame {
  const W = o.width ?? 640;
  const H = o.height ?? 400;
  const left = 70;
  const right = 20;
  const top = o.title ? 36 : 16;
  const bottom = o.xLabel ? 52 : 32;
  const pw = W - left - right;
  const ph = H - top - bottom;
  const sx = (x: number) => left + ((x - xr[0]) / (xr[1] - xr[0])) * pw;
  const sy = (y: number) => top + ph - ((y - yr[0]) / (yr[1] - yr[0])) * ph;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#333" stroke-width="1"/>`);
  const font = `font-family="DejaVu Sans, Arial, sans-serif"`;
  for (const t of xTicks) {
    if (t < xr[0] || t > xr[1]) continue;
    const X = sx(t).toFixed(1);
    parts.push(`<line x1="${X}" y1="${top}" x2="${X}" y2="${top + ph}" stroke="#e5e5e5"/>`);
    parts.push(`<line x1="${X}" y1="${top + ph}" x2="${X}" y2="${top + ph + 5}" stroke="#333"/>`);
    parts.push(`<text x="${X}" y="${top + ph + 18}" ${font} font-size="11" text-anchor="middle" fill="#333">${esc(fmt(t))}</text>`);
  }
  for (const t of yTicks) {
    if (t < yr[0] || t > yr[1]) continue;
    const Y = sy(t).toFixed(1);
    parts.push(`<line x1="${left}" y1="${Y}" x2="${left + pw}" y2="${Y}" stroke="#e5e5e5"/>`);
    parts.push(`<line x1="${left - 5}" y1="${Y}" x2="${left}" y2="${Y}" stroke="#333"/>`);
    parts.push(`<text x="${left - 8}" y="${(Number(Y) + 4).toFixed(1)}" ${font} font-size="11" text-anchor="end" fill="#333">${esc(yTickLabel(t))}</text>`);
  }
  if (o.title) parts.push(`<text x="${W / 2}" y="22" ${font} font-size="15" font-weight="bold" text-anchor="middle" fill="#111">${esc(o.title)}</text>`);
  if (o.xLabel) parts.push(`<text x="${left + pw / 2}" y="${H - 12}" ${font} font-size="12" text-anchor="middle" fill="#111">${esc(o.xLabel)}</text>`);
  if (o.yLabel) {
    parts.push(`<text x="16" y="${top + ph / 2}" ${font} font-size="12" text-anchor="middle" fill="#111" transform="rotate(-90 16 ${top + ph / 2})">${esc(o.yLabel)}</text>`);
  }
  return { W, H, left, right, top, bottom, sx, sy, parts };
}

function legend(f: Frame, items: { name: string; color: string; dashed?: boolean }[]): void {
  if (items.length === 0) return;
  const font = `font-family="DejaVu Sans, Arial, sans-serif"`;
  const wMax = Math.max(...items.map((i) => i.name.length)) * 7 + 36;
  const x = f.W - f.right - wMax - 8;
  const y = f.top + 8;
  f.parts.push(`<rect x="${x}" y="${y}" width="${wMax}" height="${items.length * 18 + 8}" fill="white" fill-opacity="0.85" stroke="#999"/>`);
  items.forEach((it, i) => {
    const Y = y + 16 + i * 18;
    f.parts.push(`<line x1="${x + 6}" y1="${Y - 4}" x2="${x + 26}" y2="${Y - 4}" stroke="${it.color}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
    f.parts.push(`<text x="${x + 32}" y="${Y}" ${font} font-size="11" fill="#111">${esc(it.name)}</text>`);
  });
}

function wrap(f: Frame, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${f.W}" height="${f.H}" viewBox="0 0 ${f.W} ${f.H}">\n${f.parts.join('\n')}\n${body.join('\n')}\n</svg>\n`;
}

/** A line chart of one or more series. */
export function linePlotSvg(o: LinePlotOptions): string {
  if (!Array.isArray(o.series) || o.series.length === 0) throw new Error('linePlotSvg: at least one series is needed');
  const tr = (v: number) => (o.logY ? (v > 0 ? Math.log10(v) : NaN) : v);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of o.series) {
    if (s.x && s.x.length !== s.y.length) throw new Error(`linePlotSvg: series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values`);
    for (let i = 0; i < s.y.length; i++) {
      xs.push(s.x ? s.x[i] : i);
      ys.push(tr(s.y[i]));
    }
  }
  const xr = o.xRange ?? range(xs, [0, 1]);
  const yr = o.yRange ? (o.logY ? ([Math.log10(o.yRange[0]), Math.log10(o.yRange[1])] as [number, number]) : o.yRange) : range(ys, [0, 1]);
  let yTicks: number[];
  let yLab: (v: number) => string;
  if (o.logY) {
    const lo = Math.floor(yr[0]);
    const hi = Math.ceil(yr[1]);
    yTicks = [];
    const span = hi - lo;
    for (let e = lo; e <= hi; e++) {
      yTicks.push(e);
      if (span <= 2) for (const m of [2, 5]) yTicks.push(e + Math.log10(m));
    }
    yLab = (v) => fmt(10 ** v);
  } else {
    yTicks = niceTicks(yr[0], yr[1]);
    yLab = fmt;
  }
  const f = frame(o, xr, yr, yLab, yTicks, niceTicks(xr[0], xr[1], 8));
  const body: string[] = [];
  const clipId = 'plotarea';
  body.push(`<clipPath id="${clipId}"><rect x="${f.left}" y="${f.top}" width="${f.W - f.left - f.right}" height="${f.H - f.top - f.bottom}"/></clipPath>`);
  o.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    let d = '';
    let pen = false;
    for (let i = 0; i < s.y.length; i++) {
      const x = s.x ? s.x[i] : i;
      const y = tr(s.y[i]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${f.sx(x).toFixed(1)},${f.sy(y).toFixed(1)}`;
      pen = true;
    }
    if (d) {
      body.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.width ?? 1.5}" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="5,3"' : ''} clip-path="url(#${clipId})"/>`);
    }
    if (s.markers) {
      const dots: string[] = [];
      for (let i = 0; i < s.y.length; i++) {
        const x = s.x ? s.x[i] : i;
        const y = tr(s.y[i]);
        if (Number.isFinite(x) && Number.isFinite(y)) dots.push(`<circle cx="${f.sx(x).toFixed(1)}" cy="${f.sy(y).toFixed(1)}" r="${(s.width ?? 1.5) + 1.5}"/>`);
      }
      body.push(`<g fill="${color}" clip-path="url(#${clipId})">${dots.join('')}</g>`);
    }
  });
  if (o.legend ?? o.series.length > 1) legend(f, o.series.map((s, k) => ({ name: s.name, color: s.color ?? PALETTE[k % PALETTE.length], dashed: s.dashed })));
  return wrap(f, body);
}

/** Points of an nSigma ellipse of a 2×2 covariance, as an SVG path in data coordinates mapped by sx/sy. */
function ellipsePath(e: Ellipse, sx: (x: number) => number, sy: (y: number) => number): string {
  const [a, b, c] = e.cov;
  if (![a, b, c, e.cx, e.cy].every(Number.isFinite)) throw new Error('scatterPlotSvg: ellipse with non-finite centre or covariance');
  if (a < 0 || c < 0 || a * c - b * b < -1e-12 * Math.max(1, a * c)) throw new Error(`scatterPlotSvg: ellipse covariance [${a}, ${b}, ${c}] is not positive semi-definite`);
  const tr = (a + c) / 2;
  const det = Math.sqrt(Math.max(0, ((a - c) / 2) ** 2 + b * b));
  const l1 = Math.max(0, tr + det);
  const l2 = Math.max(0, tr - det);
  const th = 0.5 * Math.atan2(2 * b, a - c);
  const k = e.nSigma ?? 2;
  const r1 = k * Math.sqrt(l1);
  const r2 = k * Math.sqrt(l2);
  let d = '';
  for (let i = 0; i <= 64; i++) {
    const t = (2 * Math.PI * i) / 64;
    const u = r1 * Math.cos(t);
    const v = r2 * Math.sin(t);
    const x = e.cx + u * Math.cos(th) - v * Math.sin(th);
    const y = e.cy + u * Math.sin(th) + v * Math.cos(th);
    d += `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
  }
  return d + 'Z';
}

/** A scatter plot of point sets, with optional covariance ellipses (e.g. GMM components). */
export function scatterPlotSvg(o: ScatterPlotOptions): string {
  if (!Array.isArray(o.series)) throw new Error('scatterPlotSvg: series must be an array');
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of o.series) {
    for (let i = 0; i < s.points.length; i++) {
      xs.push(s.points[i][0]);
      ys.push(s.points[i][1]);
    }
  }
  for (const e of o.ellipses ?? []) {
    const k = e.nSigma ?? 2;
    const rx = k * Math.sqrt(Math.max(0, e.cov[0]));
    const ry = k * Math.sqrt(Math.max(0, e.cov[2]));
    xs.push(e.cx - rx, e.cx + rx);
    ys.push(e.cy - ry, e.cy + ry);
  }
  let xr = o.xRange ?? range(xs, [0, 1]);
  let yr = o.yRange ?? range(ys, [0, 1]);
  const W = o.width ?? 640;
  const H = o.height ?? 400;
  if (o.equalAspect && !o.xRange && !o.yRange) {
    const pw = W - 90;
    const ph = H - (o.title ? 36 : 16) - (o.xLabel ? 52 : 32);
    const upp = Math.max((xr[1] - xr[0]) / pw, (yr[1] - yr[0]) / ph);
    const cx = (xr[0] + xr[1]) / 2;
    const cy = (yr[0] + yr[1]) / 2;
    xr = [cx - (upp * pw) / 2, cx + (upp * pw) / 2];
    yr = [cy - (upp * ph) / 2, cy + (upp * ph) / 2];
  }
  const f = frame(o, xr, yr, fmt, niceTicks(yr[0], yr[1]), niceTicks(xr[0], xr[1], 8));
  const body: string[] = [];
  body.push(`<clipPath id="plotarea"><rect x="${f.left}" y="${f.top}" width="${f.W - f.left - f.right}" height="${f.H - f.top - f.bottom}"/></clipPath>`);
  o.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const r = s.radius ?? 2;
    const dots: string[] = [];
    for (let i = 0; i < s.points.length; i++) {
      const [x, y] = s.points[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      dots.push(`<circle cx="${f.sx(x).toFixed(1)}" cy="${f.sy(y).toFixed(1)}" r="${r}"/>`);
    }
    body.push(`<g fill="${color}" fill-opacity="${s.opacity ?? 0.7}" clip-path="url(#plotarea)">${dots.join('')}</g>`);
  });
  (o.ellipses ?? []).forEach((e, k) => {
    body.push(`<path d="${ellipsePath(e, f.sx, f.sy)}" fill="none" stroke="${e.color ?? PALETTE[k % PALETTE.length]}" stroke-width="${e.width ?? 1.5}" clip-path="url(#plotarea)"/>`);
  });
  if (o.legend ?? o.series.length > 1) legend(f, o.series.map((s, k) => ({ name: s.name, color: s.color ?? PALETTE[k % PALETTE.length] })));
  return wrap(f, body);
}

/** Renders an SVG string to a PNG buffer (sharp/librsvg). `scale` multiplies the resolution (default 1). */
export async function svgToPng(svg: string, scale = 1): Promise<Buffer> {
  if (typeof svg !== 'string' || !svg.includes('<svg')) throw new Error('svgToPng: the input is not an SVG document');
  if (!(scale > 0)) throw new Error(`svgToPng: scale must be > 0, got ${scale}`);
  return sharp(Buffer.from(svg), { density: 72 * scale }).flatten({ background: '#ffffff' }).png({ compressionLevel: 9 }).toBuffer();
}
